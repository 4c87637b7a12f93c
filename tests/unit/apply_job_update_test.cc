// A job's update is applied once posted: its tasks run to completion, so
// there is no convergence to wait for (a declared `mode: replicated-job` or
// `global-job` service whose limits change in git must not fail apply).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reconciler/apply/await_or_roll_back.h"
#include "reconciler/engine/docker_client.h"
#include "support/fake_stream.h"

namespace swarmform::apply {
namespace {

using nlohmann::json;
using swarmform::testing::FakeServer;

std::string reply(const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

TEST(ApplyJobUpdate, AJobIsAppliedOncePostedWithoutAWait) {
  for (const char* mode : {"ReplicatedJob", "GlobalJob"}) {
    FakeServer server;
    // Only the version handshake: a wait would ask for more and fail.
    server.connection_with({reply(R"({"ApiVersion":"1.41","MinAPIVersion":"1.12"})")});
    auto client = engine::DockerClient::connect(server.dialer());
    ASSERT_TRUE(client) << client.error().message;
    plan::ServiceChange c;
    c.name = "nightly-backup";
    c.action = plan::Action::update;
    Posted posted{"~ nightly-backup: updated",
                  json{{"ID", "svc1"},
                       {"Version", {{"Index", 3}}},
                       {"Spec", {{"Name", "nightly-backup"}, {"Mode", {{mode, json::object()}}}}}},
                  true};
    std::vector<std::string> lines;
    ServiceResult r = await_or_roll_back(*client, c, posted, ConvergenceOptions{}, RollbackOnFailure::yes,
                                         [&lines](const std::string& l) { lines.push_back(l); }, nullptr);
    EXPECT_EQ(r.outcome, Outcome::applied) << mode << ": " << r.detail;
    EXPECT_TRUE(r.changed);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find("a job runs to completion"), std::string::npos) << lines[0];
  }
}

}  // namespace
}  // namespace swarmform::apply
