#!/usr/bin/env bash
# Stop the swarmform lab started by tests/lab/up.sh.
#
#   tests/lab/down.sh           stop everything, keep $LAB_DIR (keys, image, engine
#                               data) so the next up.sh is fast
#   tests/lab/down.sh --purge   also remove $LAB_DIR entirely
#
# Leaves the swarm (worker, then manager) and removes all containers while the
# engines still answer, then stops exactly what up.sh started, found by pid file,
# by namespace and by cgroup: the sshds, the dockerds, their containerd, shims
# and task processes.  Then removes the sf-* namespaces (and the veths with
# them), the /lab-<node> cgroups, and any mount under $LAB_DIR.  Idempotent:
# safe when nothing runs.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

PURGE=no
for arg in "$@"; do
  case $arg in
    --purge) PURGE=yes ;;
    -h | --help)
      sed -n '2,14p' "$0"
      exit 0
      ;;
    *) die "unknown argument: $arg (usage: down.sh [--purge])" ;;
  esac
done

[ "$EUID" = 0 ] || die "must run as root"
[[ $LAB_DIR == /* && $LAB_DIR != / && ${#LAB_DIR} -gt 4 ]] || die "refusing LAB_DIR=$LAB_DIR"

T0=$LAB_T0
if [ -d "$LAB_DIR" ]; then
  exec 9>"$LAB_DIR/.lock" # the lock up.sh takes
  flock -w 300 9 || die "another up.sh/down.sh holds $LAB_DIR/.lock"
fi
rm -f "$LAB_ENV" # the lab is no longer usable from here on

# --- 1. sshd ------------------------------------------------------------------------
declare -A SSHD=()
for name in kvm4 kvm2 kvm4-nofwd; do
  if pid_alive "$LAB_SSH_DIR/sshd-$name.pid" sshd; then
    kill -TERM "$PID" 2>/dev/null
    SSHD[$name]=$PID
  fi
  rm -f "$LAB_SSH_DIR/sshd-$name.pid"
done
for name in "${!SSHD[@]}"; do
  wait_gone "${SSHD[$name]}" 30 || kill -KILL "${SSHD[$name]}" 2>/dev/null
  log "stopped sshd $name (pid ${SSHD[$name]})"
done

# --- 2. swarm and containers, while the engines answer ------------------------------
answers() { [ -S "$LAB_DIR/$1/docker.sock" ] && timeout 5 env DOCKER_CONTEXT= docker -H "unix://$LAB_DIR/$1/docker.sock" version >/dev/null 2>&1; }
declare -A UP=()
for node in $LAB_NODES; do
  pid_alive "$LAB_DIR/$node/dockerd.pid" dockerd && answers "$node" && UP[$node]=1
done
if [ -n "${UP[kvm2]:-}" ]; then
  timeout 20 docker -H "unix://$LAB_DIR/kvm2/docker.sock" swarm leave --force >/dev/null 2>&1 || true
  log "kvm2 left the swarm"
fi
if [ -n "${UP[kvm4]:-}" ]; then
  # The only manager: leaving needs --force.
  timeout 20 docker -H "unix://$LAB_DIR/kvm4/docker.sock" swarm leave --force >/dev/null 2>&1 || true
  log "kvm4 left the swarm"
fi
remove_containers() {
  local ids
  ids=$(timeout 10 docker -H "unix://$LAB_DIR/$1/docker.sock" ps -aq 2>/dev/null)
  # shellcheck disable=SC2086
  [ -z "$ids" ] || timeout 30 docker -H "unix://$LAB_DIR/$1/docker.sock" rm -f $ids >/dev/null 2>&1 || true
}
for node in "${!UP[@]}"; do remove_containers "$node" & done
wait
[ ${#UP[@]} = 0 ] || log "removed containers on: ${!UP[*]}"

# --- 3. dockerd, containerd, shims, tasks -------------------------------------------
stop_node() {
  local node=$1 dpid='' cpid=''
  pid_alive "$LAB_DIR/$node/dockerd.pid" dockerd && dpid=$PID
  pid_alive "$LAB_DIR/$node/exec/containerd/containerd.pid" containerd && cpid=$PID
  if [ -n "$dpid" ]; then
    kill -TERM "$dpid" 2>/dev/null
    wait_gone "$dpid" 150 || kill -KILL "$dpid" 2>/dev/null
    wait_gone "$dpid" 20
  fi
  if [ -n "$cpid" ]; then
    kill -TERM "$cpid" 2>/dev/null
    wait_gone "$cpid" 50 || kill -KILL "$cpid" 2>/dev/null
  fi
  # What is left (shims and tasks of a dockerd that was killed hard): SIGKILL.
  kill_leftovers "$node"
  [ -n "$dpid$cpid" ] && log "stopped dockerd $node${dpid:+ (pid $dpid)}"
  rm -f "$LAB_DIR/$node/dockerd.pid" "$LAB_DIR/$node/docker.sock"
}
stop_node kvm2 &
stop_node kvm4 &
wait

# --- 4. mounts, namespaces, cgroups -------------------------------------------------
# dockerd mounts in its own mount namespace, gone with it; unmount whatever is
# still mounted under LAB_DIR in this one, deepest first.
awk -v d="$LAB_DIR/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r |
  while read -r m; do umount -l "$m" 2>/dev/null && log "unmounted $m"; done

for node in $LAB_NODES; do
  ip -n "$LAB_BR_NS" link del "v-$node" 2>/dev/null
done
for ns in "sf-kvm4" "sf-kvm2" "$LAB_BR_NS"; do
  if [ -e "/run/netns/$ns" ]; then
    ip netns del "$ns" 2>/dev/null || { umount -l "/run/netns/$ns" 2>/dev/null; rm -f "/run/netns/$ns"; }
    log "removed namespace $ns"
  fi
done

# cgroup v1 (one hierarchy per controller) and v2: leaf directories first.
for _ in 1 2 3 4 5 6 7 8 9 10; do
  left=0
  for node in $LAB_NODES; do
    for f in /sys/fs/cgroup/"lab-$node" /sys/fs/cgroup/*/"lab-$node"; do
      [ -d "$f" ] || continue
      find "$f" -depth -type d -exec rmdir {} + 2>/dev/null
      [ -d "$f" ] && left=1
    done
  done
  [ $left = 0 ] && break
  sleep 0.2
done
[ "$left" = 0 ] || log "WARNING: some /sys/fs/cgroup/*/lab-* cgroups could not be removed"

if [ $PURGE = yes ] && [ -e "$LAB_DIR" ]; then
  rm -rf --one-file-system "$LAB_DIR"
  log "removed $LAB_DIR"
fi

since "$T0"
if [ $PURGE = yes ]; then
  echo "swarmform lab down in ${REPLY}s (purged $LAB_DIR)"
else
  echo "swarmform lab down in ${REPLY}s (kept $LAB_DIR)"
fi
