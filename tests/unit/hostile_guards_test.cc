// The checked arithmetic and guards added for issue 11 ("Hostile input"),
// at their edges.  The reproductions themselves are in hostile_input_test.cc.

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "reconciler/config/yaml_tree.h"
#include "reconciler/model/quantity.h"
#include "reconciler/util/json_depth.h"

namespace swarmform {
namespace {

using model::kNano;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr uint64_t kMaxReplicas = 100000;  // the loader's bound on replicas

TEST(HostileGuards, SaturatingSumsAndProducts) {
  using model::saturating_add;
  using model::saturating_mul;
  EXPECT_EQ(saturating_add(0, 0), 0);
  EXPECT_EQ(saturating_add(1, 2), 3);
  EXPECT_EQ(saturating_add(kMax, 1), kMax);
  EXPECT_EQ(saturating_add(kMax, kMax), kMax);
  EXPECT_EQ(saturating_add(kMin, -1), kMin);
  EXPECT_EQ(saturating_add(kMax, kMin), -1);
  EXPECT_EQ(saturating_mul(0, UINT64_MAX), 0);
  EXPECT_EQ(saturating_mul(1, 0), 0);
  EXPECT_EQ(saturating_mul(1, UINT64_MAX), kMax);
  EXPECT_EQ(saturating_mul(kMax, 1), kMax);
  EXPECT_EQ(saturating_mul(kMax, 2), kMax);
  EXPECT_EQ(saturating_mul(kMin, 1), kMin);
  EXPECT_EQ(saturating_mul(kMin, 2), kMin);
  EXPECT_EQ(saturating_mul(-1, UINT64_MAX), kMin);
  // The largest accepted values times the largest replica count.
  EXPECT_EQ(saturating_mul(model::kMaxMemoryBytes, kMaxReplicas), model::kSaturated);
  EXPECT_EQ(saturating_mul(model::kMaxNanoCpus, kMaxReplicas), model::kSaturated);
  EXPECT_EQ(saturating_mul(model::kMaxMemoryBytes, 7), 7 * model::kMaxMemoryBytes);  // still exact
  EXPECT_EQ(saturating_mul(model::kMaxNanoCpus, 8796), 8796 * model::kMaxNanoCpus);
}


TEST(HostileGuards, ExactProductComparison) {
  using model::product_at_most;
  EXPECT_TRUE(product_at_most(0, kMax, 0, kMin));
  EXPECT_TRUE(product_at_most(UINT64_MAX, kMax, UINT64_MAX, kMax));
  EXPECT_FALSE(product_at_most(UINT64_MAX, kMax, UINT64_MAX - 1, kMax));
  EXPECT_TRUE(product_at_most(UINT64_MAX, kMin, 1, kMin));
  // Both products are past int64: a saturating comparison would call them equal.
  EXPECT_FALSE(product_at_most(20, model::kMaxMemoryBytes, 10, model::kMaxMemoryBytes));
}


TEST(HostileGuards, ASaturatedTotalNeverFits) {
  EXPECT_FALSE(model::within_budget(model::kSaturated, model::kMaxMemoryBytes, kMax));
  EXPECT_TRUE(model::within_budget(model::kMaxMemoryBytes, model::kMaxMemoryBytes, kNano));
  EXPECT_TRUE(model::within_budget(0, 0, kNano));
  EXPECT_FALSE(model::within_budget(1, 0, kMax));
  EXPECT_TRUE(model::within_budget(kMin, 1, kNano));
}


TEST(HostileGuards, JsonDepthScan) {
  EXPECT_TRUE(json_depth_within("", 1));
  EXPECT_TRUE(json_depth_within("[]", 1));
  EXPECT_FALSE(json_depth_within("[[]]", 1));
  EXPECT_TRUE(json_depth_within(R"({"a": "[[[[[[", "b": "\"[[[["})", 1));
  EXPECT_FALSE(json_depth_within(R"({"a": "\\", "b": [1]})", 1));  // an escaped backslash ends nothing
  EXPECT_TRUE(json_depth_within(std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']')));
  EXPECT_FALSE(json_depth_within(std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']')));
  EXPECT_TRUE(json_depth_within("]]]]][[[", 3));  // malformed: left for the parser
}


TEST(HostileGuards, AliasBudgetIsWhatTheCallerSays) {
  // [1, 2] weighs a node and two one-byte scalars; two references, twice that.
  const uint64_t twice = 2 * (config::yaml::kNodeWeight + 2 * (config::yaml::kNodeWeight + 1));
  auto small = config::yaml::parse("a: &a [1, 2]\nb: *a\nc: *a\n", 64, twice);
  ASSERT_TRUE(small) << small.error().message;
  auto over = config::yaml::parse("a: &a [1, 2]\nb: *a\nc: *a\n", 64, twice - 1);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().line, 3);
  EXPECT_EQ(over.error().column, 4);
}


}  // namespace
}  // namespace swarmform
