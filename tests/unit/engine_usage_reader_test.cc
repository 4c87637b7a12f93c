// Task container stats as `swarmform usage` reads them: one stats answer
// (cgroup v1 as the lab's engine sends it, cgroup v2 as Docker documents it)
// as a sample, the engine's times, and the list-then-stats walk over a
// scripted engine (containers that went away are skipped).

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reconciler/engine/docker_client.h"
#include "reconciler/engine/usage_reader.h"
#include "support/fake_stream.h"
#include "support/process.h"

namespace swarmform::engine {
namespace {

using swarmform::testing::FakeConnection;
using swarmform::testing::FakeServer;

/// Wraps the streams of a dialer, logging each stream's first write and
/// first read after it ("w1" / "r1": stream 1 wrote, read).
transport::Dialer logging(transport::Dialer inner, std::shared_ptr<std::vector<std::string>> log) {
  class Logged final : public transport::Stream {
   public:
    Logged(std::unique_ptr<transport::Stream> s, int n, std::shared_ptr<std::vector<std::string>> log)
        : s_(std::move(s)), n_(n), log_(std::move(log)) {}
    Result<void> write_all(std::string_view data) override {
      log_->push_back("w" + std::to_string(n_));
      reading_ = false;
      return s_->write_all(data);
    }
    Result<std::size_t> read_some(std::span<char> buf) override {
      if (!reading_) log_->push_back("r" + std::to_string(n_));
      reading_ = true;
      return s_->read_some(buf);
    }
    [[nodiscard]] std::string describe() const override { return s_->describe(); }

   private:
    std::unique_ptr<transport::Stream> s_;
    int n_;
    std::shared_ptr<std::vector<std::string>> log_;
    bool reading_ = false;
  };
  auto count = std::make_shared<int>(0);
  return [inner = std::move(inner), log = std::move(log), count]() -> Result<std::unique_ptr<transport::Stream>> {
    SF_TRY_ASSIGN(auto s, inner());
    return std::unique_ptr<transport::Stream>(std::make_unique<Logged>(std::move(s), ++*count, log));
  };
}

/// The lab capture: {"container": list entry, "stats": stats answer}.
nlohmann::json lab_capture() {
  return nlohmann::json::parse(testing::read_text(std::string(SWARMFORM_SOURCE_DIR) +
                                                  "/tests/unit/fixtures/usage_stats_cgroup_v1.json"));
}

constexpr const char* kV1Id = "937c37dd0dfa4ab17e1d1b2f6694e612bfa61606b228a384a00da3e11d6486ba";

/// A container summary (list entry) with the swarm labels.
nlohmann::json summary(const std::string& id, const std::string& service) {
  return {{"Id", id},
          {"Names", {"/" + service + ".1.x"}},
          {"State", "running"},
          {"Labels",
           {{"com.docker.swarm.service.name", service},
            {"com.docker.swarm.task.id", "task-" + service},
            {"com.docker.swarm.node.id", "node-1"}}}};
}

/// A stats answer shaped as Docker documents it for cgroup v2 (API 1.41):
/// no "cache" among memory_stats.stats, "inactive_file" and friends instead.
nlohmann::json v2_stats(const std::string& id) {
  return nlohmann::json::parse(R"({
    "read": "2026-12-01T08:00:02.5Z",
    "preread": "0001-01-01T00:00:00Z",
    "id": ")" + id + R"(",
    "pids_stats": {"current": 3, "limit": 4915},
    "cpu_stats": {
      "cpu_usage": {"total_usage": 7500000000, "usage_in_kernelmode": 500000000,
                    "usage_in_usermode": 7000000000},
      "system_cpu_usage": 1000000000000, "online_cpus": 4,
      "throttling_data": {"periods": 1200, "throttled_periods": 300, "throttled_time": 45000000000}
    },
    "memory_stats": {
      "usage": 268435456,
      "stats": {"active_anon": 4096, "active_file": 1048576, "anon": 201326592, "file": 67108864,
                "inactive_anon": 0, "inactive_file": 33554432, "kernel_stack": 65536,
                "oom_kill": 2, "pgfault": 100, "pgmajfault": 0},
      "limit": 536870912
    }
  })");
}

TEST(UsageStats, LabCgroupV1AnswerMaps) {
  const nlohmann::json capture = lab_capture();
  auto s = container_sample_from_json(capture["container"], capture["stats"]);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->container_id, kV1Id);
  EXPECT_EQ(s->service, "usample-fixture");
  EXPECT_EQ(s->task_id, "v5f7k5tpszb50vjf0hlr2z4io");
  EXPECT_EQ(s->node_id, "3vflwhbjuxo21pl6spykvtdp3");
  // "2026-12-01T08:07:07.369304245Z"
  EXPECT_EQ(s->read_at_ns, 1796112427LL * 1'000'000'000 + 369304245);
  EXPECT_EQ(s->cpu_total_ns, 1234654671U);
  EXPECT_EQ(s->periods, 33U);
  EXPECT_EQ(s->throttled_periods, 1U);
  EXPECT_EQ(s->throttled_ns, 11332U);
  // usage 765952 minus the page cache ("cache" 241664 on cgroup v1; its
  // "inactive_file" 53248 is not what v1 subtracts).
  EXPECT_EQ(s->memory_used_bytes, std::optional<uint64_t>(524288));
  EXPECT_EQ(s->oom_kills, std::nullopt);  // v1: the engine reports none
}

TEST(UsageStats, CgroupV2AnswerMaps) {
  const std::string id(64, 'b');
  auto s = container_sample_from_json(summary(id, "web"), v2_stats(id));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->container_id, id);
  EXPECT_EQ(s->service, "web");
  EXPECT_EQ(s->task_id, "task-web");
  EXPECT_EQ(s->node_id, "node-1");
  EXPECT_EQ(s->read_at_ns, 1796112000LL * 1'000'000'000 + 2'500'000'000);
  EXPECT_EQ(s->cpu_total_ns, 7500000000U);
  EXPECT_EQ(s->periods, 1200U);
  EXPECT_EQ(s->throttled_periods, 300U);
  EXPECT_EQ(s->throttled_ns, 45000000000U);
  EXPECT_EQ(s->memory_used_bytes, std::optional<uint64_t>(268435456 - 33554432));
  EXPECT_EQ(s->oom_kills, std::optional<uint64_t>(2));
}

TEST(UsageStats, MemoryUsedIsUsageLessPageCache) {
  struct Case {
    const char* name;
    nlohmann::json memory_stats;
    std::optional<uint64_t> used;
  };
  const std::vector<Case> cases = {
      {"v1 subtracts cache", {{"usage", 1000}, {"stats", {{"cache", 300}, {"inactive_file", 100}}}}, 700},
      {"v2 subtracts inactive_file", {{"usage", 1000}, {"stats", {{"inactive_file", 100}}}}, 900},
      {"cache above usage clamps at 0", {{"usage", 1000}, {"stats", {{"cache", 5000}}}}, 0},
      {"no stats: usage as is", {{"usage", 1000}}, 1000},
      {"no usage: unknown", {{"stats", {{"cache", 300}}}}, std::nullopt},
      {"null usage: unknown", {{"usage", nullptr}}, std::nullopt},
      {"no memory_stats at all", nullptr, std::nullopt},
  };
  const std::string id(64, 'c');
  for (const Case& c : cases) {
    nlohmann::json stats = v2_stats(id);
    stats["memory_stats"] = c.memory_stats;
    auto s = container_sample_from_json(summary(id, "web"), stats);
    ASSERT_TRUE(s) << c.name << ": " << s.error().message;
    EXPECT_EQ(s->memory_used_bytes, c.used) << c.name;
    EXPECT_EQ(s->oom_kills, std::nullopt) << c.name;
  }
}

TEST(UsageStats, AStoppedContainersZeroReadTimeIsNotFound) {
  // What dockerd 20.10 answers for a container that stopped between the
  // list and its stats: Go's zero time, nothing else.
  const std::string id(64, 'd');
  nlohmann::json stats = {{"read", "0001-01-01T00:00:00Z"},
                          {"preread", "0001-01-01T00:00:00Z"},
                          {"name", "/web.1.x"},
                          {"id", id},
                          {"cpu_stats", {{"cpu_usage", {{"total_usage", 0}}}, {"throttling_data", nlohmann::json::object()}}},
                          {"memory_stats", nlohmann::json::object()}};
  auto s = container_sample_from_json(summary(id, "web"), stats);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, ErrorKind::not_found);
  EXPECT_EQ(s.error().message,
            "container dddddddddddd: the container is not running (its stats have no \"read\" time)");
}

TEST(UsageStats, WrongTypesFailNamingTheField) {
  struct Case {
    const char* pointer;  // JSON pointer into {"container": ..., "stats": ...}
    nlohmann::json value;
    std::string message;
  };
  const std::string at = "container 937c37dd0dfa: ";
  const std::vector<Case> cases = {
      {"/stats/cpu_stats/cpu_usage/total_usage", "12",
       at + "stats.cpu_stats.cpu_usage.total_usage: expected a number"},
      {"/stats/cpu_stats/cpu_usage/total_usage", nullptr,
       at + "stats.cpu_stats.cpu_usage.total_usage: missing"},
      {"/stats/cpu_stats/cpu_usage/total_usage", -1,
       at + "stats.cpu_stats.cpu_usage.total_usage: expected a non-negative number"},
      {"/stats/cpu_stats/cpu_usage/total_usage", 1.5,
       at + "stats.cpu_stats.cpu_usage.total_usage: expected a whole number"},
      {"/stats/cpu_stats/cpu_usage", nlohmann::json::array(),
       at + "stats.cpu_stats.cpu_usage: expected an object"},
      {"/stats/cpu_stats/throttling_data/periods", "x",
       at + "stats.cpu_stats.throttling_data.periods: expected a number"},
      {"/stats/cpu_stats/throttling_data/throttled_periods", true,
       at + "stats.cpu_stats.throttling_data.throttled_periods: expected a number"},
      {"/stats/cpu_stats/throttling_data/throttled_time", -5,
       at + "stats.cpu_stats.throttling_data.throttled_time: expected a non-negative number"},
      {"/stats/cpu_stats/throttling_data", 7, at + "stats.cpu_stats.throttling_data: expected an object"},
      {"/stats/memory_stats/usage", true, at + "stats.memory_stats.usage: expected a number"},
      {"/stats/memory_stats/stats/cache", "241664",
       at + "stats.memory_stats.stats.cache: expected a number"},
      {"/stats/memory_stats/stats", "x", at + "stats.memory_stats.stats: expected an object"},
      {"/stats/memory_stats/stats/oom_kill", -3,
       at + "stats.memory_stats.stats.oom_kill: expected a non-negative number"},
      {"/stats/read", 5, at + "stats.read: expected a string"},
      {"/stats/read", nullptr, at + "stats.read: missing"},
      {"/stats/read", "yesterday",
       at + "stats.read: \"yesterday\" is not an RFC 3339 time (expected YYYY-MM-DDTHH:MM:SS)"},
      {"/stats/id", "other", at + "stats.id: \"other\" is not the listed container"},
      {"/stats", nlohmann::json::array(), at + "stats: expected an object"},
      {"/container/Labels", "x", at + "container.Labels: expected an object"},
      {"/container/Labels/com.docker.swarm.service.name", nullptr,
       at + "container.Labels.com.docker.swarm.service.name: missing"},
      {"/container/Labels/com.docker.swarm.task.id", 9,
       at + "container.Labels.com.docker.swarm.task.id: expected a string"},
      {"/container/Id", nullptr, "container.Id: missing"},
      {"/container/Id", 1, "container.Id: expected a string"},
  };
  for (const Case& c : cases) {
    nlohmann::json capture = lab_capture();
    capture[nlohmann::json::json_pointer(c.pointer)] = c.value;
    auto s = container_sample_from_json(capture["container"], capture["stats"]);
    ASSERT_FALSE(s) << c.pointer;
    EXPECT_EQ(s.error().kind, ErrorKind::failed) << c.pointer;
    EXPECT_EQ(s.error().message, c.message) << c.pointer;
  }
}

TEST(UsageStats, EngineTimesReadToTheNanosecond) {
  struct Case {
    const char* text;
    int64_t ns;
  };
  const std::vector<Case> good = {
      {"1970-01-01T00:00:00Z", 0},
      {"1970-01-01T00:00:00.000000001Z", 1},
      {"1970-01-01T01:00:00+01:00", 0},
      {"1969-12-31T19:00:00-05:00", 0},
      {"1969-12-31T23:59:59.5Z", -500'000'000},
      {"2000-02-29T23:59:59.1Z", 951868799LL * 1'000'000'000 + 100'000'000},
      {"2026-12-01T08:07:07.369304245Z", 1796112427LL * 1'000'000'000 + 369304245},
      {"2026-12-01t08:07:07.36930424z", 1796112427LL * 1'000'000'000 + 369304240},
  };
  for (const Case& c : good) {
    auto ns = parse_rfc3339_ns(c.text);
    ASSERT_TRUE(ns) << c.text << ": " << ns.error().message;
    EXPECT_EQ(*ns, c.ns) << c.text;
  }
  const std::vector<std::pair<const char*, const char*>> bad = {
      {"", "expected YYYY-MM-DDTHH:MM:SS"},
      {"2026-12-01 08:07:07Z", "expected YYYY-MM-DDTHH:MM:SS"},
      {"2026-12-01T08:07:07", "no time zone"},
      {"2026-12-01T08:07:07.Z", "no digits after the decimal point"},
      {"2026-12-01T08:07:07.1234567890Z", "more than 9 fraction digits"},
      {"2026-12-01T08:07:07Z ", "text after the time"},
      {"2026-12-01T08:07:07+0100", "bad time zone offset"},
      {"2026-13-01T08:07:07Z", "no such month"},
      {"2023-02-29T08:07:07Z", "no such day"},
      {"2026-12-01T24:00:00Z", "no such time of day"},
      {"0001-01-01T00:00:00Z", "too far from 1970 for int64 nanoseconds"},
      {"9999-12-31T23:59:59Z", "too far from 1970 for int64 nanoseconds"},
  };
  for (const auto& [text, why] : bad) {
    auto ns = parse_rfc3339_ns(text);
    ASSERT_FALSE(ns) << text;
    EXPECT_EQ(ns.error().message,
              "\"" + std::string(text) + "\" is not an RFC 3339 time (" + why + ")");
  }
}

std::string reply(int status, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) +
         " X\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string version_reply() {
  return reply(200, R"({"Version":"20.10.24+dfsg1","ApiVersion":"1.41","MinAPIVersion":"1.12"})");
}

std::string request_line(const std::string& request) {
  return request.substr(0, request.find("\r\n"));
}

TEST(UsageStats, ReadsEveryListedTaskContainerSkippingThoseThatWentAway) {
  const std::string a(64, 'a'), gone(64, 'e'), stopped(64, 'f'), b(64, '1');
  nlohmann::json list = {summary(a, "web"), summary(gone, "web"), summary(stopped, "db"),
                         summary(b, "db")};
  nlohmann::json stopped_stats = {{"read", "0001-01-01T00:00:00Z"}, {"id", stopped}};
  nlohmann::json b_stats = v2_stats(b);
  b_stats["cpu_stats"]["cpu_usage"]["total_usage"] = 42;
  FakeServer server;
  server.connection_with({version_reply(), reply(200, list.dump()), reply(200, v2_stats(a).dump()),
                          reply(404, R"({"message":"No such container: )" + gone + R"("})"),
                          reply(200, stopped_stats.dump()), reply(200, b_stats.dump())});
  auto client = DockerClient::connect(server.dialer());
  ASSERT_TRUE(client) << client.error().message;
  auto samples = read_task_containers(*client);
  ASSERT_TRUE(samples) << samples.error().message;
  ASSERT_EQ(samples->size(), 2U);
  EXPECT_EQ((*samples)[0].container_id, a);
  EXPECT_EQ((*samples)[0].service, "web");
  EXPECT_EQ((*samples)[0].cpu_total_ns, 7500000000U);
  EXPECT_EQ((*samples)[1].container_id, b);
  EXPECT_EQ((*samples)[1].service, "db");
  EXPECT_EQ((*samples)[1].cpu_total_ns, 42U);

  ASSERT_EQ(server.requests().size(), 6U);
  // Running containers (the list's default) of swarm tasks only.
  EXPECT_EQ(request_line(server.requests()[1]),
            "GET /v1.41/containers/json?filters=%7B%22label%22%3A%7B%22com.docker.swarm.service."
            "name%22%3Atrue%7D%7D HTTP/1.1");
  EXPECT_EQ(request_line(server.requests()[2]),
            "GET /v1.41/containers/" + a + "/stats?stream=false&one-shot=true HTTP/1.1");
  EXPECT_EQ(request_line(server.requests()[5]),
            "GET /v1.41/containers/" + b + "/stats?stream=false&one-shot=true HTTP/1.1");
  EXPECT_EQ(server.dials(), 1);
}

TEST(UsageStats, StatsAreAskedAllAtOnceOverConnectionsOfTheirOwn) {
  // dockerd answers stats once a second for all that wait: one after
  // another, N containers took N seconds on the lab.
  const std::string a(64, 'a'), b(64, 'b'), c(64, 'c');
  nlohmann::json list = {summary(a, "web"), summary(b, "web"), summary(c, "db")};
  FakeServer server;
  server.connection_with({version_reply(), reply(200, list.dump()), reply(200, v2_stats(a).dump())})
      .connection_with({reply(200, v2_stats(b).dump())})
      .connection_with({reply(200, v2_stats(c).dump())});
  auto log = std::make_shared<std::vector<std::string>>();
  auto client = DockerClient::connect(logging(server.dialer(), log));
  ASSERT_TRUE(client) << client.error().message;
  auto samples = read_task_containers(*client);
  ASSERT_TRUE(samples) << samples.error().message;
  ASSERT_EQ(samples->size(), 3U);
  EXPECT_EQ((*samples)[0].container_id, a);
  EXPECT_EQ((*samples)[1].container_id, b);
  EXPECT_EQ((*samples)[2].container_id, c);
  EXPECT_EQ(server.dials(), 3);
  // /version and the list, then the three stats requests written before any
  // answer is read.
  EXPECT_EQ(*log, (std::vector<std::string>{"w1", "r1", "w1", "r1", "w1", "w2", "w3", "r1", "r2",
                                            "r3"}));
}

TEST(UsageStats, FewerConnectionsThanContainersGoInRoundsAndAreKept) {
  FakeServer server;
  // The third connection cannot be opened (as sshd's MaxSessions would
  // refuse it): two connections serve three requests in two rounds, and
  // serve the next call too without dialing again.
  server.connection_with({version_reply(), reply(200, R"({"n":0})"), reply(200, R"({"n":2})"),
                          reply(200, R"({"n":3})")})
      .connection_with({reply(200, R"({"n":1})"), reply(404, R"({"message":"gone"})")});
  auto client = DockerClient::connect(server.dialer());
  ASSERT_TRUE(client) << client.error().message;
  auto answers = client->get_json_each({"/a", "/b", "/c"}, 64);
  ASSERT_EQ(answers.size(), 3U);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(answers[static_cast<std::size_t>(i)]) << answers[static_cast<std::size_t>(i)].error().message;
  }
  EXPECT_EQ((*answers[0])["n"], 0);
  EXPECT_EQ((*answers[1])["n"], 1);
  EXPECT_EQ((*answers[2])["n"], 2);
  auto again = client->get_json_each({"/d", "/e"}, 64);
  ASSERT_EQ(again.size(), 2U);
  ASSERT_TRUE(again[0]) << again[0].error().message;
  EXPECT_EQ((*again[0])["n"], 3);
  ASSERT_FALSE(again[1]);
  EXPECT_EQ(again[1].error().kind, ErrorKind::not_found);
  EXPECT_EQ(again[1].error().message, "GET /v1.41/e: HTTP 404: gone");
  EXPECT_EQ(server.dials(), 2);
  std::vector<std::string> lines;
  for (const auto& r : server.requests()) lines.push_back(request_line(r));
  EXPECT_EQ(lines, (std::vector<std::string>{"GET /version HTTP/1.1", "GET /v1.41/a HTTP/1.1",
                                             "GET /v1.41/b HTTP/1.1", "GET /v1.41/c HTTP/1.1",
                                             "GET /v1.41/d HTTP/1.1", "GET /v1.41/e HTTP/1.1"}));
}

TEST(UsageStats, AnEngineErrorOrAStrangeAnswerFailsNamingTheEngine) {
  const std::string a(64, 'a');
  {
    FakeServer server;
    server.connection_with({version_reply(), reply(200, nlohmann::json::array({summary(a, "web")}).dump()),
                            reply(500, R"({"message":"cgroup gone"})")});
    auto client = DockerClient::connect(server.dialer());
    ASSERT_TRUE(client) << client.error().message;
    auto samples = read_task_containers(*client);
    ASSERT_FALSE(samples);
    EXPECT_EQ(samples.error().message,
              "reading container stats from fake engine #1: GET /v1.41/containers/" + a +
                  "/stats?stream=false&one-shot=true: HTTP 500: cgroup gone");
  }
  {
    FakeServer server;
    server.connection_with({version_reply(), reply(200, R"({"not":"a list"})")});
    auto client = DockerClient::connect(server.dialer());
    ASSERT_TRUE(client) << client.error().message;
    auto samples = read_task_containers(*client);
    ASSERT_FALSE(samples);
    EXPECT_EQ(samples.error().message,
              "reading container stats from fake engine #1: containers: expected an array");
  }
  {
    nlohmann::json stats = v2_stats(a);
    stats["cpu_stats"]["cpu_usage"]["total_usage"] = "lots";
    FakeServer server;
    server.connection_with({version_reply(), reply(200, nlohmann::json::array({summary(a, "web")}).dump()),
                            reply(200, stats.dump())});
    auto client = DockerClient::connect(server.dialer());
    ASSERT_TRUE(client) << client.error().message;
    auto samples = read_task_containers(*client);
    ASSERT_FALSE(samples);
    EXPECT_EQ(samples.error().message,
              "reading container stats from fake engine #1: container aaaaaaaaaaaa: "
              "stats.cpu_stats.cpu_usage.total_usage: expected a number");
  }
}

}  // namespace
}  // namespace swarmform::engine
