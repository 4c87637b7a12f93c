# shellcheck shell=bash
# Shared by the bench/*.sh scripts, sourced once they are at the repository's
# root:  cd "$(dirname "$0")/.." && . bench/lib.sh
#
# What is shared is the setup around the figures, never a figure: the release
# build, the lab (started when down, and its lab.env read), `dk` (the docker
# CLI on the manager's socket), a desired state's hosts, the floor of a state
# read (ssh -L plus curl), Ansible's configuration, the medians, and the
# cleanup at exit, which removes only what the script made (the services it
# created, a lab it started), and with KEEP=1 nothing but its work directory.

BENCH=bench/$(basename "$0")
lab_env=${SWARMFORM_LAB_DIR:-/tmp/swarmform-lab}/lab.env

bench_fail() {
  echo "$BENCH: $*" >&2
  exit 1
}

bench_need_root() { [ "$EUID" = 0 ] || bench_fail "must run as root (the lab)"; }

# bench_need_packages PACKAGE...: installs Debian's PACKAGEs (quietly, updating
# the package lists only when the first try fails).
bench_need_packages() {
  echo "installing Debian's $*..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
}

# bench_need_ansible [PACKAGE...]: ansible and python3-docker for
# /usr/bin/python3 (the interpreter the inventory names: PATH may hold
# another, e.g. pyenv's), plus the commands PACKAGE... (e.g. jq).
# shellcheck disable=SC2120 # PACKAGE... is optional
bench_need_ansible() {
  local p missing=no
  for p in "$@" ansible-playbook; do command -v "$p" >/dev/null || missing=yes; done
  /usr/bin/python3 -c 'import docker' 2>/dev/null || missing=yes
  if [ "$missing" = yes ]; then bench_need_packages "$@" ansible python3-docker; fi
}

# bench_build_release: build-release/swarmform (Release, no tests); the build's
# last lines and a failure when it does not build.
bench_build_release() {
  local log
  log=$(mktemp)
  { cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSWARMFORM_TESTS=OFF &&
    cmake --build build-release --target swarmform; } >"$log" 2>&1 ||
    { tail -40 "$log" >&2; rm -f "$log"; bench_fail "the release build failed"; }
  rm -f "$log"
}

# --- the lab --------------------------------------------------------------------------
# bench_lab_up: starts the lab unless it is up (bench_lab_was_up says which:
# lab.env can outlive a lab killed hard, so the engine is asked) and reads
# lab.env (KVM4_SOCKET, SSH_USER, SSH_HOST, KVM4_SSH_PORT, ...).
bench_lab_was_up=no
bench_lab_used=no
bench_lab_up() {
  bench_lab_used=yes
  if [ -f "$lab_env" ]; then
    # shellcheck disable=SC1090
    (. "$lab_env" && timeout 5 docker -H "unix://$KVM4_SOCKET" version >/dev/null 2>&1) && bench_lab_was_up=yes
  fi
  tests/lab/up.sh >/dev/null
  # shellcheck disable=SC1090
  . "$lab_env"
  ssh_opts=(-i "$SSH_IDENTITY" -o UserKnownHostsFile="$SSH_KNOWN_HOSTS" -o StrictHostKeyChecking=yes -p "$KVM4_SSH_PORT")
}

# The docker CLI on the manager's socket, whatever DOCKER_HOST/DOCKER_CONTEXT say.
dk() { DOCKER_CONTEXT='' DOCKER_HOST='' docker -H "unix://$KVM4_SOCKET" "$@"; }

# bench_created: the services this run created (bench_create adds to it);
# bench_cleanup removes exactly these.
bench_created=()
# bench_create NAME ARG...: `docker service create -d -q --no-resolve-image
# --name NAME ARG... LAB_IMAGE`, remembered for the cleanup.
bench_create() {
  local name=$1
  shift
  bench_created+=("$name")
  dk service create -d -q --no-resolve-image --name "$name" "$@" "$LAB_IMAGE" >/dev/null
}

# bench_capacity NODE: the node's capacity as the engine reports it, for a
# desired state (declared = real: no warning).  Memory in KiB when whole: the
# loader refuses a plain byte count above ~8.6 GiB (it scales the number by
# 10^9 in 64 bits before applying the unit).
bench_capacity() {
  local nano mem
  read -r nano mem < <(dk node inspect "$1" --format '{{.Description.Resources.NanoCPUs}} {{.Description.Resources.MemoryBytes}}')
  if [ $((mem % 1024)) = 0 ]; then mem="$((mem / 1024))KiB"; fi
  echo "{cpus: $((nano / 1000000))m, memory: $mem}"
}

# bench_state_head [--no-capacity]: a desired state up to `services:` -- the
# cluster and hosts of examples/lab/swarmform.yaml with lab.env's values and
# the capacity the engine reports (with --no-capacity none: what a user writes
# before `swarmform import` fills it in).  Other services in the lab (other
# benchmarks, tests, seed.sh) count against the hosts' budgets too: a generous
# overcommit keeps them from blocking the plan.
bench_state_head() {
  local cap4='' cap2=''
  if [ "${1:-}" != --no-capacity ]; then
    cap4=$(bench_capacity kvm4)
    cap2=$(bench_capacity kvm2)
  fi
  # An empty capacity is no line at all.
  # shellcheck disable=SC2153 # KVM2_SOCKET, KVM2_SSH_PORT: from lab.env
  sed '/^    capacity: $/d' <<YAML
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
policy:
  cpu_overcommit: 8.0
  memory_overcommit: 8.0
  unmanaged: ignore
services:
YAML
}

# bench_floor_run: the floor of reading the swarm over SSH -- one `ssh`
# connection forwarding the manager's docker socket, and `curl` of the
# endpoints swarmform reads (/version, /nodes, /services, /tasks) through it.
bench_floor_run() {
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

# --- Ansible ------------------------------------------------------------------------------
# bench_ansible_config DIR: DIR/inventory.ini and DIR/ansible.cfg (use with
# ANSIBLE_CONFIG=DIR/ansible.cfg).  Hosts: kvm4-ssh (over SSH to kvm4's sshd)
# and kvm4-local (connection: local, on the manager's socket).  The lab's key
# and known_hosts with strict host-key checking; otherwise Ansible's defaults
# (ssh with ControlPersist=60s, no pipelining); no fact gathering, the
# interpreter named.  transfer_method = piped: the lab's sshd has no sftp
# subsystem, and Ansible would try sftp, then scp (sftp too, in OpenSSH 9),
# before piping each module over the ssh channel -- three round trips per task
# where a real server has one.  Piped is what a working sftp would cost.
# docker_host: the lab's sshd also sets DOCKER_HOST (SetEnv), which the module
# picks up; it is named explicitly all the same.
bench_ansible_config() {
  local a=$1
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
}

# --- medians ------------------------------------------------------------------------------
# median: the median of the numbers on stdin (one a line; the lower middle one
# of an even count).
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# median_ms N CMD...: runs CMD N times, prints the median wall time in ms; a
# failing CMD fails the benchmark.
median_ms() {
  local n=$1 times=() t0 t1
  shift
  for _ in $(seq "$n"); do
    t0=$(date +%s%N)
    "$@" || { echo "$BENCH: $* failed" >&2; return 1; }
    t1=$(date +%s%N)
    times+=($(((t1 - t0) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | median
}

# --- the work directory and the cleanup at exit --------------------------------------------
# bench_start: $work, a fresh directory; at exit bench_cleanup (and first
# bench_on_exit, when the script defines it) runs whatever way the script ends.
bench_start() {
  work=$(mktemp -d)
  trap bench_cleanup EXIT
}

# Stops what this run started and nothing else: Ansible's ssh ControlPersist
# masters, $work, the services it created (unless KEEP=1) and the lab if it
# was down before (unless KEEP=1).  Never fails the run.
bench_cleanup() {
  if declare -F bench_on_exit >/dev/null; then bench_on_exit || true; fi
  local s
  for s in "$work"/ansible/cp/*; do
    if [ -S "$s" ]; then /usr/bin/ssh -o ControlPath="$s" -O exit x >/dev/null 2>&1 || true; fi
  done
  rm -rf "$work"
  [ "${KEEP:-0}" != 1 ] || return 0
  if [ "$bench_lab_used" = yes ] && [ "$bench_lab_was_up" = no ]; then
    tests/lab/down.sh >/dev/null 2>&1 || true
  elif [ "${#bench_created[@]}" -gt 0 ]; then
    printf '%s\n' "${bench_created[@]}" | xargs -r -n 50 docker -H "unix://$KVM4_SOCKET" service rm >/dev/null 2>&1 || true
  fi
  return 0
}
