#pragma once
// Access to the real two-node lab (tests/lab/up.sh) from tests.  A test that
// needs the lab calls SF_REQUIRE_LAB(lab); when the lab is not up the test is
// reported as SKIPPED with the reason, never as passed.

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "support/process.h"

namespace swarmform::testing {

/// The lab's env file, parsed (keys as written by tests/lab/up.sh).
struct Lab {
  std::map<std::string, std::string> env;
  [[nodiscard]] const std::string& get(const std::string& key) const;
  [[nodiscard]] int port(const std::string& key) const { return std::stoi(get(key)); }
};

/// Loads $SWARMFORM_LAB_ENV, else $SWARMFORM_LAB_DIR/lab.env, else
/// /tmp/swarmform-lab/lab.env.  On failure returns the reason.
std::optional<Lab> load_lab(std::string* why_not);

/// The ed25519 host key fingerprint ("SHA256:...") the lab's sshd at `port`
/// presents, as OpenSSH (ssh-keyscan | ssh-keygen -lf) computes it.
std::string server_fingerprint(const Lab& lab, int port);

/// True when SWARMFORM_REQUIRE_LAB=1 (the test command sets it once the lab
/// is up): then a missing lab fails the test instead of skipping it.
bool lab_required();

}  // namespace swarmform::testing

#define SF_REQUIRE_LAB(var)                                                       \
  std::string sf_lab_why_;                                                        \
  auto sf_lab_opt_ = ::swarmform::testing::load_lab(&sf_lab_why_);                \
  if (!sf_lab_opt_ && ::swarmform::testing::lab_required())                       \
    FAIL() << "LAB REQUIRED (SWARMFORM_REQUIRE_LAB=1) BUT NOT AVAILABLE: " << sf_lab_why_; \
  if (!sf_lab_opt_) GTEST_SKIP() << "LAB NOT AVAILABLE: " << sf_lab_why_;          \
  const ::swarmform::testing::Lab& var = *sf_lab_opt_
