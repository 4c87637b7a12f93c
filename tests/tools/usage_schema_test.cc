// The JSON of `usage` (live windows and history) validates against
// schemas/usage.schema.json, checked by Debian's python3-jsonschema
// (tests/schema/check_usage.py), and so do the examples in schemas/examples.

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "reconciler/render/usage_view.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "unit/usage_view_fixture.h"

namespace swarmform::render {
namespace {

struct Output {
  int status = -1;
  std::string text;
};

Output run_shell(const std::string& command) {
  Output out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.text.append(buffer, n);
  out.status = pclose(pipe);
  return out;
}

TEST(UsageSchema, LiveAndHistoryJsonValidate) {
  if (run_shell("/usr/bin/python3 -c 'import jsonschema'").status != 0) {
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
  Output out = run_shell(command);
  EXPECT_EQ(out.status, 0) << out.text;
  EXPECT_NE(out.text.find("6 documents, 18 wrong documents, 0 problems"), std::string::npos)
      << out.text;
}

}  // namespace
}  // namespace swarmform::render
