#pragma once
// The Dokploy stand-in (tests/support/dokploy_standin.py, which says why it
// is not the real Dokploy) run for one test: a test CA and a certificate for
// 127.0.0.1 made with the openssl CLI, the server on a free loopback port,
// and the requests it received.  Needs /usr/bin/python3 and openssl: tools
// and lab tests only.

#include <string>
#include <sys/types.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/temp_dir.h"

namespace swarmform::testing {

class DokployStandIn {
 public:
  struct Options {
    /// {"applications": [...], "compose": [...]}: rows as Dokploy stores them.
    nlohmann::json state = nlohmann::json::object();
    std::string key = "test-dokploy-key-5f1c2e";
    bool fail_update = false;
    bool plain_http = false;
  };
  explicit DokployStandIn(Options options);
  ~DokployStandIn();
  DokployStandIn(const DokployStandIn&) = delete;
  DokployStandIn& operator=(const DokployStandIn&) = delete;

  /// "https://127.0.0.1:PORT" (or http:// with plain_http); empty when it did not start.
  [[nodiscard]] const std::string& url() const { return url_; }
  /// The PEM of the test CA that signed the server's certificate.
  [[nodiscard]] std::string ca_file() const { return dir_ / "ca.pem"; }
  [[nodiscard]] const std::string& key() const { return options_.key; }
  /// Every request so far: {"method","path","query","key_ok","body"}.
  [[nodiscard]] std::vector<nlohmann::json> requests() const;
  /// The requests to one procedure ("application.update").
  [[nodiscard]] std::vector<nlohmann::json> requests_to(const std::string& procedure) const;

 private:
  Options options_;
  TempDir dir_{"sf-dokploy"};
  std::string url_;
  pid_t pid_ = -1;
};

}  // namespace swarmform::testing
