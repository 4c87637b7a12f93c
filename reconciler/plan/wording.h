#pragma once
// How quantities and lists read in plan fields and findings.

#include <cstdint>
#include <string>
#include <vector>

namespace swarmform::plan {

/// model::memory_readable, marked "~" when it is not the exact value
/// ("~15.6GiB" rather than "16357232KiB"), for what nodes report and what is
/// measured (a VPS's MemTotal is never a round number).
std::string approx_memory(int64_t bytes);
/// "17163091968 bytes against 17179869184 declared" when a declared memory
/// capacity and the node's real memory read the same in model::memory_readable
/// ("16GiB") but differ; "" otherwise.  Wherever the two are compared, so
/// that a mismatch (CPUs differ, say) never reads as equal memory.
std::string exact_memory_when_close(int64_t declared, int64_t real);
/// "a, b, c".
std::string join(const std::vector<std::string>& items, const std::string& separator = ", ");
/// "1 task", "2 tasks".
std::string plural(uint64_t n, const std::string& one, const std::string& many);

}  // namespace swarmform::plan
