#pragma once
// The plan as a value: what swarmform would do to the swarm, field by field,
// what it costs (restarts, per-host capacity) and what stands in its way
// (findings).  Made by compute_plan (compute.h) with no I/O; printed by
// render/, saved and loaded by plan_file.h, carried out by apply.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reconciler/model/capacity.h"
#include "reconciler/model/desired.h"
#include "reconciler/model/diagnostic.h"
#include "reconciler/plan/owned.h"

namespace swarmform::plan {

/// The version of the plan file and `--format json` output this code writes.
/// 1.1 added ref, uncommitted, base, base_commit and desired_changes (a 1.0
/// document lacks them; read as empty).
inline constexpr const char* kPlanFormatVersion = "1.1";

/// What happens to one service, as Terraform's actions.
enum class Action { noop, create, update, remove };

[[nodiscard]] constexpr bool is_change(Action a) { return a != Action::noop; }
[[nodiscard]] constexpr bool creates(Action a) { return a == Action::create; }
[[nodiscard]] constexpr bool updates(Action a) { return a == Action::update; }
[[nodiscard]] constexpr bool removes(Action a) { return a == Action::remove; }

/// "no-op", "create", "update", "delete" (the JSON spelling).
std::string_view action_name(Action a);
/// ' ', '+', '~', '-'.
char action_symbol(Action a);
std::optional<Action> parse_action(std::string_view name);

/// Who changed an owned field since swarmform last applied it, judged from
/// the `swarmform.applied` label.  `none`: no change, or no usable label.
enum class Drift { none, changed_outside, changed_in_git, both };

/// "none", "changed_outside", "changed_in_git", "both" (the JSON spelling).
std::string_view drift_name(Drift d);
std::optional<Drift> parse_drift(std::string_view name);

/// One owned field of a service, before -> after, as people read it:
/// field is one of "host", "replicas", "limits.cpus", "limits.memory",
/// "reservations.cpus", "reservations.memory"; values come from
/// format_cpus / format_memory, "none" for unset.
struct FieldChange {
  std::string field;
  std::string before;
  std::string after;
  bool restarts = false;  ///< part of the task template: changing it restarts every task
};

struct ServiceChange {
  std::string name;       ///< the desired-state key; for a delete, the live name
  std::string live_name;  ///< the swarm's name (for a create, the name it gets: name_to_create())
  std::string live_id;    ///< empty for a create
  Action action = Action::noop;
  std::vector<FieldChange> changes;  ///< for a create, every declared field from "none"
  bool restarts_tasks = false;       ///< the task template changes and tasks run
  uint64_t tasks_before = 0;         ///< tasks the service runs now
  uint64_t tasks_after = 0;          ///< tasks it runs after the plan
  uint64_t version_index = 0;        ///< the engine version the plan was made against
  std::string owned_hash;            ///< owned_hash() of the live service planned against
  std::string from_host;  ///< where it runs now: host names (node names when undeclared),
                          ///< comma-separated; "" none
  std::string to_host;    ///< the desired host; "" for a delete
  Drift drift = Drift::none;
  model::OwnedFields desired;  ///< the owned values apply writes (and records in `swarmform.applied`)
  /// The declared host `desired` is for: recorded beside it (the plan file's
  /// desired.host, the label's "host") but not a swarm field — desired.node
  /// is.  Equals to_host in every plan compute_plan makes; compare_changes
  /// refuses a saved plan whose desired.host was edited.
  std::string desired_host;
  std::optional<model::Service> create;  ///< the whole declared service, for a create

  /// Tasks replaced by a new task template (0 when none restart).
  [[nodiscard]] uint64_t tasks_restarted() const {
    return restarts_tasks ? std::min(tasks_before, tasks_after) : 0;
  }
};

/// Something a reviewer must know.  An error blocks apply.
struct Finding {
  model::Severity severity = model::Severity::error;
  std::string subject;  ///< a service, "host <name>" or "target <name>"
  std::string message;
};

/// One declared host's load now and after the plan, counted by model::HostLoad.
struct HostProjection {
  std::string host;
  std::string node;
  model::HostLoad before;
  model::HostLoad after;
  std::optional<model::Capacity>
      real;                      ///< the node's CPUs and memory; absent when the node is missing
  bool capacity_matches = true;  ///< declared capacity agrees with `real`
};

/// One difference between two desired states (plan --base: the base ref's
/// and this branch's), as a reviewer reads it in a pull request.
struct DesiredChange {
  /// "service saleor-api", "host kvm4", "policy", "cluster", "known_hosts".
  std::string subject;
  enum class Kind { added, removed, changed } kind = Kind::changed;
  /// For `changed`: the fields, before (base) -> after (branch), spelled as
  /// FieldChange does ("host", "limits.cpus", "capacity.cpus",
  /// "cpu_overcommit", ...); for `added` / `removed`: empty.
  std::vector<FieldChange> changes;
};

/// "added", "removed", "changed" (the JSON spelling).
std::string_view desired_change_kind_name(DesiredChange::Kind k);
std::optional<DesiredChange::Kind> parse_desired_change_kind(std::string_view name);

/// A service whose values another system stores (and redeploys from)
/// differ from the desired state: integrations.dokploy's application row.
/// apply writes `changes` there (before -> after: stored -> desired) before
/// the swarm.  Made by dokploy::add_stored_changes; plan itself does no I/O.
struct StoredChange {
  std::string service;         ///< the desired-state name
  std::string live_name;       ///< the swarm service = Dokploy's appName
  std::string system = "dokploy";
  std::string record_id;       ///< Dokploy's applicationId
  std::vector<FieldChange> changes;  ///< field as FieldChange spells it; before = stored, after = desired
};

struct Plan {
  std::string format_version = kPlanFormatVersion;
  std::string created_at;               ///< RFC 3339 UTC; empty when not recorded
  std::string desired_hash;             ///< desired_content_hash() of the desired-state files
  std::string commit;                   ///< the git commit of the desired state; empty when unknown
  std::string ref;                      ///< the git ref it was read from (--ref); empty: the working tree
  /// Desired-state files that differ from `commit` in the working tree the
  /// plan was read from (dirty tree); apply refuses such a plan unless told
  /// --allow-dirty.  Empty for a clean tree or a ref.
  std::vector<std::string> uncommitted;
  std::string base;                     ///< plan --base: the base ref; empty otherwise
  std::string base_commit;              ///< the commit `base` named
  std::vector<DesiredChange> desired_changes;  ///< plan --base: base -> this desired state
  std::vector<std::string> targets;     ///< --target names; non-empty = partial plan
  std::vector<ServiceChange> services;  ///< every compared service, no-ops included
  std::vector<Finding> findings;        ///< errors first, then warnings
  std::vector<HostProjection> hosts;    ///< one per declared host, by name
  /// Stored copies that differ (integrations.dokploy); written into plan
  /// files and JSON only when non-empty.
  std::vector<StoredChange> stored;

  [[nodiscard]] size_t count(Action a) const;
  [[nodiscard]] size_t restarting() const;  ///< services whose tasks restart
  [[nodiscard]] size_t count(model::Severity s) const;
  [[nodiscard]] bool partial() const { return !targets.empty(); }
  [[nodiscard]] bool dirty() const { return !uncommitted.empty(); }
  /// An error finding stands in the way: apply must refuse this plan.
  [[nodiscard]] bool blocked() const { return count(model::Severity::error) > 0; }
  /// Nothing to create, update or delete in the swarm (findings aside).
  [[nodiscard]] bool empty() const;
  /// Nothing at all for apply to write: the swarm and every stored copy.
  [[nodiscard]] bool nothing_to_write() const { return empty() && stored.empty(); }
};

}  // namespace swarmform::plan
