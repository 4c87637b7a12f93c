#include "reconciler/engine/docker_client.h"

#include <fmt/format.h>

#include <spdlog/spdlog.h>

#include <utility>

#include "reconciler/engine/engine_error.h"
#include "reconciler/util/json_depth.h"

namespace swarmform::engine {
namespace {
std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
}  // namespace

namespace {
/// A response as call_json returns it.
Result<nlohmann::json> json_of(const std::string& what, Result<Response> response) {
  if (!response) return fail(response.error().wrap(what));
  if (response->status < 200 || response->status > 299) return fail(engine_error(what, *response));
  if (response->body.empty()) return nlohmann::json();
  if (!json_depth_within(response->body)) {
    return fail(fmt::format("{}: JSON from engine nested more than {} levels deep ({} bytes): refused", what,
                            kMaxJsonDepth, response->body.size()));
  }
  auto parsed = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return fail(fmt::format("{}: invalid JSON from engine ({} bytes, starting \"{}\")", what,
                            response->body.size(), response->body.substr(0, 40)));
  }
  return parsed;
}
}  // namespace

Result<nlohmann::json> call_json(HttpClient& http, std::string_view method,
                                 const std::string& target, const nlohmann::json* body) {
  std::optional<std::string> payload;
  if (body != nullptr) payload = dump(*body);
  return json_of(fmt::format("{} {}", method, target),
                 http.request(method, target,
                              payload ? std::optional<std::string_view>(*payload) : std::nullopt));
}

DockerClient::DockerClient(HttpClient http, ApiVersion version, nlohmann::json server_version)
    : http_(std::move(http)), api_version_(version), server_version_(std::move(server_version)) {}

Result<DockerClient> DockerClient::connect(transport::Dialer dialer, HttpLimits limits) {
  HttpClient http(std::move(dialer), limits);
  SF_TRY_ASSIGN(nlohmann::json v, call_json(http, "GET", "/version", nullptr));
  auto text = [&v](const char* key) -> Result<std::string> {
    auto it = v.is_object() ? v.find(key) : v.end();
    if (!v.is_object() || it == v.end() || it->is_null()) return std::string();
    if (!it->is_string()) return fail(fmt::format("GET /version: {}: expected a string", key));
    return it->get<std::string>();
  };
  SF_TRY_ASSIGN(std::string server_max, text("ApiVersion"));
  SF_TRY_ASSIGN(std::string server_min, text("MinAPIVersion"));
  if (server_max.empty()) return fail("GET /version: the engine reported no ApiVersion");
  auto chosen = negotiate_api_version(server_max, server_min);
  if (!chosen) return fail(chosen.error().wrap(http.describe()));
  return DockerClient(std::move(http), *chosen, std::move(v));
}

Result<nlohmann::json> DockerClient::call(std::string_view method, const std::string& target,
                                          const nlohmann::json* body) {
  return call_json(http_, method, fmt::format("/v{}{}", api_version_.str(), target), body);
}

Result<nlohmann::json> DockerClient::get_json(std::string_view path_and_query) {
  return call("GET", std::string(path_and_query), nullptr);
}

Result<nlohmann::json> DockerClient::post_json(std::string_view path_and_query,
                                               const nlohmann::json& body) {
  return call("POST", std::string(path_and_query), &body);
}

Result<nlohmann::json> DockerClient::delete_json(std::string_view path_and_query) {
  return call("DELETE", std::string(path_and_query), nullptr);
}

std::vector<Result<nlohmann::json>> DockerClient::get_json_each(
    const std::vector<std::string>& paths, std::size_t max_connections) {
  std::vector<Result<nlohmann::json>> out(paths.size());
  std::size_t next = 0;
  while (next < paths.size()) {
    // One round: a request on each connection, then the answers.
    std::vector<std::pair<HttpClient*, std::size_t>> sent;
    for (std::size_t c = 0; next < paths.size(); ++c) {
      HttpClient* http = nullptr;
      if (c == 0) {
        http = &http_;
      } else if (c - 1 < more_.size()) {
        http = &more_[c - 1];
      } else if (!more_capped_ && c < max_connections) {
        more_.push_back(http_.another());
        if (auto opened = more_.back().connect(); !opened) {
          spdlog::trace("{}: no more connections than {}: {}", describe(), c,
                        opened.error().message);
          more_.pop_back();
          more_capped_ = true;
          break;
        }
        http = &more_.back();
      } else {
        break;
      }
      const std::string target = fmt::format("/v{}{}", api_version_.str(), paths[next]);
      if (auto s = http->send("GET", target); !s) {
        out[next] = json_of("GET " + target, fail(s.error()));
      } else {
        sent.emplace_back(http, next);
      }
      ++next;
    }
    for (auto& [http, i] : sent) {
      out[i] = json_of(fmt::format("GET /v{}{}", api_version_.str(), paths[i]), http->receive());
    }
  }
  return out;
}

Result<nlohmann::json> DockerClient::version() { return get_json("/version"); }
Result<nlohmann::json> DockerClient::info() { return get_json("/info"); }
Result<nlohmann::json> DockerClient::nodes() { return get_json("/nodes"); }
Result<nlohmann::json> DockerClient::services() { return get_json("/services?status=true"); }

Result<nlohmann::json> DockerClient::tasks(const Filters& filters) {
  std::string query = filters_query(filters);
  return get_json(query.empty() ? "/tasks" : "/tasks?" + query);
}

Result<nlohmann::json> DockerClient::inspect_service(std::string_view id_or_name) {
  return get_json("/services/" + url_encode(id_or_name));
}

Result<nlohmann::json> DockerClient::update_service(std::string_view id, uint64_t version_index,
                                                    const nlohmann::json& spec) {
  return post_json(fmt::format("/services/{}/update?version={}", url_encode(id), version_index),
                   spec);
}

namespace {
/// The "ID" of a create call's answer.
Result<std::string> created_id(const nlohmann::json& created, std::string_view what) {
  auto it = created.is_object() ? created.find("ID") : created.end();
  if (!created.is_object() || it == created.end() || !it->is_string()) {
    return fail(fmt::format("POST {}: the engine's answer has no ID: {}", what, dump(created)));
  }
  return it->get<std::string>();
}
}  // namespace

Result<std::string> DockerClient::create_service(const nlohmann::json& spec) {
  SF_TRY_ASSIGN(nlohmann::json created, post_json("/services/create", spec));
  return created_id(created, "/services/create");
}

Result<nlohmann::json> DockerClient::rollback_service(std::string_view id, uint64_t version_index,
                                                      const nlohmann::json& spec) {
  return post_json(fmt::format("/services/{}/update?version={}&rollback=previous", url_encode(id),
                               version_index),
                   spec);
}

Result<void> DockerClient::delete_service(std::string_view id) {
  SF_TRY(delete_json("/services/" + url_encode(id)));
  return {};
}

Result<std::string> DockerClient::create_config(const nlohmann::json& config_spec) {
  SF_TRY_ASSIGN(nlohmann::json created, post_json("/configs/create", config_spec));
  return created_id(created, "/configs/create");
}

Result<nlohmann::json> DockerClient::inspect_config(std::string_view id_or_name) {
  return get_json("/configs/" + url_encode(id_or_name));
}

Result<void> DockerClient::delete_config(std::string_view id) {
  SF_TRY(delete_json("/configs/" + url_encode(id)));
  return {};
}

}  // namespace swarmform::engine
