// The JSON of `advise` validates against schemas/advise.schema.json, checked
// by Debian's python3-jsonschema (tests/schema/check_advise.py), and so does
// the example in schemas/examples.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reconciler/render/advise_view.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "unit/advise_view_fixture.h"

namespace swarmform::render {
namespace {

TEST(AdviseSchema, AdviceThatFitsThatDoesNotAndEmptyValidate) {
  int found = -1;
  swarmform::testing::run_command("/usr/bin/python3 -c 'import jsonschema' 2>&1", &found);
  if (found != 0) {
    GTEST_SKIP() << "SKIPPED LOUDLY: /usr/bin/python3 with python3-jsonschema is needed to check "
                    "the advise schema";
  }
  swarmform::testing::TempDir dir("sf-advise-schema");
  advise::Advice what_if = advise::testing::history_advice();
  what_if.what_if = {"kvm2.cpus=4 (declared 2)"};
  what_if.services[0].host_before.clear();  // not pinned: host_before null
  std::vector<nlohmann::json> docs{advise_json(advise::testing::history_advice()),
                                   advise_json(advise::testing::live_advice_that_does_not_fit()),
                                   advise_json(what_if), advise_json(advise::Advice{}),
                                   advise_json(advise::testing::advised_crowded())};
  const std::string source = SWARMFORM_SOURCE_DIR;
  std::string command = "/usr/bin/python3 '" + source + "/tests/schema/check_advise.py'";
  for (size_t i = 0; i < docs.size(); ++i) {
    std::string path = dir / ("advise" + std::to_string(i) + ".json");
    swarmform::testing::write_file(path, docs[i].dump(2));
    command += " '" + path + "'";
  }
  command += " '" + source + "/schemas/examples/advise.json'";
  int status = -1;
  const std::string out = swarmform::testing::run_command(command + " 2>&1", &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("6 documents, 18 wrong documents, 0 problems"), std::string::npos) << out;
}

}  // namespace
}  // namespace swarmform::render
