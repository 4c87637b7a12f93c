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

json starting_task() {
  return json{{"ID", "t1"},
              {"NodeID", "n2"},
              {"DesiredState", "running"},
              {"Status", {{"State", "starting"}, {"Message", "starting"}}},
              {"Spec", kTemplate}};
}

/// The service as written: one replica of kTemplate.
json written_service() {
  return json{{"ID", "svc1"},
              {"Version", {{"Index", 12}}},
              {"Spec",
               {{"Name", "sf-wait"},
                {"TaskTemplate", kTemplate},
                {"Mode", {{"Replicated", {{"Replicas", 1}}}}}}}};
}

/// One engine answering /version, /nodes, then one poll: /services/svc1 and
/// /tasks (a starting task unless told).
DockerClient engine(FakeServer& server, const json& task = starting_task(),
                    const json& service = written_service()) {
  json nodes = json::array({{{"ID", "n2"}, {"Description", {{"Hostname", "kvm2"}}}}});
  server.connection_with({reply(R"({"ApiVersion":"1.41","MinAPIVersion":"1.12"})"),
                          reply(nodes.dump()), reply(service.dump()),
                          reply(json::array({task}).dump())});
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
  ASSERT_EQ(r.size(), 4U);
  EXPECT_TRUE(r[1].starts_with("GET /v1.41/nodes "));
  EXPECT_TRUE(r[2].starts_with("GET /v1.41/services/svc1 ")) << r[2];
  EXPECT_TRUE(
      r[3].starts_with("GET /v1.41/tasks?filters=%7B%22service%22%3A%7B%22svc1%22%3Atrue%7D%7D "))
      << r[3];
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

TEST(ApplyConvergenceWait, ATaskTheSchedulerCannotPlaceIsNeverAPlainTimeout) {
  FakeServer server;
  json pending = starting_task();
  pending.erase("NodeID");
  pending["Status"] = {{"State", "pending"},
                       {"Message", "pending task scheduling"},
                       {"Err", "no suitable node (insufficient resources on 2 nodes)"}};
  DockerClient client = engine(server, pending);
  ConvergenceOptions options;
  options.timeout = std::chrono::milliseconds(0);  // runs out before the grace
  auto out = wait_for_convergence(client, kTarget, options);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, ErrorKind::failed);
  EXPECT_EQ(out.error().message,
            "sf-wait: a task of the new spec stayed pending for 0.0s: no suitable node "
            "(insufficient resources on 2 nodes)");
}

TEST(ApplyConvergenceWait, ASpecChangedBySomeoneElseEndsTheWaitAtOnce) {
  FakeServer server;
  json theirs = written_service();
  theirs["Version"]["Index"] = 19;
  theirs["Spec"]["TaskTemplate"]["Resources"]["Limits"]["NanoCPUs"] = 750000000;
  json running = starting_task();
  running["Status"]["State"] = "running";
  running["Spec"] = theirs["Spec"]["TaskTemplate"];
  DockerClient client = engine(server, running, theirs);
  auto target = convergence_target(written_service());
  ASSERT_TRUE(target) << target.error().message;
  auto out = wait_for_convergence(client, *target);  // the default 5-minute timeout
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, ErrorKind::conflict);
  EXPECT_EQ(out.error().message,
            "sf-wait: changed by someone else during apply (written -> now): limits.cpus: 0.5 -> "
            "0.75");
  EXPECT_EQ(server.requests().size(), 4U);  // one poll
}

}  // namespace
}  // namespace swarmform::apply
