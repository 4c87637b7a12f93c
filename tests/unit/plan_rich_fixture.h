#pragma once
// One rich plan for golden files, the plan file round trip and the schema:
// the KVM hosts of the status report with updates of every kind, a create,
// a delete, drift of every kind, findings of both severities.

#include "reconciler/plan/applied_label.h"
#include "reconciler/plan/compute.h"
#include "reconciler/plan/hash.h"
#include "unit/plan_fixtures.h"

namespace swarmform::plan::testing {

inline model::Service declared(const std::string& name, const std::string& host, uint64_t replicas,
                               double cpu, int64_t memory) {
  model::Service s = make_service(name, host);
  s.replicas = replicas;
  s.limits = {cpus(cpu), memory};
  return s;
}

inline model::LiveService& live_named(model::LiveState& live, const std::string& desired_name) {
  for (auto& s : live.services) {
    if (s.id == "id-" + desired_name) return s;
  }
  return live.services.front();
}

/// The desired state of the rich plan (before the services the swarm lacks
/// or no longer needs are added on either side).
inline model::DesiredState rich_desired() {
  model::DesiredState d = kvm4_and_kvm2();
  d.policy.prune = true;
  model::Service saleor = declared("saleor-api", "kvm2", 1, 1, kGi);
  saleor.match = "infrastructureservices-saleorapi-*";
  d.services["saleor-api"] = saleor;
  d.services["django-crm"] = declared("django-crm", "kvm4", 2, 0.5, 512 * kMi);
  d.services["wagtail-cms"] = declared("wagtail-cms", "kvm4", 1, 1, 512 * kMi);
  d.services["temporal-server"] = declared("temporal-server", "kvm4", 1, 1, 512 * kMi);
  d.services["brain-gateway"] = declared("brain-gateway", "kvm4", 1, 0.5, kGi);
  model::Service pg = declared("shared-postgres", "kvm2", 1, 0.5, kGi);
  pg.match = "infrastructure-shared-postgres";
  pg.reservations = {cpus(0.25), 512 * kMi};
  pg.allow_data_move = true;
  d.services["shared-postgres"] = pg;
  return d;
}

inline Plan rich_plan() {
  model::DesiredState d = rich_desired();
  model::LiveState live = live_matching(d);
  // Where things stand in the swarm today.
  auto& saleor = live_named(live, "saleor-api");
  saleor.constraints = {"node.role==manager", "node.hostname == kvm4"};
  saleor.limits = {cpus(1.5), kGi};
  saleor.labels[kAppliedLabel] =
      R"({"host":"kvm4","limits":{"memory_bytes":1073741824,"nano_cpus":1500000000},)"
      R"("node":"kvm4","replicas":1})";
  live_named(live, "django-crm").replicas = 1;
  auto& wagtail = live_named(live, "wagtail-cms");
  wagtail.labels[kAppliedLabel] =
      encode_applied("kvm4", desired_owned(d.services["wagtail-cms"], d.hosts["kvm4"], false));
  wagtail.limits.nano_cpus = cpus(2);
  auto& temporal = live_named(live, "temporal-server");
  temporal.labels[kAppliedLabel] =
      R"({"host":"kvm4","limits":{"memory_bytes":536870912,"nano_cpus":2000000000},)"
      R"("node":"kvm4","replicas":1})";
  temporal.limits.nano_cpus = cpus(3);
  auto& pg = live_named(live, "shared-postgres");
  pg.constraints = {"node.hostname==kvm4"};
  pg.reservations = {0, 0};
  pg.mounts = {{"volume", "pgdata", "/var/lib/postgresql/data", ""}};
  for (auto& t : live.tasks) {
    if (t.service_id == "id-saleor-api" || t.service_id == "id-shared-postgres")
      t.node_id = "node-kvm4";
  }
  for (auto& n : live.nodes) {
    if (n.hostname == "kvm2") n.nano_cpus = cpus(4);
    if (n.hostname == "kvm4") n.memory_bytes = 16'766'332'928;
  }
  // A managed service no longer declared, two undeclared ones, a declared
  // one the swarm lacks, and one swarmform creates.
  model::LiveService old;
  old.id = "id-old-worker";
  old.name = "old-worker";
  old.version_index = 88;
  old.replicas = 1;
  old.limits = {cpus(0.5), 256 * kMi};
  old.constraints = {"node.hostname==kvm4"};
  old.labels = {{"swarmform.managed", "true"}};
  live.services.push_back(old);
  model::LiveService agents;
  agents.id = "id-ai-agents";
  agents.name = "backend-ai-agents";
  agents.replicas = 1;
  agents.constraints = {"node.hostname==kvm4"};
  live.services.push_back(agents);
  model::LiveService traefik;
  traefik.id = "id-traefik";
  traefik.name = "dokploy-traefik";
  traefik.mode = "global";
  traefik.global = true;
  traefik.replicas.reset();
  traefik.limits = {cpus(0.25), 256 * kMi};
  traefik.constraints = {"node.hostname==kvm4"};
  live.services.push_back(traefik);
  d.services["shared-redis"] = make_service("shared-redis", "kvm4");
  model::Service echo = declared("lab-echo", "kvm2", 1, 0.25, 64 * kMi);
  echo.image = "local/busybox:1";
  echo.command = {"sh", "-c", "trap 'exit 0' TERM; sleep 999999 & wait"};
  echo.env = {{"GREETING", "hello"}};
  echo.labels = {{"team", "lab"}};
  echo.ports = {{8080, 80, "tcp"}};
  d.services["lab-echo"] = echo;

  PlanOptions options;
  options.desired_hash =
      desired_content_hash({{"cluster.yaml", "version: 1\n"}, {"services.yaml", "services: {}\n"}});
  options.created_at = "2026-11-27T10:00:00Z";
  return compute_plan(d, live, options);
}

}  // namespace swarmform::plan::testing
