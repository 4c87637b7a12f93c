#!/usr/bin/env bash
# Create the services of examples/lab/swarmform.yaml by hand, with the docker CLI
# on the manager's socket, but with values that differ from the example, so a
# `swarmform plan` against the example has something to change:
#
#   lab-web     kvm4, 2 replicas, limits 0.5 CPU / 64MiB   (example: 0.25 CPU)
#   lab-worker  kvm4, 1 replica,  limits 0.5 CPU / 128MiB  (example: on kvm2)
#
# Existing lab-web / lab-worker services are removed first, so every run gives
# the same starting point.  Waits until all tasks run.  Needs a running lab
# (tests/lab/up.sh).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

[ -s "$LAB_ENV" ] || die "the lab is not up ($LAB_ENV missing): run tests/lab/up.sh"
# shellcheck disable=SC1090
. "$LAB_ENV"

d() { DOCKER_CONTEXT='' DOCKER_HOST='' docker -H "unix://$KVM4_SOCKET" "$@"; }

existing=$(d service ls -q --filter name=lab-web --filter name=lab-worker)
if [ -n "$existing" ]; then
  # shellcheck disable=SC2086
  d service rm $existing >/dev/null
  # Wait until their tasks are gone, so the new ones start clean.
  for _ in $(seq 100); do
    left=
    for sock in "$KVM4_SOCKET" "$KVM2_SOCKET"; do
      left+=$(DOCKER_CONTEXT='' DOCKER_HOST='' docker -H "unix://$sock" ps -q \
        --filter name=lab-web. --filter name=lab-worker. 2>/dev/null)
    done
    [ -z "$left" ] && break
    sleep 0.1
  done
fi

# --no-resolve-image: no registry is reachable, the image is local on both nodes.
d service create --detach --no-resolve-image --quiet \
  --name lab-web --replicas 2 --constraint node.hostname==kvm4 \
  --limit-cpu 0.5 --limit-memory 64M --reserve-cpu 0.1 --reserve-memory 32M \
  "$LAB_IMAGE" >/dev/null
d service create --detach --no-resolve-image --quiet \
  --name lab-worker --replicas 1 --constraint node.hostname==kvm4 \
  --limit-cpu 0.5 --limit-memory 128M \
  "$LAB_IMAGE" >/dev/null

for _ in $(seq 300); do
  state=$(d service ls --filter name=lab- --format '{{.Name}}={{.Replicas}}' | sort | tr '\n' ' ')
  [[ $state == *"lab-web=2/2 "* && $state == *"lab-worker=1/1 "* ]] && break
  sleep 0.1
done
[[ $state == *"lab-web=2/2 "* && $state == *"lab-worker=1/1 "* ]] || die "tasks not running after 30s: $state"
d service ps --filter desired-state=running --format '{{.Name}} on {{.Node}}: {{.CurrentState}}' lab-web lab-worker
since "$LAB_T0"
echo "seeded lab-web and lab-worker in ${REPLY}s"
