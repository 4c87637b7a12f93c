#!/usr/bin/env bash
# Benchmark: `swarmform advise` over a recorded history of 7 days at one
# window a minute of 200 services on 5 hosts (2,016,000 rows), versus the
# script a team would write for the same percentiles: python3's sqlite3 and
# statistics modules, per service p50/p95/max of CPU and memory per task.
#   swarmform advise: SSH to the lab's manager (swarm ID, live services),
#                     the history streamed from SQLite, every service
#                     right-sized and placed; target: wall <= 1 s, peak RSS
#                     <= 50 MiB
#   python3 script:   the percentiles only (no placement, no SSH)
# The history is synthetic (made once per run by python3 in the same schema,
# keyed by the lab swarm's ID: the manager must be real for advise to read
# it); 3 of the 5 hosts are documentation addresses (203.0.113.0/24) that
# advise never dials from history.  RUNS runs each (default 5), medians.
# Needs root: starts the lab if it is down (flock /work/wt/lab.lock in this
# project's sessions).  Leaves the lab as it found it.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
runs=${RUNS:-5}
services=${SERVICES:-200}
days=${DAYS:-7}
bench_need_root
bench_build_release
bench_lab_up
bench_start

swarm_id=$(dk info --format '{{.Swarm.Cluster.ID}}')
[ -n "$swarm_id" ] || bench_fail "the lab's manager reports no swarm ID"
mkdir -p "$work/state"
{
  bench_state_head | sed '/^known_hosts:/,$d'
  n=11
  for h in kvm-a kvm-b kvm-c; do
    printf '  %s:\n    ssh: root@203.0.113.%d:22\n    capacity: {cpus: 8, memory: 32GiB}\n' "$h" "$n"
    n=$((n + 1))
  done
  bench_state_head | sed -n '/^known_hosts:/,$p'
} >"$work/state/swarmform.yaml"
hosts=(kvm4 kvm2 kvm-a kvm-b kvm-c)
for i in $(seq 0 $((services - 1))); do
  printf '  adv-%03d:\n    host: %s\n    limits: {cpus: 0.5, memory: 256MiB}\n    reservations: {cpus: 0.05, memory: 64MiB}\n' \
    "$i" "${hosts[$((i % 5))]}"
done >>"$work/state/swarmform.yaml"
build-release/swarmform validate -C "$work/state" >/dev/null 2>&1 || true  # budgets may not fit: advise says so

# The database: created by swarmform itself (its schema), then filled.
db="$work/usage.db"
build-release/swarmform usage -C "$work/state" --window 1s --record --db "$db" --target 'no-such-service*' \
  >/dev/null 2>&1 || true
[ -f "$db" ] || bench_fail "usage --record made no database"
echo "writing $((services * days * 1440)) rows of synthetic history..." >&2
python3 - "$db" "$swarm_id" "$services" "$days" <<'PY'
import random, sqlite3, sys, time
db, swarm, services, days = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
hosts = ["kvm4", "kvm2", "kvm-a", "kvm-b", "kvm-c"]
con = sqlite3.connect(db)
con.execute("DELETE FROM usage_window")
now = int(time.time())
start = now - days * 86400 + 60
rng = random.Random(15)
base = [rng.uniform(0.01, 0.4) for _ in range(services)]
def rows():
    for w in range(days * 1440):
        at = start + 60 * w
        for i in range(services):
            cpu = base[i] * (0.5 + rng.random())
            yield (swarm, at, 60.0, "adv-%03d" % i, hosts[i % 5], 1, cpu, 500000000,
                   0.3 if cpu > 0.45 else 0.0, 0.1 if cpu > 0.45 else 0.0,
                   int((40 + 100 * base[i] + rng.random() * 20) * 1048576), 268435456, 0)
con.executemany("INSERT INTO usage_window VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows())
con.commit()
PY
rows=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from usage_window").fetchone()[0])' "$db")

advise_run() {  # prints "WALL_MS RSS_KIB CPU_MS"
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f '%M %U %S' -o "$work/rss" build-release/swarmform advise -C "$work/state" --db "$db" --since "$((days + 1))d" \
    --format json >"$work/advice.json" 2>"$work/advise.err" || { cat "$work/advise.err" >&2; bench_fail "advise failed"; }
  t1=$(date +%s%N)
  local measured
  measured=$(python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); print(sum(1 for s in a["services"] if s["measured"] and s["name"].startswith("adv-")))' "$work/advice.json")
  [ "$measured" = "$services" ] || bench_fail "advise measured $measured of $services services"
  read -r rss_kib user_s sys_s <"$work/rss"
  echo "$(((t1 - t0) / 1000000)) $rss_kib $(awk -v u="$user_s" -v s="$sys_s" 'BEGIN { printf "%d", (u + s) * 1000 }')"
}
script_run() {
  python3 - "$db" "$swarm_id" <<'PY' >/dev/null
import sqlite3, statistics, sys
con = sqlite3.connect(sys.argv[1])
by = {}
for service, cpu, mem, tasks in con.execute(
        "SELECT service, cpu_used, memory_used_bytes, tasks FROM usage_window WHERE swarm_id = ? ORDER BY at_unix",
        (sys.argv[2],)):
    s = by.setdefault(service, ([], []))
    s[0].append(cpu / tasks); s[1].append(mem / tasks)
for service, (cpu, mem) in sorted(by.items()):
    q = statistics.quantiles(cpu, n=100, method="inclusive")
    print(service, statistics.median(cpu), q[94], max(cpu), statistics.median(mem), max(mem))
PY
}

advise_run >/dev/null  # warm-up (page cache), and the first check
wall=()
rss=()
cpu=()
for _ in $(seq "$runs"); do
  read -r w r c < <(advise_run)
  wall+=("$w")
  rss+=("$r")
  cpu+=("$c")
done
script_ms=$(median_ms "$runs" script_run)
w=$(printf '%s\n' "${wall[@]}" | median)
c=$(printf '%s\n' "${cpu[@]}" | median)
r=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
fits=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["fits"])' "$work/advice.json")

echo "advise over $rows recorded rows ($services services x $days days at 1/min, 5 hosts), median of $runs runs:"
echo "  swarmform advise (SSH to the manager, stream, size, place)   ${w} ms wall (${c} ms CPU), peak RSS $((r / 1024)) MiB (largest run); fits: $fits"
echo "  python3 sqlite3 + statistics, percentiles only                ${script_ms} ms wall"
echo "  targets: wall <= 1000 ms, peak RSS <= 50 MiB (CPU time is the figure to compare on a busy machine)"
