#pragma once
// Typed reading of the desired state's YAML nodes, one value at a time.  A
// value that is not what it should be is reported with its file, line and
// column and reads as nothing, so that loading goes on and reports every
// problem rather than the first.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reconciler/config/loader.h"
#include "reconciler/config/yaml_document.h"
#include "reconciler/config/yaml_tree.h"
#include "reconciler/model/diagnostic.h"
#include "reconciler/util/result.h"

namespace swarmform::config {

/// "file:line:column", the form a message cites another place in.
std::string where(const model::Location& l);

/// One key of a map, with the node it names and the file it is in.
struct Entry {
  std::string_view file;  ///< the SourceFile's name, which outlives the load
  yaml::NodePtr key;
  yaml::NodePtr value;
  [[nodiscard]] model::Location key_location() const { return location_of(file, key); }
  [[nodiscard]] model::Location value_location() const { return location_of(file, value); }
};

/// Reads values of entries, reporting into one load's diagnostics.  `what`
/// names the value in messages ("service 'web' replicas").  A read that
/// fails has reported why and returns nullopt.
class YamlReader {
 public:
  /// Both must outlive the reader.
  YamlReader(model::Diagnostics& diags, const LoadOptions& options) : diags_(diags), options_(options) {}

  /// An error located at the entry's value.
  void error(const Entry& e, const std::string& message) { diags_.error(e.value_location(), message); }
  void error(const model::Location& where, const std::string& message) { diags_.error(where, message); }

  /// Visits each key of a map, refusing unknown keys (with a suggestion) and
  /// keys given twice.  `what` names the map in messages ("service 'x'").
  void for_each_key(const Entry& map, const std::vector<std::string>& allowed, const std::string& what,
                    const std::function<void(const std::string&, const Entry&)>& visit);

  std::optional<std::string> string(const Entry& e, const std::string& what);
  std::optional<bool> boolean(const Entry& e, const std::string& what);
  /// A whole number from 0 to `max`.
  std::optional<uint64_t> count(const Entry& e, const std::string& what, uint64_t max);
  /// A quantity parsed by `parse` (CPUs, memory, ratio), with its error located.
  std::optional<int64_t> quantity(const Entry& e, const std::string& what,
                                  const std::function<Result<int64_t>(std::string_view)>& parse);
  std::optional<std::map<std::string, std::string>> string_map(const Entry& e, const std::string& what);
  /// A list of strings; a single string reads as a list of one.
  std::optional<std::vector<std::string>> string_list(const Entry& e, const std::string& what);

  /// `~/x` -> $HOME/x; a relative path -> against the state directory.
  [[nodiscard]] std::string path(const std::string& p) const;

  [[nodiscard]] const LoadOptions& options() const { return options_; }

  /// How a node is shown in messages: "a map", "a list", "empty" or 'text'.
  static std::string kind(const yaml::NodePtr& n);

 private:
  model::Diagnostics& diags_;
  const LoadOptions& options_;
};

}  // namespace swarmform::config
