// Reading a saved plan: the size cap leaves a plan of 10,000 services far
// below it, a file past the cap is refused unread, and what is read is the
// plan that was written.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "reconciler/cli/saved_plan.h"
#include "reconciler/plan/compute.h"
#include "reconciler/plan/plan_file.h"
#include "unit/plan_fixtures.h"

namespace swarmform::cli {
namespace {

using namespace swarmform::plan::testing;

/// A plan of `n` services, each changing every owned field (a move, replicas,
/// limits, reservations) under a long Dokploy-style name: the largest entry
/// per service a plan writes.  Planned for two services, then copied under
/// new names, entries and host load lines alike (planning 10,000 services in
/// a debug build would be the whole cost of this test).
plan::Plan big_plan(size_t n) {
  model::DesiredState d;
  d.version = 1;
  d.manager = "kvm4";
  d.hosts["kvm4"] = make_host("kvm4", cpus(4000), 16000 * kGi);
  d.hosts["kvm2"] = make_host("kvm2", cpus(4000), 16000 * kGi);
  for (const char* host : {"kvm2", "kvm4"}) {
    std::string key = std::string("infrastructureservices-saleor-api-") + host;
    model::Service s = make_service(key, host);
    s.replicas = 2;
    s.limits = {cpus(0.25), 256 * kMi};
    s.reservations = {cpus(0.125), 128 * kMi};
    d.services[key] = s;
  }
  model::LiveState live = live_matching(d);
  for (auto& s : live.services) {
    s.replicas = 1;
    s.limits = {cpus(0.5), 512 * kMi};
    s.reservations = {cpus(0.25), 256 * kMi};
    s.constraints = {s.constraints.front(),
                     std::string("node.hostname==") + (s.name.ends_with("kvm2") ? "kvm4" : "kvm2")};
    s.labels["swarmform.applied"] = R"({"host":"kvm4","node":"kvm4","replicas":3})";
  }
  plan::PlanOptions options;
  options.desired_hash = "fnv1a64:0123456789abcdef";
  options.commit = "3f2c1a0d9e8b7c6a5f4e3d2c1b0a9f8e7d6c5b4a";
  options.created_at = "2026-11-30T22:00:00Z";
  plan::Plan two = plan::compute_plan(d, live, options);
  plan::Plan plan = two;
  plan.services.clear();
  for (auto& h : plan.hosts) {
    h.before.services.clear();
    h.after.services.clear();
  }
  auto renamed = [](std::string name, size_t i) {
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "-%05zu", i);
    return name + suffix;
  };
  for (size_t i = 0; i < n; ++i) {
    plan::ServiceChange c = two.services[i % 2];
    c.name = c.live_name = renamed(c.name, i);
    c.live_id = renamed(c.live_id, i);
    plan.services.push_back(std::move(c));
  }
  for (size_t h = 0; h < plan.hosts.size(); ++h) {
    for (size_t i = 0; i < n / 2; ++i) {
      for (auto* loads : {&two.hosts[h].before, &two.hosts[h].after}) {
        auto* into = loads == &two.hosts[h].before ? &plan.hosts[h].before : &plan.hosts[h].after;
        for (model::ServiceLoad l : loads->services) {
          l.service = renamed(l.service, 2 * i + h);
          into->services.push_back(std::move(l));
        }
      }
    }
  }
  return plan;
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()))).string();
}

TEST(CliSavedPlan, APlanOf10000ServicesIsFarBelowTheCap) {
  plan::Plan plan = big_plan(10'000);
  ASSERT_EQ(plan.count(plan::Action::update), 10'000u);
  const std::string text = plan::plan_json_text(plan);
  std::printf("a plan of 10,000 services, every field changing: %zu bytes (%.1f MiB); cap %zu MiB\n", text.size(),
              static_cast<double>(text.size()) / (1024 * 1024), kMaxPlanFileBytes / (1024 * 1024));
  EXPECT_LT(text.size() * 4, kMaxPlanFileBytes);

  const std::string path = temp_path("sf-big.plan");
  { std::ofstream(path, std::ios::binary) << text; }
  auto back = read_plan_file(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(back->services.size(), plan.services.size());
  EXPECT_EQ(back->services.back().changes.size(), 6u);
}

TEST(CliSavedPlan, AFileOverTheCapIsRefusedUnread) {
  const std::string path = temp_path("sf-over.plan");
  { std::ofstream(path, std::ios::binary) << "{}"; }
  std::filesystem::resize_file(path, kMaxPlanFileBytes + 1);
  auto got = read_plan_file(path);
  std::filesystem::remove(path);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().message.rfind(path + " is larger than a plan file may be (128 MiB", 0), 0u)
      << got.error().message;

  // Exactly at the cap it is read (and is no plan).
  { std::ofstream(path, std::ios::binary) << "{}"; }
  std::filesystem::resize_file(path, kMaxPlanFileBytes);
  got = read_plan_file(path);
  std::filesystem::remove(path);
  ASSERT_FALSE(got.has_value());
  EXPECT_NE(got.error().message.find("is not a swarmform plan"), std::string::npos) << got.error().message;
}

TEST(CliSavedPlan, AFifoIsReadUpToTheCapOnly) {
  const std::string path = temp_path("sf-fifo.plan");
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  // The reader closes early: the writer must see EPIPE, not die of SIGPIPE.
  auto* previous = std::signal(SIGPIPE, SIG_IGN);
  std::thread writer([&path] {
    std::ofstream out(path, std::ios::binary);
    std::string block(1024 * 1024, ' ');
    // Twice the cap, and more than the reader takes: it stops at the cap.
    for (size_t i = 0; out && i < 2 * kMaxPlanFileBytes / block.size(); ++i) out << block;
  });
  auto got = read_plan_file(path);
  std::filesystem::remove(path);  // the writer sees EPIPE or finishes
  writer.join();
  std::signal(SIGPIPE, previous);
  ASSERT_FALSE(got.has_value());
  EXPECT_NE(got.error().message.find("is larger than a plan file may be"), std::string::npos) << got.error().message;
}

TEST(CliSavedPlan, AMissingFileSaysSo) {
  auto got = read_plan_file("/nonexistent/saved.plan");
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().message, "cannot read /nonexistent/saved.plan: No such file or directory");
}

}  // namespace
}  // namespace swarmform::cli
