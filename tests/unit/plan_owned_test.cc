// The owned fields as a plan records them: the fingerprint, the applied
// label and the desired-state content hash.  (The fields themselves and the
// placement constraint: model_owned_fields_test.cc.)

#include <gtest/gtest.h>

#include "reconciler/plan/applied_label.h"
#include "reconciler/plan/hash.h"
#include "reconciler/plan/owned.h"
#include "reconciler/util/text_sanitize.h"
#include "unit/plan_fixtures.h"

namespace swarmform::plan {
namespace {

using namespace swarmform::plan::testing;

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
  model::OwnedFields owned;
  owned.node = "kvm2";
  owned.replicas = 2;
  owned.limits = {cpus(1.5), kGi};
  owned.reservations.nano_cpus = cpus(0.5);
  std::string label = encode_applied("kvm2", owned);
  EXPECT_EQ(
      label,
      R"({"host":"kvm2","limits":{"memory_bytes":1073741824,"nano_cpus":1500000000},"node":"kvm2",)"
      R"("replicas":2,"reservations":{"nano_cpus":500000000}})");
  auto back = decode_applied(label);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(back->host, "kvm2");
  EXPECT_EQ(back->owned, owned);

  EXPECT_EQ(encode_applied("", model::OwnedFields{}), "{}");
  auto empty = decode_applied("{}");
  ASSERT_TRUE(empty.has_value());
  EXPECT_FALSE(empty->owned.replicas.has_value());
  EXPECT_FALSE(empty->owned.limits.nano_cpus.has_value());
}

TEST(AppliedLabel, ControlCharactersAreWrittenEscapedAndReadBack) {
  const std::string host = std::string("kvm\x1b[2J") + "\x7f" + "\xc2\x9b" + "é";
  model::OwnedFields owned;
  owned.node = "kvm2";
  std::string label = encode_applied(host, owned);
  EXPECT_TRUE(is_printable(label)) << label;
  for (unsigned char ch : label) EXPECT_LT(ch, 0x7f) << label;
  EXPECT_NE(label.find(R"(kvm\u001b[2J\u007f\u009b\u00e9)"), std::string::npos) << label;
  auto back = decode_applied(label);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(back->host, host);
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
