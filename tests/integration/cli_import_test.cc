// `swarmform import` against the real lab: services of every shape made
// with the docker CLI are imported, and the property that defines import
// holds — the imported desired state plans no change.  Then a hot-fix made
// with the docker CLI is adopted back into the YAML with `import --update`,
// changing exactly that value's bytes.

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "support/lab_state.h"
#include "support/process.h"

namespace swarmform::testing {
namespace {

/// A desired state that names only what import cannot discover: the
/// manager, the hosts' SSH, the key and known_hosts (no capacity, no
/// services).
std::string write_bare_state(const Lab& lab, const TempDir& dir, const std::string& known_hosts) {
  auto host = [&](const std::string& name, const std::string& port_key, const std::string& socket_key) {
    return "  " + name + ":   # " + name + "'s sshd\n    ssh: " + lab.get("SSH_USER") + "@" + lab.get("SSH_HOST") +
           ":" + lab.get(port_key) + "\n    identity: " + lab.get("SSH_IDENTITY") +
           "\n    docker_socket: " + lab.get(socket_key) + "\n";
  };
  std::string text = "# The lab, as a new user writes it before `swarmform import`.\nversion: 1\ncluster:\n"
                     "  manager: kvm4\n\nhosts:\n" +
                     host("kvm4", "KVM4_SSH_PORT", "KVM4_SOCKET") + host("kvm2", "KVM2_SSH_PORT", "KVM2_SOCKET") +
                     "known_hosts: " + known_hosts + "\n";
  write_file(dir / "cluster.yaml", text);
  return text;
}

/// `text` without its lines that start with one of `prefixes`, and those lines.
std::pair<std::string, std::vector<std::string>> without_lines(const std::string& text,
                                                               const std::vector<std::string>& prefixes) {
  std::istringstream in(text);
  std::string kept;
  std::vector<std::string> taken;
  for (std::string l; std::getline(in, l);) {
    bool take = std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& p) { return l.starts_with(p); });
    if (take) taken.push_back(l);
    else kept += l + "\n";
  }
  return {kept, taken};
}

/// The block of `services` text for `key`: its line and the indented lines under it.
std::string entry_of(const std::string& services, const std::string& key) {
  size_t at = services.find("\n  " + key + ":\n");
  if (at == std::string::npos) return "";
  size_t end = services.find("\n  ", at + 1);
  while (end != std::string::npos && services.compare(end, 5, "\n    ") == 0) end = services.find("\n  ", end + 1);
  return services.substr(at + 1, end == std::string::npos ? std::string::npos : end - at);
}

TEST(CliImport, EveryShapeImportsToAStateThatPlansNoChangeAndAHotFixIsAdopted) {
  SF_REQUIRE_LAB(lab);
  const std::string tag = std::to_string(getpid());
  const std::string limits_only = "sf-imp-lim-" + tag;
  const std::string reservations_only = "sf-imp-res-" + tag;
  const std::string both = "sf-imp-both-" + tag;
  const std::string none = "sf-imp-none-" + tag;
  const std::string by_id = "sf-imp-id-" + tag;
  const std::string unpinned = "sf-imp-free-" + tag;
  const std::string global = "sf-imp-glob-" + tag;
  const std::string dokploy = "sf-imp-dok" + tag + "-x1y2z3";
  ServiceCleanup cleanup(lab, {limits_only, reservations_only, both, none, by_id, unpinned, global, dokploy});
  std::string kvm2_id = docker(lab, "node inspect kvm2 --format '{{.ID}}'");
  while (!kvm2_id.empty() && kvm2_id.back() == '\n') kvm2_id.pop_back();
  ASSERT_FALSE(kvm2_id.empty());

  ASSERT_NO_FATAL_FAILURE(create_service(lab, limits_only,
                                         "--constraint node.hostname==kvm4 --limit-cpu 0.25 --limit-memory 64M "
                                         "--env APP_MODE=prod --label team=shop "
                                         "--mount type=volume,source=sf-imp-vol-" + tag + ",target=/data"));
  ASSERT_NO_FATAL_FAILURE(create_service(lab, reservations_only,
                                         "--constraint node.hostname==kvm2 --reserve-cpu 0.05 --reserve-memory 16M"));
  ASSERT_NO_FATAL_FAILURE(create_service(lab, both,
                                         "--replicas 3 --constraint node.role==worker --constraint node.hostname==kvm2 "
                                         "--limit-cpu 0.1 --limit-memory 32M --reserve-cpu 0.05 --reserve-memory 16M"));
  ASSERT_NO_FATAL_FAILURE(create_service(lab, none, "--replicas 0 --constraint node.hostname==kvm4"));
  ASSERT_NO_FATAL_FAILURE(create_service(lab, by_id, "--constraint node.id==" + kvm2_id + " --limit-cpu 0.1"));
  ASSERT_NO_FATAL_FAILURE(create_service(lab, unpinned, "--limit-memory 32M"));
  ASSERT_NO_FATAL_FAILURE(create_service(lab, global, "--mode global --limit-cpu 0.05 --limit-memory 16M"));
  ASSERT_NO_FATAL_FAILURE(create_service(lab, dokploy, "--constraint node.hostname==kvm4 --limit-cpu 0.1"));

  TempDir dir("sf-import");
  // A known_hosts that knows nothing yet: the first import is refused, and
  // writes nothing, until the user accepts the key.
  const std::string known = dir / "known_hosts";
  write_file(known, "");
  const std::string bare = write_bare_state(lab, dir, known);

  CommandResult refused = run_swarmform({"import", "-C", dir.path()});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("can't be established"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--accept-new-host-keys"), std::string::npos) << refused.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "services.yaml"));
  EXPECT_EQ(read_text(dir / "cluster.yaml"), bare);

  CommandResult imported = run_swarmform({"import", "-C", dir.path(), "--accept-new-host-keys"});
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  // The manager's key, as `ssh-keygen -lf` prints it, to be checked out of band.
  EXPECT_NE(imported.out.find(server_fingerprint(lab, lab.port("KVM4_SSH_PORT"))), std::string::npos)
      << imported.out;
  EXPECT_NE(imported.out.find("recorded in known_hosts"), std::string::npos) << imported.out;
  // And every other host's, recorded too, for the commands that reach each host.
  EXPECT_NE(imported.out.find("Host key of kvm2 (" + lab.get("SSH_HOST") + ":" + lab.get("KVM2_SSH_PORT") + "): ED25519 " +
                              server_fingerprint(lab, lab.port("KVM2_SSH_PORT"))),
            std::string::npos)
      << imported.out;

  // The hosts: capacity filled in from the nodes, everything else as written.
  const std::string cluster = read_text(dir / "cluster.yaml");
  auto [rest, added] = without_lines(cluster, {"    capacity:", "      cpus: ", "      memory: "});
  EXPECT_EQ(rest, bare);  // nothing else changed, comments and blank line included
  ASSERT_EQ(added.size(), 6u) << cluster;  // capacity:, cpus:, memory: for each host
  EXPECT_EQ(added[0], "    capacity:");
  EXPECT_EQ(added[1], "      cpus: 2");
  EXPECT_NE(added[2].find("# node kvm4 reports 2 CPUs and "), std::string::npos) << added[2];
  EXPECT_NE(added[5].find("# node kvm2 reports 2 CPUs and "), std::string::npos) << added[5];

  const std::string services = read_text(dir / "services.yaml");
  EXPECT_TRUE(services.starts_with("# yaml-language-server: $schema=")) << services;
  EXPECT_NE(services.find("(manager kvm4"), std::string::npos) << services;
  EXPECT_EQ(entry_of(services, limits_only),
            "  " + limits_only + ":\n    host: kvm4\n    replicas: 1\n    limits: {cpus: 0.25, memory: 64MiB}\n");
  EXPECT_EQ(entry_of(services, reservations_only),
            "  " + reservations_only +
                ":\n    host: kvm2\n    replicas: 1\n    # no limit: it may use the whole host (validate warns)\n"
                "    reservations: {cpus: 0.05, memory: 16MiB}\n");
  EXPECT_EQ(entry_of(services, both), "  " + both +
                                          ":\n    host: kvm2\n    replicas: 3\n    limits: {cpus: 0.1, memory: 32MiB}\n"
                                          "    reservations: {cpus: 0.05, memory: 16MiB}\n");
  EXPECT_EQ(entry_of(services, none), "  " + none + ":\n    host: kvm4\n    replicas: 0\n"
                                                    "    # no limit: it may use the whole host (validate warns)\n");
  EXPECT_EQ(entry_of(services, by_id),
            "  " + by_id + ":\n    host: kvm2\n    replicas: 1\n    limits: {cpus: 0.1}  # no memory limit\n");
  EXPECT_NE(entry_of(services, unpinned).find("# not pinned to one host: its tasks run on "), std::string::npos)
      << services;
  EXPECT_NE(entry_of(services, global).find("mode: global"), std::string::npos) << services;
  EXPECT_EQ(entry_of(services, global).find("replicas"), std::string::npos) << services;
  const std::string stem = "sf-imp-dok" + tag;
  EXPECT_EQ(entry_of(services, stem), "  " + stem + ":\n    match: " + stem +
                                          "-*\n    host: kvm4\n    replicas: 1\n    limits: {cpus: 0.1}  # no memory "
                                          "limit\n");

  // The property: what import wrote plans no change, on this swarm as it is.
  CommandResult planned = run_swarmform({"plan", "-C", dir.path(), "--detailed-exitcode"});
  EXPECT_EQ(planned.exit_code, 0) << planned.out << planned.err << services;
  EXPECT_NE(planned.out.find("No changes"), std::string::npos) << planned.out;
  // validate reads it and counts what runs: the hosts and their budgets.
  CommandResult validated = run_swarmform({"validate", "-C", dir.path()});
  EXPECT_NE(validated.out.find("kvm4"), std::string::npos) << validated.out << validated.err;
  std::istringstream lines(validated.err);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_FALSE(line.find("services.yaml:") != std::string::npos && line.find(": error:") != std::string::npos)
        << line;  // budget errors are the hosts'; the entries themselves read
  }

  // Again: nothing left to import, no file touched.
  CommandResult again = run_swarmform({"import", "-C", dir.path()});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("Nothing to import"), std::string::npos) << again.out;
  EXPECT_EQ(read_text(dir / "services.yaml"), services);
  EXPECT_EQ(read_text(dir / "cluster.yaml"), cluster);

  // A hot-fix outside git: plan would revert it; import --update adopts it,
  // changing exactly that value.
  int status = -1;
  std::string out = docker(lab, "service update --detach --limit-cpu 0.5 " + limits_only, &status);
  ASSERT_EQ(status, 0) << out;
  CommandResult drifted = run_swarmform({"plan", "-C", dir.path(), "--detailed-exitcode"});
  EXPECT_EQ(drifted.exit_code, 2) << drifted.out << drifted.err;
  CommandResult adopted = run_swarmform({"import", "-C", dir.path(), "--update"});
  ASSERT_EQ(adopted.exit_code, 0) << adopted.out << adopted.err;
  EXPECT_NE(adopted.out.find(limits_only + ": limits.cpus 0.25 -> 0.5"), std::string::npos) << adopted.out;
  const std::string updated = read_text(dir / "services.yaml");
  std::string expected = services;
  const std::string from = "  " + limits_only + ":\n    host: kvm4\n    replicas: 1\n    limits: {cpus: 0.25,";
  ASSERT_NE(expected.find(from), std::string::npos);
  expected.replace(expected.find(from), from.size(),
                   "  " + limits_only + ":\n    host: kvm4\n    replicas: 1\n    limits: {cpus: 0.5,");
  EXPECT_EQ(updated, expected);
  CommandResult clean = run_swarmform({"plan", "-C", dir.path(), "--detailed-exitcode"});
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
}

TEST(CliImport, AnUnreachableManagerWritesNothing) {
  SF_REQUIRE_LAB(lab);
  TempDir dir("sf-import-down");
  write_file(dir / "cluster.yaml",
             "version: 1\ncluster:\n  manager: kvm4\nhosts:\n  kvm4:\n    ssh: root@127.0.0.1:1\n    identity: " +
                 lab.get("SSH_IDENTITY") + "\nknown_hosts: " + lab.get("SSH_KNOWN_HOSTS") + "\n");
  const std::string before = read_text(dir / "cluster.yaml");
  CommandResult r = run_swarmform({"import", "-C", dir.path(), "--connect-timeout", "3"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("kvm4 (root@127.0.0.1:1): connect failed"), std::string::npos) << r.err;
  EXPECT_EQ(read_text(dir / "cluster.yaml"), before);
  EXPECT_FALSE(std::filesystem::exists(dir / "services.yaml"));

  // With --accept-new-host-keys and a second host that answers: its key is
  // not recorded either, since import never got as far as the swarm.
  TempDir two("sf-import-down-keys");
  write_file(two / "known_hosts", "");
  write_file(two / "cluster.yaml",
             "version: 1\ncluster:\n  manager: kvm4\nhosts:\n  kvm4:\n    ssh: root@127.0.0.1:1\n    identity: " +
                 lab.get("SSH_IDENTITY") + "\n  kvm2:\n    ssh: " + lab.get("SSH_USER") + "@" + lab.get("SSH_HOST") +
                 ":" + lab.get("KVM2_SSH_PORT") + "\n    identity: " + lab.get("SSH_IDENTITY") +
                 "\nknown_hosts: known_hosts\n");
  r = run_swarmform({"import", "-C", two.path(), "--connect-timeout", "3", "--accept-new-host-keys"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("kvm4 (root@127.0.0.1:1): connect failed"), std::string::npos) << r.err;
  EXPECT_EQ(read_text(two / "known_hosts"), "") << "a host key was recorded by an import that reached no swarm";
  EXPECT_FALSE(std::filesystem::exists(two / "services.yaml"));

  // The manager's engine answers but the swarm cannot be read from it (the
  // worker named as manager: "This node is not a swarm manager"): the
  // manager's key is recorded by its connection, as `plan` does, but not
  // kvm4's, since import never read the swarm.
  TempDir three("sf-import-noread-keys");
  write_file(three / "known_hosts", "");
  write_file(three / "cluster.yaml",
             "version: 1\ncluster:\n  manager: kvm2\nhosts:\n  kvm2:\n    ssh: " + lab.get("SSH_USER") + "@" +
                 lab.get("SSH_HOST") + ":" + lab.get("KVM2_SSH_PORT") + "\n    identity: " + lab.get("SSH_IDENTITY") +
                 "\n    docker_socket: " + lab.get("KVM2_SOCKET") + "\n  kvm4:\n    ssh: " + lab.get("SSH_USER") + "@" +
                 lab.get("SSH_HOST") + ":" + lab.get("KVM4_SSH_PORT") + "\n    identity: " + lab.get("SSH_IDENTITY") +
                 "\nknown_hosts: known_hosts\n");
  r = run_swarmform({"import", "-C", three.path(), "--connect-timeout", "5", "--accept-new-host-keys"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("not a swarm manager"), std::string::npos) << r.err;
  const std::string recorded = read_text(three / "known_hosts");
  EXPECT_NE(recorded.find("]:" + lab.get("KVM2_SSH_PORT") + " "), std::string::npos) << recorded;
  EXPECT_EQ(recorded.find("]:" + lab.get("KVM4_SSH_PORT") + " "), std::string::npos)
      << "kvm4's key was recorded by an import that could not read the swarm:\n" << recorded;
  EXPECT_FALSE(std::filesystem::exists(three / "services.yaml"));
}

}  // namespace
}  // namespace swarmform::testing
