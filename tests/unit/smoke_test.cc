#include <gtest/gtest.h>

#include "reconciler/util/result.h"

namespace swarmform {
namespace {
Result<int> half(int x) {
  if (x % 2 != 0) return fail("odd");
  return x / 2;
}
Result<int> quarter(int x) {
  SF_TRY_ASSIGN(int h, half(x));
  return half(h);
}
TEST(Result, TryAssignPropagatesTheFirstError) {
  EXPECT_EQ(quarter(8).value(), 2);
  EXPECT_EQ(quarter(6).error().message, "odd");
}
}  // namespace
}  // namespace swarmform
