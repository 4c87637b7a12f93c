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
runs=${RUNS:-10}
ansible_runs=${ANSIBLE_RUNS:-3}
services=${SERVICES:-200}
subset=${SUBSET:-20}   # the services Ansible checks: bench-001..bench-$subset
lab_env=${SWARMFORM_LAB_DIR:-/tmp/swarmform-lab}/lab.env
[ "$EUID" = 0 ] || { echo "bench/plan.sh: must run as root (the lab)" >&2; exit 1; }
[ "$subset" -le "$services" ] || { echo "bench/plan.sh: SUBSET > SERVICES" >&2; exit 1; }

# /usr/bin/python3: the interpreter the playbook names (PATH may hold another, e.g. pyenv's).
if ! command -v ansible-playbook >/dev/null || ! /usr/bin/python3 -c 'import docker' 2>/dev/null; then
  echo "installing Debian's ansible and python3-docker..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends ansible python3-docker >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends ansible python3-docker >/dev/null; }
fi

cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSWARMFORM_TESTS=OFF >/dev/null
cmake --build build-release --target swarmform >/dev/null

# Was the lab up before?  (lab.env can outlive a lab killed hard: ask the engine.)
lab_was_up=no
if [ -f "$lab_env" ]; then
  # shellcheck disable=SC1090
  (. "$lab_env" && timeout 5 docker -H "unix://$KVM4_SOCKET" version >/dev/null 2>&1) && lab_was_up=yes
fi
tests/lab/up.sh >/dev/null
# shellcheck disable=SC1090
. "$lab_env"
dk() { DOCKER_CONTEXT='' DOCKER_HOST='' docker -H "unix://$KVM4_SOCKET" "$@"; }

found=()
work=$(mktemp -d)
cleanup() {
  # Ansible's ssh ControlPersist master, if one still runs.
  for s in "$work"/ansible/cp/*; do [ -S "$s" ] && /usr/bin/ssh -o ControlPath="$s" -O exit x >/dev/null 2>&1; done
  rm -rf "$work"
  # The bench services would count against every host's budget in later
  # tests: remove them unless KEEP=1 (or they were there before), and stop a
  # lab this script started.
  if [ "${KEEP:-0}" != 1 ]; then
    if [ "$lab_was_up" = no ]; then
      tests/lab/down.sh >/dev/null 2>&1 || true
    elif [ "${#found[@]}" -lt "$services" ]; then
      dk service ls --filter name=bench- -q | xargs -r docker -H "unix://$KVM4_SOCKET" service rm >/dev/null || true
    fi
  fi
}
trap cleanup EXIT

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
    dk service create -d -q --no-resolve-image --name "bench-$i" --replicas "$replicas" \
      --constraint "node.hostname==$host" --limit-cpu "$lcpu" --limit-memory "${lmem}M" \
      --reserve-cpu "$rcpu" --reserve-memory "${rmem}M" \
      --label team=bench --label "$shape" --env BENCH=1 "$LAB_IMAGE" >/dev/null
  done
fi
# Wait (up to 60 s) for every task to run, so all runs see the same swarm.
for _ in $(seq 120); do
  dk service ls --filter "label=$shape" --format '{{.Replicas}}' | awk -F/ '$1 != $2 {bad = 1} END {exit bad}' && break
  sleep 0.5
done

# --- desired states ------------------------------------------------------------------
# The hosts' capacity as the engine reports it (declared = real: no warning).
capacity() {
  local nano mem
  read -r nano mem < <(dk node inspect "$1" --format '{{.Description.Resources.NanoCPUs}} {{.Description.Resources.MemoryBytes}}')
  # In KiB when whole: the loader refuses a plain byte count above ~8.6 GiB
  # (it scales the number by 10^9 in 64 bits before applying the unit).
  if [ $((mem % 1024)) = 0 ]; then mem="$((mem / 1024))KiB"; fi
  echo "{cpus: $((nano / 1000000))m, memory: $mem}"
}
cap4=$(capacity kvm4)
cap2=$(capacity kvm2)
write_state() {  # DIR COUNT: a desired state declaring bench-001..bench-COUNT
  local dir=$1 count=$2 i
  mkdir -p "$dir"
  {
    cat <<YAML
version: 1
cluster:
  manager: kvm4
hosts:
  kvm4:
    ssh: $SSH_USER@$SSH_HOST:$KVM4_SSH_PORT
    identity: $SSH_IDENTITY
    docker_socket: $KVM4_SOCKET
    capacity: $cap4
  kvm2:
    ssh: $SSH_USER@$SSH_HOST:$KVM2_SSH_PORT
    identity: $SSH_IDENTITY
    docker_socket: $KVM2_SOCKET
    capacity: $cap2
known_hosts: $SSH_KNOWN_HOSTS
# Other services in the lab (tests, seed.sh) count against the hosts' budgets
# too: a generous overcommit keeps them from blocking the plan.
policy:
  cpu_overcommit: 8.0
  memory_overcommit: 8.0
  unmanaged: ignore
services:
YAML
    for i in $(seq -f %03g 1 "$count"); do
      desired_spec "$i"
      echo "  bench-$i: {host: $host, replicas: $replicas, limits: {cpus: $lcpu, memory: ${lmem}MiB}, reservations: {cpus: $rcpu, memory: ${rmem}MiB}}"
    done
  } >"$dir/swarmform.yaml"
}
write_state "$work/all" "$services"
write_state "$work/subset" "$subset"

# --- Ansible's inventory, configuration and variables ---------------------------------
# Its own ansible.cfg (ANSIBLE_CONFIG): the lab's key, and its known_hosts with
# strict host-key checking.  Otherwise Ansible's defaults (ssh with
# ControlPersist=60s, no pipelining); no fact gathering, the interpreter named.
# transfer_method = piped: the lab's sshd has no sftp subsystem, and Ansible
# would try sftp, then scp (sftp too, in OpenSSH 9), before piping each module
# over the ssh channel -- three round trips per task where a real server has
# one.  Piped is what a working sftp would cost.
# docker_host: the lab's sshd also sets DOCKER_HOST (SetEnv), which the module
# picks up; it is named explicitly all the same.
a=$work/ansible
mkdir -p "$a/cp" "$a/tmp"
cat >"$a/inventory.ini" <<INI
[swarm]
kvm4-ssh ansible_host=$SSH_HOST ansible_port=$KVM4_SSH_PORT ansible_user=$SSH_USER docker_host=unix://$KVM4_SOCKET
kvm4-local ansible_connection=local docker_host=unix://$KVM4_SOCKET

[swarm:vars]
ansible_python_interpreter=/usr/bin/python3
INI
cat >"$a/ansible.cfg" <<CFG
[defaults]
inventory = $a/inventory.ini
private_key_file = $SSH_IDENTITY
host_key_checking = True
local_tmp = $a/tmp
remote_tmp = $a/tmp
retry_files_enabled = False
nocows = 1

[ssh_connection]
ssh_args = -C -o ControlMaster=auto -o ControlPersist=60s -o IdentitiesOnly=yes -o UserKnownHostsFile=$SSH_KNOWN_HOSTS -o StrictHostKeyChecking=yes
control_path_dir = $a/cp
transfer_method = piped
CFG
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
ssh_opts=(-i "$SSH_IDENTITY" -o UserKnownHostsFile="$SSH_KNOWN_HOSTS" -o StrictHostKeyChecking=yes -p "$KVM4_SSH_PORT")
plan_all() { build-release/swarmform plan -C "$work/all" --format json >"$work/plan-all.json"; }
plan_subset() { build-release/swarmform plan -C "$work/subset" --format json >"$work/plan-subset.json"; }
floor_run() {
  local sock="$work/fwd.sock"
  rm -f "$sock"
  ssh "${ssh_opts[@]}" -o ExitOnForwardFailure=yes -N -L "$sock:$KVM4_SOCKET" "$SSH_USER@$SSH_HOST" &
  local pid=$! rc=0
  while [ ! -S "$sock" ]; do kill -0 "$pid" 2>/dev/null || return 1; sleep 0.005; done
  for path in /version /v1.41/nodes '/v1.41/services?status=true' \
              '/v1.41/tasks?filters=%7B%22desired-state%22%3A%5B%22running%22%5D%7D'; do
    curl -sf --unix-socket "$sock" "http://docker$path" >/dev/null || rc=1
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  return $rc
}
# Three ways: over SSH as configured above; over SSH with pipelining (each
# module fed to python's stdin in one ssh exec instead of mkdir, put, chmod,
# run and rm: Ansible at its fastest over SSH); on the manager's socket.
ansible_ssh() { ansible_check kvm4-ssh "$@" >"$work/ansible-ssh.out"; }
ansible_pipelined() { ANSIBLE_PIPELINING=True ansible_check kvm4-ssh "$@" >"$work/ansible-pipelined.out"; }
ansible_local() { ansible_check kvm4-local "$@" >"$work/ansible-local.out"; }
# What one more ssh exec costs (a new session on an open connection: sshd
# starts root's login shell, which reads ~/.bashrc), median of 5.
exec_run() { ssh -S "$work/mux" -p "$KVM4_SSH_PORT" "$SSH_USER@$SSH_HOST" true; }

median_ms() {  # N CMD...: runs CMD N times, prints the median wall time in ms
  local n=$1 times=()
  shift
  for _ in $(seq "$n"); do
    local t0 t1
    t0=$(date +%s%N)
    "$@" || { echo "bench/plan.sh: $* failed" >&2; return 1; }
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# --- warm-up, and checks that every tool sees the same changes --------------------------
fail() { echo "bench/plan.sh: $*" >&2; exit 1; }
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
