#pragma once
// Whether a task runs a given version of its service's TaskTemplate.
//
// What is reliable on Docker 20.10 (API 1.41), found on the lab:
//  - A task's Spec is the service's TaskTemplate copied when the task was
//    created, except that the API leaves "Runtime" out of task Specs.
//  - Tasks are not recreated by a change of replicas or of service labels, and
//    a rollback can keep tasks of the previous spec that never stopped; so
//    neither task creation time (CreatedAt after the service's UpdatedAt) nor
//    the task's Version.Index (bumped on every status change) tells "new
//    spec".  Comparing the spec does.
//  - The engine stores "no limit" as an absent key or an empty object
//    ("Limits": {}), depending on what was posted.
// So a task counts as running the template when the members that an apply
// changes — Resources, Placement and ForceUpdate — are equal once empty values
// (absent, null, 0, false, "", {}, []) are dropped.

#include <nlohmann/json.hpp>

namespace swarmform::apply {

/// True when `task_spec` (a task's `Spec`) carries the Resources, Placement and
/// ForceUpdate of `task_template` (a service's `Spec.TaskTemplate`), empty
/// values ignored.  Non-objects never match.  Pure, thread-safe.
bool runs_template(const nlohmann::json& task_spec, const nlohmann::json& task_template);

/// `value` without empty members, recursively (exposed for tests).
nlohmann::json without_empty_values(const nlohmann::json& value);

}  // namespace swarmform::apply
