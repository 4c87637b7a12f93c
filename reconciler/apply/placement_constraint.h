#pragma once
// The `node.hostname==X` placement constraint swarmform writes, read the way
// swarmkit parses constraints: any spacing around "==", key case-insensitive.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace swarmform::apply {

/// X of a "node.hostname==X" constraint (also "node.hostname == X",
/// "NODE.HOSTNAME==X"), trimmed; nullopt for any other constraint, including
/// "node.hostname!=X".  Pure.
std::optional<std::string> pinned_hostname(std::string_view constraint);

/// The hostname of the first node.hostname== constraint, "" when there is none.
std::string pinned_node(const std::vector<std::string>& constraints);

/// `constraints` pinned to `node`: every node.hostname== constraint removed
/// and "node.hostname==<node>" put where the first of them was (appended when
/// there was none); all others kept, in order.  `node` "" pins to nothing.
/// When exactly one node.hostname== constraint already names `node`, however
/// it is spelled, `constraints` is returned unchanged (a rewrite would
/// restart the tasks for nothing).  Pure.
std::vector<std::string> pin_to_node(const std::vector<std::string>& constraints,
                                     const std::string& node);

}  // namespace swarmform::apply
