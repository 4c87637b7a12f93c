// advise --write's edits (issue 15): the advice as adopt::ValueEdits of the
// file that declares each service; through the YAML editor only the changed
// values' lines change, and absent limits are inserted.

#include <gtest/gtest.h>

#include <sstream>

#include "reconciler/adopt/value_edit.h"
#include "reconciler/advise/advice_edits.h"
#include "reconciler/config/loader.h"

namespace swarmform::advise {
namespace {

constexpr int64_t kMi = 1024 * 1024;

const char* kCluster =
    "version: 1\ncluster:\n  manager: kvm4\nhosts:\n"
    "  kvm4:\n    ssh: root@203.0.113.4\n    capacity: {cpus: 4, memory: 16GiB}\n"
    "  kvm2:\n    ssh: root@203.0.113.2\n    capacity: {cpus: 2, memory: 8GiB}\n";

// Comments, blank lines, flow and block maps, quoted values, a service in
// one flow line.
const char* kServices = R"(# services of the shop
services:
  # the API, busy
  api:
    host: kvm4     # pinned for now
    replicas: 2
    limits: {cpus: 1, memory: 512MiB}   # from the report
    reservations:
      cpus: "0.5"
      memory: 256MiB

  cache: {host: kvm2, limits: {cpus: '0.25', memory: 128MiB}}

  idle:
    host: kvm2
    limits:
      cpus: 0.5
      memory: 64MiB
)";

model::DesiredState load(const std::string& services) {
  config::Loaded l = config::load_desired_state(
      {model::SourceFile{"cluster.yaml", kCluster}, model::SourceFile{"services.yaml", services}},
      config::LoadOptions{});
  std::string diags;
  for (const auto& d : l.diagnostics.items()) diags += model::format_diagnostic(d) + "\n";
  EXPECT_TRUE(l.state) << diags;
  return l.state ? *l.state : model::DesiredState{};
}

/// The advice for `name` as advise() starts it: nothing changed.
ServiceAdvice unchanged(const model::DesiredState& d, const std::string& name) {
  const model::Service& s = d.services.at(name);
  ServiceAdvice a;
  a.name = name;
  a.host_before = a.host_after = s.host;
  a.limits_before = a.sizing.limits = s.limits;
  a.reservations_before = a.sizing.reservations = s.reservations;
  a.measured = true;
  return a;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(AdviseEdits, OnlyTheChangedValuesLinesChange) {
  const model::DesiredState d = load(kServices);
  Advice advice;
  advice.placement.fits = true;
  ServiceAdvice api = unchanged(d, "api");
  api.host_after = "kvm2";
  api.sizing.limits = {350'000'000, 620 * kMi};
  api.sizing.reservations.nano_cpus = 100'000'000;  // memory unchanged
  ServiceAdvice cache = unchanged(d, "cache");
  cache.sizing.limits.memory_bytes = 64 * kMi;
  advice.services = {api, cache, unchanged(d, "idle")};

  const auto edits = advice_edits(d, advice);
  std::vector<std::string> what;
  for (const auto& e : edits) {
    EXPECT_EQ(e.file, "services.yaml");
    what.push_back(e.what);
  }
  EXPECT_EQ(what, (std::vector<std::string>{"api: host kvm4 -> kvm2", "api: limits.cpus 1 -> 0.35",
                                            "api: limits.memory 512MiB -> 620MiB",
                                            "api: reservations.cpus 0.5 -> 0.1",
                                            "cache: limits.memory 128MiB -> 64MiB"}));
  ASSERT_EQ(edits.size(), 5u);
  EXPECT_EQ(edits[0].path, (std::vector<std::string>{"services", "api", "host"}));
  EXPECT_EQ(edits[1].path, (std::vector<std::string>{"services", "api", "limits", "cpus"}));
  EXPECT_EQ(edits[1].value, "0.35");
  EXPECT_EQ(edits[2].value, "620MiB");

  auto edited = adopt::apply_edits("services.yaml", kServices, edits);
  ASSERT_TRUE(edited) << edited.error().message;
  const auto before = lines(kServices);
  const auto after = lines(*edited);
  ASSERT_EQ(after.size(), before.size());
  std::map<size_t, std::string> changed;
  for (size_t i = 0; i < before.size(); ++i) {
    if (before[i] != after[i]) changed[i] = after[i];
  }
  EXPECT_EQ(changed, (std::map<size_t, std::string>{
                         {4, "    host: kvm2     # pinned for now"},
                         {6, "    limits: {cpus: 0.35, memory: 620MiB}   # from the report"},
                         {8, "      cpus: \"0.1\""},
                         {11, "  cache: {host: kvm2, limits: {cpus: '0.25', memory: 64MiB}}"},
                     }));

  // What it wrote reads back as the advice.
  const model::DesiredState reread = load(*edited);
  EXPECT_EQ(reread.services.at("api").host, "kvm2");
  EXPECT_EQ(reread.services.at("api").limits, api.sizing.limits);
  EXPECT_EQ(reread.services.at("api").reservations, api.sizing.reservations);
  EXPECT_EQ(reread.services.at("cache").limits, cache.sizing.limits);
  EXPECT_EQ(reread.services.at("idle").limits, d.services.at("idle").limits);
}

TEST(AdviseEdits, AbsentLimitsAndReservationsAreInserted) {
  const std::string text = std::string(kServices) +
                           "\n  worker:            # no limits yet\n"
                           "    host: kvm4\n"
                           "    replicas: 1\n";
  const model::DesiredState d = load(text);
  Advice advice;
  advice.placement.fits = true;
  ServiceAdvice worker = unchanged(d, "worker");
  worker.sizing.limits = {50'000'000, 16 * kMi};
  worker.sizing.reservations = {10'000'000, 4 * kMi};
  advice.services = {unchanged(d, "api"), unchanged(d, "cache"), unchanged(d, "idle"), worker};

  const auto edits = advice_edits(d, advice);
  std::vector<std::string> what;
  for (const auto& e : edits) what.push_back(e.what);
  EXPECT_EQ(what, (std::vector<std::string>{"worker: limits.cpus none -> 0.05",
                                            "worker: limits.memory none -> 16MiB",
                                            "worker: reservations.cpus none -> 0.01",
                                            "worker: reservations.memory none -> 4MiB"}));
  auto edited = adopt::apply_edits("services.yaml", text, edits);
  ASSERT_TRUE(edited) << edited.error().message;
  EXPECT_EQ(*edited, text +
                         "    limits:\n"
                         "      cpus: 0.05\n"
                         "      memory: 16MiB\n"
                         "    reservations:\n"
                         "      cpus: 0.01\n"
                         "      memory: 4MiB\n");
  const model::DesiredState reread = load(*edited);
  EXPECT_EQ(reread.services.at("worker").limits, worker.sizing.limits);
  EXPECT_EQ(reread.services.at("worker").reservations, worker.sizing.reservations);
}

TEST(AdviseEdits, NothingWhenTheAdviceDoesNotFitOrChangesNothing) {
  const model::DesiredState d = load(kServices);
  Advice advice;
  ServiceAdvice api = unchanged(d, "api");
  api.sizing.limits.nano_cpus = 2'000'000'000;
  advice.services = {api, unchanged(d, "cache")};
  advice.placement.fits = false;
  EXPECT_TRUE(advice_edits(d, advice).empty())
      << "a placement that does not fit is no advice to write";
  advice.placement.fits = true;
  EXPECT_EQ(advice_edits(d, advice).size(), 1u);
  advice.services = {unchanged(d, "api"), unchanged(d, "cache")};
  EXPECT_TRUE(advice_edits(d, advice).empty());
}

}  // namespace
}  // namespace swarmform::advise
