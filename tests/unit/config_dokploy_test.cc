// integrations.dokploy in the desired state: the loader's checks, each
// located, and Dokploy's stored values read from its JSON (dokploy/stored.h).
#include <gtest/gtest.h>

#include "reconciler/config/loader.h"
#include "reconciler/dokploy/stored.h"
#include "reconciler/model/quantity.h"
#include "support/load_fixture.h"

namespace swarmform {
namespace {

using model::SourceFile;

const char* kBase = "version: 1\n";

config::Loaded load(const std::string& integrations, const std::string& base_dir = "/srv/state") {
  config::LoadOptions o;
  o.base_dir = base_dir;
  return config::load_desired_state({SourceFile{"a.yaml", kBase}, SourceFile{"dokploy.yaml", integrations}}, o);
}

using testing::all_diagnostics;

TEST(ConfigDokploy, ReadsUrlKeyVariableAndCaFileAgainstTheStateDirectory) {
  auto l = load("integrations:\n  dokploy:\n    url: https://dokploy.example.com/\n"
                "    api_key_env: DOKPLOY_API_KEY\n    ca_file: dokploy-ca.pem\n");
  ASSERT_TRUE(l.state) << all_diagnostics(l);
  ASSERT_TRUE(l.state->dokploy);
  EXPECT_EQ(l.state->dokploy->url, "https://dokploy.example.com");
  EXPECT_EQ(l.state->dokploy->api_key_env, "DOKPLOY_API_KEY");
  EXPECT_EQ(l.state->dokploy->ca_file, "/srv/state/dokploy-ca.pem");
  EXPECT_EQ(l.state->dokploy->where.file, "dokploy.yaml");
  EXPECT_EQ(l.state->dokploy->where.line, 2);
}

TEST(ConfigDokploy, NoIntegrationMeansNoDokploy) {
  auto l = load("services: {}\n");
  ASSERT_TRUE(l.state) << all_diagnostics(l);
  EXPECT_FALSE(l.state->dokploy);
}

TEST(ConfigDokploy, PlainHttpOnlyFor127001) {
  auto ok = load("integrations:\n  dokploy:\n    url: http://127.0.0.1:3000\n    api_key_env: K\n");
  EXPECT_TRUE(ok.state) << all_diagnostics(ok);
  auto bad = load("integrations:\n  dokploy:\n    url: http://dokploy.example.com\n    api_key_env: K\n");
  EXPECT_FALSE(bad.state);
  EXPECT_NE(all_diagnostics(bad).find("dokploy.yaml:3:10: error: integrations.dokploy.url 'http://dokploy.example.com' must be "
                          "https://"),
            std::string::npos)
      << all_diagnostics(bad);
  auto localhost = load("integrations:\n  dokploy:\n    url: http://localhost:3000\n    api_key_env: K\n");
  EXPECT_FALSE(localhost.state) << "localhost may resolve elsewhere; only the literal 127.0.0.1 is exempt";
}

TEST(ConfigDokploy, CredentialsInTheUrlAreRefused) {
  auto l = load("integrations:\n  dokploy:\n    url: https://admin:secret@dokploy.example.com\n    api_key_env: K\n");
  EXPECT_FALSE(l.state);
  EXPECT_NE(all_diagnostics(l).find("must not carry credentials"), std::string::npos) << all_diagnostics(l);
}

TEST(ConfigDokploy, ApiKeyEnvMustNameAVariableNotHoldAKey) {
  auto l = load("integrations:\n  dokploy:\n    url: https://d.example\n    api_key_env: sk-12/ab==\n");
  EXPECT_FALSE(l.state);
  EXPECT_NE(all_diagnostics(l).find("dokploy.yaml:4:18: error: integrations.dokploy.api_key_env 'sk-12/ab==' is not an "
                        "environment variable name"),
            std::string::npos)
      << all_diagnostics(l);
}

TEST(ConfigDokploy, UnknownKeysAndMissingOnesAreLocated) {
  auto l = load("integrations:\n  dokploy:\n    url: https://d.example\n    api_key: abc\n");
  EXPECT_FALSE(l.state);
  EXPECT_NE(all_diagnostics(l).find("dokploy.yaml:4:5: error: unknown key 'api_key' in integrations.dokploy"), std::string::npos)
      << all_diagnostics(l);
  EXPECT_NE(all_diagnostics(l).find("integrations.dokploy needs api_key_env"), std::string::npos) << all_diagnostics(l);
  auto other = load("integrations:\n  portainer: {}\n");
  EXPECT_FALSE(other.state);
  EXPECT_NE(all_diagnostics(other).find("dokploy.yaml:2:3: error: unknown key 'portainer' in integrations"), std::string::npos)
      << all_diagnostics(other);
}

TEST(DokployStored, ReadsTextColumnsAsIntegersAndPlacement) {
  auto a = dokploy::parse_application(R"({"applicationId":"a1","appName":"web","name":"Web",
    "cpuLimit":"1500000000","memoryLimit":"536870912","cpuReservation":null,"memoryReservation":"",
    "replicas":2,"placementSwarm":{"Constraints":["node.hostname==kvm2"],"MaxReplicas":3}})");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->cpu_limit, 1'500'000'000);
  EXPECT_EQ(a->memory_limit, 536'870'912);
  EXPECT_FALSE(a->cpu_reservation);
  EXPECT_FALSE(a->memory_reservation) << "\"\" is no limit, as calculateResources reads it";
  EXPECT_EQ(a->replicas, 2);
  EXPECT_EQ(a->constraints, std::vector<std::string>{"node.hostname==kvm2"});
  EXPECT_EQ(a->placement["MaxReplicas"], 3);
}

TEST(DokployStored, ANumberWhereDokployStoresTextOrAFractionIsAnError) {
  auto n = dokploy::parse_application(R"({"applicationId":"a1","appName":"web","cpuLimit":1})");
  ASSERT_FALSE(n);
  EXPECT_NE(n.error().message.find("cpuLimit is not a string"), std::string::npos) << n.error().message;
  auto f = dokploy::parse_application(R"({"applicationId":"a1","appName":"web","cpuLimit":"1.5"})");
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().message.find("'1.5' is not a whole number of nano-CPUs"), std::string::npos)
      << f.error().message;
}

// Found by fuzz/fuzz_dokploy_stored (fuzz/regressions/fuzz_dokploy_stored/):
// a stored quantity past the model's bounds (which the engine's quantities
// are held to) was read as it stood, and import --from-dokploy would write it
// into a desired state the loader refuses; a negative replicas, or one past
// int64 (read as negative), was shown, compared and imported as 0.
TEST(DokployStored, AQuantityPastTheModelsBoundsIsAnError) {
  auto at = dokploy::parse_application(R"({"applicationId":"a1","appName":"web",
    "cpuLimit":"1048576000000000","memoryLimit":"1152921504606846976"})");
  ASSERT_TRUE(at) << at.error().message;
  EXPECT_EQ(at->cpu_limit, model::kMaxNanoCpus);
  EXPECT_EQ(at->memory_limit, model::kMaxMemoryBytes);

  auto cpus = dokploy::parse_application(
      R"({"applicationId":"a1","appName":"web","cpuReservation":"1048576000000001"})");
  ASSERT_FALSE(cpus);
  EXPECT_EQ(cpus.error().message,
            "application web: Dokploy's cpuReservation '1048576000000001' is more than 1048576 CPUs")
      << cpus.error().message;
  auto memory = dokploy::parse_application(
      R"({"applicationId":"a1","appName":"web","memoryLimit":"9223372036854775807"})");
  ASSERT_FALSE(memory);
  EXPECT_EQ(memory.error().message,
            "application web: Dokploy's memoryLimit '9223372036854775807' is more than 1024PiB")
      << memory.error().message;
}

TEST(DokployStored, ReplicasNegativeOrPastInt64IsAnError) {
  auto zero = dokploy::parse_application(R"({"applicationId":"a1","appName":"web","replicas":0})");
  ASSERT_TRUE(zero) << zero.error().message;
  EXPECT_EQ(zero->replicas, 0);
  for (const char* n : {"-1", "18446744073709551615", "9223372036854775808"}) {
    auto r = dokploy::parse_application(std::string(R"({"applicationId":"a1","appName":"web","replicas":)") + n + "}");
    ASSERT_FALSE(r) << n << " read as " << r->replicas;
    EXPECT_EQ(r.error().message, std::string("application web: Dokploy's replicas ") + n +
                                     " is not a number of replicas (a whole number from 0)");
  }
  // The desired state's bound: what import --from-dokploy writes must load.
  auto most = dokploy::parse_application(R"({"applicationId":"a1","appName":"web","replicas":100000})");
  ASSERT_TRUE(most) << most.error().message;
  EXPECT_EQ(most->replicas, 100000);
  auto over = dokploy::parse_application(R"({"applicationId":"a1","appName":"web","replicas":100001})");
  ASSERT_FALSE(over) << "100001 read as " << over->replicas;
  EXPECT_EQ(over.error().message, "application web: Dokploy's replicas 100001 is more than 100000");
}

TEST(DokployStored, UpdateBodyCarriesOnlyTheSetFieldsAsStrings) {
  dokploy::ApplicationUpdate u;
  u.application_id = "a1";
  u.cpu_limit = 1'500'000'000;
  u.replicas = 3;
  auto body = dokploy::update_body(u);
  EXPECT_EQ(body, nlohmann::json::parse(R"({"applicationId":"a1","cpuLimit":"1500000000","replicas":3})"));
}

TEST(DokployStored, AnAnswerNestedTooDeepIsRefusedBeforeParsing) {
  std::string deep(100000, '[');
  auto ids = dokploy::parse_project_all(deep);
  ASSERT_FALSE(ids);
  EXPECT_NE(ids.error().message.find("nested deeper than"), std::string::npos) << ids.error().message;
}

TEST(DokployStored, ProjectAllListsIdsFromEnvironmentsAndFromOlderProjects) {
  auto ids = dokploy::parse_project_all(R"([
    {"projectId":"p1","environments":[{"applications":[{"applicationId":"a1","name":"x"}],
                                       "compose":[{"composeId":"c1","name":"s"}]}]},
    {"projectId":"p0","applications":[{"applicationId":"a0"}],"compose":[]}])");
  ASSERT_TRUE(ids) << ids.error().message;
  EXPECT_EQ(ids->application_ids, (std::vector<std::string>{"a1", "a0"}));
  EXPECT_EQ(ids->compose_ids, std::vector<std::string>{"c1"});
}

}  // namespace
}  // namespace swarmform
