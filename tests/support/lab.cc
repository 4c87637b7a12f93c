#include "support/lab.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace swarmform::testing {

const std::string& Lab::get(const std::string& key) const {
  auto it = env.find(key);
  if (it == env.end()) throw std::runtime_error("lab.env has no key " + key);
  return it->second;
}

bool lab_required() {
  const char* v = std::getenv("SWARMFORM_REQUIRE_LAB");
  return v != nullptr && std::string(v) == "1";
}

std::optional<Lab> load_lab(std::string* why_not) {
  std::string path;
  if (const char* p = std::getenv("SWARMFORM_LAB_ENV")) {
    path = p;
  } else if (const char* d = std::getenv("SWARMFORM_LAB_DIR")) {
    path = std::string(d) + "/lab.env";
  } else {
    path = "/tmp/swarmform-lab/lab.env";
  }
  if (geteuid() != 0) {
    *why_not = "the lab needs root (run the test command as root)";
    return std::nullopt;
  }
  std::ifstream in(path);
  if (!in) {
    *why_not = "no lab env file at " + path + " (start it with tests/lab/up.sh)";
    return std::nullopt;
  }
  Lab lab;
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    std::string value = line.substr(eq + 1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
      value = value.substr(1, value.size() - 2);
    }
    lab.env[line.substr(0, eq)] = value;
  }
  if (!lab.env.contains("KVM4_SOCKET") || access(lab.env["KVM4_SOCKET"].c_str(), F_OK) != 0) {
    *why_not = "lab env file " + path + " names no live KVM4_SOCKET (is the lab down?)";
    return std::nullopt;
  }
  return lab;
}

std::string server_fingerprint(const Lab& lab, int port) {
  std::string out = run_command("ssh-keyscan -t ed25519 -p " + std::to_string(port) + " " +
                                lab.get("SSH_HOST") + " 2>/dev/null | ssh-keygen -lf -");
  std::istringstream in(out);
  std::string bits, fp;
  in >> bits >> fp;
  return fp;
}

}  // namespace swarmform::testing
