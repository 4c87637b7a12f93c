// The convergence wait's own exits — timeout and stop — against an in-memory
// engine, where one poll can be scripted exactly.  Convergence and failure
// detection are shown on the lab (tests/integration/apply_*_test.cc).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stop_token>
#include <string>

#include "reconciler/apply/convergence.h"
#include "reconciler/engine/docker_client.h"
#include "support/fake_stream.h"

namespace swarmform::apply {
namespace {

using engine::DockerClient;
using nlohmann::json;
using swarmform::testing::FakeServer;

std::string reply(const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

const json kTemplate = json::parse(R"({"Resources":{"Limits":{"NanoCPUs":500000000}},
                                       "Placement":{"Constraints":["node.hostname==kvm2"]}})");

/// One engine answering /version, /nodes and one /tasks with a starting task.
DockerClient engine(FakeServer& server) {
  json nodes = json::array({{{"ID", "n2"}, {"Description", {{"Hostname", "kvm2"}}}}});
  json tasks = json::array({{{"ID", "t1"},
                             {"NodeID", "n2"},
                             {"DesiredState", "running"},
                             {"Status", {{"State", "starting"}, {"Message", "starting"}}},
                             {"Spec", kTemplate}}});
  server.connection_with({reply(R"({"ApiVersion":"1.41","MinAPIVersion":"1.12"})"),
                          reply(nodes.dump()), reply(tasks.dump())});
  auto client = DockerClient::connect(server.dialer());
  if (!client) throw std::runtime_error(client.error().message);
  return std::move(*client);
}

const ConvergenceTarget kTarget{"svc1", "sf-wait", 1, "kvm2", kTemplate};

TEST(ApplyConvergenceWait, TimesOutWithTheLatestState) {
  FakeServer server;
  DockerClient client = engine(server);
  ConvergenceOptions options;
  options.timeout = std::chrono::milliseconds(0);
  std::vector<Progress> seen;
  auto out =
      wait_for_convergence(client, kTarget, options, [&](const Progress& p) { seen.push_back(p); });
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, ErrorKind::timeout);
  EXPECT_TRUE(out.error().message.starts_with("sf-wait: not converged after 0."))
      << out.error().message;
  EXPECT_TRUE(out.error().message.ends_with(": 0/1 running on kvm2")) << out.error().message;
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].service, "sf-wait");
  EXPECT_EQ(seen[0].running, 0U);
  EXPECT_EQ(seen[0].desired, 1U);
  EXPECT_EQ(seen[0].node, "kvm2");
  const auto& r = server.requests();
  ASSERT_EQ(r.size(), 3U);
  EXPECT_TRUE(r[1].starts_with("GET /v1.41/nodes "));
  EXPECT_TRUE(
      r[2].starts_with("GET /v1.41/tasks?filters=%7B%22service%22%3A%7B%22svc1%22%3Atrue%7D%7D "))
      << r[2];
}

TEST(ApplyConvergenceWait, AStopRequestEndsTheWait) {
  FakeServer server;
  DockerClient client = engine(server);
  std::stop_source stop;
  stop.request_stop();
  ConvergenceOptions options;
  options.stop = stop.get_token();
  auto out = wait_for_convergence(client, kTarget, options);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, ErrorKind::failed);
  EXPECT_TRUE(out.error().message.starts_with("sf-wait: stopped while waiting for convergence"))
      << out.error().message;
}

}  // namespace
}  // namespace swarmform::apply
