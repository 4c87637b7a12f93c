// The JSON of several plans validates against schemas/plan.schema.json,
// checked by Debian's python3-jsonschema (tests/schema/check_plan.py).

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "reconciler/plan/plan_file.h"
#include "support/process.h"
#include "unit/render_plan_git_fixture.h"

namespace swarmform::plan {
namespace {

using namespace swarmform::plan::testing;

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

std::vector<Plan> sample_plans() {
  std::vector<Plan> plans{git_plan(), rich_plan(), Plan{}};
  model::DesiredState d = rich_desired();
  model::LiveState live = live_matching(d, {"brain-gateway"});
  d.services["brain-gateway"].replicas.reset();
  plans.push_back(compute_plan(d, live, {}));  // empty, with a global service

  PlanOptions partial;
  partial.targets = {"django-crm", "missing"};
  partial.commit = "3f2c1a0d";
  live.services[1].replicas = 4;
  std::erase_if(live.nodes, [](const model::LiveNode& n) { return n.hostname == "kvm2"; });
  plans.push_back(compute_plan(d, live, partial));  // partial, a node missing
  return plans;
}

TEST(PlanSchema, PlansValidate) {
  if (run_shell("/usr/bin/python3 -c 'import jsonschema'").status != 0) {
    GTEST_SKIP() << "SKIPPED LOUDLY: /usr/bin/python3 with python3-jsonschema is needed to check "
                    "the plan schema";
  }
  std::string dir = swarmform::testing::make_temp_dir("sf-plan-schema");
  std::string command =
      "/usr/bin/python3 '" + std::string(SWARMFORM_SOURCE_DIR) + "/tests/schema/check_plan.py'";
  std::vector<Plan> plans = sample_plans();
  for (size_t i = 0; i < plans.size(); ++i) {
    std::string path = dir + "/plan" + std::to_string(i) + ".json";
    swarmform::testing::write_file(path, plan_json_text(plans[i]));
    command += " '" + path + "'";
  }
  Output out = run_shell(command);
  std::filesystem::remove_all(dir);
  EXPECT_EQ(out.status, 0) << out.text;
  EXPECT_NE(out.text.find("5 plans, 13 wrong plans, 0 problems"), std::string::npos) << out.text;
}

}  // namespace
}  // namespace swarmform::plan
