#pragma once
// Shell-glob patterns (fnmatch): `match:` in the desired state (config/ checks
// them, plan/ matches live service names with them).

#include <string>
#include <string_view>

namespace swarmform {

/// True when `pattern` is a well-formed shell glob (`*`, `?`, `[...]`); else
/// false with the reason in *why (an unclosed '[', an empty class, a trailing '\').
bool valid_glob(std::string_view pattern, std::string* why);

/// Whether `name` matches `pattern` (fnmatch semantics, no special '/').
bool glob_matches(const std::string& pattern, const std::string& name);

}  // namespace swarmform
