#pragma once
// The YAML import writes: service entries (a new file, or entries appended
// to an existing one) and the values filled into host entries.  Text only,
// deterministic: the same import gives the same bytes (the date aside).

#include <string>
#include <string_view>
#include <vector>

#include "reconciler/adopt/import_mapping.h"
#include "reconciler/adopt/value_edit.h"

namespace swarmform::adopt {

/// `text` as a YAML scalar: plain when any YAML reader takes it back as this
/// same string, else double-quoted with escapes ("true", "123", "a: b", "*x"
/// and control characters get quotes); config::yaml_scalar for any_yaml in
/// block context.
std::string yaml_scalar(std::string_view text);

/// The entries as block YAML lines indented by `indent` spaces (the keys)
/// and `indent` + 2 (their fields): key, comments, match, mode, host,
/// replicas, limits and reservations (flow maps), in that order.
std::string service_entries(const std::vector<ImportedService>& services, int indent);

/// What the header of a new services file says.
struct FileHeader {
  std::string modeline;  ///< "# yaml-language-server: $schema=..." (empty: none)
  std::string date;      ///< "2026-12-01"
  std::string manager;   ///< the host the swarm was read through
  std::string engine;    ///< the manager's engine version
};

/// A whole new services file: the modeline, a header comment and
/// `services:` with every entry.
std::string services_file(const std::vector<ImportedService>& services, const FileHeader& header);

/// The value import writes for a host's capacity: "{cpus: 2, memory: 23.5GiB}".
std::string capacity_value(const model::Capacity& capacity);

/// The edits of a host's entry (in the file that declares it in `desired`):
/// `node`, and `capacity` as cpus and memory, the node's own figures in a
/// comment on the memory line.
std::vector<ValueEdit> host_fill_edits(const model::DesiredState& desired, const HostFill& fill);

}  // namespace swarmform::adopt
