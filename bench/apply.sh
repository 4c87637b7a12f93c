#!/usr/bin/env bash
# Benchmark: applying 20 CPU-limit changes (0.2 -> 0.1) to 20 services in the
# lab, 10 pinned to kvm4 and 10 to kvm2, one task each; every change restarts
# its task.
#   1. swarmform apply --auto-approve over SSH, wall time until every task runs
#      with the new spec, at the default --parallelism 4 and at 20 (median of
#      RUNS runs each), versus the slowest single-service apply (`--target`,
#      one per service, so also the serial total).  Target: apply / slowest
#      single <= 1.3x (parallel, not serial).  And the engines' floor: the
#      same 20 updates sent at once with the docker CLI on the manager's
#      socket, until every task runs the new spec.
#   2. a no-op apply (the swarm already matches) versus `swarmform plan` on the
#      same state, median of NOOP_RUNS runs each: the no-op apply should take
#      no longer than the plan.
#   3. Ansible (community.docker.docker_swarm_service, bench/ansible-apply/
#      apply.yml) making the same change over SSH to kvm4's sshd, with the
#      lab's key and known_hosts (host keys checked); its wall time, and the
#      time until the tasks run with the new spec (the module does not wait).
#      Median of ANSIBLE_RUNS runs (ANSIBLE_RUNS=0 skips it).
# Before every timed apply the services are reset to the old limit with the
# docker CLI and the swarm is left to settle.  Needs root: starts the lab if
# it is down, installs Debian's ansible and python3-docker if missing.  Removes
# its services (bapply-*) at the end, and stops a lab it started, unless KEEP=1.
set -euo pipefail
export LC_ALL=C.UTF-8   # "." in EPOCHREALTIME; Ansible insists on UTF-8
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
runs=${RUNS:-3}
noop_runs=${NOOP_RUNS:-5}
ansible_runs=${ANSIBLE_RUNS:-3}
count=20
old_cpus=0.2 old_nano=200000000
new_cpus=0.1 new_nano=100000000
memory=32   # MiB, unchanged
bench_need_root
fail() {
  echo "bench/apply.sh: $*" >&2
  # The lab is shared: another session's tests/lab/down.sh ends every swarm
  # service with it.  Say so rather than leave a puzzle.
  if [ -n "${KVM4_SOCKET:-}" ] && ! timeout 5 docker -H "unix://$KVM4_SOCKET" node ls >/dev/null 2>&1; then
    echo "bench/apply.sh: the lab's swarm is gone (stopped by someone else during the run?): run again" >&2
  fi
  exit 1
}
say() { echo "[apply.sh +${SECONDS}s] $*" >&2; }

bench_need_ansible jq
bench_build_release
sf=build-release/swarmform
bench_lab_up
api() { curl -sf --unix-socket "$KVM4_SOCKET" "http://docker/v1.41$1"; }

names=()
declare -A host_of=()
for i in $(seq -f %02g 1 "$count"); do
  names+=("bapply-$i")
  if [ $((10#$i % 2)) = 1 ]; then host_of[bapply-$i]=kvm4; else host_of[bapply-$i]=kvm2; fi
done

# OUT_DIR=DIR keeps every apply's stamped output (and Ansible's) there.
bench_on_exit() {
  if [ -n "${OUT_DIR:-}" ]; then mkdir -p "$OUT_DIR"; cp "$work"/*.out "$OUT_DIR"/ 2>/dev/null || true; fi
}
# The services would count against the hosts' budgets in later tests: the
# cleanup removes them unless KEEP=1.
bench_start

# --- the services ----------------------------------------------------------------------
# Fresh each run (a kept set may have been changed by hand, or by Ansible).
stale=$(dk service ls --filter name=bapply- -q)
# shellcheck disable=SC2086
[ -z "$stale" ] || dk service rm $stale >/dev/null
say "creating $count services (bapply-01..$count, odd on kvm4, even on kvm2)..."
for n in "${names[@]}"; do
  bench_create "$n" --replicas 1 \
    --constraint "node.hostname==${host_of[$n]}" --limit-cpu "$old_cpus" --limit-memory "${memory}M" \
    --label team=bench --env BENCH=1
done

# settled NANO: every bapply service has NANO as its CPU limit, and exactly one
# task, running that spec on its node, with no other task of it holding a node
# (what swarmform's convergence judge waits for).
settled() {  # NANO [quiet]
  api /services >"$work/services.json" && api /tasks >"$work/tasks.json" && api /nodes >"$work/nodes.json" || return 1
  jq -en --slurpfile s "$work/services.json" --slurpfile t "$work/tasks.json" --slurpfile n "$work/nodes.json" \
         --argjson want "$1" --argjson count "$count" --arg quiet "${2:-}" '
    ($n[0] | map({key: .ID, value: .Description.Hostname}) | from_entries) as $host
    | [$s[0][] | select(.Spec.Name | startswith("bapply-"))] as $ours
    | ($ours | length) == $count and all($ours[];
        . as $svc
        | ($svc.Spec.TaskTemplate.Resources.Limits.NanoCPUs == $want)
          and ($quiet == "" or ($svc.UpdateStatus.State // "completed") != "updating")
          and ([$t[0][] | select(.ServiceID == $svc.ID)] as $mine
               | ([$mine[] | select(.DesiredState == "running" and .Status.State == "running"
                                    and .Spec.Resources.Limits.NanoCPUs == $want
                                    and ("node.hostname==" + $host[.NodeID] | IN($svc.Spec.TaskTemplate.Placement.Constraints[])))]
                  | length) == 1
               and ([$mine[] | select(.Status.State | IN("assigned", "accepted", "preparing", "ready", "starting", "running"))]
                    | length) == 1))' >/dev/null
}
wait_settled() {  # NANO [SECONDS [quiet]]
  local deadline=$((SECONDS + ${2:-120}))
  until settled "$1" "${3:-}"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "the bapply services did not settle at NanoCPUs=$1 within ${2:-120}s"
    sleep 0.1
  done
}
# set_one NAME CPUS: the docker CLI reads, then writes the spec with its version;
# the swarm bumps the version itself (UpdateStatus, ~5 s after an update
# converged), which fails the write with "update out of sequence": retry.
set_one() {
  local err
  for _ in 1 2 3 4 5; do
    if err=$(dk service update -d -q --no-resolve-image --limit-cpu "$2" "$1" 2>&1 >/dev/null); then return 0; fi
    case $err in *"out of sequence"*) sleep 0.2 ;; *) echo "$err" >&2; return 1 ;; esac
  done
  echo "$1: $err" >&2
  return 1
}
set_all() {  # CPUS: all at once
  local n pid pids=()
  for n in "${names[@]}"; do set_one "$n" "$1" & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid" || fail "docker service update failed"; done
}
# reset: back to the old limit with the docker CLI, settled, and quiet (no
# service's UpdateStatus still "updating": the swarm has stopped writing them).
reset() {
  set_all "$old_cpus"
  wait_settled "$old_nano" 120 quiet
  sleep 1   # let the engines finish removing the old containers
}
wait_settled "$old_nano"

# --- the desired state -------------------------------------------------------------------
# bench/lib.sh's cluster and hosts, the 20 services with the new limit.
state=$work/state
mkdir -p "$state"
{
  bench_state_head
  for n in "${names[@]}"; do
    echo "  $n: {host: ${host_of[$n]}, replicas: 1, limits: {cpus: $new_cpus, memory: ${memory}MiB}}"
  done
} >"$state/swarmform.yaml"
$sf validate -C "$state" >/dev/null || { $sf validate -C "$state" >&2 || true; fail "the desired state is invalid"; }

# --- timing helpers ------------------------------------------------------------------------
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$((10#$t))"; }
stamp() {  # prefixes each line with the microseconds it arrived at
  local line t
  while IFS= read -r line; do t=${EPOCHREALTIME/[.,]/}; printf '%s %s\n' "$t" "$line"; done
}
# blocked OUT: nothing was applied because of others.  Other sessions' tests
# share the lab: one may hold the swarm's apply lock, or leave a reservation
# no node can satisfy, which blocks every plan on that host until it is
# cleaned up.  Such a run is not timed: wait and retry (up to BLOCKED_WAIT
# seconds in all).
blocked() { grep -q 'Apply is blocked\|the plan has errors\|another apply holds the lock' "$1"; }
wait_unblocked() {  # OUT: after a blocked run
  [ "$SECONDS" -lt "$blocked_deadline" ] || { cat "$1" >&2; fail "still blocked by others in the lab"; }
  local why
  why=$(grep -m1 'error: host\|another apply holds the lock' "$1" | sed 's/^[0-9]* *//; s/^swarmform: error: //; s/\. If that apply.*//')
  echo "  (blocked by others in the lab: $why; retrying in 5 s)" >&2
  sleep 5
}
blocked_deadline=$((SECONDS + ${BLOCKED_WAIT:-600}))
# timed_apply OUT [ARG...]: swarmform apply, output stamped into OUT; sets ms
# (the wall time) and fails unless the apply succeeded.
timed_apply() {
  local out=$1 t0 t1 rc
  shift
  while true; do
    t0=$(now_us)
    set +e
    $sf apply -C "$state" --auto-approve --no-color "$@" 2>&1 | stamp >"$out"
    rc=${PIPESTATUS[0]}
    set -e
    t1=$(now_us)
    if [ "$rc" = 0 ] || ! blocked "$out"; then break; fi
    wait_unblocked "$out"
  done
  ms=$(((t1 - t0) / 1000))
  echo "START $t0" >>"$out"
  [ "$rc" = 0 ] || { cat "$out" >&2; fail "swarmform apply $* exited $rc"; }
}
# spans OUT: per service "name update-to-converged-ms start-to-converged-ms"
spans() {
  awk '$2 == "START" { t0 = $3 }
       $2 == "~" && $4 == "updated" { n = $3; sub(/:$/, "", n); up[n] = $1 }
       $3 == "converged," { n = $2; sub(/:$/, "", n); conv[n] = $1 }
       END { for (n in conv) printf "%s %d %d\n", n, (conv[n] - up[n]) / 1000, (conv[n] - t0) / 1000 }' "$1"
}
applied_count() { sed -n 's/.*Apply complete: \([0-9]*\) applied.*/\1/p' "$1"; }
maxof() { sort -n | tail -1; }
sumof() { awk '{s += $1} END {print s}'; }

# --- 1. the 20 changes, in parallel and one service at a time -------------------------------
say "warming up (one apply, not timed)..."
timed_apply "$work/warm.out"
[ "$(applied_count "$work/warm.out")" = "$count" ] || { cat "$work/warm.out" >&2; fail "warm-up: expected $count applied"; }
wait_settled "$new_nano"

say "single-service applies (--target, one per service)..."
reset
single_walls=() single_conv=()
for n in "${names[@]}"; do
  timed_apply "$work/single-$n.out" --target "$n"
  [ "$(applied_count "$work/single-$n.out")" = 1 ] || { cat "$work/single-$n.out" >&2; fail "--target $n: expected 1 applied"; }
  single_walls+=("$ms")
  single_conv+=("$(spans "$work/single-$n.out" | awk '{print $2}')")
  sleep 1   # the engines remove the old container
done
wait_settled "$new_nano"
say "  walls: ${single_walls[*]} ms; update-to-converged: ${single_conv[*]} ms"
slowest=$(printf '%s\n' "${single_walls[@]}" | maxof)
single_median=$(printf '%s\n' "${single_walls[@]}" | median)
serial=$(printf '%s\n' "${single_walls[@]}" | sumof)
slowest_conv=$(printf '%s\n' "${single_conv[@]}" | maxof)
median_conv=$(printf '%s\n' "${single_conv[@]}" | median)

declare -A wall=() inside=()
for par in 4 20; do
  walls=() convs=()
  for r in $(seq "$runs"); do
    say "apply of $count changes, --parallelism $par, run $r/$runs..."
    reset
    timed_apply "$work/apply-p$par-$r.out" --parallelism "$par"
    [ "$(applied_count "$work/apply-p$par-$r.out")" = "$count" ] ||
      { cat "$work/apply-p$par-$r.out" >&2; fail "expected $count applied"; }
    walls+=("$ms")
    convs+=("$(spans "$work/apply-p$par-$r.out" | awk '{print $2}' | maxof)")
    wait_settled "$new_nano" 10   # apply returned: the tasks run the new spec already
  done
  wall[$par]=$(printf '%s\n' "${walls[@]}" | median)
  inside[$par]=$(printf '%s\n' "${convs[@]}" | median)
  say "  walls: ${walls[*]} ms"
done

# The engines' floor: the same 20 updates sent at once with the docker CLI on
# the manager's socket (-d: it does not wait), then polled until every task
# runs the new spec -- how fast the lab's two engines restart 20 tasks, with
# no plan, no lock and no SSH.
floors=()
for r in $(seq "$runs"); do
  say "the engines' floor (docker CLI, all 20 at once), run $r/$runs..."
  reset
  t0=$(now_us)
  set_all "$new_cpus"
  wait_settled "$new_nano"
  t1=$(now_us)
  floors+=($(((t1 - t0) / 1000)))
done
floor=$(printf '%s\n' "${floors[@]}" | median)
say "  walls: ${floors[*]} ms"

# --- 2. no-op apply versus plan --------------------------------------------------------------
versions() { dk service ls --filter name=bapply- -q | xargs docker -H "unix://$KVM4_SOCKET" service inspect --format '{{.Spec.Name}} {{.Version.Index}}' | sort; }
say "no-op apply versus plan..."
wait_settled "$new_nano" 120 quiet   # the swarm has stopped writing UpdateStatus
v0=$(versions)
noop_times=() plan_times=()
for _ in $(seq "$noop_runs"); do
  while true; do
    t0=$(now_us)
    rc=0; $sf apply -C "$state" --auto-approve --no-color >"$work/noop.out" 2>&1 || rc=$?
    t1=$(now_us)
    rc2=0; $sf plan -C "$state" --no-color >"$work/plan.out" 2>&1 || rc2=$?
    t2=$(now_us)
    if [ "$rc" != 0 ] && blocked "$work/noop.out"; then wait_unblocked "$work/noop.out"; continue; fi
    if [ "$rc2" != 0 ] && blocked "$work/plan.out"; then wait_unblocked "$work/plan.out"; continue; fi
    break
  done
  [ "$rc" = 0 ] || { cat "$work/noop.out" >&2; fail "no-op apply exited $rc"; }
  [ "$rc2" = 0 ] || { cat "$work/plan.out" >&2; fail "plan exited $rc2"; }
  grep -q 'No changes' "$work/noop.out" || { cat "$work/noop.out" >&2; fail "the no-op apply found changes"; }
  grep -q 'No changes' "$work/plan.out" || { cat "$work/plan.out" >&2; fail "the plan found changes"; }
  noop_times+=($(((t1 - t0) / 1000)))
  plan_times+=($(((t2 - t1) / 1000)))
done
[ "$(versions)" = "$v0" ] || fail "a no-op apply changed a service's version index"
noop=$(printf '%s\n' "${noop_times[@]}" | median)
plan=$(printf '%s\n' "${plan_times[@]}" | median)

# Fields the desired state does not declare, after swarmform's applies (the
# services were created with --env BENCH=1 --label team=bench).
undeclared() { dk service inspect "${names[0]}" --format 'env {{json .Spec.TaskTemplate.ContainerSpec.Env}}, label team={{index .Spec.Labels "team"}}'; }
kept_swarmform=$(undeclared)

# --- 3. Ansible ------------------------------------------------------------------------------
# bench/lib.sh's ansible.cfg, as bench/plan.sh uses it: the lab's key, its
# known_hosts with strict host-key checking, ssh with ControlPersist, no
# pipelining, transfer_method = piped, no fact gathering.
a=$work/ansible
bench_ansible_config "$a"
{
  echo "bench_image: $LAB_IMAGE"
  echo "bench_services:"
  for n in "${names[@]}"; do
    echo "  - {name: $n, host: ${host_of[$n]}, replicas: 1, limit_cpus: $new_cpus, limit_memory: ${memory}M}"
  done
} >"$a/vars.yml"
# ansible_apply OUT [ENV=VALUE...]: sets an_ms (ansible-playbook's wall) and
# an_conv_ms (until every task runs the new spec).
ansible_apply() {
  local out=$1 t0 t1 t2
  shift
  t0=$(now_us)
  env "$@" ANSIBLE_CONFIG="$a/ansible.cfg" ANSIBLE_NOCOLOR=1 \
    ansible-playbook -l kvm4-ssh -e "@$a/vars.yml" bench/ansible-apply/apply.yml >"$out" 2>&1 ||
    { cat "$out" >&2; fail "ansible-playbook failed"; }
  t1=$(now_us)
  wait_settled "$new_nano"
  t2=$(now_us)
  an_ms=$(((t1 - t0) / 1000))
  an_conv_ms=$(((t2 - t0) / 1000))
  local changed
  changed=$(grep -c '^changed: \[.*(item=' "$out" || true)
  [ "$changed" = "$count" ] || { cat "$out" >&2; fail "Ansible: $changed changed; expected $count"; }
}
declare -A an=([ssh]=skipped [pipelined]=skipped) an_conv=([ssh]=skipped [pipelined]=skipped)
kept_ansible=skipped
modes=(ssh pipelined)
[ "$ansible_runs" -gt 0 ] || modes=()
for mode in "${modes[@]}"; do
  walls=() convs=()
  for r in $(seq "$ansible_runs"); do
    say "Ansible ($mode), run $r/$ansible_runs..."
    reset
    if [ "$mode" = pipelined ]; then ansible_apply "$work/ansible-$mode.out" ANSIBLE_PIPELINING=True
    else ansible_apply "$work/ansible-$mode.out"; fi
    walls+=("$an_ms")
    convs+=("$an_conv_ms")
  done
  an[$mode]=$(printf '%s\n' "${walls[@]}" | median)
  an_conv[$mode]=$(printf '%s\n' "${convs[@]}" | median)
done
# What Ansible left of the fields it was not given (the services were created
# with --env BENCH=1 --label team=bench).
[ "$ansible_runs" = 0 ] || kept_ansible=$(undeclared)

# --- the figures -------------------------------------------------------------------------------
echo
echo "apply over SSH: $count CPU-limit changes ($old_cpus -> $new_cpus), 10 services on kvm4 and 10 on kvm2, one task each"
echo "  swarmform apply, --parallelism 4 (default)   ${wall[4]} ms   (median of $runs; slowest service's update-to-converged inside it: ${inside[4]} ms)"
echo "  swarmform apply, --parallelism 20            ${wall[20]} ms   (median of $runs; slowest service's update-to-converged inside it: ${inside[20]} ms)"
echo "  single-service apply (--target), slowest     ${slowest} ms   (median ${single_median} ms; its update-to-converged: slowest ${slowest_conv} ms, median ${median_conv} ms)"
echo "  the $count single-service applies, one after another: ${serial} ms"
echo "  engines' floor: docker CLI, all $count updates at once on the manager's socket, until converged: ${floor} ms (median of $runs)"
awk -v p4="${wall[4]}" -v p20="${wall[20]}" -v s="$slowest" -v ser="$serial" -v f="$floor" 'BEGIN {
  printf "  apply / slowest single: --parallelism 4 = %.2fx, --parallelism 20 = %.2fx (target <= 1.3x); serial / slowest single = %.2fx\n", p4 / s, p20 / s, ser / s
  printf "  apply / engines floor:  --parallelism 4 = %.2fx, --parallelism 20 = %.2fx; floor / slowest single = %.2fx\n", p4 / f, p20 / f, f / s }'
echo "no-op apply versus plan on the same state (no changes), median of $noop_runs runs:"
echo "  swarmform apply (no-op)                      ${noop} ms"
echo "  swarmform plan                               ${plan} ms"
awk -v a="$noop" -v b="$plan" 'BEGIN { printf "  no-op apply / plan = %.2fx (target <= 1.0x, within noise)\n", a / b }'
if [ "$ansible_runs" -gt 0 ]; then
echo "Ansible docker_swarm_service applying the same $count changes over SSH, median of $ansible_runs runs:"
echo "  ansible-playbook, SSH                        ${an[ssh]} ms   (until every task runs the new spec: ${an_conv[ssh]} ms)"
echo "  ansible-playbook, SSH with pipelining        ${an[pipelined]} ms   (until every task runs the new spec: ${an_conv[pipelined]} ms)"
awk -v s="${wall[4]}" -v r="${an_conv[ssh]}" -v rw="${an[ssh]}" -v p="${an_conv[pipelined]}" 'BEGIN {
  printf "  versus swarmform apply (default --parallelism 4): Ansible over SSH until converged = %.1fx, its playbook wall alone = %.1fx; pipelined until converged = %.1fx\n", r / s, rw / s, p / s }'
fi
echo "  fields neither declares, on ${names[0]} (created with --env BENCH=1 --label team=bench):"
echo "    after swarmform apply: $kept_swarmform;  after Ansible: $kept_ansible"
