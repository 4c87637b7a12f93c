// The JSON of `usage` (live windows and history) validates against
// schemas/usage.schema.json, checked by Debian's python3-jsonschema
// (tests/schema/check_usage.py), and so do the examples in schemas/examples.

#include <gtest/gtest.h>

#include <filesystem>

#include "reconciler/render/usage_view.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "unit/usage_view_fixture.h"

namespace swarmform::render {
namespace {

TEST(UsageSchema, LiveAndHistoryJsonValidate) {
  int found = -1;
  swarmform::testing::run_command("/usr/bin/python3 -c 'import jsonschema' 2>&1", &found);
  if (found != 0) {
    GTEST_SKIP() << "SKIPPED LOUDLY: /usr/bin/python3 with python3-jsonschema is needed to check "
                    "the usage schema";
  }
  swarmform::testing::TempDir dir("sf-usage-schema");
  usage::UsageReport nothing;  // no hosts answered anything: still a document
  nothing.window_seconds = 0.5;
  std::vector<nlohmann::json> docs{usage_json(usage::testing::seed_usage()), usage_json(nothing),
                                   history_json(usage::testing::seed_history(), 7 * 86400),
                                   history_json({}, 60)};
  const std::string source = SWARMFORM_SOURCE_DIR;
  std::string command = "/usr/bin/python3 '" + source + "/tests/schema/check_usage.py'";
  for (size_t i = 0; i < docs.size(); ++i) {
    std::string path = dir / ("usage" + std::to_string(i) + ".json");
    swarmform::testing::write_file(path, docs[i].dump(2));
    command += " '" + path + "'";
  }
  for (const char* example : {"usage.json", "usage-history.json"})
    command += " '" + source + "/schemas/examples/" + example + "'";
  int status = -1;
  const std::string out = swarmform::testing::run_command(command + " 2>&1", &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("6 documents, 18 wrong documents, 0 problems"), std::string::npos) << out;
}

}  // namespace
}  // namespace swarmform::render
