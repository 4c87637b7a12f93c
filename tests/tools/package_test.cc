// The Debian package (cmake/Packaging.cmake) as a user gets it: the .deb of
// the Release build scripts/test.sh makes (build-release/swarmform_<version>_<arch>.deb,
// or $SWARMFORM_DEB), read with dpkg-deb: its files, its Depends (computed
// by dpkg-shlibdeps: the run-time libraries, never a -dev package), no
// maintainer script (the systemd units are installed, not enabled), and the
// binary extracted from it running `--version` (the source tree's commit) and
// `validate` on an example.  Skipped without a package unless the test
// command asks for it (SWARMFORM_REQUIRE_PACKAGE=1): then a missing package fails.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/git_repo.h"
#include "support/process.h"

namespace swarmform {
namespace {

namespace fs = std::filesystem;
using testing::read_text;
using testing::run_command;
using testing::run_swarmform;
using testing::shell_quote;
using testing::TempDir;

/// The package to check: $SWARMFORM_DEB, else the Release build's of this
/// version; "" when there is none.
std::string package_path() {
  if (const char* env = std::getenv("SWARMFORM_DEB"); env != nullptr && *env != '\0') return env;
  const fs::path dir = fs::path(SWARMFORM_SOURCE_DIR) / "build-release";
  const std::string prefix = std::string("swarmform_") + SWARMFORM_VERSION + "_";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(prefix) && name.ends_with(".deb")) return entry.path().string();
  }
  return "";
}

class Package : public ::testing::Test {
 protected:
  void SetUp() override {
    deb_ = package_path();
    const char* require = std::getenv("SWARMFORM_REQUIRE_PACKAGE");
    const bool required = require != nullptr && std::string(require) == "1";
    if (deb_.empty() || !fs::exists(deb_)) {
      if (required) FAIL() << "no package: scripts/test.sh builds it (cmake --build build-release --target package)";
      GTEST_SKIP() << "SKIPPED LOUDLY: no package in build-release/ (cmake --build build-release --target package)";
    }
    int status = -1;
    run_command("command -v dpkg-deb >/dev/null", &status);
    if (status != 0) {
      if (required) FAIL() << "dpkg-deb is needed to read the package";
      GTEST_SKIP() << "SKIPPED LOUDLY: dpkg-deb is needed to read the package";
    }
  }

  /// stdout of `dpkg-deb ARGS DEB`; a failure fails the test.
  std::string dpkg_deb(const std::string& args) {
    int status = -1;
    std::string out = run_command("dpkg-deb " + args + " " + shell_quote(deb_) + " 2>&1", &status);
    EXPECT_EQ(status, 0) << "dpkg-deb " << args << ": " << out;
    return out;
  }

  /// The package's paths, "/usr/bin/swarmform" (directories end in '/').
  std::set<std::string> files() {
    std::set<std::string> paths;
    std::istringstream listing(dpkg_deb("--contents"));
    for (std::string line; std::getline(listing, line);) {
      // "-rwxr-xr-x root/root 123 2026-12-01 11:00 ./usr/bin/swarmform"
      const size_t at = line.find(" ./");
      if (at == std::string::npos) continue;
      std::string path = line.substr(at + 2);
      if (const size_t arrow = path.find(" -> "); arrow != std::string::npos) path.resize(arrow);
      paths.insert(path);
    }
    return paths;
  }

  std::string deb_;
};

TEST_F(Package, IsNamedForItsVersionAndArchitecture) {
  const std::string arch = run_command("dpkg --print-architecture | tr -d '\\n'");
  EXPECT_EQ(fs::path(deb_).filename().string(), std::string("swarmform_") + SWARMFORM_VERSION + "_" + arch + ".deb");
  const std::string control = dpkg_deb("--field");
  EXPECT_NE(control.find("Package: swarmform\n"), std::string::npos) << control;
  EXPECT_NE(control.find(std::string("Version: ") + SWARMFORM_VERSION + "\n"), std::string::npos) << control;
  EXPECT_NE(control.find("Architecture: " + arch + "\n"), std::string::npos) << control;
}

TEST_F(Package, HoldsTheBinaryManPageCompletionSchemasDocsAndUnits) {
  const std::set<std::string> paths = files();
  for (const std::string expected : {
           "/usr/bin/swarmform",
           "/usr/share/man/man1/swarmform.1.gz",
           "/usr/share/bash-completion/completions/swarmform",
           "/usr/share/swarmform/schemas/desired-state.schema.json",
           "/usr/share/swarmform/schemas/plan.schema.json",
           "/usr/share/swarmform/schemas/usage.schema.json",
           "/usr/share/doc/swarmform/copyright",
           "/usr/share/doc/swarmform/changelog.gz",
           "/usr/share/doc/swarmform/examples/ci/github-actions.yml",
           "/usr/share/doc/swarmform/examples/ci/gitlab-ci.yml",
           "/usr/share/doc/swarmform/examples/ci/drift.cron",
           "/usr/share/doc/swarmform/examples/systemd/swarmform-agent.service",
           "/usr/share/doc/swarmform/examples/systemd/swarmform.env",
           "/usr/share/doc/swarmform/examples/kvm/services.yaml",
           "/usr/share/doc/swarmform/examples/kvm-balanced/services.yaml",
           "/usr/lib/systemd/system/swarmform-agent.service",
           "/usr/lib/systemd/system/swarmform-drift.service",
           "/usr/lib/systemd/system/swarmform-drift.timer",
       }) {
    EXPECT_TRUE(paths.contains(expected)) << expected << " is not in the package";
  }
  // Installed, not enabled: no unit linked into a target's .wants, nothing in /etc.
  for (const auto& p : paths) {
    EXPECT_EQ(p.find(".wants/"), std::string::npos) << p;
    EXPECT_FALSE(p.starts_with("/etc/")) << p;
    EXPECT_FALSE(p.starts_with("/usr/local/")) << p;
  }
}

TEST_F(Package, HasNoMaintainerScriptSoNoUnitIsEnabled) {
  TempDir control("sf-deb-control");
  int status = -1;
  const std::string out =
      run_command("dpkg-deb --control " + shell_quote(deb_) + " " + shell_quote(control.path()) + " 2>&1", &status);
  ASSERT_EQ(status, 0) << out;
  for (const char* script : {"preinst", "postinst", "prerm", "postrm"}) {
    EXPECT_FALSE(fs::exists(control / script)) << script << ":\n" << read_text(control / script);
  }
}

TEST_F(Package, DependsOnTheRuntimeLibrariesAsDpkgShlibdepsFoundThem) {
  int status = -1;
  const std::string depends =
      run_command("dpkg-deb --field " + shell_quote(deb_) + " Depends 2>&1", &status);
  ASSERT_EQ(status, 0) << depends;
  // "libc6 (>= 2.34), libcurl4 (>= 7.16.2), libgit2-1.5 (>= 1.5.0), ..." -> names
  std::vector<std::string> names;
  std::istringstream list(depends);
  for (std::string item; std::getline(list, item, ',');) {
    item.erase(0, item.find_first_not_of(" \n"));
    names.push_back(item.substr(0, item.find_first_of(" (\n|")));
  }
  auto has_prefix = [&](const std::string& prefix) {
    return std::ranges::any_of(names, [&](const std::string& n) { return n.starts_with(prefix); });
  };
  for (const char* library : {"libc6", "libstdc++6", "libssh2-1", "libgit2-", "libyaml-0-", "libsqlite3-", "libcurl",
                              "libssl", "libhttp-parser"}) {
    EXPECT_TRUE(has_prefix(library)) << library << " is not in Depends: " << depends;
  }
  for (const auto& n : names) {
    EXPECT_FALSE(n.ends_with("-dev")) << n << " in Depends: " << depends;
  }
  // Versions came from the libraries' shlibs/symbols files, not typed by hand.
  EXPECT_NE(depends.find("libc6 (>= "), std::string::npos) << depends;
}

TEST_F(Package, ItsBinaryRunsVersionAndValidateWhenExtracted) {
  TempDir root("sf-deb-root");
  int status = -1;
  const std::string out =
      run_command("dpkg-deb -x " + shell_quote(deb_) + " " + shell_quote(root.path()) + " 2>&1", &status);
  ASSERT_EQ(status, 0) << out;
  const std::string binary = root / "usr/bin/swarmform";
  ASSERT_TRUE(fs::exists(binary));

  // Built from this tree, at this commit: what the developer build says.
  const std::string version = run_command(shell_quote(binary) + " --version 2>&1", &status);
  EXPECT_EQ(status, 0) << version;
  EXPECT_NE(version.find(" (commit "), std::string::npos) << version;
  EXPECT_EQ(version.find("(commit unknown)"), std::string::npos) << version;
  EXPECT_EQ(version, run_swarmform({"--version"}).out)
      << "the package is not of this tree's commit: build it again (cmake --build build-release --target package)";

  const std::string valid = run_command("NO_COLOR=1 " + shell_quote(binary) + " validate -C " +
                                            shell_quote(root / "usr/share/doc/swarmform/examples/kvm-balanced") + " 2>&1",
                                        &status);
  EXPECT_EQ(status, 0) << valid;
  EXPECT_NE(valid.find("Valid"), std::string::npos) << valid;

  // The packaged units run the packaged binary.
  const std::string unit = read_text(root / "usr/lib/systemd/system/swarmform-agent.service");
  EXPECT_NE(unit.find("ExecStart=/usr/bin/swarmform agent"), std::string::npos) << unit;
  EXPECT_EQ(unit.find("/usr/local/bin"), std::string::npos) << unit;

  // The man page is the generated one, with a section per command.
  const std::string man = run_command("gzip -dc " + shell_quote(root / "usr/share/man/man1/swarmform.1.gz"));
  EXPECT_TRUE(man.starts_with(".\\\" Generated by `swarmform __man`")) << man.substr(0, 200);
  for (const char* command : {"validate", "plan", "apply", "drift", "agent"}) {
    EXPECT_NE(man.find(std::string(".SS \"swarmform ") + command + "\""), std::string::npos) << command;
  }
  // The changelog is the project's, as one entry of a Debian changelog (what
  // dpkg-parsechangelog reads) for this version.
  const std::string changelog_gz = root / "usr/share/doc/swarmform/changelog.gz";
  const std::string changelog = run_command("gzip -dc " + shell_quote(changelog_gz));
  EXPECT_TRUE(changelog.starts_with(std::string("swarmform (") + SWARMFORM_VERSION + ") unstable; urgency=medium\n"))
      << changelog.substr(0, 200);
  std::istringstream project(read_text(SWARMFORM_SOURCE_DIR "/CHANGELOG.md"));
  for (std::string line; std::getline(project, line);) {
    if (!line.empty()) {
      EXPECT_NE(changelog.find("\n  " + line + "\n"), std::string::npos) << line;
    }
  }
  int parsed = -1;
  const std::string fields = run_command("gzip -dc " + shell_quote(changelog_gz) +
                                             " | dpkg-parsechangelog -l - -S Version 2>&1",
                                         &parsed);
  EXPECT_EQ(parsed, 0) << fields;
  EXPECT_EQ(fields, std::string(SWARMFORM_VERSION) + "\n");
}

TEST_F(Package, LintianReportsNoError) {
  int status = -1;
  run_command("command -v lintian >/dev/null", &status);
  if (status != 0) GTEST_SKIP() << "SKIPPED LOUDLY: lintian is needed (scripts/deps.sh installs it)";
  // Warnings that remain are explained where the package is made (cmake/Packaging.cmake).
  const std::string out = run_command("lintian --fail-on error " + shell_quote(deb_) + " 2>&1", &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_EQ(out.find("\nE: "), std::string::npos) << out;
  EXPECT_FALSE(out.starts_with("E: ")) << out;
}

}  // namespace
}  // namespace swarmform
