#include "reconciler/apply/owned_fields.h"

#include <fmt/format.h>

#include "reconciler/plan/owned.h"
#include "reconciler/engine/json_field.h"
#include "reconciler/model/quantity.h"

namespace swarmform::apply {

using engine::JsonField;

Result<OwnedFields> read_owned_fields(const nlohmann::json& spec) {
  JsonField s(&spec, "Spec");
  if (!s.present() || !spec.is_object()) return fail("Spec: expected an object");
  OwnedFields out;
  SF_TRY_ASSIGN(JsonField replicated, s.at({"Mode", "Replicated"}));
  if (replicated.present()) {
    SF_TRY_ASSIGN(JsonField replicas, replicated.at({"Replicas"}));
    // Docker's default for a replicated service without a count is 1.
    SF_TRY_ASSIGN(out.replicas, replicas.uint64(1));
  } else {
    SF_TRY_ASSIGN(JsonField mode, s.at({"Mode"}));
    if (!mode.present()) out.replicas = 1;  // no Mode at all: Docker's default
  }
  SF_TRY_ASSIGN(JsonField resources, s.at({"TaskTemplate", "Resources"}));
  SF_TRY_ASSIGN(out.limit_nano_cpus, resources.int64_at({"Limits", "NanoCPUs"}));
  SF_TRY_ASSIGN(out.limit_memory_bytes, resources.int64_at({"Limits", "MemoryBytes"}));
  SF_TRY_ASSIGN(out.reservation_nano_cpus, resources.int64_at({"Reservations", "NanoCPUs"}));
  SF_TRY_ASSIGN(out.reservation_memory_bytes, resources.int64_at({"Reservations", "MemoryBytes"}));
  SF_TRY_ASSIGN(JsonField constraints, s.at({"TaskTemplate", "Placement", "Constraints"}));
  SF_TRY_ASSIGN(std::vector<std::string> list, constraints.strings());
  out.node = "";
  for (const auto& c : list) {
    if (auto pinned = plan::pinned_node(c)) {
      out.node = *pinned;  // the first pin, as swarmkit applies them all
      break;
    }
  }
  return out;
}

namespace {

std::string show_cpus(int64_t nano) { return nano == 0 ? "none" : model::format_cpus(nano); }
std::string show_memory(int64_t bytes) { return bytes == 0 ? "none" : model::format_memory(bytes); }
std::string show_node(const std::string& node) {
  return node.empty() ? "(no node.hostname constraint)" : node;
}
std::string show_replicas(uint64_t n) { return std::to_string(n); }

/// Calls `visit(name, expected, actual, show)` for each owned field.
template <class Visit>
void for_each_field(const OwnedFields& expected, const OwnedFields& actual, Visit visit) {
  visit("replicas", expected.replicas, actual.replicas, show_replicas);
  visit("limits.cpus", expected.limit_nano_cpus, actual.limit_nano_cpus, show_cpus);
  visit("limits.memory", expected.limit_memory_bytes, actual.limit_memory_bytes, show_memory);
  visit("reservations.cpus", expected.reservation_nano_cpus, actual.reservation_nano_cpus,
        show_cpus);
  visit("reservations.memory", expected.reservation_memory_bytes, actual.reservation_memory_bytes,
        show_memory);
  visit("node", expected.node, actual.node, show_node);
}

}  // namespace

std::vector<std::string> owned_field_changes(const OwnedFields& expected,
                                             const OwnedFields& actual) {
  std::vector<std::string> out;
  for_each_field(expected, actual,
                 [&out](const char* name, const auto& want, const auto& have, auto show) {
                   if (!want || want == have) return;
                   out.push_back(fmt::format("{}: {} -> {}", name, show(*want),
                                             have ? show(*have) : std::string("(not set)")));
                 });
  return out;
}

std::string describe(const OwnedFields& fields) {
  std::string out;
  for_each_field(fields, fields,
                 [&out](const char* name, const auto& value, const auto&, auto show) {
                   if (!value) return;
                   if (!out.empty()) out += ' ';
                   out += fmt::format("{}={}", name, show(*value));
                 });
  return out.empty() ? "(no owned fields)" : out;
}

}  // namespace swarmform::apply
