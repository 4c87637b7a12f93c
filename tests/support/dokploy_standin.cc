#include "support/dokploy_standin.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "support/process.h"

namespace swarmform::testing {

DokployStandIn::DokployStandIn(Options options) : options_(std::move(options)) {
  const std::string& d = dir_.path();
  // A throw-away CA and a server certificate for IP 127.0.0.1 (EC keys: fast).
  std::string make_certs =
      "cd '" + d + "' && "
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem "
      "-days 2 -subj '/CN=swarmform test CA' 2>/dev/null && "
      "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr "
      "-subj '/CN=127.0.0.1' 2>/dev/null && "
      "printf 'subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > ext.cnf && "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 "
      "-extfile ext.cnf 2>/dev/null";
  int status = 0;
  run_command(make_certs, &status);
  if (status != 0) return;
  write_file(dir_ / "state.json", options_.state.dump());
  write_file(dir_ / "key", options_.key);
  write_file(dir_ / "requests.jsonl", "");
  std::string script = std::string(SWARMFORM_SOURCE_DIR) + "/tests/support/dokploy_standin.py";
  std::vector<std::string> args{"/usr/bin/python3", script, "--state", dir_ / "state.json", "--key-file",
                                dir_ / "key", "--cert", dir_ / "server.pem", "--cert-key", dir_ / "server.key",
                                "--log", dir_ / "requests.jsonl", "--port-file", dir_ / "port"};
  if (options_.fail_update) args.push_back("--fail-update");
  if (options_.plain_http) args.push_back("--plain-http");
  pid_ = fork();
  if (pid_ == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  // Wait for the port file (written by rename, so whole when seen).
  for (int i = 0; i < 200; ++i) {
    std::string port = read_text(dir_ / "port");
    if (!port.empty()) {
      url_ = std::string(options_.plain_http ? "http" : "https") + "://127.0.0.1:" + port;
      return;
    }
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

DokployStandIn::~DokployStandIn() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
}

std::vector<nlohmann::json> DokployStandIn::requests() const {
  std::vector<nlohmann::json> out;
  std::istringstream in(read_text(dir_ / "requests.jsonl"));
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

std::vector<nlohmann::json> DokployStandIn::requests_to(const std::string& procedure) const {
  std::vector<nlohmann::json> out;
  for (auto& r : requests()) {
    if (r["path"] == "/api/" + procedure) out.push_back(r);
  }
  return out;
}

}  // namespace swarmform::testing
