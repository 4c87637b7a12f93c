// The Dokploy client against the stand-in server (tests/support/
// dokploy_standin.py: real HTTPS with a test CA; why it is not the real
// Dokploy is said there).
#include <gtest/gtest.h>

#include "reconciler/dokploy/client.h"
#include "support/dokploy_standin.h"

namespace swarmform {
namespace {

using testing::DokployStandIn;

nlohmann::json two_apps() {
  return nlohmann::json::parse(R"({
    "applications": [
      {"applicationId": "app-web", "appName": "shop-web-x1y2", "name": "web", "cpuLimit": "1000000000",
       "memoryLimit": "268435456", "cpuReservation": null, "memoryReservation": null, "replicas": 2,
       "placementSwarm": null},
      {"applicationId": "app-api", "appName": "shop-api-a7b8", "name": "api", "cpuLimit": null,
       "memoryLimit": null, "replicas": 1, "placementSwarm": {"Constraints": ["node.role==worker"]}}],
    "compose": [{"composeId": "cmp-1", "appName": "shop-stack-q9", "name": "stack",
                 "composePath": "./deploy/stack.yml"}]})");
}

model::DokployIntegration config_for(const DokployStandIn& s, bool with_ca = true) {
  model::DokployIntegration c;
  c.url = s.url();
  c.api_key_env = "DOKPLOY_TEST_KEY";
  if (with_ca) c.ca_file = s.ca_file();
  return c;
}

dokploy::EnvReader env_with(const std::string& key) {
  return [key](const char* name) -> const char* {
    return std::string(name) == "DOKPLOY_TEST_KEY" ? key.c_str() : nullptr;
  };
}

TEST(DokployClient, ReadsEveryApplicationsStoredValuesAndComposeFiles) {
  DokployStandIn server({.state = two_apps()});
  ASSERT_FALSE(server.url().empty());
  std::string key = server.key();
  auto client = dokploy::Client::create(config_for(server), env_with(key));
  ASSERT_TRUE(client) << client.error().message;
  auto inv = client->inventory();
  ASSERT_TRUE(inv) << inv.error().message;
  const auto* web = inv->application("shop-web-x1y2");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->application_id, "app-web");
  EXPECT_EQ(web->cpu_limit, 1'000'000'000);
  EXPECT_EQ(web->memory_limit, 268'435'456);
  EXPECT_EQ(web->replicas, 2);
  const auto* api = inv->application("shop-api-a7b8");
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api->constraints, std::vector<std::string>{"node.role==worker"});
  const auto* stack = inv->compose("shop-stack-q9");
  ASSERT_NE(stack, nullptr);
  EXPECT_EQ(stack->compose_path, "./deploy/stack.yml");
  for (const auto& r : server.requests()) EXPECT_TRUE(r["key_ok"].get<bool>()) << r.dump();
  EXPECT_EQ(server.requests_to("application.one").size(), 2u);
  EXPECT_EQ(server.requests_to("application.one")[0]["method"], "GET");
}

TEST(DokployClient, UpdateWritesOnlyTheGivenFieldsAsDokployStoresThem) {
  DokployStandIn server({.state = two_apps()});
  auto client = dokploy::Client::create(config_for(server), env_with(server.key()));
  ASSERT_TRUE(client) << client.error().message;
  dokploy::ApplicationUpdate u;
  u.application_id = "app-web";
  u.cpu_limit = 1'500'000'000;
  u.replicas = 3;
  auto done = client->update(u);
  ASSERT_TRUE(done) << done.error().message;
  auto writes = server.requests_to("application.update");
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0]["method"], "POST");
  EXPECT_EQ(writes[0]["body"],
            nlohmann::json::parse(R"({"applicationId":"app-web","cpuLimit":"1500000000","replicas":3})"));
  auto after = client->application("app-web");
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(after->cpu_limit, 1'500'000'000);
  EXPECT_EQ(after->memory_limit, 268'435'456) << "a field not sent stays as stored";
}

TEST(DokployClient, AWrongKeyIsAClear401NamingTheUrlNeverTheKey) {
  DokployStandIn server({.state = two_apps()});
  std::string wrong = "wrong-key-0d9e8f7a";
  auto client = dokploy::Client::create(config_for(server), env_with(wrong));
  ASSERT_TRUE(client) << client.error().message;
  auto inv = client->inventory();
  ASSERT_FALSE(inv);
  const std::string& m = inv.error().message;
  EXPECT_EQ(inv.error().kind, ErrorKind::refused);
  EXPECT_NE(m.find("Dokploy at " + server.url() + " (project.all) answered 401 Unauthorized"), std::string::npos)
      << m;
  EXPECT_NE(m.find("DOKPLOY_TEST_KEY"), std::string::npos) << m;
  EXPECT_EQ(m.find(wrong), std::string::npos) << m;
  EXPECT_EQ(m.find(server.key()), std::string::npos) << m;
}

TEST(DokployClient, AnUnknownApplicationIsNotFound) {
  DokployStandIn server({.state = two_apps()});
  auto client = dokploy::Client::create(config_for(server), env_with(server.key()));
  ASSERT_TRUE(client);
  auto a = client->application("no-such-app");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().kind, ErrorKind::not_found);
  EXPECT_NE(a.error().message.find("404"), std::string::npos) << a.error().message;
}

TEST(DokployClient, AnUntrustedCertificateIsRefusedAndTheCaFileNamed) {
  DokployStandIn server({.state = two_apps()});
  auto client = dokploy::Client::create(config_for(server, /*with_ca=*/false), env_with(server.key()));
  ASSERT_TRUE(client);
  auto inv = client->inventory();
  ASSERT_FALSE(inv);
  EXPECT_NE(inv.error().message.find("is unreachable"), std::string::npos) << inv.error().message;
  EXPECT_NE(inv.error().message.find("ca_file"), std::string::npos) << inv.error().message;
  EXPECT_TRUE(server.requests().empty()) << "no request, so no key, before the certificate is trusted";
}

TEST(DokployClient, AnUnsetKeyVariableIsNamedBeforeAnythingIsSent) {
  DokployStandIn server({.state = two_apps()});
  auto client = dokploy::Client::create(config_for(server), [](const char*) -> const char* { return nullptr; });
  ASSERT_FALSE(client);
  EXPECT_NE(client.error().message.find("DOKPLOY_TEST_KEY"), std::string::npos) << client.error().message;
  EXPECT_TRUE(server.requests().empty());
}

TEST(DokployClient, UnreachableDokployIsAnErrorNamingIt) {
  model::DokployIntegration c;
  c.url = "https://127.0.0.1:9";  // discard port: nothing listens
  c.api_key_env = "DOKPLOY_TEST_KEY";
  auto client = dokploy::Client::create(c, env_with("k"));
  ASSERT_TRUE(client);
  auto inv = client->inventory();
  ASSERT_FALSE(inv);
  EXPECT_NE(inv.error().message.find("Dokploy at https://127.0.0.1:9 (project.all) is unreachable"),
            std::string::npos)
      << inv.error().message;
}

}  // namespace
}  // namespace swarmform
