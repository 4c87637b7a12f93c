#!/usr/bin/env bash
# Bring up the swarmform lab: a real two-node Docker Swarm on this machine.
#
#   kvm4 (manager, 10.77.0.4)  sshd 127.0.0.1:22404 (+ 22414 with AllowTcpForwarding no)
#   kvm2 (worker,  10.77.0.2)  sshd 127.0.0.1:22402
#
# Idempotent: what already runs is checked and reused (a second run takes well
# under a second).  Writes $LAB_DIR/lab.env once the lab is ready (LAB_DIR is
# /tmp/swarmform-lab unless SWARMFORM_LAB_DIR says otherwise).  Run as root.
# Nothing leaves the machine: the nodes' namespaces have no default route and the
# image is built here from busybox-static.  Stop with tests/lab/down.sh.

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

# --- up -----------------------------------------------------------------------------
set -euo pipefail
T0=$LAB_T0

[ "$EUID" = 0 ] || die "must run as root"
[[ $LAB_DIR == /* ]] || die "SWARMFORM_LAB_DIR must be an absolute path"
[[ $LAB_DIR =~ ^[A-Za-z0-9._/-]+$ ]] || die "SWARMFORM_LAB_DIR may only hold [A-Za-z0-9._/-]"
# containerd's and libnetwork's unix sockets live under the exec roots (108-byte limit).
[ ${#LAB_DIR} -le 48 ] || die "SWARMFORM_LAB_DIR is too long for unix socket paths: $LAB_DIR"

# --- packages ---------------------------------------------------------------------
ensure_packages() {
  local missing=()
  { command -v dockerd && command -v docker; } >/dev/null 2>&1 || missing+=(docker.io)
  [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
  { command -v ssh && command -v ssh-keygen; } >/dev/null 2>&1 || missing+=(openssh-client)
  # busybox (dynamic) also ships /bin/busybox: the image needs the static one.
  [ -e /var/lib/dpkg/info/busybox-static.list ] && [ -x /bin/busybox ] || missing+=(busybox-static)
  command -v ip >/dev/null 2>&1 || missing+=(iproute2)
  command -v iptables >/dev/null 2>&1 || missing+=(iptables)
  { command -v nsenter && command -v unshare; } >/dev/null 2>&1 || missing+=(util-linux)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# --- network namespaces -------------------------------------------------------------
# sf-br holds bridge sfbr0; sf-kvm4 / sf-kvm2 each hold eth0 (a veth whose peer
# v-<node> is in sf-br, on the bridge).  No default route anywhere.
network_ok() {
  local node out
  for node in $LAB_NODES; do
    out=$(ip -n "sf-$node" -o -4 addr show dev eth0 up 2>/dev/null) || return 1
    [[ $out == *"inet ${NODE_ADDR[$node]}/$LAB_NET_PREFIX "* ]] || return 1
  done
  out=$(ip -n "$LAB_BR_NS" -o link show master "$LAB_BRIDGE" up 2>/dev/null) || return 1
  for node in $LAB_NODES; do [[ $out == *" v-$node@"* ]] || return 1; done
}

ensure_ns() {
  local ns=$1
  [ "$(stat -f -c %T "/run/netns/$ns" 2>/dev/null)" = nsfs ] && return 0
  ip netns del "$ns" 2>/dev/null || true
  ip netns add "$ns"
  ip -n "$ns" link set lo up
}

ensure_network() {
  network_ok && return 0
  ensure_ns "$LAB_BR_NS"
  ip -n "$LAB_BR_NS" link show "$LAB_BRIDGE" >/dev/null 2>&1 ||
    ip -n "$LAB_BR_NS" link add "$LAB_BRIDGE" type bridge
  ip -n "$LAB_BR_NS" link set "$LAB_BRIDGE" up
  local node ns addr
  for node in $LAB_NODES; do
    ns=sf-$node
    addr=${NODE_ADDR[$node]}
    ensure_ns "$ns"
    if ! ip -n "$ns" link show eth0 >/dev/null 2>&1; then
      ip -n "$LAB_BR_NS" link del "v-$node" 2>/dev/null || true
      ip -n "$LAB_BR_NS" link add "v-$node" type veth peer name eth0 netns "$ns"
    fi
    ip -n "$LAB_BR_NS" link set "v-$node" master "$LAB_BRIDGE" up
    [[ $(ip -n "$ns" -o -4 addr show dev eth0) == *"inet $addr/"* ]] ||
      ip -n "$ns" addr add "$addr/$LAB_NET_PREFIX" dev eth0
    ip -n "$ns" link set eth0 up
  done
  network_ok || die "network namespaces are not as expected"
  log "network namespaces sf-br, sf-kvm4, sf-kvm2 ready"
}

# --- dockerd ------------------------------------------------------------------------
# True (pid in $PID) when the node's dockerd runs, in the node's namespace.
dockerd_running() {
  pid_alive "$LAB_DIR/$1/dockerd.pid" dockerd && [ "/proc/$PID/ns/net" -ef "/run/netns/sf-$1" ]
}

# One query answers "is it up?" and "what is its swarm state?":
# "<LocalNodeState> <ControlAvailable> <NodeID>", kept in $Q/info-<node>.
INFO_FMT='{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.NodeID}}'
query_info() { ldocker "$1" info --format "$INFO_FMT" 2>/dev/null >"$Q/info-$1.tmp" && mv "$Q/info-$1.tmp" "$Q/info-$1"; }
# info_fields NODE -> STATE CONTROL NODEID
info_fields() { read -r STATE CONTROL NODEID <"$Q/info-$1" || true; }

# Waits until the node's dockerd answers (30 s at most).  Runs in the background
# for both nodes at once, so it reports failure by its exit status.
wait_docker() {
  local node=$1 n=300 pid
  until query_info "$node"; do
    if ! pid_alive "$LAB_DIR/$node/dockerd.pid" dockerd; then
      # --pidfile is written a little after start: fall back to the launcher's pid.
      pid=${LAUNCHED[$node]:-}
      if [ -z "$pid" ] || wait_gone "$pid" 0; then
        tail -n 20 "$LAB_DIR/$node/dockerd.log" >&2 || true
        log "ERROR: dockerd $node died (log: $LAB_DIR/$node/dockerd.log)"
        return 1
      fi
    fi
    n=$((n - 1))
    if [ "$n" -le 0 ]; then
      log "ERROR: dockerd $node not answering after 30s (log: $LAB_DIR/$node/dockerd.log); try tests/lab/down.sh"
      return 1
    fi
    sleep 0.1
  done
}

wait_dockers() {
  local node pid pids=() ok=0
  for node in "$@"; do
    wait_docker "$node" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || ok=1; done
  [ $ok = 0 ] || die "dockerd not ready"
}

# True once kvm4's dockerd listens on 10.77.0.4:2377 (the swarm port), read from
# /proc/PID/net/tcp of its own namespace (no fork).  False after 30 s.
wait_manager_port() {
  local pid local_addr state n=300 ip want
  # 10.77.0.4:2377 as /proc/net/tcp shows it: little-endian hex address, hex port.
  IFS=. read -r -a ip <<<"${NODE_ADDR[kvm4]}"
  printf -v want '%02X%02X%02X%02X:%04X' "${ip[3]}" "${ip[2]}" "${ip[1]}" "${ip[0]}" 2377
  while [ $n -gt 0 ]; do
    pid=${LAUNCHED[kvm4]:-}
    { [ -n "$pid" ] && ! wait_gone "$pid" 0; } || return 1 # died: let wait_dockers tell
    if [ -r "/proc/$pid/net/tcp" ]; then
      # sl local_address rem_address st (0A = LISTEN) ...
      while read -r _ local_addr _ state _; do
        [ "$local_addr" = "$want" ] && [ "$state" = 0A ] && return 0
      done <"/proc/$pid/net/tcp"
    fi
    sleep 0.1
    n=$((n - 1))
  done
  return 1
}

stop_dockerd() {
  pid_alive "$LAB_DIR/$1/dockerd.pid" dockerd || return 0
  log "stopping dockerd $1 (pid $PID): $2"
  kill -TERM "$PID" 2>/dev/null || true
  wait_gone "$PID" 200 || kill -KILL "$PID" 2>/dev/null || true
  wait_gone "$PID" 50 || true
}

# Writes the node's daemon.json; stops its dockerd when that changed or when it
# runs outside the node's namespace (namespaces rebuilt under it).
prepare_dockerd() {
  local node=$1 dir=$LAB_DIR/$1 changed=no
  [ -d "$dir/data" ] || mkdir -p "$dir/data" "$dir/exec"
  # Its own daemon.json, so a machine-wide /etc/docker/daemon.json cannot interfere;
  # its own key.json (the engine ID), else both engines share /etc/docker/key.json.
  write_if_changed "$dir/daemon.json" "{\"deprecated-key-path\": \"$dir/key.json\"}" && changed=yes
  if dockerd_running "$node"; then
    [ $changed = no ] || stop_dockerd "$node" "daemon.json changed"
  else
    stop_dockerd "$node" "not in sf-$node"
  fi
}

declare -A LAUNCHED=()
start_dockerd() {
  local node=$1 dir=$LAB_DIR/$1
  dockerd_running "$node" && return 0 # already running: reuse
  # Shims and tasks of an earlier dockerd that died: a new one could not reach
  # them (they live in its old mount namespace) and would leave them behind.
  kill_leftovers "$node"
  mkdir -p /run/containerd
  # Stale pid files while their old pids still exist, e.g. as zombies that init
  # has not reaped yet: dockerd refuses to start ("pid file found"), or waits in
  # vain for the containerd it thinks still runs.
  rm -f "$dir/docker.sock" "$dir/dockerd.pid" "$dir/exec/containerd/containerd.pid"
  # - nsenter --net, not `ip netns exec`: that one remounts /sys, and dockerd then
  #   finds no cgroups.
  # - unshare --uts + hostname: the swarm node is named kvm4/kvm2, so
  #   `node.hostname==kvm2` constraints work.
  # - unshare --mount + a tmpfs over /run/containerd: hides any system containerd,
  #   so dockerd always supervises its own (state under $dir/exec).
  # - DOCKER_SERVICE_PREFER_OFFLINE_IMAGE: no registry is reachable.
  # - --cgroup-parent /lab-<node>: task cgroups are easy to find and to remove.
  # shellcheck disable=SC2016 # "$1" and "$@" are for the inner sh
  DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 \
    setsid nsenter --net="/run/netns/sf-$node" -- \
    unshare --uts --mount --propagation private -- \
    sh -c 'hostname "$1" && mount -t tmpfs -o mode=0711,size=16m lab-containerd /run/containerd && shift && exec "$@"' \
    sh "$node" \
    dockerd \
    --config-file "$dir/daemon.json" \
    --data-root "$dir/data" \
    --exec-root "$dir/exec" \
    --pidfile "$dir/dockerd.pid" \
    -H "unix://$dir/docker.sock" \
    --cgroup-parent "/lab-$node" \
    --log-opt max-size=1m --log-opt max-file=2 \
    --log-level warn \
    </dev/null >>"$dir/dockerd.log" 2>&1 9>&- &
  LAUNCHED[$node]=$!
  log "started dockerd $node (pid ${LAUNCHED[$node]})"
}

# --- image --------------------------------------------------------------------------
# rootfs: /bin/busybox from busybox-static, its applets as hard links beside it
# in /bin (one `busybox --install`, not hundreds of ln).  The CMD traps TERM, so
# a task stops at once instead of after the 10 s grace period.
build_rootfs_tar() {
  local out=$1 root
  root=$LAB_DIR/image/rootfs.$$
  rm -rf "$root"
  mkdir -p "$root"/{bin,etc,dev,proc,sys,root,tmp,var}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  "$root/bin/busybox" --install "$root/bin"
  if [ ! -e "$root/bin/sh" ] || [ ! -e "$root/bin/sleep" ]; then die "busybox --install made no /bin/sh"; fi
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  tar -C "$root" --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -cf "$out" .
  rm -rf "$root"
}

query_image() {
  ldocker "$1" image inspect --format '{{.Id}}' "$LAB_IMAGE" >"$Q/image-$1" 2>/dev/null || : >"$Q/image-$1"
}

# Imported once (on kvm4), then copied with save | load, so both nodes hold the
# same image ID.  The saved tar stays in $LAB_DIR/image for later runs.
ensure_image() {
  local saved=$LAB_DIR/image/busybox-image.tar id4='' id2=''
  read -r id4 <"$Q/image-kvm4" || true
  read -r id2 <"$Q/image-kvm2" || true
  if [ -z "$id4" ]; then
    # Ask again before importing: a new import would get a new image ID.
    query_image kvm4
    read -r id4 <"$Q/image-kvm4" || true
  fi
  if [ -z "$id4" ]; then
    mkdir -p "$LAB_DIR/image"
    if [ -s "$saved" ]; then
      ldocker kvm4 load -q -i "$saved" >/dev/null
    else
      build_rootfs_tar "$LAB_DIR/image/rootfs.tar"
      ldocker kvm4 import \
        --change 'ENV PATH=/bin:/usr/bin:/sbin:/usr/sbin' \
        --change 'CMD ["sh", "-c", "trap \"exit 0\" TERM INT; sleep 999999 & wait"]' \
        --message 'swarmform lab image (busybox-static)' \
        "$LAB_DIR/image/rootfs.tar" "$LAB_IMAGE" >/dev/null
      rm -f "$LAB_DIR/image/rootfs.tar"
      log "imported $LAB_IMAGE on kvm4"
      rm -f "$saved"
    fi
    query_image kvm4
    read -r id4 <"$Q/image-kvm4" || die "$LAB_IMAGE missing on kvm4 after import"
  fi
  if [ "$id2" != "$id4" ]; then
    if [ -s "$saved" ]; then
      ldocker kvm2 load -q -i "$saved" >/dev/null
    else
      ldocker kvm4 save "$LAB_IMAGE" | tee "$saved.tmp" | ldocker kvm2 load -q >/dev/null
      mv "$saved.tmp" "$saved"
    fi
    log "copied $LAB_IMAGE to kvm2 (save | load: same image ID)"
  elif [ ! -s "$saved" ]; then
    ldocker kvm4 save -o "$saved.tmp" "$LAB_IMAGE"
    mv "$saved.tmp" "$saved"
  fi
}

# --- swarm --------------------------------------------------------------------------
# "<ID> <hostname> <status>" of every node as the manager sees them, in $Q/nodes.
query_nodes() {
  ldocker kvm4 node ls --format '{{.ID}} {{.Hostname}} {{.Status}}' >"$Q/nodes" 2>/dev/null || : >"$Q/nodes"
}

ensure_manager() {
  info_fields kvm4
  [ "$STATE" = active ] && [ "$CONTROL" = true ] && return 0
  [ "$STATE" = inactive ] || ldocker kvm4 swarm leave --force >/dev/null 2>&1 || true
  ldocker kvm4 swarm init --advertise-addr "${NODE_ADDR[kvm4]}" \
    --listen-addr "${NODE_ADDR[kvm4]}:2377" >/dev/null
  query_info kvm4
  query_nodes
  log "swarm initialised on kvm4"
}

ensure_worker() {
  [ -s "$Q/nodes" ] || query_nodes # never rejoin on a failed query alone
  info_fields kvm2
  if [ "$STATE" = active ] && [ -n "$NODEID" ] && [[ $'\n'$(<"$Q/nodes") == *$'\n'"$NODEID "* ]]; then
    return 0
  fi
  # A member of another (older) swarm: leave it, join this one.
  [ "$STATE" = inactive ] || ldocker kvm2 swarm leave --force >/dev/null 2>&1 || true
  local token
  token=$(ldocker kvm4 swarm join-token -q worker)
  ldocker kvm2 swarm join --token "$token" --advertise-addr "${NODE_ADDR[kvm2]}" \
    --listen-addr "${NODE_ADDR[kvm2]}:2377" "${NODE_ADDR[kvm4]}:2377" >/dev/null
  query_info kvm2
  query_nodes
  log "kvm2 joined the swarm"
}

wait_nodes_ready() {
  local n=300 id4 id2 nodes
  info_fields kvm4
  id4=$NODEID
  info_fields kvm2
  id2=$NODEID
  while :; do
    nodes=$'\n'$(<"$Q/nodes")$'\n'
    [[ $nodes == *$'\n'"$id4 kvm4 Ready"$'\n'* && $nodes == *$'\n'"$id2 kvm2 Ready"$'\n'* ]] && break
    n=$((n - 1))
    [ "$n" -gt 0 ] || die "swarm nodes not ready after 30s:${nodes//$'\n'/ }"
    sleep 0.1
    query_nodes
  done
  # Drop stale entries (a kvm2 that left and re-joined leaves a Down one behind).
  local id status
  while read -r id _ status; do
    if [ "$id" != "$id4" ] && [ "$id" != "$id2" ] && [ "$status" = Down ]; then
      ldocker kvm4 node rm --force "$id" >/dev/null 2>&1 || true
    fi
  done <"$Q/nodes"
}

# --- sshd ---------------------------------------------------------------------------
# One ed25519 client key; one ed25519 host key per node (the 22414 sshd uses kvm4's).
ensure_keys() {
  local node hk
  for hk in "$LAB_IDENTITY" "$LAB_SSH_DIR/ssh_host_kvm4_ed25519_key" "$LAB_SSH_DIR/ssh_host_kvm2_ed25519_key"; do
    [ -s "$hk" ] && [ -s "$hk.pub" ] && continue
    mkdir -p "$LAB_SSH_DIR"
    rm -f "$hk" "$hk.pub"
    ssh-keygen -q -t ed25519 -N '' -C "swarmform-lab" -f "$hk"
    chmod 600 "$hk"
  done
  local k4 k2 t
  read -r t k4 _ <"$LAB_SSH_DIR/ssh_host_kvm4_ed25519_key.pub"
  k4="$t $k4"
  read -r t k2 _ <"$LAB_SSH_DIR/ssh_host_kvm2_ed25519_key.pub"
  k2="$t $k2"
  write_if_changed "$LAB_KNOWN_HOSTS" \
    "[$LAB_SSH_HOST]:${NODE_SSH_PORT[kvm4]} $k4" \
    "[$LAB_SSH_HOST]:${NODE_SSH_PORT[kvm2]} $k2" \
    "[$LAB_SSH_HOST]:$LAB_KVM4_NOFWD_PORT $k4" || true
  write_if_changed "$LAB_SSH_DIR/authorized_keys" "$(<"$LAB_IDENTITY.pub")" || true
}

# write_if_changed FILE LINE...: rewrites FILE (atomically) only when its content
# differs; returns 1 when it was already up to date.
write_if_changed() {
  local file=$1 want old=
  shift
  printf -v want '%s\n' "$@"
  if [ -f "$file" ]; then IFS= read -r -d '' old <"$file" || true; fi
  [ "$old" = "$want" ] && return 1
  printf '%s' "$want" >"$file.tmp"
  mv -f "$file.tmp" "$file"
}

USE_PAM=no
# Without PAM, sshd refuses a locked account ("!" password) even for key logins.
while IFS=: read -r user pw _; do
  [ "$user" = root ] && [[ $pw == '!'* ]] && USE_PAM=yes
done </etc/shadow

# start_sshd NAME NODE PORT ALLOWTCPFORWARDING
start_sshd() {
  local name=$1 node=$2 port=$3 tcpfwd=$4
  local conf=$LAB_SSH_DIR/sshd-$name.conf pidfile=$LAB_SSH_DIR/sshd-$name.pid changed=yes args=()
  write_if_changed "$conf" \
    "# swarmform lab: sshd in front of dockerd $node (written by tests/lab/up.sh)" \
    "Port $port" \
    "ListenAddress $LAB_SSH_HOST" \
    "AddressFamily inet" \
    "HostKey $LAB_SSH_DIR/ssh_host_${node}_ed25519_key" \
    "PidFile $pidfile" \
    "AuthorizedKeysFile $LAB_SSH_DIR/authorized_keys" \
    "AuthenticationMethods publickey" \
    "PubkeyAuthentication yes" \
    "PasswordAuthentication no" \
    "KbdInteractiveAuthentication no" \
    "PermitRootLogin prohibit-password" \
    "# The lab dir sits in /tmp (world-writable): StrictModes would refuse the keys." \
    "StrictModes no" \
    "UsePAM $USE_PAM" \
    "UseDNS no" \
    "PrintMotd no" \
    "AllowAgentForwarding no" \
    "X11Forwarding no" \
    "# Stream-local forwarding (ssh -L /x.sock:/docker.sock) needs both of these; the" \
    "# nofwd sshd sets AllowTcpForwarding no, as hardened servers do, which refuses it" \
    "# and leaves \`docker system dial-stdio\` as the way in." \
    "AllowStreamLocalForwarding yes" \
    "AllowTcpForwarding $tcpfwd" \
    "MaxSessions 64" \
    "MaxStartups 200:30:400" \
    "LoginGraceTime 30" \
    "LogLevel INFO" \
    "# Points \`docker\` and \`docker system dial-stdio\` run over ssh at this node." \
    "SetEnv DOCKER_HOST=unix://$LAB_DIR/$node/docker.sock" || changed=no
  if pid_alive "$pidfile" sshd; then
    mapfile -d '' args <"/proc/$PID/cmdline"
    if [ $changed = no ] && [[ " ${args[*]} " == *" $conf "* ]]; then
      return 0
    fi
    kill -TERM "$PID"
    wait_gone "$PID" 50 || kill -KILL "$PID" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  mkdir -p -m 755 /run/sshd # privilege separation directory (-p: three sshds start in parallel)
  # sshd binds before it daemonizes: a port already taken fails here.
  /usr/sbin/sshd -f "$conf" -E "$LAB_SSH_DIR/sshd-$name.log" 9>&- ||
    die "sshd $name failed on $LAB_SSH_HOST:$port (log: $LAB_SSH_DIR/sshd-$name.log)"
  log "started sshd $name on $LAB_SSH_HOST:$port"
}

write_env() {
  write_if_changed "$LAB_ENV" \
    "LAB_DIR=$LAB_DIR" \
    "KVM4_SOCKET=$LAB_DIR/kvm4/docker.sock" \
    "KVM2_SOCKET=$LAB_DIR/kvm2/docker.sock" \
    "KVM4_SSH_PORT=${NODE_SSH_PORT[kvm4]}" \
    "KVM2_SSH_PORT=${NODE_SSH_PORT[kvm2]}" \
    "KVM4_SSH_NOFWD_PORT=$LAB_KVM4_NOFWD_PORT" \
    "SSH_HOST=$LAB_SSH_HOST" \
    "SSH_USER=root" \
    "SSH_IDENTITY=$LAB_IDENTITY" \
    "SSH_KNOWN_HOSTS=$LAB_KNOWN_HOSTS" \
    "LAB_IMAGE=$LAB_IMAGE" \
    "KVM4_ADDR=${NODE_ADDR[kvm4]}" \
    "KVM2_ADDR=${NODE_ADDR[kvm2]}" || true
}

# --- main ---------------------------------------------------------------------------
[ -d "$LAB_DIR/ssh" ] || mkdir -p "$LAB_DIR/ssh"
# Close what the caller left open (a test runner's `flock FILE ...` lock, a
# pipe): dockerd and sshd started below would hold it for as long as they run.
for fd in /proc/$$/fd/*; do
  fd=${fd##*/}
  if [ "$fd" -gt 2 ] && [ "$fd" -lt 255 ]; then eval "exec $fd>&-"; fi
done
# One up.sh / down.sh at a time (tests may call up.sh in parallel).  The lock is
# fd 9: what stays running (dockerd, sshd) is started with 9>&-.
exec 9>"$LAB_DIR/.lock"
flock -w 300 9 || die "another up.sh/down.sh holds $LAB_DIR/.lock"
ensure_packages
Q=$LAB_DIR/.up.$$
mkdir "$Q"
trap 'rm -rf "$Q"' EXIT

ensure_network
prepare_dockerd kvm4
prepare_dockerd kvm2

# The manager starts first.  A worker that still holds swarm state blocks (up to
# ~20 s) until its manager answers, so such a kvm2 starts only once kvm4 listens
# on the swarm port; a swarm-less kvm2 starts right away.
start_dockerd kvm4
kvm2_deferred=no
if ! dockerd_running kvm2 && [ -s "$LAB_DIR/kvm2/data/swarm/docker-state.json" ]; then
  kvm2_deferred=yes
else
  start_dockerd kvm2
fi

# sshd meanwhile: it needs nothing from dockerd to start.
ensure_keys
start_sshd kvm4 kvm4 "${NODE_SSH_PORT[kvm4]}" local &
s1=$!
start_sshd kvm2 kvm2 "${NODE_SSH_PORT[kvm2]}" local &
s2=$!
start_sshd kvm4-nofwd kvm4 "$LAB_KVM4_NOFWD_PORT" no &
s3=$!
for s in $s1 $s2 $s3; do wait "$s" || die "sshd did not start"; done

if [ $kvm2_deferred = yes ]; then
  # A restarting kvm4 restores its swarm and listens on 2377 seconds before its
  # API answers: kvm2 can start then.
  if [ -n "${LAUNCHED[kvm4]:-}" ]; then wait_manager_port || wait_dockers kvm4; fi
  start_dockerd kvm2
fi

# (never a bare `wait` below: the dockerds just started are children of this shell)
query_nodes_and_images() {
  query_nodes &
  q1=$!
  query_image kvm4 &
  q2=$!
  query_image kvm2 &
  q3=$!
}
if [ ${#LAUNCHED[@]} = 0 ]; then
  # Both were running already: ask everything in one parallel round.
  query_nodes_and_images
  wait_dockers kvm4 kvm2
  wait $q1 $q2 $q3
  ensure_manager
else
  wait_dockers kvm4 kvm2
  log "dockerd answers on kvm4 and kvm2"
  ensure_manager
  query_nodes_and_images
  wait $q1 $q2 $q3
fi
# The image while kvm2 joins.
ensure_image &
img=$!
ensure_worker
wait $img || die "could not provide $LAB_IMAGE on both nodes"
wait_nodes_ready

write_env
since "$T0"
log "ready: kvm4 (manager) and kvm2 (worker); . $LAB_ENV"
echo "swarmform lab up in ${REPLY}s ($LAB_ENV)"
