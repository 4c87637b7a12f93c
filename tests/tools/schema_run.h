#pragma once
// Running a JSON Schema check of tests/schema (Debian's python3-jsonschema)
// over documents a test makes and the examples under schemas/examples.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"

namespace swarmform::testing {

/// True when /usr/bin/python3 can import jsonschema.
inline bool have_jsonschema() {
  int status = -1;
  run_command("/usr/bin/python3 -c 'import jsonschema' 2>&1", &status);
  return status == 0;
}

struct SchemaRun {
  int status = -1;
  std::string output;  ///< stdout and stderr
};

/// Runs tests/schema/<script> over `docs` (each written to a temp file)
/// and then `examples` (file names under schemas/examples).
inline SchemaRun run_schema_check(const std::string& script, const std::vector<nlohmann::json>& docs,
                                  const std::vector<std::string>& examples) {
  TempDir dir("sf-schema");
  const std::string source = SWARMFORM_SOURCE_DIR;
  std::string command = "/usr/bin/python3 '" + source + "/tests/schema/" + script + "'";
  for (size_t i = 0; i < docs.size(); ++i) {
    const std::string path = dir / ("doc" + std::to_string(i) + ".json");
    write_file(path, docs[i].dump(2));
    command += " '" + path + "'";
  }
  for (const auto& example : examples) command += " '" + source + "/schemas/examples/" + example + "'";
  SchemaRun run;
  run.output = run_command(command + " 2>&1", &run.status);
  return run;
}

}  // namespace swarmform::testing
