#pragma once
// Loading a desired state in tests: the diagnostics as the user reads them,
// and the hosts import tests start from, loaded as `import` loads them.

#include <string>
#include <vector>

#include "reconciler/config/loader.h"
#include "reconciler/model/diagnostic.h"
#include "reconciler/model/source_file.h"

namespace swarmform::testing {

/// Every diagnostic of a load, one a line, as the user sees them.
inline std::string all_diagnostics(const config::Loaded& l) {
  std::string out;
  for (const auto& d : l.diagnostics.items()) out += model::format_diagnostic(d) + "\n";
  return out;
}

/// The first diagnostic's message, or "" when there is none.
inline std::string first_problem(const config::Loaded& l) {
  return l.diagnostics.items().empty() ? "" : l.diagnostics.items().front().message;
}

/// `files` loaded as `import` loads them: a host may lack its capacity.
inline config::Loaded load_for_import(const std::vector<model::SourceFile>& files) {
  config::LoadOptions options;
  options.capacity_optional = true;
  return config::load_desired_state(files, options);
}

/// cluster.yaml of the import tests: the manager kvm4 without a capacity
/// (import fills it) and kvm2 with one.
inline constexpr const char* kImportHostsYaml = R"(version: 1
cluster:
  manager: kvm4
hosts:
  kvm4:
    ssh: root@203.0.113.4
  kvm2:
    ssh: root@203.0.113.2
    capacity: {cpus: 2, memory: 8GiB}
)";

}  // namespace swarmform::testing

/// Expects `text` in the diagnostics of `loaded`, printing them all if not.
#define EXPECT_REPORTS(loaded, text)                                                    \
  EXPECT_NE(::swarmform::testing::all_diagnostics(loaded).find(text), std::string::npos) \
      << ::swarmform::testing::all_diagnostics(loaded)
