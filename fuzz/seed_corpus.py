#!/usr/bin/env python3
"""Writes the seed corpora fuzz/corpus/<target>/ from examples/, the golden
plans and the unit tests' inputs, and the regression inputs
fuzz/regressions/<target>/.  Run from anywhere; the output is committed,
so rerun it only when those inputs change."""
import json
import pathlib
import re
import shutil

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "fuzz" / "corpus"
SEP = "\n#@file\n"  # fuzz_yaml_loader splits its input into files here

KVM4 = "AAAAC3NzaC1lZDI1NTE5AAAAIDY3kS+1XDWOQU4B13lhwDFF9G3fUGtZOVS+KqCUME1n"
OTHER = "AAAAC3NzaC1lZDI1NTE5AAAAIO9BTFDE0bjjUVec/uXjwR6Vi6hWo0EiRV3oMHFhsEk7"
ECDSA = ("AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBD/5QIrsfu1NqQYBU5Hh1ZPPXWc8UeVdgY8wug5Piu"
         "u9CqZ0CVQCQZ8yhjLA2RsHmiWMFTH7qOUNMkyviMJSYlc=")


def raw_strings(path):
    """The C++ raw string literals of a test file, by variable name."""
    text = (ROOT / path).read_text()
    return {m.group(1): m.group(3)
            for m in re.finditer(r'(\w+)\s*=\s*R"(\w*)\((.*?)\)\2"', text, re.S)}


def write(target, name, data):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data.encode() if isinstance(data, str) else data)


def yaml_loader():
    t = "fuzz_yaml_loader"
    for example in ("kvm", "kvm-balanced", "lab"):
        files = sorted((ROOT / "examples" / example).glob("*.yaml"))
        write(t, f"example-{example}", SEP.join(f.read_text() for f in files))
        for f in files:
            write(t, f"example-{example}-{f.stem}", f.read_text())
    hosts = raw_strings("tests/unit/config_loader_test.cc")["kHosts"]
    write(t, "test-hosts", hosts)
    write(t, "test-hosts-and-services", hosts + SEP +
          "services:\n  web:\n    host: kvm2\n    replicas: 3\n"
          "    limits: {cpus: \"500m\", memory: 512M}\n    reservations: {cpus: 0.1}\n")
    write(t, "anchors-and-aliases",
          "version: 1\ncluster: {manager: h}\n"
          "hosts:\n  h: &host {ssh: root@h, capacity: {cpus: 4, memory: 1G}}\n  g: *host\n"
          "services:\n  a: {host: h, labels: &L {x: '1', y: '2'}, limits: &lim {cpus: 1, memory: 64M}}\n"
          "  b: {host: g, labels: *L, limits: *lim, replicas: 2}\n  c: {<<: *lim, host: h}\n")
    write(t, "duplicate-across-files",
          "version: 1\ncluster: {manager: h}\nhosts: {h: {ssh: h, capacity: {cpus: 1, memory: 1G}}}\n"
          "services: {s: {host: h}}" + SEP + "services: {s: {host: h, replicas: 0}}\n")


def yaml_edit():
    """fuzz_yaml_edit sets services.web.limits.cpus, services.web.replicas and
    hosts.kvm4.capacity.memory, then appends a service under services."""
    t = "fuzz_yaml_edit"
    for example in ("kvm", "kvm-balanced", "lab"):
        for f in sorted((ROOT / "examples" / example).glob("*.yaml")):
            write(t, f"example-{example}-{f.stem}", f.read_text())
    write(t, "block", "hosts:\n  kvm4:\n    capacity:\n      cpus: 4   # c\n"
          "services:\n  web:\n    host: kvm4\n    limits:\n      memory: 1GiB\n\n# end\n")
    write(t, "flow", "hosts: {kvm4: {capacity: {cpus: 4, memory: '8GiB'}}}\n"
          "services: {web: {host: kvm4, limits: {}, replicas: \"2\"}}\n")
    write(t, "nulls-crlf", "hosts:\r\n  kvm4:\r\n    capacity: ~\r\nservices:\r\n  web:\r\n    limits:\r\n")
    write(t, "refused", "x: &a {cpus: 1}\nhosts: {kvm4: {capacity: *a}}\n"
          "services:\n  web:\n    replicas: |\n      2\n    limits: [1]\n")
    write(t, "documents", "# first\n---\nservices:\n  web: {host: kvm4}\n...\n---\nhosts: {}\n")


def response_parser():
    t = "fuzz_response_parser"
    # The first byte is the target's control byte: bit 0 HEAD, bit 1 small
    # limits, bits 2-7 the piece size (0: all at once).
    chunked = ("HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\n"
               "Transfer-Encoding: chunked\r\n\r\n5\r\n[{\"a\"\r\na\r\n:1},{\"b\":2\r\n2\r\n}]\r\n0\r\n\r\n")
    sized = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n"
             "[{\"a\":1},{\"b\":2}]")
    close = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the peer closes"
    error = ('HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 42\r\n\r\n'
             '{"message":"service web not found\\u0000"}\n')
    for name, text in (("chunked", chunked), ("sized", sized), ("close", close), ("404", error),
                       ("no-content", "HTTP/1.1 204 No Content\r\n\r\n"),
                       ("truncated-header", "HTTP/1.1 200 OK\r\nContent-Le")):
        write(t, f"{name}-whole", b"\x00" + text.encode())
        write(t, f"{name}-bytewise", b"\x04" + text.encode())
        write(t, f"{name}-small-limits", b"\x1e" + text.encode())
    write(t, "head", b"\x01HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\n")
    write(t, "two-responses", b"\x00" + (sized + sized).encode())


def live_mapping():
    t = "fuzz_live_mapping"
    tests = raw_strings("tests/unit/engine_live_mapping_test.cc")
    nodes, services, tasks = (json.loads(tests[k]) for k in ("kNodes", "kServices", "kTasks"))
    write(t, "nodes", tests["kNodes"])
    write(t, "services", tests["kServices"])
    write(t, "tasks", tests["kTasks"])
    write(t, "lab-swarm", json.dumps({"nodes": nodes, "services": services, "tasks": tasks}, indent=1))
    # The same swarm with the services named as the target's desired state.
    services[0]["Spec"]["Name"] = "web"
    services[1]["Spec"]["Name"] = "db"
    services[1]["Spec"]["Labels"] = {"swarmform.managed": "true"}
    write(t, "lab-swarm-declared", json.dumps({"nodes": nodes, "services": services, "tasks": tasks},
                                              indent=1))
    # One container's list entry and stats, as the lab's engine (cgroup v1) sent them.
    write(t, "usage-stats-cgroup-v1",
          (ROOT / "tests" / "unit" / "fixtures" / "usage_stats_cgroup_v1.json").read_text())


def plan_file():
    t = "fuzz_plan_file"
    for golden in sorted((ROOT / "tests" / "golden").glob("plan_*.json")):
        write(t, golden.stem, golden.read_text())
    rich = json.loads((ROOT / "tests" / "golden" / "plan_rich.json").read_text())
    rich["format_version"] = "1.0"
    for key in ("ref", "uncommitted", "base", "base_commit", "desired_changes"):
        rich.pop(key, None)
    write(t, "plan_rich_1.0", json.dumps(rich, indent=2))


def known_hosts():
    t = "fuzz_known_hosts"
    write(t, "plain", f"# comment\n\nkvm4.example.org,10.0.0.4 ssh-ed25519 {KVM4} root@kvm4\n")
    write(t, "port", f"[127.0.0.1]:22404 ssh-ed25519 {KVM4}\n")
    write(t, "two-types", f"[127.0.0.1]:22404 ecdsa-sha2-nistp256 {ECDSA}\n"
                          f"[127.0.0.1]:22404 ssh-ed25519 {KVM4}\n")
    write(t, "conflict", f"other.example.org ssh-ed25519 {OTHER}\n[127.0.0.1]:22404 ssh-ed25519 {OTHER}\n")
    write(t, "hashed", f"|1|PhrESEvCUF5VmG3rXOOn7CrnAD0=|BzrWVVIwdCVAB4jr1kZtkf7KPNc= ssh-ed25519 {KVM4}\n"
                       f"|1|kX9jsI+2NUl0IQWcC43M6PbY9bg=|2ZrTGgAO4VzHuZ4Vvd7QIETDANQ= ssh-ed25519 {OTHER}\n")
    write(t, "kvm4", f"kvm4 ssh-ed25519 {KVM4}\r\n")
    for example in ("kvm", "kvm-balanced"):
        write(t, f"example-{example}", (ROOT / "examples" / example / "known_hosts").read_text())


def quantity():
    t = "fuzz_quantity"
    for text in ("1.5", "0.25", "2", "500m", "0", "0.000000001", "512M", "512MiB", "1G", "1.5GiB",
                 "100", "24683620KiB", "512 MB", "1.0", "8EiB", "1023.99Ki"):
        write(t, "text-" + text.replace(" ", "_").replace(".", "_"), text)
    # 24 bytes: three little-endian int64 for the formatters.
    import struct
    for name, values in (("ints-small", (1536, 1024, 1_000_000_000)),
                         ("ints-ratio", (2_380_000_000, 1_000_000_000, 1_500_000_000))):
        write(t, name, struct.pack("<qqq", *values))


def dokploy_stored():
    """Dokploy's answers as the stand-in (tests/support/dokploy_standin.py)
    serves them for the client test's state (tests/tools/dokploy_client_test.cc),
    and the unit tests' ones: text columns holding integers, replicas an
    integer, placementSwarm JSON or null."""
    t = "fuzz_dokploy_stored"
    apps = [
        {"applicationId": "app-web", "appName": "shop-web-x1y2", "name": "web", "cpuLimit": "1000000000",
         "memoryLimit": "268435456", "cpuReservation": None, "memoryReservation": None, "replicas": 2,
         "placementSwarm": None},
        {"applicationId": "app-api", "appName": "shop-api-a7b8", "name": "api", "cpuLimit": None,
         "memoryLimit": None, "replicas": 1, "placementSwarm": {"Constraints": ["node.role==worker"]}}]
    compose = {"composeId": "cmp-1", "appName": "shop-stack-q9", "name": "stack",
               "composePath": "./deploy/stack.yml"}
    # project.all: each application only {applicationId, name, applicationStatus}.
    project = {"projectId": "proj-1", "name": "stand-in", "description": None,
               "environments": [{"environmentId": "env-1", "name": "production", "isDefault": True,
                                 "applications": [{"applicationId": a["applicationId"], "name": a["name"],
                                                   "applicationStatus": "done"} for a in apps],
                                 "compose": [{"composeId": compose["composeId"], "name": compose["name"],
                                              "composeStatus": "done"}],
                                 "mariadb": [], "mongo": [], "mysql": [], "postgres": [], "redis": [],
                                 "libsql": []}],
               "projectTags": []}
    write(t, "project-all", json.dumps([project]))
    write(t, "project-all-older",
          '[{"projectId":"p1","environments":[{"applications":[{"applicationId":"a1","name":"x"}],'
          '"compose":[{"composeId":"c1","name":"s"}]}]},'
          '{"projectId":"p0","applications":[{"applicationId":"a0"}],"compose":[]}]')
    for a in apps:
        answer = dict(a, hasGitProviderAccess=True, unauthorizedProvider=None)
        for f in ("cpuReservation", "memoryReservation"):
            answer.setdefault(f, None)
        write(t, "application-one-" + a["name"], json.dumps(answer))
    write(t, "application-one-placement",
          '{"applicationId":"a1","appName":"web","name":"Web","cpuLimit":"1500000000",'
          '"memoryLimit":"536870912","cpuReservation":null,"memoryReservation":"","replicas":2,'
          '"placementSwarm":{"Constraints":["node.role==worker","node.hostname==kvm2"],"MaxReplicas":2}}')
    # At the model's bounds (kMaxNanoCpus, kMaxMemoryBytes) and Postgres' largest integer for replicas.
    write(t, "application-one-at-bounds",
          '{"applicationId":"a2","appName":"big","name":"big","cpuLimit":"1048576000000000",'
          '"memoryLimit":"1152921504606846976","cpuReservation":"0","memoryReservation":"0",'
          '"replicas":2147483647,"placementSwarm":{"Constraints":[],"Preferences":[{"Spread":"node.labels.zone"}],'
          '"Platforms":[{"Architecture":"amd64","OS":"linux"}]}}')
    write(t, "application-one-limits-as-numbers", '{"applicationId":"a1","appName":"web","cpuLimit":1}')
    write(t, "compose-one", json.dumps(dict(compose, composeType="stack")))
    write(t, "compose-one-default-path", '{"composeId":"cmp-2","appName":"stack-b","name":"b"}')


def regressions():
    """Inputs that crashed or exhausted swarmform (issue 11), fixed in 1124c4e;
    fuzz/run.sh replays them before each run and seeds the run with them."""
    import struct
    reg = ROOT / "fuzz" / "regressions"

    def put(target, name, data):
        d = reg / target
        d.mkdir(parents=True, exist_ok=True)
        (d / name).write_bytes(data.encode() if isinstance(data, str) else data)

    # The 148-byte desired state: 4096P x 2 replicas wrapped the host's load to
    # INT64_MIN, whose format_memory recursed until the stack was gone.
    state = ("version: 1\ncluster: {manager: h}\nhosts: {h: {ssh: 1, capacity: {cpus: 4, memory: 1G}}}\n"
             "services: {s: {host: h, replicas: 2, limits: {memory: %s}}}\n")
    put("fuzz_yaml_loader", "issue11-memory-4096P-x2", state % "4096P")
    # A capacity of 2^62 nano-CPUs or more overflowed format_ratio's 2 x denominator.
    put("fuzz_yaml_loader", "issue11-capacity-5000000000-cpus",
        "version: 1\ncluster: {manager: h}\nhosts: {h: {ssh: 1, capacity: {cpus: 5000000000, memory: 1G}}}\n"
        "services: {s: {host: h, replicas: 2, limits: {cpus: 1, memory: 64M}}}\n")
    # Aliases of a large map copied per reference (4,000 x 10,000 took 4.2 GiB).
    labels = "".join(f"    k{i}: v\n" for i in range(10000))
    refs = "".join(f"  s{i}: {{host: h, labels: *L}}\n" for i in range(400))
    put("fuzz_yaml_loader", "issue11-alias-labels-400x10000",
        "version: 1\ncluster: {manager: h}\nhosts: {h: {ssh: 1, capacity: {cpus: 4, memory: 1G}}}\n"
        "x-labels: &L\n" + labels + "services:\n" + refs)

    tests = raw_strings("tests/unit/engine_live_mapping_test.cc")
    nodes, services, tasks = (json.loads(tests[k]) for k in ("kNodes", "kServices", "kTasks"))
    # MemoryBytes INT64_MIN from the engine crashed `state` the same way.
    s = json.loads(json.dumps(services))
    s[0]["Spec"]["TaskTemplate"]["Resources"]["Limits"]["MemoryBytes"] = -9223372036854775808
    put("fuzz_live_mapping", "issue11-memory-int64-min",
        json.dumps({"nodes": nodes, "services": s, "tasks": tasks}, indent=1))
    # NanoCPUs INT64_MAX x two running tasks wrapped the node's total negative ("ok").
    s = json.loads(json.dumps(services))
    s[0]["Spec"]["TaskTemplate"]["Resources"]["Limits"]["NanoCPUs"] = 9223372036854775807
    t = json.loads(json.dumps(tasks))
    t.append(dict(t[0], ID="second", Slot=1))
    put("fuzz_live_mapping", "issue11-nanocpus-int64-max-x2",
        json.dumps({"nodes": nodes, "services": s, "tasks": t}, indent=1))
    # A Spec nested 100,000 levels deep overflowed the stack in dump().
    depth = 100000
    put("fuzz_live_mapping", "issue11-deep-spec",
        '[{"ID":"x","Spec":{"Name":"s","Unknown":' + "[" * depth + "]" * depth + "}}]")

    # Found by fuzz_quantity on its first run: format_ratio(a, b) computed
    # 2 x b in int64 (b = 0x8e8e8e8e8e8e8e8e here); and format_memory(INT64_MIN).
    put("fuzz_quantity", "format-ratio-2x-denominator", b"\xa1" + b"\x8e" * 23)
    put("fuzz_quantity", "format-ratio-denominator-2pow62", struct.pack("<qqq", 1, 1 << 62, 1))
    put("fuzz_quantity", "format-memory-int64-min", struct.pack("<qqq", -(1 << 63), 1, 1))

    # fuzz_dokploy_stored's first run: Dokploy's stored cpuLimit past
    # kMaxNanoCpus was read as it stood (its memory, too, past kMaxMemoryBytes);
    # and, found reading the code as the target was written, replicas -1 or
    # 2^64 - 1 (read as -1) were read and then shown as 0.
    put("fuzz_dokploy_stored", "cpu-limit-past-max-nano-cpus",
        '{"applicationId":"a2","appName":"big","name":"big","cpuLimit":"1054876000000000",'
        '"memoryLimit":"1152921504606846976","cpuReservation":"0","memoryReservation":"0",'
        '"repliReservation":"0","replicas":2147483647,"placementSwarm":{"Constraints":[],'
        '"Preferences":[{"Spread":"node.labels.zone"}]}}')
    put("fuzz_dokploy_stored", "memory-reservation-int64-max",
        '{"applicationId":"a","appName":"w","memoryReservation":"9223372036854775807"}')
    put("fuzz_dokploy_stored", "replicas-negative", '{"applicationId":"a","appName":"w","replicas":-1}')
    put("fuzz_dokploy_stored", "replicas-2pow64-minus-1",
        '{"applicationId":"a","appName":"w","replicas":18446744073709551615}')


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    yaml_loader()
    yaml_edit()
    response_parser()
    live_mapping()
    plan_file()
    known_hosts()
    quantity()
    dokploy_stored()
    regressions()


if __name__ == "__main__":
    main()
