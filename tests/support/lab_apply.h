#pragma once
// `swarmform apply` on the lab in the background, interrupted at a chosen
// point, over services made for the purpose.

#include <string>
#include <vector>

#include "support/lab_state.h"

namespace swarmform::testing {

/// Services on kvm4, one task each, with a CPU limit of 0.5: the desired
/// state lowers the first `lower` of them to 0.25 (the first wave: they only
/// free capacity) and raises the next `raise` to 0.75 (the last wave).  Names
/// are unique_name(TAG-a), TAG-b, ...; the services and the desired state's
/// directory (`dir`) are removed when it goes out of scope.
struct LabServices {
  LabServices(const Lab& lab, const std::string& tag, int lower, int raise = 0);
  ~LabServices();
  LabServices(const LabServices&) = delete;
  LabServices& operator=(const LabServices&) = delete;

  /// The CPU limit of names[i] as the CLI prints it.
  [[nodiscard]] std::string nano_cpus(const Lab& lab, size_t i) const {
    return cpu_limit_of(lab, names[i]);
  }

  std::vector<std::string> names;
  ServiceCleanup cleanup;
  std::string dir;
};

/// Runs `script` with bash (written to DIR/run.sh); returns the number it echoes last.
int run_script(const std::string& dir, const std::string& script);

/// The shell words that run apply of a directory (appended) with `env`
/// ("K=V ") and `args` (each followed by a space) from the source tree.
std::string apply_command(const std::string& env = "", const std::string& args = "");

/// How apply_until starts apply and how long it looks for the marker.
struct ApplyUntil {
  std::string env;   ///< "K=V " words before the command
  std::string args;  ///< further apply options, each followed by a space
  int polls = 600;   ///< looks for the marker this many times, 50 ms apart
};

/// Starts apply of `dir` (--auto-approve --parallelism 1) in the background
/// (output to DIR/out), waits until the output contains `marker`, then runs
/// `then` (shell text; $pid is the apply's); returns the apply's exit code.
int apply_until(const std::string& dir, const std::string& marker, const std::string& then,
                const ApplyUntil& how = {});

/// The next apply of `dir` succeeds and leaves nothing to do.
void expect_next_apply_converges(const std::string& dir);

}  // namespace swarmform::testing
