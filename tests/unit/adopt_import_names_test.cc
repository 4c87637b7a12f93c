// import's service entries for names that are not plain YAML keys, for
// names whose keys collide, and for the same swarm read in another order:
// the file written reloads (the real loader) to one declared service per
// live service, each matching exactly that service, and is the same bytes.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "reconciler/adopt/import_mapping.h"
#include "reconciler/adopt/import_yaml.h"
#include "reconciler/config/loader.h"
#include "reconciler/plan/match.h"
#include "support/load_fixture.h"

namespace swarmform::adopt {
namespace {

constexpr int64_t kGi = int64_t{1} << 30;
constexpr int64_t kCpu = 1'000'000'000;

model::LiveState one_node() {
  model::LiveState live;
  model::LiveNode n;
  n.id = "n4";
  n.hostname = "kvm4";
  n.role = "manager";
  n.state = "ready";
  n.address = "203.0.113.4";
  n.nano_cpus = 2 * kCpu;
  n.memory_bytes = 8 * kGi;
  live.nodes.push_back(n);
  return live;
}

void add_service(model::LiveState& live, const std::string& name) {
  model::LiveService s;
  s.id = "id-" + name;
  s.name = name;
  s.replicas = 1;
  s.constraints = {"node.hostname==kvm4"};
  live.services.push_back(s);
}

/// Imports `live` into a desired state of `services_yaml` (plus the hosts),
/// writes the new services file, loads everything again and checks that
/// every live service is matched by exactly one declared service.  Returns
/// the loaded services by key, for further checks.
std::map<std::string, model::Service> round_trip(const model::LiveState& live, const std::string& services_yaml,
                                                 ImportResult* result_out = nullptr) {
  std::vector<model::SourceFile> files = {{"cluster.yaml", testing::kImportHostsYaml}};
  if (!services_yaml.empty()) files.push_back({"declared.yaml", services_yaml});
  config::Loaded before = testing::load_for_import(files);
  EXPECT_TRUE(before.state) << testing::first_problem(before);
  if (!before.state) return {};
  ImportResult r = import_state(*before.state, live);
  const std::string text = services_file(r.services, FileHeader{"", "2026-12-01", "kvm4", ""});
  files.push_back({"services.yaml", text});
  config::Loaded after = testing::load_for_import(files);
  EXPECT_TRUE(after.state) << testing::first_problem(after) << "\n" << text;
  if (!after.state) return {};
  plan::Matching m = plan::match_services(*after.state, live);
  for (size_t i = 0; i < live.services.size(); ++i) {
    EXPECT_EQ(m.declared_of[i].size(), 1u) << live.services[i].name << " is matched by "
                                           << m.declared_of[i].size() << " declared services\n" << text;
  }
  if (result_out) *result_out = r;
  return after.state->services;
}

TEST(AdoptImportNames, NamesThatAreNotPlainYamlKeysAreQuotedAndReloadAsThemselves) {
  model::LiveState live = one_node();
  for (const char* name : {"true", "no", "Null", "123", "1e3", "0x1f", "1_000", "0o17", "2026-12-01", "12.5",
                           "api.v2", "my_app", "a.b.c", "web"}) {
    add_service(live, name);
  }
  auto services = round_trip(live, "");
  for (const auto& s : live.services) {
    ASSERT_TRUE(services.contains(s.name)) << s.name;
    EXPECT_EQ(services.at(s.name).host, "kvm4") << s.name;
  }
  EXPECT_EQ(yaml_scalar("1_000"), "\"1_000\"");
  EXPECT_EQ(yaml_scalar("12.5"), "\"12.5\"");
  EXPECT_EQ(yaml_scalar("api.v2"), "api.v2");
  EXPECT_EQ(yaml_scalar("my_app"), "my_app");
}

TEST(AdoptImportNames, KeysThatCollideAreDisambiguatedAndStillMatchTheirOwnServiceOnly) {
  model::LiveState live = one_node();
  // A live name equal to a declared key (that declares another service), a
  // suffixed name whose stem is a live name, two suffixed names with one
  // stem, a stem that is declared, and "-2" names that are live too.
  for (const char* name : {"web", "web-2", "api", "api-a1b2c3", "cron-a1b2c3", "cron-d4e5f6", "db-x1y2z3",
                           "true-a1b2c3"}) {
    add_service(live, name);
  }
  add_service(live, "web-prod");
  add_service(live, "db-main");
  const std::string declared = R"(services:
  web:
    match: web-prod
    host: kvm4
  db:
    match: db-main
    host: kvm4
)";
  ImportResult r;
  auto services = round_trip(live, declared, &r);
  std::set<std::string> keys;
  for (const auto& s : r.services) {
    EXPECT_TRUE(keys.insert(s.key).second) << "key " << s.key << " given twice";
    EXPECT_FALSE(s.key == "web" || s.key == "db") << s.live_name << " took a declared key";
  }
  // The suffixed name whose stem is free gets the stem, quoted where needed.
  EXPECT_TRUE(services.contains("true")) << "true-a1b2c3 -> true";
}

TEST(AdoptImportNames, TheSameSwarmReadInAnotherOrderGivesTheSameBytes) {
  model::LiveState live = one_node();
  for (const char* name : {"web", "api-a1b2c3", "cron-a1b2c3", "cron-d4e5f6", "worker", "true", "a.b"}) {
    add_service(live, name);
  }
  config::Loaded desired = testing::load_for_import({{"cluster.yaml", testing::kImportHostsYaml}});
  ASSERT_TRUE(desired.state);
  const FileHeader header{"# yaml-language-server: $schema=x.json", "2026-12-01", "kvm4", "20.10.24"};
  const ImportResult first = import_state(*desired.state, live);
  const std::string text = services_file(first.services, header);
  std::mt19937 rng(7);
  for (int i = 0; i < 20; ++i) {
    std::shuffle(live.services.begin(), live.services.end(), rng);
    const ImportResult again = import_state(*desired.state, live);
    EXPECT_EQ(services_file(again.services, header), text);
    EXPECT_EQ(again.notes, first.notes);
  }
}

}  // namespace
}  // namespace swarmform::adopt
