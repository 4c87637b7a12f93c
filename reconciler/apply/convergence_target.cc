#include "reconciler/apply/convergence_target.h"

#include <fmt/format.h>

#include "reconciler/apply/task_match.h"
#include "reconciler/engine/json_field.h"
#include "reconciler/engine/spec_owned.h"

namespace swarmform::apply {

using engine::JsonField;

Result<ConvergenceTarget> convergence_target(const nlohmann::json& service) {
  JsonField s(&service, "service");
  ConvergenceTarget out;
  SF_TRY_ASSIGN(JsonField id, s.at({"ID"}));
  SF_TRY(id.required());
  SF_TRY_ASSIGN(out.service_id, id.string());
  SF_TRY_ASSIGN(out.service_name, s.string_at({"Spec", "Name"}, out.service_id));
  SF_TRY_ASSIGN(JsonField spec, s.at({"Spec"}));
  SF_TRY(spec.required());
  SF_TRY_ASSIGN(JsonField mode, spec.at({"Mode"}));
  for (const char* job : {"ReplicatedJob", "GlobalJob"}) {
    SF_TRY_ASSIGN(JsonField j, mode.at({job}));
    if (j.present()) {
      return fail(fmt::format("{}: a {} runs to completion; there is no convergence to wait for",
                              out.service_name, job));
    }
  }
  auto owned = engine::read_owned_fields(spec.json());
  if (!owned) return fail(owned.error().wrap(out.service_name));
  out.owned = *owned;
  out.replicas = owned->replicas;
  out.node = owned->node.value_or("");
  SF_TRY_ASSIGN(JsonField tt, spec.at({"TaskTemplate"}));
  out.task_template = tt.present() ? tt.json() : nlohmann::json::object();
  SF_TRY_ASSIGN(JsonField previous, s.at({"PreviousSpec"}));
  if (previous.present()) out.previous_spec = previous.json();
  return out;
}

bool same_convergence(const ConvergenceTarget& a, const ConvergenceTarget& b) {
  return a.replicas == b.replicas && a.node == b.node &&
         runs_template(a.task_template, b.task_template);
}

}  // namespace swarmform::apply
