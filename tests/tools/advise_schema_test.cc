// The JSON of `advise` validates against schemas/advise.schema.json, checked
// by Debian's python3-jsonschema (tests/schema/check_advise.py), and so does
// the example in schemas/examples.

#include <gtest/gtest.h>

#include "reconciler/render/advise_view.h"
#include "tools/schema_run.h"
#include "unit/advise_view_fixture.h"

namespace swarmform::render {
namespace {

TEST(AdviseSchema, AdviceThatFitsThatDoesNotAndEmptyValidate) {
  if (!swarmform::testing::have_jsonschema()) {
    GTEST_SKIP() << "SKIPPED LOUDLY: /usr/bin/python3 with python3-jsonschema is needed to check "
                    "the advise schema";
  }
  advise::Advice what_if = advise::testing::history_advice();
  what_if.what_if = {"kvm2.cpus=4 (declared 2)"};
  what_if.services[0].host_before.clear();  // not pinned: host_before null
  const auto run = swarmform::testing::run_schema_check(
      "check_advise.py",
      {advise_json(advise::testing::history_advice()),
       advise_json(advise::testing::live_advice_that_does_not_fit()), advise_json(what_if),
       advise_json(advise::Advice{}), advise_json(advise::testing::advised_crowded())},
      {"advise.json"});
  EXPECT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("6 documents, 18 wrong documents, 0 problems"), std::string::npos)
      << run.output;
}

}  // namespace
}  // namespace swarmform::render
