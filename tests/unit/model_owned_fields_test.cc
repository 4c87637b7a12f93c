// The owned fields as one value (model/owned_fields.h): the one list of
// them, how each reads, what a live service holds, and swarmform's placement
// constraint (model/placement.h).

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "reconciler/model/owned_fields.h"
#include "reconciler/model/placement.h"
#include "reconciler/model/quantity.h"

namespace swarmform::model {
namespace {

constexpr int64_t kGi = int64_t{1} << 30;
int64_t cpus(double n) { return static_cast<int64_t>(n * 1000) * 1'000'000; }

TEST(PinnedNode, ReadsOnlySwarmformsConstraint) {
  const struct {
    const char* constraint;
    const char* node;  // "" = not swarmform's
  } cases[] = {
      {"node.hostname==kvm2", "kvm2"},
      {"node.hostname == kvm2", "kvm2"},
      {" node.hostname==  kvm2 ", "kvm2"},
      {"NODE.hostname==kvm2", "kvm2"},
      {"node.hostname!=kvm2", ""},
      {"node.role==manager", ""},
      {"node.labels.hostname==x", ""},
      {"node.hostname==", ""},
      {"node.hostname", ""},
      {"engine.labels.node.hostname==x", ""},
  };
  for (const auto& c : cases) {
    auto got = pinned_node(c.constraint);
    if (std::string(c.node).empty()) {
      EXPECT_FALSE(got.has_value()) << c.constraint;
    } else {
      ASSERT_TRUE(got.has_value()) << c.constraint;
      EXPECT_EQ(*got, c.node) << c.constraint;
    }
  }
}

TEST(PlacementConstraints, KeepsOthersInOrderAndWritesOne) {
  std::vector<std::string> live{"node.labels.disk==ssd", "node.hostname == kvm4",
                                "node.role!=worker", "node.hostname==kvm2"};
  // Ours replaces every pin, where the first one was; the others keep their order.
  EXPECT_EQ(placement_constraints(live, "kvm2"),
            (std::vector<std::string>{"node.labels.disk==ssd", "node.hostname==kvm2",
                                      "node.role!=worker"}));
  // Exactly one pin to the right node, however spelled: left as it is.
  std::vector<std::string> pinned{"node.role!=worker", "node.hostname == kvm2"};
  EXPECT_EQ(placement_constraints(pinned, "kvm2"), pinned);
  EXPECT_EQ(placement_constraints({}, "kvm4"), std::vector<std::string>{"node.hostname==kvm4"});
  EXPECT_EQ(pinned_nodes(live), (std::vector<std::string>{"kvm2", "kvm4"}));
}

TEST(WithOwned, WritesOnlyDeclaredFields) {
  model::LiveService live;
  live.name = "web";
  live.replicas = 3;
  live.limits = {cpus(1), kGi};
  live.reservations = {cpus(0.5), 0};
  live.constraints = {"node.role==manager", "node.hostname==kvm4"};
  live.labels = {{"a", "b"}};
  live.image = "img:1";
  live.spec_json = R"({"x":1})";
  OwnedFields owned;
  owned.node = "kvm2";
  owned.limits.nano_cpus = cpus(0.25);
  model::LiveService out = with_owned(live, owned);
  EXPECT_EQ(out.replicas, 3u);
  EXPECT_EQ(out.limits.nano_cpus, cpus(0.25));
  EXPECT_EQ(out.limits.memory_bytes, kGi);
  EXPECT_EQ(out.reservations.nano_cpus, cpus(0.5));
  EXPECT_EQ(out.constraints,
            (std::vector<std::string>{"node.role==manager", "node.hostname==kvm2"}));
  EXPECT_EQ(out.labels, live.labels);
  EXPECT_EQ(out.image, live.image);
  EXPECT_EQ(out.spec_json, live.spec_json);

  live.global = true;
  live.replicas.reset();
  owned.replicas = 4;
  EXPECT_FALSE(with_owned(live, owned).replicas.has_value());
}

TEST(ModelOwnedFields, ChangesListOnlyExpectedFieldsThatMoved) {
  OwnedFields planned{.limits = {.nano_cpus = 1'500'000'000, .memory_bytes = std::nullopt}, .node = "kvm4"};
  OwnedFields now{.replicas = 5, .limits = {.nano_cpus = 2'000'000'000, .memory_bytes = std::nullopt}, .node = "kvm4"};
  EXPECT_EQ(owned_field_changes(planned, now), std::vector<std::string>{"limits.cpus: 1.5 -> 2"});
  EXPECT_TRUE(owned_field_changes({}, now).empty());
  EXPECT_EQ(owned_field_changes({.limits = {.nano_cpus = std::nullopt, .memory_bytes = 0}, .node = "kvm2"},
                                {.limits = {.nano_cpus = std::nullopt, .memory_bytes = 1073741824}, .node = ""}),
            (std::vector<std::string>{"limits.memory: none -> 1GiB",
                                      "node: kvm2 -> (no node.hostname constraint)"}));
  EXPECT_EQ(owned_field_changes({.replicas = 1}, {}),
            std::vector<std::string>{"replicas: 1 -> (not set)"});
  EXPECT_EQ(describe({.replicas = 2,
                      .limits = {.nano_cpus = 1'500'000'000, .memory_bytes = 1073741824},
                      .reservations = {.nano_cpus = 500'000'000, .memory_bytes = 536870912},
                      .node = "kvm4"}),
            "replicas=2 limits.cpus=1.5 limits.memory=1GiB reservations.cpus=0.5 "
            "reservations.memory=512MiB node=kvm4");
  EXPECT_EQ(describe({}), "(no owned fields)");
}


TEST(ModelOwnedFields, OneListInPlanOrder) {
  std::vector<std::string> names;
  for (OwnedField f : kOwnedFields) names.emplace_back(owned_field_name(f));
  EXPECT_EQ(names, (std::vector<std::string>{"replicas", "limits.cpus", "limits.memory", "reservations.cpus",
                                             "reservations.memory", "node"}));
  for (OwnedField f : kOwnedFields) EXPECT_EQ(in_task_template(f), f != OwnedField::replicas) << owned_field_name(f);
}

TEST(ModelOwnedFields, EachFieldReadsOwnsAndComparesOnItsOwn) {
  const OwnedFields all{.replicas = 2,
                        .limits = {.nano_cpus = cpus(1.5), .memory_bytes = 0},
                        .reservations = {.nano_cpus = 0, .memory_bytes = 512 * (kGi >> 10)},
                        .node = ""};
  const std::vector<std::string> texts{"2", "1.5", "none", "none", "512MiB", "(no node.hostname constraint)"};
  size_t i = 0;
  for (OwnedField f : kOwnedFields) {
    EXPECT_TRUE(owns(all, f));
    EXPECT_FALSE(owns(OwnedFields{}, f));
    EXPECT_EQ(owned_field_text(all, f), texts[i++]);
    EXPECT_EQ(owned_field_text(OwnedFields{}, f), std::nullopt);
    EXPECT_TRUE(same_value(all, all, f));
    EXPECT_FALSE(same_value(all, OwnedFields{}, f)) << owned_field_name(f);
  }
  EXPECT_EQ(only_owned_by(all, {}), OwnedFields{});
  EXPECT_EQ(only_owned_by(all, {.limits = {.nano_cpus = std::nullopt, .memory_bytes = 1}, .node = "x"}),
            (OwnedFields{.limits = {.nano_cpus = std::nullopt, .memory_bytes = 0}, .node = ""}));
  EXPECT_EQ(only_owned_by(all, all), all);
}

TEST(ModelOwnedFields, OfALiveServiceAndDeclared) {
  LiveService live;
  live.replicas = 3;
  live.limits = {cpus(1), kGi};
  live.reservations = {cpus(0.5), 0};
  live.constraints = {"node.role==manager", "node.hostname == kvm4", "node.hostname==kvm2"};
  // The first pin, as swarmkit applies them all.
  EXPECT_EQ(owned_fields_of(live), (OwnedFields{.replicas = 3,
                                                .limits = {cpus(1), kGi},
                                                .reservations = {cpus(0.5), 0},
                                                .node = "kvm4"}));
  live.global = true;
  live.replicas.reset();
  live.constraints = {"node.hostname!=kvm4"};
  EXPECT_EQ(owned_fields_of(live).replicas, std::nullopt);
  EXPECT_EQ(owned_fields_of(live).node, "");

  Service s;
  s.replicas = 2;
  s.limits.nano_cpus = cpus(0.5);
  s.reservations.memory_bytes = kGi;
  EXPECT_EQ(declared_owned(s), (OwnedFields{.replicas = 2,
                                            .limits = {.nano_cpus = cpus(0.5), .memory_bytes = std::nullopt},
                                            .reservations = {.nano_cpus = std::nullopt, .memory_bytes = kGi}}));
}

TEST(Quantity, OrNoneIsTheOneWayToPrintAnUnsetFigure) {
  EXPECT_EQ(cpus_or_none(0), "none");
  EXPECT_EQ(cpus_or_none(cpus(1.5)), "1.5");
  EXPECT_EQ(cpus_or_none(std::optional<int64_t>{}), "none");
  EXPECT_EQ(cpus_or_none(std::optional<int64_t>{cpus(0.25)}), "0.25");
  EXPECT_EQ(memory_or_none(0), "none");
  EXPECT_EQ(memory_or_none(kGi), "1GiB");
  EXPECT_EQ(memory_or_none(std::optional<int64_t>{}), "none");
}

TEST(Quantity, WithinPercentIsExact) {
  EXPECT_TRUE(within_percent(105, 100, 5));
  EXPECT_TRUE(within_percent(95, 100, 5));
  EXPECT_FALSE(within_percent(106, 100, 5));
  EXPECT_FALSE(within_percent(94, 100, 5));
  // No overflow at the int64 edges.
  const int64_t max = std::numeric_limits<int64_t>::max();
  EXPECT_TRUE(within_percent(max, max, 0));
  EXPECT_FALSE(within_percent(std::numeric_limits<int64_t>::min(), max, 5));
  EXPECT_TRUE(within_percent(max - max / 20, max, 5));
}

}  // namespace
}  // namespace swarmform::model
