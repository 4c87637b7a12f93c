#include "reconciler/dokploy/client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "reconciler/util/c_handle.h"

namespace swarmform::dokploy {
namespace {

constexpr size_t kMaxAnswer = 64 << 20;  // project.all of a large organisation is a few MB

void init_curl_once() {
  static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)done;
}

size_t keep_body(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  size_t n = size * count;
  if (body->size() + n > kMaxAnswer) return 0;  // curl then fails the transfer (CURLE_WRITE_ERROR)
  body->append(data, n);
  return n;
}

/// "https://user:pw@host/x/" -> "https://host/x".
std::string without_credentials(std::string url) {
  auto scheme = url.find("://");
  if (scheme != std::string::npos) {
    auto path = url.find('/', scheme + 3);
    auto at = url.rfind('@', path == std::string::npos ? std::string::npos : path);
    if (at != std::string::npos && at > scheme) url.erase(scheme + 3, at - scheme - 2);
  }
  while (url.ends_with('/')) url.pop_back();
  return url;
}

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

/// Dokploy's error body is {"message": ..., "code": ...}; its message, when
/// there is one, else the start of the body.
std::string answer_message(const std::string& body) {
  try {
    auto j = nlohmann::json::parse(body);
    if (j.is_object() && j.contains("message") && j["message"].is_string()) return j["message"].get<std::string>();
  } catch (const nlohmann::json::exception&) {
  }
  return body.substr(0, 200);
}

}  // namespace

Result<Client> Client::create(const model::DokployIntegration& config, const EnvReader& env,
                              std::chrono::milliseconds timeout) {
  Client c;
  c.base_ = without_credentials(config.url);
  c.shown_url_ = c.base_;
  c.key_env_ = config.api_key_env;
  c.ca_file_ = config.ca_file;
  c.timeout_ = timeout;
  const char* key = env ? env(config.api_key_env.c_str()) : std::getenv(config.api_key_env.c_str());
  if (key == nullptr || *key == '\0') {
    return fail("Dokploy at " + c.shown_url_ + ": the environment variable " + config.api_key_env +
                    " (integrations.dokploy.api_key_env) is not set: export the Dokploy API key in it, or pass "
                    "--skip-dokploy",
                ErrorKind::refused);
  }
  c.key_ = key;
  return c;
}

Result<Client::Answer> Client::call(const std::string& procedure, const std::string& query,
                                    const std::string* post_body) const {
  init_curl_once();
  CHandle<CURL, curl_easy_cleanup> curl(curl_easy_init());
  if (!curl) return fail("Dokploy: cannot start libcurl");
  std::string key_header = "x-api-key: " + key_;
  curl_slist* list = curl_slist_append(nullptr, key_header.c_str());
  list = curl_slist_append(list, "Accept: application/json");
  if (post_body) list = curl_slist_append(list, "Content-Type: application/json");
  CHandle<curl_slist, curl_slist_free_all> headers(list);
  std::string url = base_ + "/api/" + procedure + (query.empty() ? "" : "?" + query);
  Answer answer;
  char error[CURL_ERROR_SIZE] = {};
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, base_.starts_with("http://") ? "http" : "https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect would carry the key elsewhere
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  if (post_body) {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, post_body->data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post_body->size()));
  }
  if (ca_file_) curl_easy_setopt(h, CURLOPT_CAINFO, ca_file_->c_str());
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<int64_t>(timeout_.count(), 10000)));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "swarmform/" SWARMFORM_VERSION);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &keep_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  CURLcode rc = curl_easy_perform(h);
  std::string where = "Dokploy at " + shown_url_ + " (" + procedure + ")";
  if (rc != CURLE_OK) {
    std::string why = error[0] != '\0' ? error : curl_easy_strerror(rc);
    ErrorKind kind = rc == CURLE_OPERATION_TIMEDOUT ? ErrorKind::timeout : ErrorKind::failed;
    if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE) {
      why += ca_file_ ? " (checked against integrations.dokploy.ca_file " + *ca_file_ + ")"
                      : " (for a private CA, set integrations.dokploy.ca_file)";
    }
    return fail(Error{kind, where + " is unreachable: " + why, 0});
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &answer.status);
  if (answer.status == 401 || answer.status == 403) {
    return fail(Error{ErrorKind::refused,
                      where + " answered " + std::to_string(answer.status) + " " + answer_message(answer.body) +
                          ": the API key in " + key_env_ + " is wrong, expired or lacks access",
                      static_cast<int>(answer.status)});
  }
  if (answer.status == 404) {
    return fail(Error{ErrorKind::not_found, where + " answered 404: " + answer_message(answer.body),
                      static_cast<int>(answer.status)});
  }
  if (answer.status < 200 || answer.status >= 300) {
    return fail(Error{ErrorKind::failed,
                      where + " answered " + std::to_string(answer.status) + ": " + answer_message(answer.body),
                      static_cast<int>(answer.status)});
  }
  return answer;
}

Result<StoredApplication> Client::application(const std::string& application_id) const {
  SF_TRY_ASSIGN(Answer a, call("application.one", "applicationId=" + url_encode(application_id), nullptr));
  auto app = parse_application(a.body);
  if (!app) return fail(app.error().wrap("Dokploy at " + shown_url_));
  return app;
}

Result<Inventory> Client::inventory() const {
  SF_TRY_ASSIGN(Answer all, call("project.all", "", nullptr));
  auto ids = parse_project_all(all.body);
  if (!ids) return fail(ids.error().wrap("Dokploy at " + shown_url_));
  Inventory inv;
  for (const auto& id : ids->application_ids) {
    SF_TRY_ASSIGN(StoredApplication app, application(id));
    inv.applications.push_back(std::move(app));
  }
  for (const auto& id : ids->compose_ids) {
    SF_TRY_ASSIGN(Answer one, call("compose.one", "composeId=" + url_encode(id), nullptr));
    auto c = parse_compose(one.body);
    if (!c) return fail(c.error().wrap("Dokploy at " + shown_url_));
    inv.composes.push_back(std::move(*c));
  }
  return inv;
}

Result<void> Client::update(const ApplicationUpdate& u) const {
  std::string body = update_body(u).dump();
  SF_TRY(call("application.update", "", &body));
  return {};
}

}  // namespace swarmform::dokploy
