#!/usr/bin/env bash
# The whole test suite, from a fresh clone on Debian 12, as root (what CI runs):
#   1. installs the Debian packages it needs (scripts/deps.sh),
#   2. builds the developer build (warnings are errors),
#   3. starts the two-node lab swarm (tests/lab/up.sh) and stops it at the end,
#   4. runs every test (ctest: labels unit, tools and lab) while the
#      ASan+UBSan build compiles, then runs them again in that build while the
#      fuzz targets and the Debian package of a Release build
#      (build-release/*.deb) compile,
#   5. runs the package's tests (tools' Package.*, the lab's AgentStack.*),
#   6. runs each libFuzzer target for 20 s (fuzz/run.sh).
# Lab tests are SKIPPED (loudly) only when not root; under this script, with
# the lab up, a lab test that cannot reach the lab FAILS instead.
# Every build here compiles the reconciler/ modules in unity batches
# (-DSWARMFORM_UNITY=ON, CMakeLists.txt): on 2 cores a clean run is bound by
# compiling, and batching cuts the modules' CPU to about a third.  The `unit`
# label runs on every core (its tests share nothing); the others one at a
# time (the lab is one swarm with one apply lock).
#
# scripts/test.sh --unit: only the `unit` label (no root, no lab, no network,
# no git/ssh-keygen/python), after building what it needs (the packages of
# scripts/deps.sh installed).  Run as root, the tests run as `nobody`.  The
# same by hand, as any user:  ctest --test-dir build -L unit -j "$(nproc)"
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=${SWARMFORM_JOBS:-$(nproc)}

if [ "${1:-}" = --unit ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSWARMFORM_WERROR=ON >/dev/null
  cmake --build build -j "$jobs" --target swarmform swarmform_unit_tests
  if [ "$(id -u)" -ne 0 ]; then
    exec ctest --test-dir build -L unit -j "$jobs" --output-on-failure --timeout 600
  fi
  # As root: as nobody, with its own HOME and ctest's log folder (build/Testing)
  # writable by it; the build itself stays root's and is only read.
  home=$(mktemp -d)
  trap 'rm -rf "$home"' EXIT
  mkdir -p build/Testing/Temporary
  chown nobody "$home" build/Testing/Temporary
  as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$home")
  "${as_nobody[@]}" test -x build/tests/swarmform_unit_tests -a -x build/swarmform -a -r tests/golden/plan_git.txt || {
    echo "swarmform: nobody cannot read the source tree or run the build (umask? a folder above it closed?)" >&2
    exit 1
  }
  "${as_nobody[@]}" ctest --test-dir build -L unit -j "$jobs" --output-on-failure --timeout 600
  exit
elif [ $# -gt 0 ]; then
  echo "usage: scripts/test.sh [--unit]" >&2
  exit 2
fi

scripts/deps.sh

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSWARMFORM_WERROR=ON -DSWARMFORM_UNITY=ON >/dev/null
cmake --build build -j "$jobs"

if [ "$(id -u)" -eq 0 ]; then
  # (each step ends in `|| true`: under set -e a failing step would end the trap early and fail the run)
  trap 'for b in "${package_build:-}" "${asan_build:-}" "${fuzz_build:-}"; do if [ -n "$b" ]; then kill "$b" 2>/dev/null || true; fi; done; "$root"/tests/lab/down.sh >/dev/null 2>&1 || true' EXIT
  tests/lab/up.sh
  export SWARMFORM_REQUIRE_LAB=1
else
  echo "swarmform: not root: the lab cannot start; lab tests will be SKIPPED" >&2
fi

# On 2 cores this command is bound by compiling, so each build compiles
# (niced) while the previous build's tests run -- the lab tests mostly wait
# on the swarm -- instead of adding up:
#   developer tests   || ASan+UBSan build
#   ASan+UBSan tests  || fuzz targets, the Debian package (Release)
#   the package's tests (Package.*, AgentStack.*: they need the .deb), fuzzing.
package_tests='^(Package|AgentStack)\.'
export SWARMFORM_REQUIRE_PACKAGE=1

# ctest_all BUILD [CTEST ARGS]: the `unit` label on every core, then the others
# in turn.  Both halves run even when the first fails, so one run shows every
# failure.
ctest_all() {
  local dir=$1 rc=0
  shift
  ctest --test-dir "$dir" -L unit -j "$jobs" --output-on-failure --timeout 600 "$@" || rc=1
  ctest --test-dir "$dir" -LE unit --output-on-failure --timeout 600 "$@" || rc=1
  return $rc
}

# build_wait PID LOG WHAT: waits for a background build; on failure shows its log.
build_wait() {
  if ! wait "$1"; then
    tail -n 60 "$2" >&2
    echo "swarmform: the $3 build failed ($2)" >&2
    exit 1
  fi
}

# ASan+UBSan, with line tables only (-g1): reports still name file and line,
# and the build takes about a tenth less.
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DSWARMFORM_WERROR=ON \
  -DSWARMFORM_SANITIZE=ON -DSWARMFORM_UNITY=ON >/dev/null
nice -n 10 cmake --build build-asan -j "$jobs" >build-asan/build.log 2>&1 &
asan_build=$!

echo "== tests (developer build) =="
ctest_all build -E "$package_tests"

echo "== tests (ASan + UBSan build) =="
build_wait "$asan_build" build-asan/build.log ASan+UBSan
asan_build=
mkdir -p build-fuzz
nice -n 10 fuzz/run.sh --build-only >build-fuzz/build.log 2>&1 &
fuzz_build=$!
# The Debian package of a Release build (build-release/swarmform_<version>_<arch>.deb,
# what users install; checked by tests/tools/package_test.cc and the lab's
# AgentStack).  (No -Werror: GCC 12's -O3 warns where -O0 does not, e.g.
# -Wnull-dereference inside nlohmann-json once inlined; warnings are the
# developer build's business.)
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSWARMFORM_TESTS=OFF -DSWARMFORM_WERROR=OFF \
  -DSWARMFORM_UNITY=ON -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
nice -n 10 cmake --build build-release -j "$jobs" --target package >build-release/package.log 2>&1 &
package_build=$!
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest_all build-asan -E "$package_tests"

echo "== tests of the Debian package =="
build_wait "$package_build" build-release/package.log package
package_build=
ctest --test-dir build -R "$package_tests" --output-on-failure --timeout 600

build_wait "$fuzz_build" build-fuzz/build.log fuzz
fuzz_build=
echo "== fuzzing (libFuzzer, ASan + UBSan, 20 s per target) =="
fuzz/run.sh 20
echo "swarmform: all tests passed"
