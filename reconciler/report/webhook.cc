#include "reconciler/report/webhook.h"

#include <curl/curl.h>

#include "reconciler/util/c_handle.h"

namespace swarmform::report {
namespace {

/// curl_global_init once per process, before any handle (it is not thread-safe itself).
void init_curl_once() {
  static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)done;
}

/// Keeps the first bytes of the answer, for the error message.
size_t keep_start(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  size_t n = size * count;
  if (body->size() < 300) body->append(data, std::min(n, 300 - body->size()));
  return n;
}

/// The URL without its user info, path and query, which often hold the
/// webhook's secret token: "https://hooks.example.com/...".
std::string shown_url(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return "the webhook";
  auto path = url.find_first_of("/?#", scheme + 3);
  std::string authority = url.substr(scheme + 3, path == std::string::npos ? std::string::npos : path - scheme - 3);
  if (auto at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
  return url.substr(0, scheme + 3) + authority + (path == std::string::npos ? "" : "/...");
}

}  // namespace

Result<void> post_json(const std::string& url, const std::string& json, std::chrono::milliseconds timeout) {
  if (!url.starts_with("https://") && !url.starts_with("http://")) {
    return fail("notify: the webhook URL must start with https:// (or http://); a token must never be sent by "
                "guesswork");
  }
  init_curl_once();
  CHandle<CURL, curl_easy_cleanup> curl(curl_easy_init());
  if (!curl) return fail("notify: cannot start libcurl");
  CHandle<curl_slist, curl_slist_free_all> headers(
      curl_slist_append(nullptr, "Content-Type: application/json"));
  std::string answer;
  char error[CURL_ERROR_SIZE] = {};
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, json.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json.size()));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts: threads and our signal handling
  curl_easy_setopt(h, CURLOPT_USERAGENT, "swarmform/" SWARMFORM_VERSION);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &keep_start);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  CURLcode rc = curl_easy_perform(h);
  const std::string where = "notify " + shown_url(url);
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return fail(where + ": no answer within " + std::to_string(timeout.count()) + " ms", ErrorKind::timeout);
  }
  if (rc != CURLE_OK) {
    return fail(where + ": " + (error[0] ? std::string(error) : std::string(curl_easy_strerror(rc))));
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status >= 300) {
    return fail(where + ": the server answered HTTP " + std::to_string(status) +
                (answer.empty() ? "" : ": " + answer));
  }
  return {};
}

}  // namespace swarmform::report
