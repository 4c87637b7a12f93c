#!/usr/bin/env bash
# Benchmark: `swarmform validate` on a legitimately huge desired state, and on
# the hostile shapes of issue 11, side by side with a baseline.
#
#   large    100,000 services in one ~7.9 MiB file (target: < 1 s, < 100 MiB)
#   keys     one service map of 200,000 unknown keys (was quadratic)
#   aliases  4,000 references (ALIAS_REFS) to a 10,000-entry map of labels (242 KB)
#
# Each is timed with /usr/bin/time -v (wall, peak RSS) for every binary given,
# and PyYAML's safe_load of the same file is printed as a yardstick.
#
#   bench/validate_large.sh                      # build-release/swarmform only
#   bench/validate_large.sh OLD_BINARY NEW_BINARY  # "before" and "after"
# Environment: RUNS (default 3; the best wall and its RSS are shown),
# CASES (default "large keys aliases").
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
runs=${RUNS:-3}
cases=${CASES:-"large keys aliases"}
if [ $# -eq 0 ]; then
  bench_build_release
  set -- build-release/swarmform
fi
bench_start

/usr/bin/python3 - "$work" <<'PY'
import os, sys
d = sys.argv[1]
head = ("version: 1\ncluster: {manager: h00}\nhosts:\n" +
        "".join(f"  h{i:02d}: {{ssh: root@203.0.113.{10 + i}, capacity: {{cpus: 1024, memory: 4096GiB}}}}\n"
                for i in range(20)))
os.makedirs(f"{d}/large")
with open(f"{d}/large/state.yaml", "w") as f:
    f.write(head + "services:\n")
    for i in range(100000):
        f.write(f"  svc-{i:06d}: {{host: h{i % 20:02d}, replicas: {1 + i % 3}, "
                f"limits: {{cpus: 0.25, memory: 64MiB}}}}\n")
os.makedirs(f"{d}/keys")
with open(f"{d}/keys/state.yaml", "w") as f:
    f.write(head + "services:\n  s:\n    host: h00\n")
    for i in range(200000):
        f.write(f"    k{i}: 1\n")
os.makedirs(f"{d}/aliases")
with open(f"{d}/aliases/state.yaml", "w") as f:
    f.write(head + "services:\n  s0:\n    host: h00\n    labels: &L {" +
            ", ".join(f"k{i}: v" for i in range(10000)) + "}\n")
    for i in range(1, int(os.environ.get("ALIAS_REFS", "4000"))):
        f.write(f"  s{i}: {{host: h00, labels: *L}}\n")
PY

measure() {  # label, command...: best wall of $runs and the peak RSS of that run
  local label=$1 best="" rss="" code=0
  shift
  for _ in $(seq "$runs"); do
    code=0
    /usr/bin/time -v -o "$work/time" timeout 600 "$@" >/dev/null 2>"$work/err" || code=$?
    local wall kib
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$work/time")
    kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$wall; rss=$kib; fi
  done
  printf '  %-34s %8.2f s  %8.1f MiB  exit %s  %s\n' "$label" "$best" "$(echo "$rss / 1024" | bc -l)" "$code" \
    "$(grep -m1 -o 'error: .\{0,70\}' "$work/err" || true)"
}

for c in $cases; do
  f="$work/$c/state.yaml"
  printf '%s: %s (%s bytes)\n' "$c" "$(head -c 0 "$f"; wc -l <"$f") lines" "$(stat -c %s "$f")"
  for bin in "$@"; do measure "$bin validate" "$bin" validate -C "$work/$c" --format json; done
  measure "python3 yaml.safe_load (CLoader)" /usr/bin/python3 -c \
    'import sys, yaml; yaml.load(open(sys.argv[1]), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))' "$f"
done
