#pragma once
// How quantities and lists read in plan fields and findings.

#include <cstdint>
#include <string>
#include <vector>

namespace swarmform::plan {

/// format_memory when it is exact; else about one decimal ("~15.6GiB"), for
/// what nodes report (a VPS's MemTotal is never a round number).
std::string approx_memory(int64_t bytes);
/// "a, b, c".
std::string join(const std::vector<std::string>& items, const std::string& separator = ", ");
/// "1 task", "2 tasks".
std::string plural(uint64_t n, const std::string& one, const std::string& many);

}  // namespace swarmform::plan
