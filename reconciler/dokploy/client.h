#pragma once
// Dokploy's HTTP API over libcurl: its tRPC procedures served as REST by
// @dokploy/trpc-openapi at /api/<router>.<procedure> (Dokploy/dokploy
// apps/dokploy/pages/api/[...trpc].ts: createOpenApiNextHandler, a 401
// {"message":"Unauthorized"} before any procedure when the key is wrong).
// Queries are GET with their input as query parameters
// (`/api/application.one?applicationId=...`), mutations POST with a JSON
// body; the API key goes in the `x-api-key` header.
//
// The key is read from the environment variable the desired state names and
// is held only by the client: no message, error or log line carries it, and
// the URL shown in errors has no user info.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "reconciler/dokploy/stored.h"
#include "reconciler/model/desired.h"
#include "reconciler/util/result.h"

namespace swarmform::dokploy {

/// Reads an environment variable; std::getenv in production, a map in tests.
using EnvReader = std::function<const char*(const char*)>;

class Client {
 public:
  /// A client for `config`, with the key from the variable config.api_key_env
  /// names (an error naming the variable, not its value, when it is unset or
  /// empty).  Contacts nothing.
  static Result<Client> create(const model::DokployIntegration& config, const EnvReader& env = nullptr,
                               std::chrono::milliseconds timeout = std::chrono::seconds(20));

  /// Every application (application.one for each id project.all lists) and
  /// compose service (compose.one) the key can see.  Fails as a whole: a
  /// partial inventory would hide a difference.
  Result<Inventory> inventory() const;

  /// application.one for one id; ErrorKind::not_found for Dokploy's 404.
  Result<StoredApplication> application(const std::string& application_id) const;

  /// application.update with only the fields `update` sets.  Dokploy
  /// writes its database only: nothing is redeployed.
  Result<void> update(const ApplicationUpdate& update) const;

  /// The base URL as errors show it: no user info, no trailing '/'.
  [[nodiscard]] const std::string& shown_url() const { return shown_url_; }

 private:
  struct Answer {
    long status = 0;
    std::string body;
  };
  Result<Answer> call(const std::string& procedure, const std::string& query, const std::string* post_body) const;

  std::string base_;
  std::string shown_url_;
  std::string key_;
  std::string key_env_;
  std::optional<std::string> ca_file_;
  std::chrono::milliseconds timeout_{};
};

}  // namespace swarmform::dokploy
