#include "reconciler/config/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "reconciler/config/suggest.h"

namespace swarmform::config {
namespace {

/// Keys a map of known keys (a service, a host, the top level) may hold, known
/// or not: the largest such map has 11 keys.
constexpr size_t kMaxKeysPerMap = 1000;

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

std::string where(const model::Location& l) {
  return l.file + ":" + std::to_string(l.line) + ":" + std::to_string(l.column);
}

void YamlReader::for_each_key(const Entry& map, const std::vector<std::string>& allowed, const std::string& what,
                              const std::function<void(const std::string&, const Entry&)>& visit) {
  if (!map.value->is_map()) {
    error(map, what + " must be a map of keys (" + join(allowed) + "), not " + kind(map.value));
    return;
  }
  // These maps hold a handful of known keys; more than kMaxKeysPerMap is not
  // a typo but a generated file, refused at once instead of one error per key.
  if (map.value->entries.size() > kMaxKeysPerMap) {
    error(map, what + " has " + std::to_string(map.value->entries.size()) + " keys; it takes at most " +
                   std::to_string(allowed.size()) + " (" + join(allowed) + ")");
    return;
  }
  // The first place of each key, to report one given twice: a scan of the
  // keys before it while they are few, hashed beyond, so that many keys
  // cost linear time rather than quadratic.
  constexpr size_t kScanned = 16;
  const auto& entries = map.value->entries;
  std::unordered_map<std::string_view, const yaml::NodePtr*> seen;
  if (entries.size() > kScanned) seen.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry e{map.file, entries[i].first, entries[i].second};
    if (!e.key->is_scalar()) {
      diags_.error(e.key_location(), "keys in " + what + " must be plain names");
      continue;
    }
    const std::string& key = e.key->scalar;
    const yaml::NodePtr* first = nullptr;
    if (entries.size() <= kScanned) {
      for (size_t j = 0; j < i && first == nullptr; ++j) {
        if (entries[j].first->is_scalar() && entries[j].first->scalar == key) first = &entries[j].first;
      }
    } else if (auto [prev, fresh] = seen.emplace(key, &entries[i].first); !fresh) {
      first = prev->second;
    }
    if (first != nullptr) {
      diags_.error(e.key_location(), "key '" + key + "' in " + what + " is defined twice (first at " +
                                         where(location_of(map.file, *first)) + ")");
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      diags_.error(e.key_location(), "unknown key '" + key + "' in " + what + did_you_mean(key, allowed));
      continue;
    }
    visit(key, e);
  }
}

std::optional<std::string> YamlReader::string(const Entry& e, const std::string& what) {
  if (!e.value->is_scalar() || e.value->scalar.empty()) {
    error(e, what + " must be a non-empty string, not " + kind(e.value));
    return std::nullopt;
  }
  return e.value->scalar;
}

std::optional<bool> YamlReader::boolean(const Entry& e, const std::string& what) {
  if (e.value->is_scalar() && e.value->plain) {
    if (e.value->scalar == "true") return true;
    if (e.value->scalar == "false") return false;
  }
  error(e, what + " must be true or false, not " + kind(e.value));
  return std::nullopt;
}

std::optional<uint64_t> YamlReader::count(const Entry& e, const std::string& what, uint64_t max) {
  uint64_t v = 0;
  if (e.value->is_scalar() && e.value->plain) {
    const std::string& s = e.value->scalar;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc{} && end == s.data() + s.size() && !s.empty() && v <= max) return v;
  }
  error(e, what + " must be a whole number from 0 to " + std::to_string(max) + ", not " + kind(e.value));
  return std::nullopt;
}

std::optional<int64_t> YamlReader::quantity(const Entry& e, const std::string& what,
                                            const std::function<Result<int64_t>(std::string_view)>& parse) {
  if (!e.value->is_scalar()) {
    error(e, what + " must be a single value, not " + kind(e.value));
    return std::nullopt;
  }
  auto r = parse(e.value->scalar);
  if (!r) {
    error(e, what + ": " + r.error().message);
    return std::nullopt;
  }
  return *r;
}

std::optional<std::map<std::string, std::string>> YamlReader::string_map(const Entry& e, const std::string& what) {
  if (!e.value->is_map()) {
    error(e, what + " must be a map of names to strings, not " + kind(e.value));
    return std::nullopt;
  }
  std::map<std::string, std::string> out;
  bool ok = true;
  for (const auto& [k, v] : e.value->entries) {
    Entry item{e.file, k, v};
    if (!k->is_scalar() || !v->is_scalar()) {
      diags_.error(item.key_location(), what + " entries must be name: value strings");
      ok = false;
      continue;
    }
    if (!out.emplace(k->scalar, v->scalar).second) {
      diags_.error(item.key_location(), "'" + k->scalar + "' appears twice in " + what);
      ok = false;
    }
  }
  return ok ? std::optional(out) : std::nullopt;
}

std::optional<std::vector<std::string>> YamlReader::string_list(const Entry& e, const std::string& what) {
  if (e.value->is_scalar()) return std::vector<std::string>{e.value->scalar};
  if (!e.value->is_sequence()) {
    error(e, what + " must be a list of strings, not " + kind(e.value));
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const yaml::NodePtr& item : e.value->items) {
    if (!item->is_scalar()) {
      diags_.error(location_of(e.file, item), what + " items must be strings, not " + kind(item));
      return std::nullopt;
    }
    out.push_back(item->scalar);
  }
  return out;
}

std::string YamlReader::path(const std::string& p) const {
  if (p.starts_with("~/") && !options_.home.empty()) return options_.home + p.substr(1);
  if (p.starts_with("/") || p.starts_with("~")) return p;
  return options_.base_dir == "." ? p : options_.base_dir + "/" + p;
}

std::string YamlReader::kind(const yaml::NodePtr& n) {
  if (n->is_map()) return "a map";
  if (n->is_sequence()) return "a list";
  if (n->is_null()) return "empty";
  return "'" + n->scalar + "'";
}

}  // namespace swarmform::config
