#include "reconciler/plan/json_reader.h"

#include <limits>

namespace swarmform::plan {

Error JsonReader::error(const std::string& message) const {
  return Error{ErrorKind::failed, (path_.empty() ? std::string("plan") : path_) + ": " + message,
               0};
}

Result<std::optional<JsonReader>> JsonReader::optional_field(const std::string& key) const {
  if (!json_->is_object()) return fail(error("expected an object"));
  auto it = json_->find(key);
  if (it == json_->end() || it->is_null()) return std::optional<JsonReader>{};
  return std::optional<JsonReader>{JsonReader(*it, path_.empty() ? key : path_ + "." + key)};
}

Result<JsonReader> JsonReader::field(const std::string& key) const {
  SF_TRY_ASSIGN(std::optional<JsonReader> f, optional_field(key));
  if (!f)
    return fail(
        Error{ErrorKind::failed, (path_.empty() ? key : path_ + "." + key) + ": missing", 0});
  return *f;
}

Result<std::string> JsonReader::string() const {
  if (!json_->is_string()) return fail(error("expected a string"));
  return json_->get<std::string>();
}

Result<bool> JsonReader::boolean() const {
  if (!json_->is_boolean()) return fail(error("expected true or false"));
  return json_->get<bool>();
}

Result<uint64_t> JsonReader::uint64() const {
  if (!json_->is_number_unsigned()) return fail(error("expected an unsigned integer"));
  return json_->get<uint64_t>();
}

Result<int64_t> JsonReader::non_negative() const {
  SF_TRY_ASSIGN(uint64_t n, uint64());
  if (n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    return fail(error("too large"));
  return static_cast<int64_t>(n);
}

Result<std::vector<JsonReader>> JsonReader::elements() const {
  if (!json_->is_array()) return fail(error("expected an array"));
  std::vector<JsonReader> out;
  for (size_t i = 0; i < json_->size(); ++i) {
    out.emplace_back((*json_)[i], path_ + "[" + std::to_string(i) + "]");
  }
  return out;
}

Result<std::vector<std::string>> JsonReader::strings() const {
  SF_TRY_ASSIGN(std::vector<JsonReader> items, elements());
  std::vector<std::string> out;
  for (const auto& item : items) {
    SF_TRY_ASSIGN(std::string s, item.string());
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::map<std::string, std::string>> JsonReader::string_map() const {
  if (!json_->is_object()) return fail(error("expected an object"));
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : json_->items()) {
    if (!value.is_string())
      return fail(JsonReader(value, path_ + "." + key).error("expected a string"));
    out[key] = value.get<std::string>();
  }
  return out;
}

}  // namespace swarmform::plan
