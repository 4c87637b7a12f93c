#pragma once
// swarmform's one placement constraint, `node.hostname==<node>`: how it is
// recognised among a service's constraints however it is spelled, and how it
// is written in among the others (which belong to someone else and are kept).
// A `node.id==<id>` pin is recognised too: it places a service as much as a
// hostname pin, and swarmform replaces it when it writes a new placement.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace swarmform::model {

/// The node a constraint pins to when it is swarmform's kind,
/// `node.hostname==X` in any spacing (`node.hostname == X`); nullopt for
/// every other constraint (`!=`, labels, roles), which swarmform never owns.
std::optional<std::string> pinned_node(std::string_view constraint);

/// The node id a `node.id==X` constraint pins to (any spacing, key in any
/// case); nullopt for every other constraint.  Such a pin is as much a
/// placement as swarmform's own; only the live nodes tell which hostname it
/// names (plan's Topology resolves it).
std::optional<std::string> pinned_node_id(std::string_view constraint);

/// Whether `constraint` pins to one node: `node.hostname==X` or `node.id==X`.
bool is_pin(std::string_view constraint);

/// The ids named by a service's `node.id==` constraints, sorted, without
/// duplicates.
std::vector<std::string> pinned_node_ids(const std::vector<std::string>& constraints);

/// The nodes named by a service's `node.hostname==` constraints, sorted,
/// without duplicates (`node.id==` pins are not among them: see
/// pinned_node_ids).
std::vector<std::string> pinned_nodes(const std::vector<std::string>& constraints);

/// swarmform's canonical spelling of its constraint: `node.hostname==<node>`.
std::string placement_constraint(const std::string& node);

/// The constraint list to write: `live` with every pin (`node.hostname==`
/// and `node.id==`: a moved service must not keep a pin that contradicts the
/// new one) removed and `placement_constraint(node)` put where the first of
/// them was (appended when there was none); all others (`node.role==worker`,
/// labels, `!=`) kept in order.  When the one pin there is a
/// `node.hostname==` naming `node`, however spelled, `live` is returned
/// unchanged.  An empty `node` pins to nothing.
std::vector<std::string> placement_constraints(const std::vector<std::string>& live,
                                               const std::string& node);

}  // namespace swarmform::model
