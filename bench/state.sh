#!/usr/bin/env bash
# Benchmark: reading the live swarm with 200 services in the lab.
#   swarmform state --format json   (one SSH session, 4 API round trips)
#   the floor: one `ssh` connection forwarding the docker socket, plus `curl`
#              of the same endpoints through it
#   docker -H ssh://... service ls  (the docker CLI over SSH)
# Prints the median of RUNS runs of each and the ratios. Target: swarmform
# <= 1.5x the floor.  Needs root (starts the lab if it is down).  The services
# it creates are removed at the end, and a lab it started is stopped, unless
# KEEP=1 (then they stay for the next run).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
runs=${RUNS:-10}
services=${SERVICES:-200}

bench_build_release
bench_lab_up
bench_start

# 200 services: 20 running one task each (10 per node), the rest scaled to 0.
declare -A have=()
while read -r n; do have[$n]=1; done < <(dk service ls --filter name=bench- --format '{{.Name}}')
if [ "${#have[@]}" -lt "$services" ]; then
  echo "creating the missing of $services services..." >&2
  for i in $(seq -w 1 "$services"); do
    name="bench-$i"
    [ -z "${have[$name]:-}" ] || continue
    if [ "$((10#$i))" -le 20 ]; then replicas=1; else replicas=0; fi
    node=kvm4; [ "$((10#$i % 2))" -eq 0 ] && node=kvm2
    bench_create "$name" --replicas "$replicas" \
      --constraint "node.hostname==$node" --limit-cpu 0.05 --limit-memory 16M \
      --label team=bench --env BENCH=1
  done
fi
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

swarmform_run() { build-release/swarmform state -C "$work" --format json >/dev/null; }
floor_run() { bench_floor_run; }
docker_cli_run() { PATH="$work/bin:$PATH" docker -H "ssh://$SSH_USER@$SSH_HOST:$KVM4_SSH_PORT" service ls >/dev/null; }

swarmform_run; floor_run; docker_cli_run   # warm caches once
sf=$(median_ms "$runs" swarmform_run)
floor=$(median_ms "$runs" floor_run)
cli=$(median_ms "$runs" docker_cli_run)
echo "state over SSH, $services services in the lab, median of $runs runs:"
echo "  swarmform state --format json   ${sf} ms"
echo "  floor (ssh -L + curl x4)        ${floor} ms"
echo "  docker -H ssh:// service ls     ${cli} ms"
awk -v a="$sf" -v b="$floor" -v c="$cli" 'BEGIN {
  printf "  swarmform / floor = %.2fx (target <= 1.5x); docker CLI / swarmform = %.2fx\n", a / b, c / a }'
