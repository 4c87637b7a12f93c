#!/usr/bin/env bash
# The swarmform demo, from a fresh clone on Debian 12, as root:
#   installs what is needed, builds, starts the two-node lab swarm, and runs
#   swarmform on the bundled examples: `validate` on the KVM example (today's
#   over-committed placement fails, the balanced one passes), then `state`
#   `plan`, `apply` and `plan` again against the real lab over SSH, and the
#   loop a cron job watches: someone changes a limit by hand, `drift` reports
#   it (exit 2, "changed outside swarmform"), `apply` puts it back, `drift`
#   is clean; `usage` reads what each lab service really uses on both hosts
#   (they idle: flagged `idle`) and `advise` what their limits should be
#   (from one live window, said to be weak).  Last, `import` writes the desired state of the lab as it runs
#   from a bare one (manager, hosts' SSH, known_hosts), and `plan` of it is empty.
# The lab keeps running afterwards so you can try commands by hand; stop it
# with tests/lab/down.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSWARMFORM_TESTS=OFF >/dev/null
cmake --build build-release --target swarmform
sf=build-release/swarmform

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step swarmform validate -C examples/kvm
"$sf" validate -C examples/kvm || echo "(exit $?: KVM4 is over its CPU budget, as the status report found)"

step swarmform validate -C examples/kvm-balanced
"$sf" validate -C examples/kvm-balanced

step tests/lab/up.sh
tests/lab/up.sh
tests/lab/seed.sh >/dev/null

step swarmform state -C examples/lab
"$sf" state -C examples/lab

step swarmform plan -C examples/lab
"$sf" plan -C examples/lab

step swarmform apply -C examples/lab --auto-approve
"$sf" apply -C examples/lab --auto-approve

step swarmform plan -C examples/lab --detailed-exitcode
"$sf" plan -C examples/lab --detailed-exitcode

# The out-of-band change a cron job exists to catch: someone raises a limit by
# hand.  The manager's socket is local to this machine in the lab.
. "${SWARMFORM_LAB_DIR:-/tmp/swarmform-lab}/lab.env"
step docker service update --limit-cpu 1 lab-worker "   # by hand, outside git"
docker -H "unix://$KVM4_SOCKET" service update --detach --quiet --limit-cpu 1 lab-worker >/dev/null

step swarmform drift -C examples/lab
rc=0
"$sf" drift -C examples/lab || rc=$?
[ "$rc" = 2 ] || { echo "expected drift (exit 2), got exit $rc" >&2; exit 1; }
echo "(exit 2: drift, as cron would report it; --notify URL posts it, --metrics-file feeds Prometheus)"

step swarmform apply -C examples/lab --auto-approve
"$sf" apply -C examples/lab --auto-approve

step swarmform drift -C examples/lab
"$sf" drift -C examples/lab

# What runs really uses: every host at once, two readings 3 s apart.
step swarmform usage -C examples/lab --window 3s
"$sf" usage -C examples/lab --window 3s

# What the limits should be: with no recorded history, advise measures a live
# window and says it is a weak basis; the idle lab services come down to the
# floor.  Without --write it only prints (text like plan's).
step swarmform advise -C examples/lab --window 3s
"$sf" advise -C examples/lab --window 3s

# Adopting a swarm that already runs: a desired state that names only the
# manager, the hosts' SSH and known_hosts; import writes the rest, and what
# it writes plans no change.
adopt=$(mktemp -d)
trap 'rm -rf "$adopt"' EXIT
cat >"$adopt/swarmform.yaml" <<YAML
version: 1
cluster:
  manager: kvm4
hosts:
  kvm4:
    ssh: root@127.0.0.1:$KVM4_SSH_PORT
    identity: $SSH_IDENTITY
    docker_socket: $KVM4_SOCKET
  kvm2:
    ssh: root@127.0.0.1:$KVM2_SSH_PORT
    identity: $SSH_IDENTITY
    docker_socket: $KVM2_SOCKET
known_hosts: $SSH_KNOWN_HOSTS
YAML
step swarmform import -C "$adopt" "   # a bare desired state: manager, hosts' ssh, known_hosts"
"$sf" import -C "$adopt"
step cat "$adopt/services.yaml"
cat "$adopt/services.yaml"
step swarmform plan -C "$adopt" --detailed-exitcode
"$sf" plan -C "$adopt" --detailed-exitcode
