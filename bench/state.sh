#!/usr/bin/env bash
# Benchmark: reading the live swarm with 200 services in the lab.
#   swarmform state --format json   (one SSH session, 4 API round trips)
#   the floor: one `ssh` connection forwarding the docker socket, plus `curl`
#              of the same endpoints through it
#   docker -H ssh://... service ls  (the docker CLI over SSH)
# Prints the median of RUNS runs of each and the ratios. Target: swarmform
# <= 1.5x the floor.  Needs root (starts the lab if it is down).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-10}
services=${SERVICES:-200}

cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSWARMFORM_TESTS=OFF >/dev/null
cmake --build build-release --target swarmform >/dev/null
tests/lab/up.sh >/dev/null
# shellcheck disable=SC1091
. "${SWARMFORM_LAB_DIR:-/tmp/swarmform-lab}/lab.env"
dk() { docker -H "unix://$KVM4_SOCKET" "$@"; }

# 200 services: 20 running one task each (10 per node), the rest scaled to 0.
have=$(dk service ls --filter name=bench- -q | wc -l)
if [ "$have" -lt "$services" ]; then
  echo "creating $((services - have)) services (once; they stay for the next run)..." >&2
  for i in $(seq -w 1 "$services"); do
    name="bench-$i"
    if [ "$((10#$i))" -le 20 ]; then replicas=1; else replicas=0; fi
    node=kvm4; [ "$((10#$i % 2))" -eq 0 ] && node=kvm2
    dk service create -d -q --no-resolve-image --name "$name" --replicas "$replicas" \
      --constraint "node.hostname==$node" --limit-cpu 0.05 --limit-memory 16M \
      --label team=bench --env BENCH=1 "$LAB_IMAGE" >/dev/null 2>&1 || true
  done
fi

work=$(mktemp -d)
cleanup() {
  rm -rf "$work"
  # The bench services would count against every host's budget in later
  # tests: remove them unless KEEP=1.
  if [ "${KEEP:-0}" != 1 ]; then dk service ls --filter name=bench- -q | xargs -r docker -H "unix://$KVM4_SOCKET" service rm >/dev/null; fi
}
trap cleanup EXIT
cp examples/lab/*.yaml "$work/"
# The docker CLI runs `ssh` from PATH, and ssh reads ~/.ssh/config of the
# passwd entry, not of $HOME: put a wrapper first in PATH that names the lab's
# key and known_hosts.
mkdir -p "$work/bin"
cat > "$work/ssh_config" <<CONF
Host 127.0.0.1
  IdentityFile $SSH_IDENTITY
  UserKnownHostsFile $SSH_KNOWN_HOSTS
  StrictHostKeyChecking yes
CONF
printf '#!/bin/sh\nexec /usr/bin/ssh -F %s "$@"\n' "$work/ssh_config" > "$work/bin/ssh"
chmod +x "$work/bin/ssh"
ssh_opts=(-i "$SSH_IDENTITY" -o UserKnownHostsFile="$SSH_KNOWN_HOSTS" -o StrictHostKeyChecking=yes -p "$KVM4_SSH_PORT")

swarmform_run() { build-release/swarmform state -C "$work" --format json >/dev/null; }
floor_run() {
  local sock="$work/fwd.sock"
  rm -f "$sock"
  ssh "${ssh_opts[@]}" -o ExitOnForwardFailure=yes -N -L "$sock:$KVM4_SOCKET" "$SSH_USER@$SSH_HOST" &
  local pid=$!
  while [ ! -S "$sock" ]; do sleep 0.005; done
  for path in /version /v1.41/nodes '/v1.41/services?status=true' \
              '/v1.41/tasks?filters=%7B%22desired-state%22%3A%5B%22running%22%5D%7D'; do
    curl -sf --unix-socket "$sock" "http://docker$path" >/dev/null
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
docker_cli_run() { PATH="$work/bin:$PATH" docker -H "ssh://$SSH_USER@$SSH_HOST:$KVM4_SSH_PORT" service ls >/dev/null; }

median_ms() {  # runs "$@" RUNS times, prints the median wall time in ms
  local times=()
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s%N); "$@"; t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

swarmform_run; floor_run; docker_cli_run   # warm caches once
sf=$(median_ms swarmform_run)
floor=$(median_ms floor_run)
cli=$(median_ms docker_cli_run)
echo "state over SSH, $services services in the lab, median of $runs runs:"
echo "  swarmform state --format json   ${sf} ms"
echo "  floor (ssh -L + curl x4)        ${floor} ms"
echo "  docker -H ssh:// service ls     ${cli} ms"
awk -v a="$sf" -v b="$floor" -v c="$cli" 'BEGIN {
  printf "  swarmform / floor = %.2fx (target <= 1.5x); docker CLI / swarmform = %.2fx\n", a / b, c / a }'
