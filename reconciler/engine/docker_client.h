#pragma once
// Docker Engine API calls over one HttpClient, in the API version negotiated
// with the engine.  Answers are returned as parsed JSON; live_mapping.h turns
// them into the live model.

#include <cstdint>
#include <deque>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "reconciler/engine/api_version.h"
#include "reconciler/engine/http_client.h"
#include "reconciler/engine/query.h"
#include "reconciler/transport/stream.h"
#include "reconciler/util/result.h"

namespace swarmform::engine {

/// Every call below, on success, returns the engine's 2xx answer parsed as
/// JSON (null for an empty body).  On failure: the transport's or HTTP
/// client's error, "<METHOD> <path>: invalid JSON from engine (...)", or for a
/// non-2xx answer the Error of engine_error() (engine message, http_status,
/// not_found / conflict kinds).  A DockerClient is movable, not thread-safe.
class DockerClient {
 public:
  /// Dials, asks the engine's unversioned `GET /version`, and settles on the
  /// API version to speak (negotiate_api_version).  Fails when the engine
  /// cannot be reached or speaks an API older than kMinApiVersion.
  static Result<DockerClient> connect(transport::Dialer dialer, HttpLimits limits = {});

  [[nodiscard]] ApiVersion api_version() const { return api_version_; }
  /// The answer to the `GET /version` of connect() (Version, ApiVersion, ...).
  [[nodiscard]] const nlohmann::json& server_version() const { return server_version_; }
  /// The engine's peer description, for messages.
  [[nodiscard]] std::string describe() const { return http_.describe(); }

  Result<nlohmann::json> version();
  Result<nlohmann::json> info();
  Result<nlohmann::json> nodes();
  /// All services with ServiceStatus (running/desired task counts).
  Result<nlohmann::json> services();
  Result<nlohmann::json> tasks(const Filters& filters = {});
  /// One service by ID or name; ErrorKind::not_found when there is none.
  Result<nlohmann::json> inspect_service(std::string_view id_or_name);

  /// `POST /services/{id}/update?version=N` with the whole spec.  A stale N is
  /// ErrorKind::conflict.  Returns the engine's answer (its Warnings).
  Result<nlohmann::json> update_service(std::string_view id, uint64_t version_index,
                                        const nlohmann::json& spec);
  /// `POST /services/create`; returns the new service's ID.
  Result<std::string> create_service(const nlohmann::json& spec);
  /// `POST /services/{id}/update?version=N&rollback=previous`: the engine
  /// replaces the spec with the service's PreviousSpec (the body `spec` is
  /// required but ignored).  A stale N is ErrorKind::conflict; a service
  /// without a PreviousSpec is an engine error.
  Result<nlohmann::json> rollback_service(std::string_view id, uint64_t version_index,
                                          const nlohmann::json& spec);
  /// `DELETE /services/{id}`; ErrorKind::not_found when there is none.
  Result<void> delete_service(std::string_view id);

  /// `POST /configs/create` with a ConfigSpec (Name, Labels, base64 Data);
  /// returns the new config's ID.  A taken name is ErrorKind::conflict (HTTP
  /// 409): creation is atomic, which is what the apply lock relies on.
  Result<std::string> create_config(const nlohmann::json& config_spec);
  /// `GET /configs/{id or name}`; ErrorKind::not_found when there is none.
  Result<nlohmann::json> inspect_config(std::string_view id_or_name);
  /// `DELETE /configs/{id}`; ErrorKind::not_found when there is none.
  Result<void> delete_config(std::string_view id);

  /// GET of `path_and_query` (starting with '/') under the versioned prefix.
  Result<nlohmann::json> get_json(std::string_view path_and_query);
  /// POST of `body` to `path_and_query` under the versioned prefix.
  Result<nlohmann::json> post_json(std::string_view path_and_query, const nlohmann::json& body);
  /// DELETE of `path_and_query` under the versioned prefix.
  Result<nlohmann::json> delete_json(std::string_view path_and_query);

  /// GETs of every path (as get_json), all sent before any answer is read,
  /// each on a connection of its own: this client's and up to
  /// `max_connections - 1` more to the same engine, opened as needed and
  /// kept for later calls; with more paths than connections, in rounds.
  /// For calls the engine is slow to answer but can answer together (a
  /// container's stats wait for dockerd's once-a-second collector: one
  /// after another, N containers take N seconds).  A connection that cannot
  /// be opened (e.g. sshd's MaxSessions in dial-stdio mode) only means
  /// fewer.  The answers in the order of `paths`.
  std::vector<Result<nlohmann::json>> get_json_each(const std::vector<std::string>& paths,
                                                    std::size_t max_connections);

 private:
  DockerClient(HttpClient http, ApiVersion version, nlohmann::json server_version);
  Result<nlohmann::json> call(std::string_view method, const std::string& target,
                              const nlohmann::json* body);

  HttpClient http_;
  /// get_json_each's other connections (a deque: growing keeps references).
  std::deque<HttpClient> more_;
  /// Set once opening another connection failed: get_json_each stops trying.
  bool more_capped_ = false;
  ApiVersion api_version_;
  nlohmann::json server_version_;
};

/// Sends one request and parses a 2xx answer as JSON; errors as DockerClient's.
Result<nlohmann::json> call_json(HttpClient& http, std::string_view method,
                                 const std::string& target, const nlohmann::json* body);

}  // namespace swarmform::engine
