# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this file
# The lab scripts' shared definitions (sourced by up.sh, down.sh and seed.sh):
# where the lab lives, its nodes and ports, and the helpers that find and stop
# what up.sh started.  Defines only; runs nothing.
#
# Forks cost ~7 ms each on the lab machines, so the helpers below stick to bash
# builtins where they can: a second up.sh must stay well under a second.

LAB_DIR=${SWARMFORM_LAB_DIR:-/tmp/swarmform-lab}
LAB_DIR=${LAB_DIR%/}

LAB_NODES="kvm4 kvm2" # manager first
LAB_BR_NS=sf-br       # namespace holding the bridge
LAB_BRIDGE=sfbr0
LAB_NET_PREFIX=24
LAB_IMAGE=local/busybox:1
LAB_SSH_HOST=127.0.0.1
LAB_SSH_DIR=$LAB_DIR/ssh
LAB_IDENTITY=$LAB_SSH_DIR/id_ed25519
LAB_KNOWN_HOSTS=$LAB_SSH_DIR/known_hosts
LAB_ENV=$LAB_DIR/lab.env
LAB_KVM4_NOFWD_PORT=22414

declare -A NODE_ADDR=([kvm4]=10.77.0.4 [kvm2]=10.77.0.2)
declare -A NODE_SSH_PORT=([kvm4]=22404 [kvm2]=22402)
# Per node: network namespace sf-<node>, files under $LAB_DIR/<node>/, cgroup
# parent /lab-<node> in every controller.

# The docker CLI pointed at one lab node, whatever DOCKER_HOST/DOCKER_CONTEXT say.
ldocker() {
  local node=$1
  shift
  DOCKER_CONTEXT='' DOCKER_HOST='' docker -H "unix://$LAB_DIR/$node/docker.sock" "$@"
}

# Start time in microseconds (EPOCHREALTIME: no fork).
LAB_T0=${EPOCHREALTIME/[.,]/}
# Seconds since $1 (microseconds), two decimals, in $REPLY.
since() {
  local d=$((${EPOCHREALTIME/[.,]/} - $1))
  printf -v REPLY '%d.%02d' $((d / 1000000)) $((d % 1000000 / 10000))
}

log() {
  since "$LAB_T0"
  printf '[lab +%ss] %s\n' "$REPLY" "$*" >&2
}
die() {
  printf '[lab] ERROR: %s\n' "$*" >&2
  exit 1
}

# pid_alive PIDFILE COMM: true (pid in $PID) when PIDFILE names a live, non-zombie
# process whose command name is COMM (guards against a recycled pid).
pid_alive() {
  local pidfile=$1 comm=$2 c=
  PID=
  [ -s "$pidfile" ] || return 1
  read -r PID <"$pidfile" || [ -n "$PID" ] || return 1
  [[ $PID =~ ^[0-9]+$ ]] || return 1
  read -r c 2>/dev/null <"/proc/$PID/comm" || return 1
  [ "$c" = "$comm" ] && ! is_zombie "$PID"
}

# True when PID is a zombie or gone.
is_zombie() {
  local line
  {
    while read -r line; do
      case $line in "State:"*) [[ $line == *"Z ("* || $line == *"X ("* ]] && return 0 || return 1 ;; esac
    done <"/proc/$1/status"
  } 2>/dev/null
  return 0
}

# True once PID is gone (or a zombie), waiting up to $2 tenths of a second.
wait_gone() {
  local pid=$1 n=${2:-50}
  while :; do
    { [ ! -d "/proc/$pid" ] || is_zombie "$pid"; } && return 0
    [ "$n" -gt 0 ] || return 1
    sleep 0.1
    n=$((n - 1))
  done
}

# Every process in the node's network namespace (dockerd, containerd, shims, tasks
# using the host network) and every process in the node's cgroups (tasks).
node_pids() {
  local node=$1 p f
  if [ -e "/run/netns/sf-$node" ]; then
    for p in /proc/[0-9]*; do
      [ "$p/ns/net" -ef "/run/netns/sf-$node" ] 2>/dev/null && echo "${p#/proc/}"
    done
  fi
  for f in /sys/fs/cgroup/*/"lab-$node"; do
    [ -d "$f" ] || continue
    find "$f" -name cgroup.procs -exec cat {} + 2>/dev/null
  done
  # containerd and shims whose namespace is already gone still name the node's
  # exec root on their command line.
  local comm args
  for p in /proc/[0-9]*; do
    read -r comm 2>/dev/null <"$p/comm" || continue
    case $comm in containerd | containerd-shim*) ;; *) continue ;; esac
    mapfile -d '' args 2>/dev/null <"$p/cmdline" || continue
    [[ " ${args[*]} " == *" $LAB_DIR/$node/exec/"* ]] && echo "${p#/proc/}"
  done
  return 0
}

# SIGKILLs what node_pids finds (leftovers of a dockerd that died or was killed
# hard: containerd, shims, tasks), until nothing is left.
kill_leftovers() {
  local node=$1 pids n=0
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    pids=$(node_pids "$node" | sort -un) || true
    [ -z "$pids" ] && break
    n=$((n + $(wc -w <<<"$pids")))
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null
    sleep 0.1
  done
  [ $n = 0 ] || log "killed $n leftover processes of $node"
}
