// The owned fields: constraint normalisation, what apply writes, the
// fingerprint, the applied label and the desired-state content hash.

#include <gtest/gtest.h>

#include "reconciler/plan/applied_label.h"
#include "reconciler/plan/hash.h"
#include "reconciler/plan/owned.h"
#include "reconciler/util/text_sanitize.h"
#include "unit/plan_fixtures.h"

namespace swarmform::plan {
namespace {

using namespace swarmform::plan::testing;

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

TEST(OwnedHash, ChangesWithOwnedFieldsOnly) {
  model::LiveService a;
  a.replicas = 2;
  a.limits = {cpus(1), kGi};
  a.constraints = {"node.hostname==kvm4"};
  std::string h = owned_hash(a);
  EXPECT_EQ(h.size(), 24u);
  EXPECT_EQ(h.rfind("fnv1a64:", 0), 0u);

  model::LiveService same = a;
  same.constraints = {"node.role==manager", "node.hostname == kvm4"};
  same.labels["x"] = "y";
  same.image = "other";
  same.version_index = 99;
  EXPECT_EQ(owned_hash(same), h);

  for (auto mutate : std::vector<void (*)(model::LiveService&)>{
           [](model::LiveService& s) { s.replicas = 3; },
           [](model::LiveService& s) { s.replicas.reset(); },
           [](model::LiveService& s) { s.limits.nano_cpus = 1; },
           [](model::LiveService& s) { s.limits.memory_bytes = 1; },
           [](model::LiveService& s) { s.reservations.nano_cpus = 1; },
           [](model::LiveService& s) { s.reservations.memory_bytes = 1; },
           [](model::LiveService& s) { s.constraints = {"node.hostname==kvm2"}; },
       }) {
    model::LiveService b = a;
    mutate(b);
    EXPECT_NE(owned_hash(b), h);
  }
}

TEST(Fnv1a64, KnownVectors) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a64_text("foobar"), "fnv1a64:85944171f73967e8");
}

TEST(DesiredContentHash, IndependentOfOrderSensitiveToContent) {
  std::vector<model::SourceFile> files{{"b.yaml", "services: {}\n"}, {"a.yaml", "version: 1\n"}};
  std::vector<model::SourceFile> reversed{files[1], files[0]};
  EXPECT_EQ(desired_content_hash(files), desired_content_hash(reversed));
  std::vector<model::SourceFile> edited = files;
  edited[0].content += " ";
  EXPECT_NE(desired_content_hash(files), desired_content_hash(edited));
  // The boundary between name and content is part of the hash.
  EXPECT_NE(desired_content_hash({{"ab", "c"}}), desired_content_hash({{"a", "bc"}}));
}

TEST(AppliedLabel, RoundTripsAndOmitsWhatIsNotOwned) {
  OwnedFields owned;
  owned.host = "kvm2";
  owned.node = "kvm2";
  owned.replicas = 2;
  owned.limits = {cpus(1.5), kGi};
  owned.reservations.nano_cpus = cpus(0.5);
  std::string label = encode_applied(owned);
  EXPECT_EQ(
      label,
      R"({"host":"kvm2","limits":{"memory_bytes":1073741824,"nano_cpus":1500000000},"node":"kvm2",)"
      R"("replicas":2,"reservations":{"nano_cpus":500000000}})");
  auto back = decode_applied(label);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_TRUE(same_owned(*back, owned));

  EXPECT_EQ(encode_applied(OwnedFields{}), "{}");
  auto empty = decode_applied("{}");
  ASSERT_TRUE(empty.has_value());
  EXPECT_FALSE(empty->replicas.has_value());
  EXPECT_FALSE(empty->limits.nano_cpus.has_value());
}

TEST(AppliedLabel, ControlCharactersAreWrittenEscapedAndReadBack) {
  OwnedFields owned;
  owned.host = std::string("kvm\x1b[2J") + "\x7f" + "\xc2\x9b" + "é";
  owned.node = "kvm2";
  std::string label = encode_applied(owned);
  EXPECT_TRUE(is_printable(label)) << label;
  for (unsigned char ch : label) EXPECT_LT(ch, 0x7f) << label;
  EXPECT_NE(label.find(R"(kvm\u001b[2J\u007f\u009b\u00e9)"), std::string::npos) << label;
  auto back = decode_applied(label);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(back->host, owned.host);
}

TEST(AppliedLabel, ErrorsNameTheField) {
  const struct {
    const char* label;
    const char* error;
  } cases[] = {
      {"", "swarmform.applied: not valid JSON"},
      {"[1]", "swarmform.applied: expected a JSON object"},
      {R"({"replicas":-1})", "swarmform.applied.replicas: expected an unsigned integer"},
      {R"({"replicas":"2"})", "swarmform.applied.replicas: expected an unsigned integer"},
      {R"({"host":7})", "swarmform.applied.host: expected a string"},
      {R"({"limits":{"nano_cpus":1.5}})",
       "swarmform.applied.limits.nano_cpus: expected an unsigned integer"},
      {R"({"reservations":[]})", "swarmform.applied.reservations: expected an object"},
      {R"({"limits":{"memory_bytes":18446744073709551615}})",
       "swarmform.applied.limits.memory_bytes: too large"},
  };
  for (const auto& c : cases) {
    auto got = decode_applied(c.label);
    ASSERT_FALSE(got.has_value()) << c.label;
    EXPECT_EQ(got.error().message, c.error) << c.label;
  }
}

}  // namespace
}  // namespace swarmform::plan
