#!/usr/bin/env bash
# fuzz/run.sh DURATION [TARGET...]
# Builds the libFuzzer targets (clang, ASan + UBSan with integer checks, in
# build-fuzz/) and runs each for DURATION seconds, several at once
# (SWARMFORM_JOBS, default the number of cores).  First each target replays
# its regressions (fuzz/regressions/TARGET/), then fuzzes from its seed corpus
# (fuzz/corpus/TARGET/, read only), its regressions and what earlier runs
# found (build-fuzz/fuzz-work/TARGET/corpus/), with its dictionary.  Fails on any
# crash, sanitizer report, leak, timeout (one input over 10 s) or OOM (over
# 2 GiB), naming the target and the reproducer; replay one with
#   build-fuzz/fuzz/TARGET REPRODUCER
# fuzz/run.sh --build-only [TARGET...] only builds them (scripts/test.sh
# builds them while the ASan tests run).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

build_only=no
if [ "${1:-}" = --build-only ]; then
  build_only=yes
  set -- 0 "${@:2}"
fi
if [ $# -lt 1 ] || ! [[ $1 =~ ^[0-9]+$ ]]; then
  echo "usage: fuzz/run.sh DURATION_SECONDS [TARGET...] | fuzz/run.sh --build-only [TARGET...]" >&2
  exit 2
fi
duration=$1
shift
all_targets=(fuzz_yaml_loader fuzz_yaml_edit fuzz_response_parser fuzz_live_mapping fuzz_plan_file
             fuzz_known_hosts fuzz_quantity fuzz_dokploy_stored)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
jobs=${SWARMFORM_JOBS:-$(nproc)}
build=${SWARMFORM_FUZZ_BUILD:-build-fuzz}
cxx=${SWARMFORM_FUZZ_CXX:-clang++-19}

# The longest input each target is given: enough for its seeds (the golden
# plans are 22 KB) and small enough to keep executions fast.
max_len() {
  case $1 in
    fuzz_quantity) echo 64 ;;
    fuzz_known_hosts) echo 4096 ;;
    fuzz_response_parser) echo 8192 ;;
    *) echo 65536 ;;
  esac
}

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
# -O1 keeps the fuzzers fast; no NDEBUG, so assertions stay on; the modules
# compile in unity batches (CMakeLists.txt, SWARMFORM_UNITY).
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DSWARMFORM_FUZZ=ON -DSWARMFORM_TESTS=OFF \
  -DSWARMFORM_WERROR=ON -DSWARMFORM_UNITY=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  "${launcher[@]}" >/dev/null
cmake --build "$build" -j "$jobs" --target "${targets[@]}"
[ "$build_only" = no ] || exit 0

work="$root/$build/fuzz-work"
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
# Leaks are checked after each input (libFuzzer's -detect_leaks, on by default).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ]; then
  for symbolizer in llvm-symbolizer-19 llvm-symbolizer; do
    if command -v "$symbolizer" >/dev/null; then
      ASAN_SYMBOLIZER_PATH=$(command -v "$symbolizer")
      export ASAN_SYMBOLIZER_PATH
      break
    fi
  done
fi

# Runs one target; its output goes to $work/TARGET/log, its verdict to
# $work/TARGET/status ("ok", or what failed and the reproducer).
run_target() {
  local target=$1 bin="$root/$build/fuzz/$1" dir="$work/$1"
  rm -rf "$dir/artifacts" "$dir/log" "$dir/status"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  local flags=(-rss_limit_mb=2048 -timeout=10 -max_len="$(max_len "$target")"
               -dict="$root/fuzz/$target.dict" -artifact_prefix="$dir/artifacts/"
               -print_final_stats=1)
  local regressions=() regression_dirs=()
  if [ -d "$root/fuzz/regressions/$target" ]; then
    mapfile -t regressions < <(find "$root/fuzz/regressions/$target" -type f | sort)
    regression_dirs=("$root/fuzz/regressions/$target")
  fi
  local rc=0
  {
    if [ ${#regressions[@]} -gt 0 ]; then
      echo "== replaying ${#regressions[@]} regression inputs"
      "$bin" "${flags[@]}" "${regressions[@]}" || rc=$?
    fi
    if [ $rc -eq 0 ]; then
      echo "== fuzzing for ${duration} s"
      # Regressions seed the run too: mutations of a past finding find its relatives.
      "$bin" "${flags[@]}" -max_total_time="$duration" "$dir/corpus" "$root/fuzz/corpus/$target" \
        "${regression_dirs[@]}" || rc=$?
    fi
  } >"$dir/log" 2>&1
  if [ $rc -eq 0 ]; then
    echo ok >"$dir/status"
    return 0
  fi
  local kind=crash reproducer
  reproducer=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$dir/log" | tail -n 1)
  case $(basename "${reproducer:-crash}") in
    leak-*) kind=leak ;;
    timeout-*) kind=timeout ;;
    oom-*) kind=out-of-memory ;;
  esac
  # A regression input that fails is its own reproducer.
  [ -n "$reproducer" ] || reproducer=$(sed -n 's/^Running: \(.*\)$/\1/p' "$dir/log" | tail -n 1)
  echo "$kind (exit $rc): reproducer ${reproducer:-none written}" >"$dir/status"
  return 0
}

echo "== fuzzing ${targets[*]} for ${duration} s each, ${jobs} at a time =="
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_target "$target" &
done
wait

failed=0
for target in "${targets[@]}"; do
  status=$(cat "$work/$target/status" 2>/dev/null || echo "no verdict (the runner itself failed)")
  if [ "$status" = ok ]; then
    stats=$(grep -h '^stat::number_of_executed_units' "$work/$target/log" | tail -n 1 | awk '{print $2}')
    echo "fuzz: $target: ok (${stats:-?} inputs)"
  else
    failed=1
    echo "fuzz: $target: FAILED: $status" >&2
    echo "fuzz: $target: log $work/$target/log; its end:" >&2
    grep -v '^#[0-9]' "$work/$target/log" | tail -n 40 | sed "s/^/  $target| /" >&2
  fi
done
if [ $failed -ne 0 ]; then
  echo "fuzz: FAILED; replay a reproducer with: $build/fuzz/TARGET REPRODUCER" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${duration} s without a finding"
