// The engine calls apply adds to DockerClient, and the update retry limits —
// faults a real engine cannot be made to show on demand (an engine that
// answers "update out of sequence" four times in a row) — against an
// in-memory engine.  Everything else about updates is shown on the lab
// (tests/integration/apply_*_test.cc).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "reconciler/apply/service_update.h"
#include "reconciler/engine/docker_client.h"
#include "support/fake_stream.h"

namespace swarmform::apply {
namespace {

using engine::DockerClient;
using nlohmann::json;
using swarmform::testing::FakeServer;

std::string reply(int status, const std::string& body) {
  std::string head = "HTTP/1.1 " + std::to_string(status) + " X\r\nApi-Version: 1.41\r\n";
  if (status == 204) return head + "\r\n";
  return head + "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

const std::string kVersion =
    reply(200, R"({"Version":"20.10.24+dfsg1","ApiVersion":"1.41","MinAPIVersion":"1.12"})");
const std::string kOutOfSequence =
    reply(500, R"({"message":"rpc error: code = Unknown desc = update out of sequence"})");

std::string service_reply(uint64_t version, int64_t limit_cpus) {
  json s = {{"ID", "svc1"},
            {"Version", {{"Index", version}}},
            {"Spec",
             {{"Name", "sf-fake"},
              {"TaskTemplate", {{"Resources", {{"Limits", {{"NanoCPUs", limit_cpus}}}}}}},
              {"Mode", {{"Replicated", {{"Replicas", 1}}}}}}}};
  return reply(200, s.dump());
}

std::string request_line(const std::string& request) {
  return request.substr(0, request.find("\r\n"));
}

TEST(ApplyEngineCalls, RollbackDeleteAndConfigsSpeakTheDocumentedPaths) {
  FakeServer server;
  server.connection_with(
      {kVersion, reply(200, R"({"Warnings":null})"), reply(204, ""), reply(201, R"({"ID":"cfg1"})"),
       reply(200, R"({"ID":"cfg1"})"), reply(204, ""),
       reply(
           409,
           R"({"message":"rpc error: code = AlreadyExists desc = config swarmform-lock already exists"})"),
       reply(404, R"({"message":"config cfg1 not found"})")});
  auto client = DockerClient::connect(server.dialer());
  ASSERT_TRUE(client) << client.error().message;
  ASSERT_TRUE(client->rollback_service("svc1", 42, json{{"Name", "x"}}));
  ASSERT_TRUE(client->delete_service("svc1"));
  auto created = client->create_config(json{{"Name", "swarmform-lock"}, {"Data", "e30="}});
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(*created, "cfg1");
  ASSERT_TRUE(client->inspect_config("swarmform-lock"));
  ASSERT_TRUE(client->delete_config("cfg1"));
  auto taken = client->create_config(json{{"Name", "swarmform-lock"}});
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().kind, ErrorKind::conflict);
  EXPECT_EQ(taken.error().http_status, 409);
  auto gone = client->delete_config("cfg1");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, ErrorKind::not_found);

  const auto& r = server.requests();
  ASSERT_EQ(r.size(), 8U);
  EXPECT_EQ(request_line(r[1]),
            "POST /v1.41/services/svc1/update?version=42&rollback=previous HTTP/1.1");
  EXPECT_EQ(request_line(r[2]), "DELETE /v1.41/services/svc1 HTTP/1.1");
  EXPECT_EQ(request_line(r[3]), "POST /v1.41/configs/create HTTP/1.1");
  EXPECT_EQ(request_line(r[4]), "GET /v1.41/configs/swarmform-lock HTTP/1.1");
  EXPECT_EQ(request_line(r[5]), "DELETE /v1.41/configs/cfg1 HTTP/1.1");
  EXPECT_EQ(server.dials(), 1);
}

TEST(ApplyEngineCalls, UpdateGivesUpAfterThreeRetriesOutOfSequence) {
  FakeServer server;
  std::vector<std::string> answers = {kVersion};
  for (int i = 0; i < 1 + kMaxUpdateRetries; ++i) {
    answers.push_back(service_reply(100 + i, 1'000'000'000));
    answers.push_back(kOutOfSequence);
  }
  server.connection_with(answers);
  auto client = DockerClient::connect(server.dialer());
  ASSERT_TRUE(client) << client.error().message;
  auto out = update_service(*client, "svc1", {.limits = {.nano_cpus = 1'000'000'000, .memory_bytes = std::nullopt}},
                            {.limits = {.nano_cpus = 500'000'000, .memory_bytes = std::nullopt}}, {});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, ErrorKind::conflict);
  EXPECT_NE(out.error().message.find("updating sf-fake: the engine answered \"update out of "
                                     "sequence\" 4 times in a row"),
            std::string::npos)
      << out.error().message;
  // Each attempt re-read the service and posted with the fresh version.
  const auto& r = server.requests();
  ASSERT_EQ(r.size(), 9U);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(request_line(r[static_cast<size_t>(1 + 2 * i)]), "GET /v1.41/services/svc1 HTTP/1.1");
    EXPECT_EQ(request_line(r[static_cast<size_t>(2 + 2 * i)]),
              "POST /v1.41/services/svc1/update?version=" + std::to_string(100 + i) + " HTTP/1.1");
  }
}

TEST(ApplyEngineCalls, NoChangeMeansNoPost) {
  FakeServer server;
  server.connection_with({kVersion, service_reply(7, 1'000'000'000)});
  auto client = DockerClient::connect(server.dialer());
  ASSERT_TRUE(client) << client.error().message;
  auto out = update_service(*client, "svc1", {.limits = {.nano_cpus = 1'000'000'000, .memory_bytes = std::nullopt}},
                            {.replicas = 1, .limits = {.nano_cpus = 1'000'000'000, .memory_bytes = std::nullopt}}, {});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_FALSE(out->posted);
  EXPECT_EQ(out->attempts, 0);
  EXPECT_EQ(server.requests().size(), 2U);  // /version and one inspect
}

}  // namespace
}  // namespace swarmform::apply
