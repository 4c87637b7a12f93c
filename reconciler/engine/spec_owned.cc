#include "reconciler/engine/spec_owned.h"

#include <fmt/format.h>

#include <exception>

#include "reconciler/model/quantity.h"

namespace swarmform::engine {
namespace {

Result<int64_t> quantity_at(const JsonField& f, std::string_view key, int64_t max) {
  SF_TRY_ASSIGN(JsonField q, f.at({key}));
  SF_TRY_ASSIGN(int64_t v, q.int64());
  if (v < 0 || v > max) {
    return fail(fmt::format("{}: expected a number from 0 to {} ({}), not {}", q.path(), max,
                            key == "NanoCPUs" ? model::format_cpus(max) + " CPUs" : model::format_memory(max), v));
  }
  return v;
}

Result<void> read_mode(const JsonField& spec, model::LiveService* out) {
  SF_TRY_ASSIGN(JsonField mode, spec.at({"Mode"}));
  SF_TRY_ASSIGN(JsonField replicated, mode.at({"Replicated"}));
  SF_TRY_ASSIGN(JsonField global, mode.at({"Global"}));
  SF_TRY_ASSIGN(JsonField replicated_job, mode.at({"ReplicatedJob"}));
  SF_TRY_ASSIGN(JsonField global_job, mode.at({"GlobalJob"}));
  out->global = false;
  out->replicas.reset();
  if (global.present()) {
    out->mode = "global";
    out->global = true;
  } else if (global_job.present()) {
    out->mode = "global-job";
    out->global = true;
  } else if (replicated_job.present()) {
    out->mode = "replicated-job";
  } else {
    // Replicated, explicitly or by default; the engine creates 1 replica when
    // none is given.
    out->mode = "replicated";
    SF_TRY_ASSIGN(JsonField replicas, replicated.at({"Replicas"}));
    SF_TRY_ASSIGN(uint64_t n, replicas.uint64(1));
    out->replicas = n;
  }
  return {};
}

}  // namespace

Result<model::Resources> read_resources(const JsonField& f) {
  model::Resources r;
  SF_TRY_ASSIGN(r.nano_cpus, quantity_at(f, "NanoCPUs", model::kMaxNanoCpus));
  SF_TRY_ASSIGN(r.memory_bytes, quantity_at(f, "MemoryBytes", model::kMaxMemoryBytes));
  return r;
}

Result<void> read_owned_members(const JsonField& spec, model::LiveService* out) {
  SF_TRY(read_mode(spec, out));
  SF_TRY_ASSIGN(JsonField task, spec.at({"TaskTemplate"}));
  SF_TRY_ASSIGN(JsonField limits, task.at({"Resources", "Limits"}));
  SF_TRY_ASSIGN(out->limits, read_resources(limits));
  SF_TRY_ASSIGN(JsonField reservations, task.at({"Resources", "Reservations"}));
  SF_TRY_ASSIGN(out->reservations, read_resources(reservations));
  SF_TRY_ASSIGN(JsonField constraints, task.at({"Placement", "Constraints"}));
  SF_TRY_ASSIGN(out->constraints, constraints.strings());
  return {};
}

Result<model::OwnedFields> read_owned_fields(const nlohmann::json& spec) {
  try {
    JsonField s(&spec, "Spec");
    if (!s.present() || !spec.is_object()) return fail("Spec: expected an object");
    model::LiveService live;
    SF_TRY(read_owned_members(s, &live));
    return model::owned_fields_of(live);
  } catch (const std::exception& e) {
    return fail(fmt::format("Spec: {}", e.what()));
  }
}

}  // namespace swarmform::engine
