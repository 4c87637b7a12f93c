#!/usr/bin/env bash
# Benchmark: `swarmform import` of 200 lab services, versus `swarmform plan`
# on the same swarm.
#   import: into a fresh bare desired state (cluster, hosts without capacity,
#           known_hosts), reset before every run so that every run writes both
#           hosts' capacity and one entry per live service
#   plan:   `plan --detailed-exitcode` of the state that run imported, which
#           must exit 0, "No changes" (the round trip: import writes what
#           runs); any other plan fails the benchmark
# Runs alternate (import, then plan of what it wrote), RUNS times; prints both
# medians and their ratio.  Target: import <= 1.2x plan.
# The services are of mixed shapes: limits and reservations (both, either,
# none), pinned to kvm4/kvm2 by hostname, by node id, with an extra
# node.role constraint, unpinned, a few global, some with a Dokploy-style
# `-a1b2c3` name suffix, env/labels/mounts; 20 of them (and the global ones)
# run tasks, a few with 3 replicas, the rest are scaled to 0.  Every other
# service in the lab is imported too (and counted).
# Needs root: starts the lab if it is down.  Run it under the lab lock
# (flock /work/wt/lab.lock bench/import.sh in this project's sessions).
# Leaves the lab as it found it: services it created are removed and a lab it
# started is stopped, unless KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
runs=${RUNS:-10}
services=${SERVICES:-200}
bench_need_root
bench_build_release
bench_lab_up
bench_start

# --- the services ------------------------------------------------------------------
# imp-NNN, or imp-NNN-<6 random-looking lower-case letters and digits> (the
# Dokploy shape), labelled with this shape so a kept set is recognised.
shape=bench.shape=import1
node_id_kvm4=$(dk node inspect kvm4 --format '{{.ID}}')
node_id_kvm2=$(dk node inspect kvm2 --format '{{.ID}}')
name_of() {  # NNN: the service's name
  local i=$((10#$1))
  case $((i % 10)) in
    6 | 7) # a suffix with at least one digit, as import recognises it
      local h
      h=$(printf '%s' "$1" | md5sum)
      echo "imp-$1-${h:0:5}$((i % 10))" ;;
    *) echo "imp-$1" ;;
  esac
}
args_of() {  # NNN: sets args to the `docker service create` options of imp-NNN
  local i=$((10#$1)) replicas=0 host=kvm4
  [ $((i % 2)) -eq 0 ] && host=kvm2
  [ "$i" -le 20 ] && replicas=1
  case $i in 7 | 17 | 42) replicas=3 ;; esac
  local both=(--limit-cpu 0.05 --limit-memory 16M --reserve-cpu 0.01 --reserve-memory 8M)
  args=(--label team=bench --label "$shape")
  case $((i % 10)) in
    0) args+=(--constraint "node.hostname==$host" "${both[@]}") ;;
    1) args+=(--constraint "node.hostname==$host" --limit-cpu 0.1 --limit-memory 32M --env BENCH=1) ;;
    2) args+=(--constraint "node.hostname==$host" --reserve-cpu 0.02 --reserve-memory 12M) ;;
    3) args+=(--constraint "node.hostname==$host" --mount "type=tmpfs,destination=/cache") ;;
    4) # pinned by node id
      local id=$node_id_kvm4
      [ "$host" = kvm2 ] && id=$node_id_kvm2
      args+=(--constraint "node.id==$id" "${both[@]}") ;;
    5) args+=(--limit-cpu 0.05 --limit-memory 24M --env BENCH=1) ;;   # unpinned
    6) args+=(--constraint "node.hostname==$host" "${both[@]}" --container-label app=bench) ;;
    7) args+=(--reserve-memory 6M) ;;                                  # unpinned
    8) args+=(--constraint node.hostname==kvm2 --constraint node.role==worker --limit-cpu 0.03) ;;
    9) args+=(--constraint "node.hostname==$host" --limit-memory 20M --label tier=bench) ;;
  esac
  # A few global services (one task on each node): no replica count.
  case $i in
    45 | 100 | 155 | 200) args+=(--mode global) ;;
    *) args+=(--replicas "$replicas") ;;
  esac
}

mapfile -t found < <(dk service ls --filter name=imp- --format '{{.Name}}')
mapfile -t ours < <(dk service ls --filter "label=$shape" --format '{{.Name}}')
if [ "${#ours[@]}" -ne "$services" ]; then
  # Kept services of another count or shape: replace them.
  if [ "${#found[@]}" -gt 0 ]; then
    echo "removing ${#found[@]} imp- services of another run..." >&2
    dk service rm "${found[@]}" >/dev/null
    # (the tasks go in the background; the names are free at once)
  fi
  echo "creating $services services (once; they stay for the next run with KEEP=1)..." >&2
  for i in $(seq -f %03g 1 "$services"); do
    args_of "$i"
    bench_create "$(name_of "$i")" "${args[@]}"
  done
fi
# Wait (up to 120 s) for every task to run, so that all runs see the same swarm.
for _ in $(seq 240); do
  dk service ls --filter "label=$shape" --format '{{.Replicas}}' | awk -F/ '$1 != $2 {bad = 1} END {exit bad}' && break
  sleep 0.5
done
live_count=$(dk service ls -q | wc -l)

# --- the bare desired state: what a user writes first --------------------------------
# The cluster and hosts without capacity, and its own copy of known_hosts (no
# policy and no `services:`: what a user writes before the first import).
bare() {
  local dir=$1
  mkdir -p "$dir"
  cp "$SSH_KNOWN_HOSTS" "$dir/known_hosts"
  { bench_state_head --no-capacity | sed '/^known_hosts:/,$d'; echo 'known_hosts: known_hosts'; } >"$dir/swarmform.yaml"
}
bare "$work/bare"

# --- what is measured ------------------------------------------------------------------
fail() { bench_fail "$@"; }
reset_state() { rm -rf "$work/state" && cp -a "$work/bare" "$work/state"; }
import_run() { build-release/swarmform import -C "$work/state" >"$work/import.out" 2>"$work/import.err"; }
plan_run() { build-release/swarmform plan -C "$work/state" --detailed-exitcode >"$work/plan.out" 2>"$work/plan.err"; }
# The checks, after every run (not timed): import wrote both capacities and
# one entry per live service; the plan of it is empty.
check_import() {
  if ! sed -n '/^  kvm4:/,/^  kvm2:/p' "$work/state/swarmform.yaml" | grep -q 'capacity:' ||
     ! sed -n '/^  kvm2:/,$p' "$work/state/swarmform.yaml" | grep -q 'capacity:'; then
    cat "$work/state/swarmform.yaml" >&2
    fail "import did not fill both hosts' capacity"
  fi
  local entries
  entries=$(grep -c '^  [^ #]' "$work/state/services.yaml" || true)
  [ "$entries" = "$live_count" ] ||
    { cat "$work/import.out" "$work/import.err" >&2; fail "import wrote $entries service entries; $live_count services run"; }
}
check_plan() {  # RC: plan's exit code
  if [ "$1" != 0 ] || ! grep -q '^No changes. The swarm matches the desired state.' "$work/plan.out"; then
    cat "$work/plan.out" "$work/plan.err" >&2
    fail "the plan of what import wrote is not empty (exit $1): import does not write the swarm that runs"
  fi
}
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# Warm-up (and the first check): one import and one plan, not timed.
reset_state
import_run || { cat "$work/import.out" "$work/import.err" >&2; fail "swarmform import failed"; }
check_import
rc=0; plan_run || rc=$?
check_plan "$rc"

import_ms=()
plan_ms=()
for _ in $(seq "$runs"); do
  reset_state
  t0=$(date +%s%N)
  import_run || { cat "$work/import.out" "$work/import.err" >&2; fail "swarmform import failed"; }
  import_ms+=("$(ms_since "$t0")")
  check_import
  rc=0
  t0=$(date +%s%N)
  plan_run || rc=$?
  plan_ms+=("$(ms_since "$t0")")
  check_plan "$rc"
done
imp=$(printf '%s\n' "${import_ms[@]}" | median)
pln=$(printf '%s\n' "${plan_ms[@]}" | median)

echo "import versus plan over SSH, $live_count services in the lab ($services made by this benchmark), median of $runs runs:"
echo "  swarmform import (bare state: both capacities, $live_count entries)   ${imp} ms"
echo "  swarmform plan of what it wrote (No changes)                 ${pln} ms"
awk -v a="$imp" -v b="$pln" 'BEGIN { printf "  import / plan = %.2fx (target <= 1.2x)\n", a / b }'
