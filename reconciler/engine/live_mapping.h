#pragma once
// Engine JSON (as `GET /nodes`, `/services?status=true`, `/tasks` return it)
// -> the live model.  Absent optional fields take Docker's defaults (zero
// resources, no labels, replicated with 1 replica); a field of the wrong type
// is an Error naming its JSON path, e.g.
// "services[3].Spec.Mode.Replicated.Replicas: expected a number".  Pure
// functions: no I/O, thread-safe.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reconciler/model/live.h"
#include "reconciler/util/result.h"

namespace swarmform::engine {

/// One node object; `path` names it in errors ("nodes[0]").  ID is required.
Result<model::LiveNode> map_node(const nlohmann::json& node, const std::string& path);
/// One service object; ID and Spec.Name are required.  spec_json is Spec
/// re-serialised compactly.
Result<model::LiveService> map_service(const nlohmann::json& service, const std::string& path);
/// One task object; ID is required.
Result<model::LiveTask> map_task(const nlohmann::json& task, const std::string& path);

/// Arrays as the list endpoints return them; elements are named "nodes[i]",
/// "services[i]", "tasks[i]".  A non-array is an error.
Result<std::vector<model::LiveNode>> map_nodes(const nlohmann::json& nodes);
Result<std::vector<model::LiveService>> map_services(const nlohmann::json& services);
Result<std::vector<model::LiveTask>> map_tasks(const nlohmann::json& tasks);

}  // namespace swarmform::engine
