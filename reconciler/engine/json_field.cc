#include "reconciler/engine/json_field.h"

#include <fmt/format.h>

#include <limits>

namespace swarmform::engine {

std::unexpected<Error> JsonField::type_error(std::string_view expected) const {
  return fail(fmt::format("{}: expected {}", path_, expected));
}

Result<JsonField> JsonField::at(std::initializer_list<std::string_view> keys) const {
  JsonField f = *this;
  for (std::string_view key : keys) {
    std::string path = fmt::format("{}.{}", f.path_, key);
    if (!f.present()) {
      f = JsonField(nullptr, std::move(path));
      continue;
    }
    if (!f.value_->is_object()) return f.type_error("an object");
    auto it = f.value_->find(key);
    f = JsonField(it == f.value_->end() ? nullptr : &*it, std::move(path));
  }
  return f;
}

Result<JsonField> JsonField::required() const {
  if (!present()) return fail(path_ + ": missing");
  return *this;
}

Result<std::string> JsonField::string(std::string_view fallback) const {
  if (!present()) return std::string(fallback);
  if (!value_->is_string()) return type_error("a string");
  return value_->get<std::string>();
}

Result<int64_t> JsonField::int64(int64_t fallback) const {
  if (!present()) return fallback;
  if (!value_->is_number()) return type_error("a number");
  if (!value_->is_number_integer()) return type_error("a whole number");
  if (value_->is_number_unsigned() &&
      value_->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return type_error("a number below 2^63");
  }
  return value_->get<int64_t>();
}

Result<uint64_t> JsonField::uint64(uint64_t fallback) const {
  if (!present()) return fallback;
  if (!value_->is_number()) return type_error("a number");
  if (!value_->is_number_integer()) return type_error("a whole number");
  if (!value_->is_number_unsigned() && value_->get<int64_t>() < 0) {
    return type_error("a non-negative number");
  }
  return value_->get<uint64_t>();
}

Result<std::map<std::string, std::string>> JsonField::string_map() const {
  std::map<std::string, std::string> out;
  if (!present()) return out;
  if (!value_->is_object()) return type_error("an object");
  for (const auto& [key, value] : value_->items()) {
    if (!value.is_string()) return fail(fmt::format("{}.{}: expected a string", path_, key));
    out.emplace(key, value.get<std::string>());
  }
  return out;
}

Result<std::vector<std::string>> JsonField::strings() const {
  std::vector<std::string> out;
  SF_TRY_ASSIGN(std::vector<JsonField> items, elements());
  for (const auto& item : items) {
    if (!item.present()) return item.type_error("a string");
    SF_TRY_ASSIGN(std::string s, item.string());
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<JsonField>> JsonField::elements() const {
  std::vector<JsonField> out;
  if (!present()) return out;
  if (!value_->is_array()) return type_error("an array");
  out.reserve(value_->size());
  for (std::size_t i = 0; i < value_->size(); ++i) {
    out.emplace_back(&(*value_)[i], fmt::format("{}[{}]", path_, i));
  }
  return out;
}

Result<std::string> JsonField::string_at(std::initializer_list<std::string_view> keys,
                                         std::string_view fallback) const {
  SF_TRY_ASSIGN(JsonField f, at(keys));
  return f.string(fallback);
}

Result<int64_t> JsonField::int64_at(std::initializer_list<std::string_view> keys) const {
  SF_TRY_ASSIGN(JsonField f, at(keys));
  return f.int64();
}

Result<uint64_t> JsonField::uint64_at(std::initializer_list<std::string_view> keys) const {
  SF_TRY_ASSIGN(JsonField f, at(keys));
  return f.uint64();
}

}  // namespace swarmform::engine
