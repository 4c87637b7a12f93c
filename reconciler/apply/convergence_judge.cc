#include "reconciler/apply/convergence_judge.h"

#include <fmt/format.h>

#include <algorithm>

#include "reconciler/model/owned_fields.h"
#include "reconciler/apply/task_match.h"
#include "reconciler/engine/json_field.h"

namespace swarmform::apply {
namespace {

using engine::JsonField;

struct TaskView {
  std::string id;
  std::string desired_state;
  std::string state;
  std::string message;
  std::string error;
  std::string host;  ///< "" when unassigned or on an unknown node
  std::string node_id;
  bool runs_target = false;
};

/// States in which a task holds a node's resources.
bool holds_a_node(const std::string& state) {
  static const std::set<std::string> kActive = {"assigned", "accepted", "preparing",
                                                "ready",    "starting", "running"};
  return kActive.contains(state);
}

bool wanted(const std::string& desired_state) {
  return desired_state == "running" || desired_state == "ready";
}

Result<TaskView> read_task(const JsonField& t, const nlohmann::json& task_template,
                           const NodeNames& nodes) {
  TaskView v;
  SF_TRY_ASSIGN(v.id, t.string_at({"ID"}));
  SF_TRY_ASSIGN(v.desired_state, t.string_at({"DesiredState"}));
  SF_TRY_ASSIGN(v.state, t.string_at({"Status", "State"}));
  SF_TRY_ASSIGN(v.message, t.string_at({"Status", "Message"}));
  SF_TRY_ASSIGN(v.error, t.string_at({"Status", "Err"}));
  SF_TRY_ASSIGN(v.node_id, t.string_at({"NodeID"}));
  auto host = nodes.find(v.node_id);
  if (host != nodes.end()) v.host = host->second;
  SF_TRY_ASSIGN(JsonField spec, t.at({"Spec"}));
  v.runs_target = spec.present() && runs_template(spec.json(), task_template);
  return v;
}

/// "rejected on kvm4: Minimum memory limit allowed is 6MB".
std::string task_words(const TaskView& t) {
  std::string where = t.host.empty() ? "" : " on " + t.host;
  const std::string& why = t.error.empty() ? t.message : t.error;
  return fmt::format("{}{}: {}", t.state, where, why);
}

/// The scheduler's reason a pending task has no node: its Status.Err, else a
/// Status.Message that says so; "" for an ordinary pending task.
std::string scheduler_words(const TaskView& t) {
  if (!t.error.empty()) return t.error;
  for (const char* words : {"no suitable node", "insufficient resources"}) {
    if (t.message.find(words) != std::string::npos) return t.message;
  }
  return "";
}

}  // namespace

std::string seconds_text(std::chrono::milliseconds d) {
  return fmt::format("{:.1f}s", static_cast<double>(d.count()) / 1000.0);
}

Result<Observation> ConvergenceJudge::observe(const nlohmann::json& tasks, const NodeNames& nodes,
                                              std::chrono::steady_clock::time_point now) {
  JsonField list(&tasks, "tasks");
  if (!tasks.is_array()) return fail("tasks: expected an array");
  SF_TRY_ASSIGN(std::vector<JsonField> items, list.elements());
  const char* spec_words = target_.rollback ? "previous spec" : "new spec";

  Observation obs;
  std::set<std::string> running_hosts;
  std::set<std::string> wanted_nodes;
  std::set<std::string> messages;
  std::map<std::string, std::string> pending_now;  ///< task ID -> the scheduler's words
  uint64_t lingering = 0;
  uint64_t stopping = 0;

  for (const JsonField& item : items) {
    if (!item.present() || !item.json().is_object())
      return fail(item.path() + ": expected an object");
    SF_TRY_ASSIGN(TaskView t, read_task(item, target_.task_template, nodes));
    if (wanted(t.desired_state) && !t.node_id.empty()) wanted_nodes.insert(t.node_id);
    bool counted = t.desired_state == "running" && t.state == "running" && t.runs_target &&
                   (target_.node.empty() || t.host == target_.node);
    if (counted) {
      ++obs.running;
      running_hosts.insert(t.host.empty() ? t.node_id : t.host);
    } else if (holds_a_node(t.state)) {
      ++lingering;
      if (!wanted(t.desired_state)) ++stopping;
    }
    if (!t.runs_target) continue;

    bool failed = t.state == "failed" || t.state == "rejected";
    if (first_ && failed) failed_before_.insert(t.id);
    if (failed && !failed_before_.contains(t.id)) failed_[t.id] = task_words(t);

    std::string unscheduled = scheduler_words(t);
    if (wanted(t.desired_state) && t.state == "pending" && !unscheduled.empty()) {
      pending_now.emplace(t.id, unscheduled);
      messages.insert(fmt::format("pending: {}", unscheduled));
    } else if (!counted && wanted(t.desired_state) && (!t.error.empty() || failed)) {
      messages.insert(task_words(t));
    }
  }
  first_ = false;
  // The grace runs only while nothing of the service is on its way out: a
  // stopping task may still hold what the pending one waits for.
  std::erase_if(pending_since_, [&](const auto& kv) {
    return stopping > 0 || !pending_now.contains(kv.first);
  });
  std::chrono::milliseconds longest{-1};
  for (const auto& [id, words] : pending_now) {
    auto since = stopping > 0 ? now : pending_since_.try_emplace(id, now).first->second;
    auto pending_for = std::chrono::duration_cast<std::chrono::milliseconds>(now - since);
    if (pending_for > longest) {
      longest = pending_for;
      obs.unschedulable = fmt::format("{}: a task of the {} stayed pending for {}: {}",
                                      target_.service_name, spec_words, seconds_text(pending_for), words);
    }
  }

  obs.desired = target_.replicas ? *target_.replicas : wanted_nodes.size();
  if (!target_.node.empty()) {
    obs.node = target_.node;
  } else {
    for (const auto& h : running_hosts) obs.node += (obs.node.empty() ? "" : ",") + h;
  }
  for (const auto& [id, words] : failed_) messages.insert(words);
  obs.messages.assign(messages.begin(), messages.end());

  if (!obs.unschedulable.empty() && longest >= limits_.unschedulable_grace) {
    obs.verdict = Observation::Verdict::failed;
    obs.failure = obs.unschedulable;
    return obs;
  }
  if (static_cast<int>(failed_.size()) >= limits_.max_failed_tasks) {
    std::set<std::string> distinct;
    for (const auto& [id, words] : failed_) distinct.insert(words);
    obs.verdict = Observation::Verdict::failed;
    obs.failure = fmt::format("{}: {} tasks of the {} failed: {}", target_.service_name,
                              failed_.size(), spec_words, fmt::join(distinct, "; "));
    return obs;
  }
  bool converged = obs.running == obs.desired && lingering == 0 &&
                   (target_.replicas.has_value() || obs.desired > 0);
  converged_streak_ = converged ? converged_streak_ + 1 : 0;
  int needed = target_.replicas ? 1 : 2;
  if (converged_streak_ >= needed) obs.verdict = Observation::Verdict::converged;
  return obs;
}

Result<Observation> ConvergenceJudge::observe(const nlohmann::json& service,
                                              const nlohmann::json& tasks, const NodeNames& nodes,
                                              std::chrono::steady_clock::time_point now) {
  SF_TRY_ASSIGN(std::string moved, changed_elsewhere(service));
  SF_TRY_ASSIGN(Observation obs, observe(tasks, nodes, now));
  if (!moved.empty()) {
    obs.verdict = Observation::Verdict::changed_elsewhere;
    obs.failure = std::move(moved);
  }
  return obs;
}

Result<std::string> ConvergenceJudge::changed_elsewhere(const nlohmann::json& service) const {
  if (!service.is_object()) return fail("service: expected an object");
  SF_TRY_ASSIGN(ConvergenceTarget now, convergence_target(service));
  if (same_convergence(now, target_)) return std::string();
  std::vector<std::string> moved = model::owned_field_changes(target_.owned, now.owned);
  std::string what = moved.empty() ? "its task template (resources, placement or force update)"
                                   : fmt::format("{}", fmt::join(moved, "; "));
  // A rollback brings back the spec that was there before the one waited for.
  if (target_.previous_spec.is_object()) {
    nlohmann::json before = {{"ID", target_.service_id}, {"Spec", target_.previous_spec}};
    auto was = convergence_target(before);
    if (was && same_convergence(*was, now)) {
      return fmt::format(
          "{}: went back to its previous spec during apply (a `docker service rollback`, or the "
          "engine's update failure_action) (written -> now): {}",
          target_.service_name, what);
    }
  }
  return fmt::format("{}: changed by someone else during apply (written -> now): {}",
                     target_.service_name, what);
}

}  // namespace swarmform::apply
