#!/usr/bin/env bash
# Benchmark: `swarmform usage --window 5s` over 200 running tasks on the two
# lab hosts, versus `docker stats --no-stream` of the same containers (the
# docker CLI's own reading, one engine after the other).
#   swarmform usage: every host at once over its own SSH session, two readings
#                    of every task container 5 s apart; target: wall time
#                    <= window + 1 s, peak RSS <= 30 MiB
#   docker stats:    `docker stats --no-stream` against kvm4's socket, then
#                    kvm2's (local sockets: no SSH cost at all), which reads
#                    each container over about a second of its own
# Every swarmform run must report all the benchmark's tasks (checked, not
# timed).  RUNS runs each (default 5); prints the medians side by side.
# Needs root: starts the lab if it is down.  Run it under the lab lock
# (flock /work/wt/lab.lock bench/usage.sh in this project's sessions).
# Leaves the lab as it found it: services it created are removed and a lab it
# started is stopped, unless KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
runs=${RUNS:-5}
tasks=${TASKS:-200}
window=5
bench_need_root
bench_build_release
bench_lab_up
bench_start

# --- the tasks: half on each host, idle busybox (the window's cost is per
# container, not per CPU used) ----------------------------------------------------------
shape=bench.shape=usage1
per_host=$((tasks / 2))
mapfile -t ours < <(dk service ls --filter "label=$shape" --format '{{.Name}}')
if [ "${#ours[@]}" -ne 2 ]; then
  [ "${#ours[@]}" -eq 0 ] || dk service rm "${ours[@]}" >/dev/null
  echo "creating $tasks tasks (once; they stay for the next run with KEEP=1)..." >&2
  for host in kvm4 kvm2; do
    bench_create "use-$host" --label "$shape" --constraint "node.hostname==$host" --replicas "$per_host" \
      --limit-cpu 0.01 --limit-memory 8M
  done
fi
echo "waiting for $tasks tasks to run..." >&2
for _ in $(seq 600); do
  dk service ls --filter "label=$shape" --format '{{.Replicas}}' | awk -F/ '$1 != $2 {bad = 1} END {exit bad}' && break
  sleep 1
done
running=$(dk service ls --filter "label=$shape" --format '{{.Replicas}}' | awk -F/ '{n += $1} END {print n}')
[ "$running" = "$tasks" ] || bench_fail "only $running of $tasks tasks run"

mkdir -p "$work/state"
bench_state_head >"$work/state/swarmform.yaml"

fail() { bench_fail "$@"; }
usage_run() {  # prints "WALL_MS RSS_KIB"
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f %M -o "$work/rss" build-release/swarmform usage -C "$work/state" --window "${window}s" \
    --format json >"$work/usage.json" 2>"$work/usage.err" || { cat "$work/usage.err" >&2; fail "swarmform usage failed"; }
  t1=$(date +%s%N)
  local seen
  seen=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sum(s["tasks"] for s in r["services"] if s["name"].startswith("use-kvm")))' "$work/usage.json")
  [ "$seen" = "$tasks" ] || fail "usage measured $seen of $tasks tasks"
  echo "$(((t1 - t0) / 1000000)) $(cat "$work/rss")"
}
stats_run() {
  DOCKER_CONTEXT='' DOCKER_HOST='' docker -H "unix://$KVM4_SOCKET" stats --no-stream >/dev/null
  DOCKER_CONTEXT='' DOCKER_HOST='' docker -H "unix://$KVM2_SOCKET" stats --no-stream >/dev/null
}

usage_run >/dev/null  # warm-up, and the first check
wall=()
rss=()
for _ in $(seq "$runs"); do
  read -r w r < <(usage_run)
  wall+=("$w")
  rss+=("$r")
done
stats_ms=$(median_ms "$runs" stats_run)
w=$(printf '%s\n' "${wall[@]}" | median)
r=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)

echo "usage of $tasks running tasks on 2 hosts, median of $runs runs:"
echo "  swarmform usage --window ${window}s (SSH, both hosts at once)   ${w} ms wall, peak RSS $((r / 1024)) MiB (largest run)"
echo "  docker stats --no-stream, kvm4 then kvm2 (local sockets)       ${stats_ms} ms wall (one reading each)"
awk -v w="$w" -v win="$window" 'BEGIN { printf "  swarmform: %.2f s over the window (target <= 1 s)\n", w / 1000 - win }'
