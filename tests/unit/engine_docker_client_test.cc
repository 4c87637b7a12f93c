#include <gtest/gtest.h>

#include <string>

#include "reconciler/engine/api_version.h"
#include "reconciler/engine/docker_client.h"
#include "reconciler/engine/engine_error.h"
#include "reconciler/engine/live_reader.h"
#include "reconciler/engine/query.h"
#include "support/fake_stream.h"

namespace swarmform::engine {
namespace {

using swarmform::testing::FakeServer;

std::string reply(int status, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) +
         " X\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string version_reply(const std::string& api, const std::string& min = "1.12") {
  return reply(200, R"({"Version":"20.10.24+dfsg1","ApiVersion":")" + api +
                        R"(","MinAPIVersion":")" + min + R"(","Os":"linux"})");
}

/// The request line of a recorded request.
std::string request_line(const std::string& request) {
  return request.substr(0, request.find("\r\n"));
}

TEST(ApiVersion, ParsesAndCompares) {
  EXPECT_EQ(parse_api_version("1.41")->str(), "1.41");
  EXPECT_LT(*parse_api_version("1.9"), *parse_api_version("1.41"));
  EXPECT_FALSE(parse_api_version("1"));
  EXPECT_FALSE(parse_api_version("1.x"));
  EXPECT_FALSE(parse_api_version("v1.41"));
  EXPECT_EQ(parse_api_version("").error().message, "invalid engine API version \"\"");
}

TEST(ApiVersion, NegotiationCapsAndRefuses) {
  EXPECT_EQ(negotiate_api_version("1.41", "1.12")->str(), "1.41");
  EXPECT_EQ(negotiate_api_version("1.42", "")->str(), "1.42");
  EXPECT_EQ(negotiate_api_version("1.47", "1.24")->str(), "1.43");
  EXPECT_EQ(negotiate_api_version("1.40", "1.12").error().message,
            "the engine speaks Docker API 1.40, swarmform needs 1.41 or newer (Docker 20.10 or "
            "later)");
  EXPECT_EQ(negotiate_api_version("1.60", "1.50").error().message,
            "the engine no longer speaks Docker API 1.43 (its oldest is 1.50); swarmform knows up "
            "to 1.43");
}

TEST(Query, FiltersAreUrlEncodedJson) {
  EXPECT_EQ(filters_query({}), "");
  EXPECT_EQ(filters_query({{"desired-state", {"running"}}, {"service", {"web"}}}),
            "filters=%7B%22desired-state%22%3A%7B%22running%22%3Atrue%7D%2C%22service%22%3A%7B%"
            "22web%22%3Atrue%7D%7D");
  EXPECT_EQ(url_encode("a b/c?d=é~"), "a%20b%2Fc%3Fd%3D%C3%A9~");
}

TEST(EngineError, CarriesTheEngineMessageStatusAndKind) {
  Response not_found{404, {}, R"({"message":"service nope not found"})"};
  Error e = engine_error("GET /v1.41/services/nope", not_found);
  EXPECT_EQ(e.kind, ErrorKind::not_found);
  EXPECT_EQ(e.http_status, 404);
  EXPECT_EQ(e.message, "GET /v1.41/services/nope: HTTP 404: service nope not found");

  Response stale{
      500, {}, R"({"message":"rpc error: code = Unknown desc = update out of sequence"})"};
  EXPECT_EQ(engine_error("POST x", stale).kind, ErrorKind::conflict);
  Response other500{500, {}, R"({"message":"something broke"})"};
  EXPECT_EQ(engine_error("POST x", other500).kind, ErrorKind::failed);
  Response name_taken{409, {}, R"({"message":"name conflicts with an existing object"})"};
  EXPECT_EQ(engine_error("POST x", name_taken).kind, ErrorKind::conflict);

  Response not_json{502, {}, "  Bad Gateway\n"};
  EXPECT_EQ(engine_error("GET /x", not_json).message, "GET /x: HTTP 502: Bad Gateway");
  Response empty{503, {}, ""};
  EXPECT_EQ(engine_error("GET /x", empty).message, "GET /x: HTTP 503: (no message)");
}

TEST(DockerClient, NegotiatesThenSpeaksTheVersionedPrefix) {
  FakeServer server;
  server.connection_with({version_reply("1.41"), reply(200, "[]")});
  auto client = DockerClient::connect(server.dialer());
  ASSERT_TRUE(client) << client.error().message;
  EXPECT_EQ(client->api_version().str(), "1.41");
  EXPECT_EQ(client->server_version()["Version"], "20.10.24+dfsg1");
  auto nodes = client->nodes();
  ASSERT_TRUE(nodes) << nodes.error().message;
  EXPECT_TRUE(nodes->is_array());
  ASSERT_EQ(server.requests().size(), 2U);
  EXPECT_EQ(request_line(server.requests()[0]), "GET /version HTTP/1.1");
  EXPECT_EQ(request_line(server.requests()[1]), "GET /v1.41/nodes HTTP/1.1");
  EXPECT_EQ(server.dials(), 1);
}

TEST(DockerClient, NewerEnginesAreSpokenToInTheNewestKnownVersion) {
  FakeServer server;
  server.connection_with({version_reply("1.45", "1.24"), reply(200, "{}")});
  auto client = DockerClient::connect(server.dialer());
  ASSERT_TRUE(client) << client.error().message;
  ASSERT_TRUE(client->info());
  EXPECT_EQ(request_line(server.requests()[1]), "GET /v1.43/info HTTP/1.1");
}

TEST(DockerClient, OldEnginesAreRefusedClearly) {
  FakeServer server;
  server.connection_with({version_reply("1.40")});
  auto client = DockerClient::connect(server.dialer());
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().message,
            "fake engine #1: the engine speaks Docker API 1.40, swarmform needs 1.41 or newer "
            "(Docker 20.10 or later)");
}

TEST(DockerClient, EngineErrorJsonSurfacesInTheError) {
  FakeServer server;
  server.connection_with(
      {version_reply("1.41"), reply(404, R"({"message":"service nope not found"})"),
       reply(500, R"({"message":"rpc error: code = Unknown desc = update out of sequence"})")});
  auto client = DockerClient::connect(server.dialer());
  ASSERT_TRUE(client) << client.error().message;
  auto missing = client->inspect_service("nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::not_found);
  EXPECT_EQ(missing.error().http_status, 404);
  EXPECT_EQ(missing.error().message, "GET /v1.41/services/nope: HTTP 404: service nope not found");
  auto stale = client->update_service("abc", 17, nlohmann::json{{"Name", "web"}});
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().kind, ErrorKind::conflict);
  EXPECT_EQ(stale.error().http_status, 500);
  EXPECT_EQ(request_line(server.requests()[2]),
            "POST /v1.41/services/abc/update?version=17 HTTP/1.1");
  EXPECT_TRUE(server.requests()[2].ends_with("\r\n\r\n{\"Name\":\"web\"}"));
  EXPECT_EQ(server.dials(), 1);  // error answers keep the connection
}

TEST(DockerClient, InvalidJsonIsAnError) {
  FakeServer server;
  server.connection_with({version_reply("1.41"), reply(200, "[{\"ID\":")});
  auto client = DockerClient::connect(server.dialer());
  ASSERT_TRUE(client) << client.error().message;
  auto services = client->services();
  ASSERT_FALSE(services);
  EXPECT_EQ(services.error().message,
            "GET /v1.41/services?status=true: invalid JSON from engine (7 bytes, starting "
            "\"[{\"ID\":\")");
}

TEST(DockerClient, TasksAndCreate) {
  FakeServer server;
  server.connection_with({version_reply("1.41"), reply(200, "[]"),
                          reply(201, R"({"ID":"newid123","Warnings":null})")});
  auto client = DockerClient::connect(server.dialer());
  ASSERT_TRUE(client) << client.error().message;
  ASSERT_TRUE(client->tasks({{"service", {"web"}}}));
  EXPECT_EQ(request_line(server.requests()[1]),
            "GET /v1.41/tasks?filters=%7B%22service%22%3A%7B%22web%22%3Atrue%7D%7D HTTP/1.1");
  auto id = client->create_service(nlohmann::json{{"Name", "web"}});
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(*id, "newid123");
  EXPECT_EQ(request_line(server.requests()[2]), "POST /v1.41/services/create HTTP/1.1");
}

TEST(DockerClient, TransportErrorsNameTheRequest) {
  FakeServer server;
  server.connection_with(
      {version_reply("1.41"), "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n[]"});
  auto client = DockerClient::connect(server.dialer());
  ASSERT_TRUE(client) << client.error().message;
  auto nodes = client->nodes();
  ASSERT_FALSE(nodes);
  EXPECT_EQ(nodes.error().message, "GET /v1.41/nodes: truncated response from fake engine #1");
}

TEST(ReadLiveState, UsesTheNegotiatedVersionAndThreeCallsOnOneConnection) {
  FakeServer server;
  server.connection_with({
      version_reply("1.41"),
      reply(200, R"([{"ID":"n1","Description":{"Hostname":"kvm4"},"Spec":{"Role":"manager"}}])"),
      reply(200, R"([{"ID":"s1","Version":{"Index":5},"Spec":{"Name":"web"}}])"),
      reply(200, R"([{"ID":"t1","ServiceID":"s1","NodeID":"n1","DesiredState":"running"}])"),
  });
  auto client = DockerClient::connect(server.dialer());
  ASSERT_TRUE(client) << client.error().message;
  auto state = read_live_state(*client);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->api_version, "1.41");
  EXPECT_EQ(state->engine_version, "20.10.24+dfsg1");
  ASSERT_EQ(state->nodes.size(), 1U);
  EXPECT_EQ(state->nodes[0].hostname, "kvm4");
  ASSERT_EQ(state->services.size(), 1U);
  EXPECT_EQ(state->services[0].name, "web");
  ASSERT_EQ(state->tasks.size(), 1U);
  EXPECT_EQ(state->tasks[0].node_id, "n1");
  ASSERT_EQ(server.requests().size(), 4U);
  EXPECT_EQ(request_line(server.requests()[2]), "GET /v1.41/services?status=true HTTP/1.1");
  EXPECT_EQ(request_line(server.requests()[3]),
            "GET /v1.41/tasks?filters=%7B%22desired-state%22%3A%7B%22running%22%3Atrue%7D%7D "
            "HTTP/1.1");
  EXPECT_EQ(server.dials(), 1);
}

TEST(ReadLiveState, MappingErrorsSayWhereTheyCameFrom) {
  FakeServer server;
  server.connection_with({version_reply("1.41"), reply(200, R"([{"ID":"n1","Spec":{"Role":3}}])")});
  auto client = DockerClient::connect(server.dialer());
  ASSERT_TRUE(client) << client.error().message;
  auto state = read_live_state(*client);
  ASSERT_FALSE(state);
  EXPECT_EQ(state.error().message,
            "reading live state from fake engine #1: nodes[0].Spec.Role: expected a string");
}

}  // namespace
}  // namespace swarmform::engine
