#pragma once
// swarmform's one placement constraint, `node.hostname==<node>`: how it is
// recognised among a service's constraints however it is spelled, and how it
// is written in among the others (which belong to someone else and are kept).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace swarmform::model {

/// The node a constraint pins to when it is swarmform's kind,
/// `node.hostname==X` in any spacing (`node.hostname == X`); nullopt for
/// every other constraint (`!=`, labels, roles), which swarmform never owns.
std::optional<std::string> pinned_node(std::string_view constraint);

/// The nodes named by a service's `node.hostname==` constraints, sorted,
/// without duplicates.
std::vector<std::string> pinned_nodes(const std::vector<std::string>& constraints);

/// swarmform's canonical spelling of its constraint: `node.hostname==<node>`.
std::string placement_constraint(const std::string& node);

/// The constraint list to write: `live` with every `node.hostname==`
/// constraint removed and `placement_constraint(node)` put where the first of
/// them was (appended when there was none); all others kept in order.  When
/// exactly one pin already names `node`, however spelled, `live` is returned
/// unchanged.  An empty `node` pins to nothing.
std::vector<std::string> placement_constraints(const std::vector<std::string>& live,
                                               const std::string& node);

}  // namespace swarmform::model
