#!/usr/bin/env bash
# Benchmark: `swarmform validate` on a generated desired state of 1,000
# services over 10 hosts.  Prints wall time (median and best of N runs) and
# peak RSS.  Target: <= 50 ms wall, <= 20 MiB RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
runs=${RUNS:-20}
bench_build_release
bench_start

/usr/bin/python3 - "$work" <<'PY'
import sys
d = sys.argv[1]
hosts = [f"host{i:02d}" for i in range(10)]
with open(f"{d}/cluster.yaml", "w") as f:
    f.write("version: 1\ncluster:\n  manager: host00\npolicy:\n  cpu_overcommit: 1.5\nhosts:\n")
    for i, h in enumerate(hosts):
        f.write(f"  {h}:\n    ssh: root@203.0.113.{10 + i}\n    capacity: {{cpus: 64, memory: 256GiB}}\n")
for part in range(4):
    with open(f"{d}/services-{part}.yaml", "w") as f:
        f.write("services:\n")
        for i in range(part * 250, (part + 1) * 250):
            f.write(f"  svc-{i:04d}:\n    match: stack-svc-{i:04d}-*\n    host: {hosts[i % 10]}\n"
                    f"    replicas: {1 + i % 3}\n    limits: {{cpus: 0.25, memory: 256MiB}}\n"
                    f"    reservations: {{cpus: \"100m\", memory: 64M}}\n"
                    f"    labels: {{team: t{i % 7}, tier: web}}\n")
PY

/usr/bin/python3 - "$work" "$runs" <<'PY'
import resource, statistics, subprocess, sys, time
d, runs = sys.argv[1], int(sys.argv[2])
cmd = ["build-release/swarmform", "validate", "-C", d, "--format", "json"]
walls = []
for _ in range(runs):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    walls.append((time.perf_counter() - t0) * 1000)
    if p.returncode != 0:
        sys.exit(f"validate failed: {p.stderr.decode()}")
rss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"validate: 1000 services, 10 hosts, 5 files, {runs} runs")
print(f"  wall median {statistics.median(walls):.1f} ms, best {min(walls):.1f} ms  (target <= 50 ms)")
print(f"  peak RSS    {rss_kib / 1024:.1f} MiB  (target <= 20 MiB)")
PY
