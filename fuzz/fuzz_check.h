#pragma once
// A property a fuzz target checks beyond the sanitizers: on failure it says
// which and aborts, so libFuzzer saves the input as a crash.

#include <cstdio>
#include <cstdlib>
#include <string>

namespace swarmform::fuzz {

[[noreturn]] inline void broken(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "fuzz property broken: %s%s%s\n", what, detail.empty() ? "" : ": ",
               detail.c_str());
  std::abort();
}

}  // namespace swarmform::fuzz
