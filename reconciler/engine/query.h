#pragma once
// Query strings for Engine API calls.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace swarmform::engine {

/// Engine list filters: name -> accepted values, e.g. {"service": {"web"},
/// "desired-state": {"running"}}.
using Filters = std::map<std::string, std::vector<std::string>>;

/// Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_encode(std::string_view s);

/// "filters=<url-encoded JSON>" in the engine's {"name":{"value":true}} form,
/// or "" for no filters.
std::string filters_query(const Filters& filters);

}  // namespace swarmform::engine
