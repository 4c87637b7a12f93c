#!/usr/bin/env bash
# Benchmark: planning against the live swarm with 200 services in the lab.
#   swarmform plan --format json   over SSH, a desired state declaring the 200
#                                  bench services (5 of them differ from live)
#   the floor: one `ssh` connection forwarding the docker socket, plus `curl`
#              of the endpoints plan reads (/version, /nodes, /services, /tasks)
#   Ansible: community.docker.docker_swarm_service in --check --diff mode on 20
#            of the services (bench/ansible/check.yml), over SSH to kvm4's sshd,
#            versus swarmform plan on a desired state declaring the same 20;
#            and, for reference, Ansible on the manager's socket (connection: local)
# Prints the medians (RUNS runs; ANSIBLE_RUNS for Ansible, it is slow) and the
# ratios.  Targets: swarmform <= 1.5x the floor; >= 50x faster than Ansible.
# Needs root: starts the lab if it is down, installs Debian's ansible and
# python3-docker if missing.  Leaves the lab as it found it: services it
# created are removed and a lab it started is stopped, unless KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
runs=${RUNS:-10}
ansible_runs=${ANSIBLE_RUNS:-3}
services=${SERVICES:-200}
subset=${SUBSET:-20}   # the services Ansible checks: bench-001..bench-$subset
bench_need_root
[ "$subset" -le "$services" ] || bench_fail "SUBSET > SERVICES"
bench_need_ansible # (no further commands)
bench_build_release
bench_lab_up
# The bench services would count against every host's budget in later tests:
# the cleanup removes those this run creates (unless KEEP=1) and stops a lab
# this script started.
bench_start

# --- the services ------------------------------------------------------------------
# bench-NNN as created (the shape bench/state.sh uses, plus reservations and a
# label that tells this shape apart): odd on kvm4, even on kvm2; the first 20
# run one task, the rest are scaled to 0.
shape=bench.shape=plan1
live_spec() {  # sets host replicas lcpu lmem rcpu rmem of bench-$1 as created
  local i=$((10#$1))
  host=kvm4; [ $((i % 2)) -eq 0 ] && host=kvm2
  replicas=0; [ "$i" -le 20 ] && replicas=1
  lcpu=0.05 lmem=16 rcpu=0.01 rmem=8   # memory in MiB
}
# The desired values: as created, except for a few services, one owned field each.
desired_spec() {
  live_spec "$1"
  case $((10#$1)) in
    3) replicas=2 ;;
    8) lcpu=0.1 ;;
    13) rmem=16 ;;
    150) host=kvm4 ;;   # kvm2 -> kvm4: the placement constraint
    199) lmem=32 ;;
  esac
}
differ_in() {  # how many of bench-001..bench-$1 differ from live
  local n=0 i
  for i in 3 8 13 150 199; do [ "$i" -le "$1" ] && n=$((n + 1)); done
  echo "$n"
}

mapfile -t found < <(dk service ls --filter name=bench- --format '{{.Name}}')
mapfile -t ours < <(dk service ls --filter "label=$shape" --format '{{.Name}}')
if [ "${#ours[@]}" -lt "$services" ]; then
  # Services of another shape (e.g. kept by bench/state.sh with KEEP=1) would
  # all differ in reservations: replace them.
  declare -A is_ours=()
  for n in "${ours[@]}"; do is_ours[$n]=1; done
  others=()
  for n in "${found[@]}"; do [ -n "${is_ours[$n]:-}" ] || others+=("$n"); done
  if [ "${#others[@]}" -gt 0 ]; then
    echo "replacing ${#others[@]} bench services of another shape..." >&2
    dk service rm "${others[@]}" >/dev/null
  fi
  echo "creating $((services - ${#ours[@]})) services (once; they stay for the next run with KEEP=1)..." >&2
  for i in $(seq -f %03g 1 "$services"); do
    [ -z "${is_ours[bench-$i]:-}" ] || continue
    live_spec "$i"
    bench_create "bench-$i" --replicas "$replicas" \
      --constraint "node.hostname==$host" --limit-cpu "$lcpu" --limit-memory "${lmem}M" \
      --reserve-cpu "$rcpu" --reserve-memory "${rmem}M" \
      --label team=bench --label "$shape" --env BENCH=1
  done
fi
# Wait (up to 60 s) for every task to run, so all runs see the same swarm.
for _ in $(seq 120); do
  dk service ls --filter "label=$shape" --format '{{.Replicas}}' | awk -F/ '$1 != $2 {bad = 1} END {exit bad}' && break
  sleep 0.5
done

# --- desired states ------------------------------------------------------------------
write_state() {  # DIR COUNT: a desired state declaring bench-001..bench-COUNT
  local dir=$1 count=$2 i
  mkdir -p "$dir"
  {
    bench_state_head
    for i in $(seq -f %03g 1 "$count"); do
      desired_spec "$i"
      echo "  bench-$i: {host: $host, replicas: $replicas, limits: {cpus: $lcpu, memory: ${lmem}MiB}, reservations: {cpus: $rcpu, memory: ${rmem}MiB}}"
    done
  } >"$dir/swarmform.yaml"
}
write_state "$work/all" "$services"
write_state "$work/subset" "$subset"

# --- Ansible's inventory, configuration and variables ---------------------------------
# bench/lib.sh's configuration (ANSIBLE_CONFIG): the lab's key, and its
# known_hosts with strict host-key checking, piped transfers.
a=$work/ansible
bench_ansible_config "$a"
{
  echo "bench_image: $LAB_IMAGE"
  echo "bench_services:"
  for i in $(seq -f %03g 1 "$subset"); do
    desired_spec "$i"
    echo "  - {name: bench-$i, host: $host, replicas: $replicas, limit_cpus: $lcpu, limit_memory: ${lmem}M, reserve_cpus: $rcpu, reserve_memory: ${rmem}M}"
  done
} >"$a/vars.yml"
ansible_check() {  # HOST [ARG...]: the playbook in --check --diff mode against that inventory host
  local host=$1
  shift
  ANSIBLE_CONFIG=$a/ansible.cfg ANSIBLE_NOCOLOR=1 \
    ansible-playbook --check --diff -l "$host" -e "@$a/vars.yml" "$@" bench/ansible/check.yml
}

# --- what is measured ------------------------------------------------------------------
plan_all() { build-release/swarmform plan -C "$work/all" --format json >"$work/plan-all.json"; }
plan_subset() { build-release/swarmform plan -C "$work/subset" --format json >"$work/plan-subset.json"; }
floor_run() { bench_floor_run; }
# Three ways: over SSH as configured above; over SSH with pipelining (each
# module fed to python's stdin in one ssh exec instead of mkdir, put, chmod,
# run and rm: Ansible at its fastest over SSH); on the manager's socket.
ansible_ssh() { ansible_check kvm4-ssh "$@" >"$work/ansible-ssh.out"; }
ansible_pipelined() { ANSIBLE_PIPELINING=True ansible_check kvm4-ssh "$@" >"$work/ansible-pipelined.out"; }
ansible_local() { ansible_check kvm4-local "$@" >"$work/ansible-local.out"; }
# What one more ssh exec costs (a new session on an open connection: sshd
# starts root's login shell, which reads ~/.bashrc), median of 5.
exec_run() { ssh -S "$work/mux" -p "$KVM4_SSH_PORT" "$SSH_USER@$SSH_HOST" true; }

# --- warm-up, and checks that every tool sees the same changes --------------------------
fail() { bench_fail "$@"; }
plan_counts() {  # FILE: "updates errors services" of a JSON plan
  jq -r '"\(.summary.update) \(.summary.errors) \(.services | length)"' "$1"
}
check_plan() {  # FILE SERVICES UPDATES: the plan compared SERVICES services and found UPDATES updates
  local upd errs count
  read -r upd errs count < <(plan_counts "$1")
  [ "$upd" = "$3" ] && [ "$count" = "$2" ] && [ "$errs" = 0 ] && return 0
  jq -c '.summary, .findings' "$1" >&2
  fail "plan of $2 services: $upd updates, $count services, $errs errors; expected $3, $2, 0"
}
want_all=$(differ_in "$services")
want_subset=$(differ_in "$subset")
# (swarmform plan exits 1 on a blocking finding: the JSON still tells which.)
plan_all || [ -s "$work/plan-all.json" ] || fail "swarmform plan failed ($services services)"
check_plan "$work/plan-all.json" "$services" "$want_all"
plan_subset || [ -s "$work/plan-subset.json" ] || fail "swarmform plan failed ($subset services)"
check_plan "$work/plan-subset.json" "$subset" "$want_subset"
floor_run
declare -A execs=()
for h in ssh pipelined local; do
  # -vvv: to count the ssh execs (its output only, not the timed runs).
  "ansible_$h" -vvv || { cat "$work/ansible-$h.out" >&2; fail "ansible-playbook ($h) failed"; }
  execs[$h]=$(grep -c 'SSH: EXEC' "$work/ansible-$h.out" || true)
  changed=$(grep -c '^changed: \[.*(item=' "$work/ansible-$h.out" || true)
  ok=$(grep -c '^ok: \[.*(item=' "$work/ansible-$h.out" || true)
  if [ "$changed" != "$want_subset" ] || [ "$ok" != $((subset - want_subset)) ]; then
    cat "$work/ansible-$h.out" >&2
    fail "Ansible ($h): $changed changed, $ok ok; expected $want_subset, $((subset - want_subset))"
  fi
done

# --- measure ----------------------------------------------------------------------------
sf=$(median_ms "$runs" plan_all)
floor=$(median_ms "$runs" floor_run)
sf20=$(median_ms "$runs" plan_subset)
an_ssh=$(median_ms "$ansible_runs" ansible_ssh)
an_pipe=$(median_ms "$ansible_runs" ansible_pipelined)
an_local=$(median_ms "$ansible_runs" ansible_local)
ssh "${ssh_opts[@]}" -o ControlMaster=yes -o ControlPath="$work/mux" -f -N "$SSH_USER@$SSH_HOST"
exec_cost=$(median_ms 5 exec_run)
ssh -S "$work/mux" -O exit x 2>/dev/null || true

echo "plan over SSH, $services services in the lab ($want_all differ), median of $runs runs:"
echo "  swarmform plan --format json          ${sf} ms"
echo "  floor (ssh -L + curl x4)              ${floor} ms"
awk -v a="$sf" -v b="$floor" 'BEGIN { printf "  swarmform / floor = %.2fx (target <= 1.5x)\n", a / b }'
echo "the same $subset services ($want_subset differ), --check --diff versus plan; Ansible median of $ansible_runs runs:"
echo "  swarmform plan over SSH               ${sf20} ms"
echo "  Ansible docker_swarm_service, SSH     ${an_ssh} ms   (${execs[ssh]} ssh execs)"
echo "  Ansible, SSH with pipelining          ${an_pipe} ms   (${execs[pipelined]} ssh execs)"
echo "  Ansible, manager's socket (local)     ${an_local} ms   (reference)"
echo "  one ssh exec on an open connection    ${exec_cost} ms   (sshd starts root's login shell, which reads ~/.bashrc)"
awk -v s="$sf20" -v r="$an_ssh" -v p="$an_pipe" -v l="$an_local" 'BEGIN {
  printf "  Ansible over SSH / swarmform = %.0fx (target >= 50x); pipelined / swarmform = %.0fx; local / swarmform = %.0fx\n", r / s, p / s, l / s }'
