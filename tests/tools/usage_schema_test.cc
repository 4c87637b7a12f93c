// The JSON of `usage` (live windows and history) validates against
// schemas/usage.schema.json, checked by Debian's python3-jsonschema
// (tests/schema/check_usage.py), and so do the examples in schemas/examples.

#include <gtest/gtest.h>

#include "reconciler/render/usage_view.h"
#include "tools/schema_run.h"
#include "unit/usage_view_fixture.h"

namespace swarmform::render {
namespace {

TEST(UsageSchema, LiveAndHistoryJsonValidate) {
  if (!swarmform::testing::have_jsonschema()) {
    GTEST_SKIP() << "SKIPPED LOUDLY: /usr/bin/python3 with python3-jsonschema is needed to check "
                    "the usage schema";
  }
  usage::UsageReport nothing;  // no hosts answered anything: still a document
  nothing.window_seconds = 0.5;
  const auto run = swarmform::testing::run_schema_check(
      "check_usage.py",
      {usage_json(usage::testing::seed_usage()), usage_json(nothing),
       history_json(usage::testing::seed_history(), 7 * 86400), history_json({}, 60)},
      {"usage.json", "usage-history.json"});
  EXPECT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("6 documents, 18 wrong documents, 0 problems"), std::string::npos)
      << run.output;
}

}  // namespace
}  // namespace swarmform::render
