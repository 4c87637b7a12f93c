#pragma once
// Posting a report to a webhook (Slack, Teams, Alertmanager, a chat bot):
// HTTP(S) POST of a JSON body with libcurl.  A notification is best effort:
// callers report a failure and carry on.

#include <chrono>
#include <string>

#include "reconciler/util/result.h"

namespace swarmform::report {

/// POSTs `json` (Content-Type: application/json) to `url` (http:// or
/// https://, spelled out: any other URL is refused unsent; TLS certificates
/// verified by the system's CA store), following
/// no redirects, giving up after `timeout` in all.  Succeeds on a 2xx answer.
/// Errors name the URL without its user info, path or query (where webhook
/// tokens live) and say what happened: the URL is malformed, the host unreachable or
/// the TLS check failed (libcurl's words), the timeout (ErrorKind::timeout),
/// or the status and the start of the body the server answered with.
/// Thread-safe (each call has its own handle).
Result<void> post_json(const std::string& url, const std::string& json, std::chrono::milliseconds timeout);

}  // namespace swarmform::report
