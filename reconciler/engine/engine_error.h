#pragma once
// Turning an engine's non-2xx answer into an Error.

#include <string_view>

#include "reconciler/engine/http_message.h"
#include "reconciler/util/result.h"

namespace swarmform::engine {

/// The Error for a non-2xx `response` to `request` ("GET /v1.41/services/x"):
/// message "<request>: HTTP <status>: <engine's JSON message, or the body>",
/// http_status set; kind not_found for 404, conflict for 409 and for the
/// engine's HTTP 500 "update out of sequence", failed otherwise.
Error engine_error(std::string_view request, const Response& response);

}  // namespace swarmform::engine
