#include "reconciler/engine/query.h"

#include <nlohmann/json.hpp>

namespace swarmform::engine {

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    bool unreserved = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') ||
                      u == '-' || u == '_' || u == '.' || u == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0x0F];
    }
  }
  return out;
}

std::string filters_query(const Filters& filters) {
  if (filters.empty()) return {};
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, values] : filters) {
    nlohmann::json accepted = nlohmann::json::object();
    for (const auto& v : values) accepted[v] = true;
    j[name] = std::move(accepted);
  }
  return "filters=" + url_encode(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace swarmform::engine
