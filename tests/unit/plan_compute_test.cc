// compute_plan with plain values: one table case per owned field, per
// normalisation and per finding.

#include <gtest/gtest.h>

#include <functional>

#include "reconciler/plan/applied_label.h"
#include "reconciler/plan/compute.h"
#include "unit/plan_fixtures.h"

namespace swarmform::plan {
namespace {

using namespace swarmform::plan::testing;
using model::DesiredState;
using model::LiveState;

/// Two hosts and three services: web (everything declared), api (matched
/// by glob, limits only), db (nothing but host and replicas).
DesiredState base_desired() {
  DesiredState d = kvm4_and_kvm2();
  model::Service web = make_service("web", "kvm4");
  web.replicas = 2;
  web.limits = {cpus(0.5), 256 * kMi};
  web.reservations = {cpus(0.25), 128 * kMi};
  d.services["web"] = web;
  model::Service api = make_service("api", "kvm2");
  api.match = "stack-api-*";
  api.replicas = 1;
  api.limits = {cpus(1), 512 * kMi};
  d.services["api"] = api;
  model::Service db = make_service("db", "kvm4");
  db.replicas = 1;
  d.services["db"] = db;
  return d;
}

model::LiveService& live_of(LiveState& live, const std::string& desired_name) {
  for (auto& s : live.services) {
    if (s.id == "id-" + desired_name) return s;
  }
  throw std::runtime_error("no live service for " + desired_name);
}

model::LiveNode& node_of(LiveState& live, const std::string& hostname) {
  for (auto& n : live.nodes) {
    if (n.hostname == hostname) return n;
  }
  throw std::runtime_error("no node " + hostname);
}

model::LiveService extra_service(const std::string& name, const std::string& node,
                                 int64_t nano_cpus, int64_t memory) {
  model::LiveService s;
  s.id = "id-extra-" + name;
  s.name = name;
  s.version_index = 7;
  s.replicas = 1;
  s.limits = {nano_cpus, memory};
  s.constraints = {"node.hostname==" + node};
  return s;
}

/// Non-no-op services as "~ name" then "  field: before -> after" lines.
std::vector<std::string> describe(const Plan& p) {
  std::vector<std::string> out;
  for (const auto& s : p.services) {
    if (!is_change(s.action)) continue;
    out.push_back(std::string(1, action_symbol(s.action)) + " " + s.name);
    for (const auto& f : s.changes)
      out.push_back("  " + f.field + ": " + f.before + " -> " + f.after);
  }
  return out;
}

std::string describe(const Finding& f) {
  return std::string(f.severity == model::Severity::error ? "error " : "warning ") + f.subject +
         ": " + f.message;
}

using Setup = std::function<void(DesiredState&, LiveState&, PlanOptions&)>;

struct Case {
  const char* name;
  Setup setup;
  std::vector<std::string> changes;  ///< describe(plan), exactly
  std::vector<std::string>
      findings;  ///< each a prefix-free substring of describe(finding), in order, all of them
  std::function<void(const Plan&)> check = nullptr;
};

std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }

const Case kCases[] = {
    {"equal_state_gives_empty_plan",
     [](DesiredState&, LiveState&, PlanOptions&) {},
     {},
     {},
     [](const Plan& p) {
       EXPECT_TRUE(p.empty());
       EXPECT_FALSE(p.blocked());
       EXPECT_EQ(p.services.size(), 3u);
       EXPECT_EQ(p.count(Action::noop), 3u);
     }},
    {"replicas_differ_without_restart",
     [](DesiredState&, LiveState& l, PlanOptions&) { live_of(l, "web").replicas = 3; },
     {"~ web", "  replicas: 3 -> 2"},
     {},
     [](const Plan& p) {
       EXPECT_FALSE(p.services[2].restarts_tasks);
       EXPECT_EQ(p.services[2].tasks_restarted(), 0u);
       EXPECT_EQ(p.restarting(), 0u);
     }},
    {"limits_cpus_differ_and_restart",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       live_of(l, "web").limits.nano_cpus = cpus(1);
     },
     {"~ web", "  limits.cpus: 1 -> 0.5"},
     {},
     [](const Plan& p) {
       EXPECT_TRUE(p.services[2].restarts_tasks);
       EXPECT_EQ(p.services[2].tasks_restarted(), 2u);
       EXPECT_TRUE(p.services[2].changes[0].restarts);
     }},
    {"limits_memory_differ",
     [](DesiredState&, LiveState& l, PlanOptions&) { live_of(l, "web").limits.memory_bytes = kGi; },
     {"~ web", "  limits.memory: 1GiB -> 256MiB"},
     {}},
    {"reservations_cpus_differ",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       live_of(l, "web").reservations.nano_cpus = cpus(0.1);
     },
     {"~ web", "  reservations.cpus: 0.1 -> 0.25"},
     {}},
    {"reservations_memory_differ",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       live_of(l, "web").reservations.memory_bytes = 0;
     },
     {"~ web", "  reservations.memory: none -> 128MiB"},
     {}},
    {"unlimited_live_reads_none",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       live_of(l, "api").limits = {0, 0};
     },
     {"~ api", "  limits.cpus: none -> 1", "  limits.memory: none -> 512MiB"},
     {},
     [](const Plan& p) {
       EXPECT_EQ(p.services[0].live_name, "stack-api-x7k2p9");
       EXPECT_EQ(p.services[0].live_id, "id-api");
     }},
    {"every_field_at_once",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       auto& w = live_of(l, "web");
       w.replicas = 1;
       w.limits = {cpus(2), kGi};
       w.reservations = {cpus(1), 512 * kMi};
       w.constraints = {"node.hostname==kvm2"};
     },
     {"~ web", "  host: kvm2 -> kvm4", "  replicas: 1 -> 2", "  limits.cpus: 2 -> 0.5",
      "  limits.memory: 1GiB -> 256MiB", "  reservations.cpus: 1 -> 0.25",
      "  reservations.memory: 512MiB -> 128MiB"},
     {},
     [](const Plan& p) {
       const ServiceChange& w = p.services[2];
       EXPECT_EQ(w.from_host, "kvm2");
       EXPECT_EQ(w.to_host, "kvm4");
       EXPECT_EQ(w.tasks_before, 1u);
       EXPECT_EQ(w.tasks_after, 2u);
       EXPECT_EQ(w.tasks_restarted(), 1u);
       EXPECT_EQ(w.desired.node, "kvm4");
       EXPECT_EQ(w.desired.replicas, 2u);
       EXPECT_EQ(w.desired.limits.nano_cpus, cpus(0.5));
     }},
    {"host_move_replaces_constraint",
     [](DesiredState& d, LiveState&, PlanOptions&) { d.services["db"].host = "kvm2"; },
     {"~ db", "  host: kvm4 -> kvm2"},
     {},
     [](const Plan& p) {
       EXPECT_TRUE(p.services[1].restarts_tasks);
       EXPECT_EQ(p.hosts[1].host, "kvm4");
       EXPECT_EQ(p.hosts[1].before.services.size(), 2u);
       EXPECT_EQ(p.hosts[1].after.services.size(), 1u);
       EXPECT_EQ(p.hosts[0].after.services.size(), 2u);
     }},
    {"units_normalise",
     [](DesiredState& d, LiveState& l, PlanOptions&) {
       d.services["web"].limits.nano_cpus = *model::parse_nano_cpus("500m");
       d.services["web"].limits.memory_bytes = *model::parse_memory_bytes("0.25GB");
       live_of(l, "web").limits = {500'000'000, 268'435'456};
     },
     {},
     {}},
    {"absent_limits_are_not_owned",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       live_of(l, "db").limits = {cpus(0.5), kGi};
       live_of(l, "db").reservations = {cpus(0.1), 64 * kMi};
     },
     {},
     {}},
    {"absent_replicas_are_not_owned",
     [](DesiredState& d, LiveState& l, PlanOptions&) {
       d.services["db"].replicas.reset();
       live_of(l, "db").replicas = 5;
     },
     {},
     {},
     [](const Plan& p) { EXPECT_FALSE(p.services[1].desired.replicas.has_value()); }},
    {"constraint_spacing_normalises",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       live_of(l, "web").constraints = {"node.role==manager", "node.hostname == kvm4"};
       live_of(l, "api").constraints = {" node.hostname ==kvm2 "};
     },
     {},
     {}},
    {"constraint_key_case_normalises",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       live_of(l, "web").constraints = {"Node.Hostname==kvm4"};
     },
     {},
     {}},
    {"other_constraints_labels_env_untouched",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       auto& w = live_of(l, "web");
       w.constraints = {"node.labels.disk==ssd", "node.hostname!=kvm2", "node.hostname==kvm4",
                        "engine.labels.x==y"};
       w.labels["traefik.enable"] = "true";
       w.image = "registry/other:9";
       w.spec_json = R"({"TaskTemplate":{"ContainerSpec":{"Env":["SECRET=changed"]}}})";
       w.mounts = {{"bind", "/srv", "/srv", ""}};
     },
     {},
     {}},
    {"unpinned_with_tasks_on_the_right_host",
     [](DesiredState&, LiveState& l, PlanOptions&) { live_of(l, "db").constraints.clear(); },
     {"~ db", "  host: kvm4 (not pinned) -> kvm4"},
     {},
     [](const Plan& p) { EXPECT_EQ(p.services[1].from_host, "kvm4"); }},
    {"unpinned_without_tasks_reads_none",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       live_of(l, "db").constraints.clear();
       std::erase_if(l.tasks, [](const model::LiveTask& t) { return t.service_id == "id-db"; });
     },
     {"~ db", "  host: none -> kvm4"},
     {}},
    {"several_hostname_constraints_are_replaced",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       live_of(l, "db").constraints = {"node.hostname==kvm4", "node.hostname==kvm2"};
     },
     {"~ db", "  host: kvm2,kvm4 -> kvm4"},
     {}},
    {"undeclared_node_reads_its_name",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       live_of(l, "db").constraints = {"node.hostname==old-vps"};
     },
     {"~ db", "  host: old-vps -> kvm4"},
     {}},
    {"global_mode_has_no_replicas_to_diff",
     [](DesiredState& d, LiveState& l, PlanOptions&) {
       d.services["db"].replicas.reset();
       d.services["db"].mode = model::ServiceMode::global;
       auto& db = live_of(l, "db");
       db.mode = "global";
       db.global = true;
       db.replicas.reset();
     },
     {},
     {}},
    // Before `mode:` existed this was a warning ("replicas are not
    // compared"); a desired state that says replicated now refuses a global
    // service: the swarm cannot change a mode in place.
    {"global_mode_declared_replicated_is_an_error",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       auto& db = live_of(l, "db");
       db.mode = "global";
       db.global = true;
       db.replicas.reset();
     },
     {},
     {"error db: runs in global mode; the desired state says replicated: the swarm cannot change a service's "
      "mode in place — remove and recreate it, or declare `mode: global`"},
     [](const Plan& p) {
       EXPECT_TRUE(p.blocked());
       for (const auto& c : p.services) EXPECT_NE(c.name, "db");  // nothing planned for it
     }},
    {"glob_matching_several_is_an_error",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       l.services.push_back(extra_service("stack-api-aaaa", "kvm2", cpus(1), 512 * kMi));
     },
     {},
     {"error api: 'stack-api-*' matches 2 live services (stack-api-x7k2p9, stack-api-aaaa)"},
     [](const Plan& p) {
       EXPECT_TRUE(p.blocked());
       EXPECT_EQ(p.services.size(), 2u);
     }},
    {"live_matched_twice_is_an_error",
     [](DesiredState& d, LiveState&, PlanOptions&) {
       model::Service copy = make_service("api-copy", "kvm2");
       copy.match = "stack-api-x7k2p9";
       d.services["api-copy"] = copy;
     },
     {},
     {"error stack-api-x7k2p9: is matched by several declared services (api, api-copy)"}},
    {"missing_without_image_is_an_error",
     [](DesiredState& d, LiveState&, PlanOptions&) {
       d.services["cache"] = make_service("cache", "kvm2");
     },
     {},
     {"error cache: not found in the swarm: no live service matches 'cache'"}},
    {"missing_with_image_is_a_create",
     [](DesiredState& d, LiveState&, PlanOptions&) {
       model::Service s = make_service("echo", "kvm2");
       s.image = "local/busybox:1";
       s.replicas = 2;
       s.limits = {cpus(0.25), 64 * kMi};
       d.services["echo"] = s;
     },
     {"+ echo", "  host: none -> kvm2", "  replicas: none -> 2", "  limits.cpus: none -> 0.25",
      "  limits.memory: none -> 64MiB"},
     {},
     [](const Plan& p) {
       const ServiceChange& c = p.services[2];
       EXPECT_EQ(c.live_name, "echo");
       ASSERT_TRUE(c.create.has_value());
       EXPECT_EQ(c.create->image, "local/busybox:1");
       EXPECT_FALSE(c.restarts_tasks);
       EXPECT_EQ(p.hosts[0].after.limits.nano_cpus, cpus(1.5));
       EXPECT_EQ(p.hosts[0].before.limits.nano_cpus, cpus(1));
     }},
    {"missing_glob_with_image_creates_under_its_key",
     [](DesiredState& d, LiveState&, PlanOptions&) {
       model::Service s = make_service("echo", "kvm4");
       s.match = "lab-echo-*";
       s.image = "local/busybox:1";
       d.services["echo"] = s;
     },
     {"+ echo", "  host: none -> kvm4"},
     {},
     [](const Plan& p) {
       EXPECT_EQ(p.services[2].live_name, "echo");
       EXPECT_EQ(p.services[2].tasks_after, 1u);
     }},
    {"prune_on_deletes_managed_undeclared",
     [](DesiredState& d, LiveState& l, PlanOptions&) {
       d.policy.prune = true;
       auto s = extra_service("old-api", "kvm4", cpus(1), kGi);
       s.labels["swarmform.managed"] = "true";
       l.services.push_back(s);
     },
     {"- old-api"},
     {},
     [](const Plan& p) {
       const ServiceChange& c = p.services.back();
       EXPECT_EQ(c.live_id, "id-extra-old-api");
       EXPECT_EQ(c.version_index, 7u);
       EXPECT_EQ(c.tasks_before, 1u);
       EXPECT_EQ(p.hosts[1].before.limits.nano_cpus, cpus(2));
       EXPECT_EQ(p.hosts[1].after.limits.nano_cpus, cpus(1));
     }},
    {"prune_off_keeps_managed_undeclared",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       auto s = extra_service("old-api", "kvm4", cpus(1), kGi);
       s.labels["swarmform.managed"] = "true";
       l.services.push_back(s);
     },
     {},
     {"warning old-api: carries swarmform.managed=true but is no longer declared: kept"}},
    {"unmanaged_ignore",
     [](DesiredState& d, LiveState& l, PlanOptions&) {
       d.policy.unmanaged = model::UnmanagedPolicy::ignore;
       l.services.push_back(extra_service("traefik", "kvm4", 0, 0));
     },
     {},
     {}},
    {"unmanaged_warn_lists_unlimited_first",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       l.services.push_back(extra_service("aaa-limited", "kvm4", cpus(0.1), 64 * kMi));
       l.services.push_back(extra_service("zzz-unlimited", "kvm4", 0, 64 * kMi));
     },
     {},
     {"warning zzz-unlimited: is not declared in the desired state (runs on kvm4) and has no CPU "
      "limit",
      "warning aaa-limited: is not declared in the desired state (runs on kvm4) [policy.unmanaged: "
      "warn]"}},
    {"unmanaged_error_blocks",
     [](DesiredState& d, LiveState& l, PlanOptions&) {
       d.policy.unmanaged = model::UnmanagedPolicy::error;
       l.services.push_back(extra_service("traefik", "kvm4", 0, 0));
     },
     {},
     {"error traefik: is not declared in the desired state (runs on kvm4) and has no CPU or memory "
      "limit"},
     [](const Plan& p) { EXPECT_TRUE(p.blocked()); }},
    {"budget_breach_after_is_an_error",
     [](DesiredState& d, LiveState&, PlanOptions&) {
       d.services["web"].limits.nano_cpus = cpus(2.25);
     },
     {"~ web", "  limits.cpus: 0.5 -> 2.25"},
     {"error host kvm4: after this plan CPU limits add up to 4.5 CPUs on 4 CPUs (1.13x), over its "
      "budget of 1x "
      "(now 0.25x, within budget); largest: web 4.5"},
     [](const Plan& p) {
       EXPECT_TRUE(p.blocked());
       EXPECT_TRUE(p.hosts[1].before.fits());
       EXPECT_FALSE(p.hosts[1].after.fits());
     }},
    {"budget_breach_counts_unmanaged_services",
     [](DesiredState& d, LiveState& l, PlanOptions&) {
       d.policy.unmanaged = model::UnmanagedPolicy::ignore;
       d.policy.memory_overcommit = 500'000'000;
       l.services.push_back(extra_service("big", "kvm2", cpus(0.5), 4 * kGi));
       d.services["api"].limits.memory_bytes = 768 * kMi;  // adds to the breach
     },
     {"~ api", "  limits.memory: 512MiB -> 768MiB"},
     {"error host kvm2: after this plan memory limits add up to 4.75GiB on 8GiB (0.59x), over its "
      "budget of 0.5x "
      "(now 0.56x, already over)"},
     [](const Plan& p) { EXPECT_TRUE(p.blocked()); }},
    {"budget_breach_the_plan_leaves_as_it_is_warns",
     [](DesiredState& d, LiveState& l, PlanOptions&) {
       d.policy.unmanaged = model::UnmanagedPolicy::ignore;
       d.policy.memory_overcommit = 500'000'000;
       l.services.push_back(extra_service("big", "kvm2", cpus(0.5), 4 * kGi));
     },
     {},
     {"warning host kvm2: memory limits add up to 4.5GiB on 8GiB (0.56x), over its budget of 0.5x; already so, "
      "and this plan does not add to it; largest: big 4GiB, api 512MiB"},
     [](const Plan& p) { EXPECT_FALSE(p.blocked()); }},
    {"budget_breach_the_plan_lessens_warns",
     [](DesiredState& d, LiveState& l, PlanOptions&) {
       d.policy.unmanaged = model::UnmanagedPolicy::ignore;
       d.policy.memory_overcommit = 500'000'000;
       l.services.push_back(extra_service("big", "kvm2", cpus(0.5), 4 * kGi));
       d.services["api"].limits.memory_bytes = 256 * kMi;
     },
     {"~ api", "  limits.memory: 512MiB -> 256MiB"},
     {"warning host kvm2: memory limits add up to 4.25GiB on 8GiB (0.53x), over its budget of 0.5x; already so, "
      "and this plan does not add to it; largest: big 4GiB, api 256MiB"},
     [](const Plan& p) { EXPECT_FALSE(p.blocked()); }},
    {"reservation_breach_is_an_error",
     [](DesiredState& d, LiveState&, PlanOptions&) {
       d.services["api"].reservations.nano_cpus = cpus(3);
     },
     {"~ api", "  reservations.cpus: none -> 3"},
     {"error host kvm2: after this plan CPU reservations add up to 3 CPUs on 2 CPUs"}},
    {"node_down_blocks_changes_onto_it",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       node_of(l, "kvm2").state = "down";
       live_of(l, "api").limits.nano_cpus = cpus(2);
     },
     {"~ api", "  limits.cpus: 2 -> 1"},
     {"error host kvm2: node 'kvm2' is down: cannot place api (planned changes)"}},
    {"node_down_without_changes_warns",
     [](DesiredState&, LiveState& l, PlanOptions&) { node_of(l, "kvm2").state = "down"; },
     {},
     {"warning host kvm2: node 'kvm2' is down: api cannot run"}},
    {"node_drained_blocks_a_move_onto_it",
     [](DesiredState& d, LiveState& l, PlanOptions&) {
       node_of(l, "kvm2").availability = "drain";
       d.services["db"].host = "kvm2";
     },
     {"~ db", "  host: kvm4 -> kvm2"},
     {"error host kvm2: node 'kvm2' is drained: cannot place db (planned changes)"}},
    {"node_missing_blocks_a_create",
     [](DesiredState& d, LiveState& l, PlanOptions&) {
       std::erase_if(l.nodes, [](const model::LiveNode& n) { return n.hostname == "kvm2"; });
       model::Service s = make_service("echo", "kvm2");
       s.image = "local/busybox:1";
       d.services["echo"] = s;
     },
     {"+ echo", "  host: none -> kvm2"},
     {"error host kvm2: node 'kvm2' is not in the swarm: cannot place echo (planned changes)"},
     [](const Plan& p) { EXPECT_FALSE(p.hosts[0].real.has_value()); }},
    {"local_volume_move_is_an_error",
     [](DesiredState& d, LiveState& l, PlanOptions&) {
       d.services["db"].host = "kvm2";
       live_of(l, "db").mounts = {{"volume", "pgdata", "/var/lib/postgresql", ""}};
     },
     {"~ db", "  host: kvm4 -> kvm2"},
     {"error db: moves from kvm4 to kvm2 but mounts local volume pgdata: its data stays on kvm4; "
      "move the data "
      "first, then set allow_data_move: true"}},
    {"local_volume_move_allowed_warns",
     [](DesiredState& d, LiveState& l, PlanOptions&) {
       d.services["db"].host = "kvm2";
       d.services["db"].allow_data_move = true;
       live_of(l, "db").mounts = {{"volume", "pgdata", "/data", "local"},
                                  {"volume", "cache", "/cache", ""}};
     },
     {"~ db", "  host: kvm4 -> kvm2"},
     {"warning db: moves from kvm4 to kvm2 but mounts local volumes pgdata, cache: its data stays "
      "on kvm4 "
      "(allowed by allow_data_move: true)"},
     [](const Plan& p) { EXPECT_FALSE(p.blocked()); }},
    {"shared_driver_and_bind_mounts_move_freely",
     [](DesiredState& d, LiveState& l, PlanOptions&) {
       d.services["db"].host = "kvm2";
       live_of(l, "db").mounts = {{"volume", "nfsdata", "/data", "nfs-driver"},
                                  {"bind", "/etc/x", "/x", ""},
                                  {"tmpfs", "", "/tmp", ""}};
     },
     {"~ db", "  host: kvm4 -> kvm2"},
     {}},
    {"local_volume_without_move_is_fine",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       live_of(l, "db").mounts = {{"volume", "pgdata", "/data", ""}};
       live_of(l, "db").constraints.clear();
     },
     {"~ db", "  host: kvm4 (not pinned) -> kvm4"},
     {}},
    {"capacity_mismatch_warns",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       node_of(l, "kvm4").nano_cpus = cpus(2);
       node_of(l, "kvm2").memory_bytes = 6 * kGi + 123;
     },
     {},
     {"warning host kvm2: declares 2 CPUs and 8GiB, but node 'kvm2' reports 2 CPUs and ~6GiB",
      "warning host kvm4: declares 4 CPUs and 16GiB, but node 'kvm4' reports 2 CPUs and 16GiB"},
     [](const Plan& p) { EXPECT_FALSE(p.hosts[0].capacity_matches); }},
    // The CPUs differ, the memory is within tolerance and reads as the
    // declared 16GiB: the finding gives both exact byte counts.
    {"capacity_mismatch_with_close_memory_gives_exact_bytes",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       node_of(l, "kvm4").nano_cpus = cpus(2);
       node_of(l, "kvm4").memory_bytes = 16 * kGi - 5 * 1024 * 1024;
     },
     {},
     {"warning host kvm4: declares 4 CPUs and 16GiB, but node 'kvm4' reports 2 CPUs and ~16GiB (17174626304 "
      "bytes against 17179869184 declared); budgets are counted on the declared capacity"},
     [](const Plan& p) { EXPECT_FALSE(p.hosts[1].capacity_matches); }},
    {"memory_within_tolerance_matches",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       node_of(l, "kvm4").memory_bytes = 16'766'332'928;
     },
     {},
     {},
     [](const Plan& p) { EXPECT_TRUE(p.hosts[1].capacity_matches); }},
    {"drift_changed_outside",
     [](DesiredState& d, LiveState& l, PlanOptions&) {
       auto& w = live_of(l, "web");
       w.labels[kAppliedLabel] =
           encode_applied("kvm4", desired_owned(d.services["web"], d.hosts["kvm4"], false));
       w.limits.nano_cpus = cpus(1);
     },
     {"~ web", "  limits.cpus: 1 -> 0.5"},
     {},
     [](const Plan& p) { EXPECT_EQ(p.services[2].drift, Drift::changed_outside); }},
    {"drift_changed_in_git",
     [](DesiredState& d, LiveState& l, PlanOptions&) {
       auto& w = live_of(l, "web");
       w.labels[kAppliedLabel] =
           encode_applied("kvm4", desired_owned(d.services["web"], d.hosts["kvm4"], false));
       d.services["web"].replicas = 3;
     },
     {"~ web", "  replicas: 2 -> 3"},
     {},
     [](const Plan& p) { EXPECT_EQ(p.services[2].drift, Drift::changed_in_git); }},
    {"drift_both",
     [](DesiredState& d, LiveState& l, PlanOptions&) {
       auto& w = live_of(l, "web");
       w.labels[kAppliedLabel] =
           encode_applied("kvm4", desired_owned(d.services["web"], d.hosts["kvm4"], false));
       w.limits.memory_bytes = kGi;
       d.services["web"].host = "kvm2";
     },
     {"~ web", "  host: kvm4 -> kvm2", "  limits.memory: 1GiB -> 256MiB"},
     {},
     [](const Plan& p) { EXPECT_EQ(p.services[2].drift, Drift::both); }},
    {"drift_newly_owned_field_is_in_git",
     [](DesiredState& d, LiveState& l, PlanOptions&) {
       live_of(l, "db").labels[kAppliedLabel] = R"({"host":"kvm4","node":"kvm4","replicas":1})";
       d.services["db"].limits.nano_cpus = cpus(0.5);
     },
     {"~ db", "  limits.cpus: none -> 0.5"},
     {},
     [](const Plan& p) { EXPECT_EQ(p.services[1].drift, Drift::changed_in_git); }},
    {"drift_none_without_label",
     [](DesiredState&, LiveState& l, PlanOptions&) { live_of(l, "db").replicas = 4; },
     {"~ db", "  replicas: 4 -> 1"},
     {},
     [](const Plan& p) { EXPECT_EQ(p.services[1].drift, Drift::none); }},
    {"unreadable_applied_label_warns",
     [](DesiredState&, LiveState& l, PlanOptions&) {
       live_of(l, "db").replicas = 4;
       live_of(l, "db").labels[kAppliedLabel] = "{not json";
     },
     {"~ db", "  replicas: 4 -> 1"},
     {"warning db: its swarmform.applied: not valid JSON"}},
    {"targets_restrict_and_mark_partial",
     [](DesiredState& d, LiveState& l, PlanOptions& o) {
       live_of(l, "web").replicas = 5;
       live_of(l, "api").limits.memory_bytes = kGi;
       l.services.push_back(extra_service("traefik", "kvm4", 0, 0));
       d.services["cache"] = make_service("cache", "kvm2");
       o.targets = {"web", "web"};
     },
     {"~ web", "  replicas: 5 -> 2"},
     {},
     [](const Plan& p) {
       EXPECT_TRUE(p.partial());
       EXPECT_EQ(p.targets, std::vector<std::string>{"web"});
       EXPECT_EQ(p.services.size(), 1u);
     }},
    {"unknown_target_is_an_error",
     [](DesiredState&, LiveState&, PlanOptions& o) { o.targets = {"nope"}; },
     {},
     {"error target nope: names no declared service and no live service that swarmform manages"}},
    {"target_a_managed_service_to_prune",
     [](DesiredState& d, LiveState& l, PlanOptions& o) {
       d.policy.prune = true;
       auto a = extra_service("old-a", "kvm4", cpus(1), kGi);
       a.labels["swarmform.managed"] = "true";
       auto b = extra_service("old-b", "kvm4", cpus(1), kGi);
       b.labels["swarmform.managed"] = "true";
       l.services.push_back(a);
       l.services.push_back(b);
       o.targets = {"old-b"};
     },
     {"- old-b"},
     {}},
    {"scale_to_zero_restarts_nothing",
     [](DesiredState& d, LiveState& l, PlanOptions&) {
       d.services["web"].replicas = 0;
       live_of(l, "web").limits.nano_cpus = cpus(1);
     },
     {"~ web", "  replicas: 2 -> 0", "  limits.cpus: 1 -> 0.5"},
     {},
     [](const Plan& p) {
       EXPECT_FALSE(p.services[2].restarts_tasks);
       EXPECT_EQ(p.hosts[1].after.limits.nano_cpus, 0);
     }},
    {"plan_records_what_it_was_made_against",
     [](DesiredState&, LiveState& l, PlanOptions& o) {
       live_of(l, "api").replicas = 2;
       o.desired_hash = "fnv1a64:0123456789abcdef";
       o.commit = "abc123";
       o.created_at = "2026-11-27T10:00:00Z";
     },
     {"~ api", "  replicas: 2 -> 1"},
     {},
     [](const Plan& p) {
       const ServiceChange& a = p.services[0];
       EXPECT_EQ(a.version_index, 100u);
       EXPECT_EQ(a.owned_hash.rfind("fnv1a64:", 0), 0u);
       EXPECT_EQ(a.owned_hash.size(), 24u);
       EXPECT_EQ(p.desired_hash, "fnv1a64:0123456789abcdef");
       EXPECT_EQ(p.commit, "abc123");
       EXPECT_EQ(p.created_at, "2026-11-27T10:00:00Z");
     }},
};

class ComputePlanTable : public ::testing::TestWithParam<Case> {};

TEST_P(ComputePlanTable, Case) {
  const Case& c = GetParam();
  DesiredState desired = base_desired();
  LiveState live = live_matching(desired);
  PlanOptions options;
  c.setup(desired, live, options);
  Plan plan = compute_plan(desired, live, options);

  EXPECT_EQ(describe(plan), c.changes);
  std::vector<std::string> got;
  for (const auto& f : plan.findings) got.push_back(describe(f));
  ASSERT_EQ(got.size(), c.findings.size()) << ::testing::PrintToString(got);
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NE(got[i].find(c.findings[i]), std::string::npos) << "finding " << i << ": " << got[i];
  }
  if (c.check) c.check(plan);
}

INSTANTIATE_TEST_SUITE_P(Plan, ComputePlanTable, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& param) {
                           return std::string(param.param.name);
                         });

TEST(ComputePlan, IsDeterministic) {
  DesiredState desired = base_desired();
  LiveState live = live_matching(desired);
  live_of(live, "web").limits.nano_cpus = cpus(1);
  PlanOptions options;
  Plan a = compute_plan(desired, live, options);
  Plan b = compute_plan(desired, live, options);
  EXPECT_EQ(describe(a), describe(b));
  EXPECT_EQ(a.services[2].owned_hash, b.services[2].owned_hash);
}

}  // namespace
}  // namespace swarmform::plan
