#pragma once
// Reading back a Prometheus text file (`drift --metrics-file`) in tests.

#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "reconciler/util/file.h"

namespace swarmform::testing {

/// The samples of a Prometheus text file: "name{labels}" -> value (empty when
/// the file cannot be read).
inline std::map<std::string, double> read_metrics(const std::string& path) {
  std::map<std::string, double> m;
  auto text = read_file(path);
  if (!text) return m;
  std::istringstream in(*text);
  std::string line;
  const std::regex sample(R"(^([a-z_]+(\{[^}]*\})?) (\S+)$)");
  while (std::getline(in, line)) {
    std::smatch s;
    if (!line.starts_with("#") && std::regex_match(line, s, sample))
      m[s[1].str()] = std::stod(s[3].str());
  }
  return m;
}

/// A desired state whose manager's SSH port refuses (127.0.0.1:1): whatever
/// reads the swarm fails at once, with no lab and no network.
inline constexpr const char* kUnreachableState =
    "version: 1\ncluster: {manager: kvm4}\nhosts:\n  kvm4:\n    ssh: root@127.0.0.1:1\n"
    "    capacity: {cpus: 4, memory: 16GiB}\nservices: {}\n";

}  // namespace swarmform::testing
