// One HTTP/1.1 response from the engine, fed to ResponseParser in pieces as
// reads would deliver it.  The first byte picks HEAD or not, small or default
// limits and the piece size, so splits inside tokens and the limit paths are
// reached; the rest is the bytes received, then the peer closes.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "reconciler/engine/response_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace swarmform::engine;
  if (size == 0) return 0;
  const uint8_t control = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);

  HttpLimits limits;
  if ((control & 0x02) != 0) limits = HttpLimits{.max_header_bytes = 256, .max_body_bytes = 1024};
  ResponseParser parser(limits, (control & 0x01) != 0 ? ExpectBody::no : ExpectBody::yes);
  // 0 feeds everything at once; otherwise pieces of 1..63 bytes.
  const std::size_t piece = (control >> 2) == 0 ? rest.size() : (control >> 2);

  while (!rest.empty() && !parser.complete()) {
    std::string_view chunk = rest.substr(0, std::max<std::size_t>(piece, 1));
    auto consumed = parser.feed(chunk);
    if (!consumed) return 0;
    if (*consumed > chunk.size()) swarmform::fuzz::broken("consumed more bytes than given");
    rest.remove_prefix(*consumed);
    if (*consumed < chunk.size() && !parser.complete())
      swarmform::fuzz::broken("stopped early without a complete response");
  }
  if (!parser.complete()) {
    if (!parser.finish()) return 0;
  }
  if (parser.complete()) {
    Response response = parser.take();
    if (response.body.size() > limits.max_body_bytes)
      swarmform::fuzz::broken("body over the limit");
    (void)response.headers.get("Content-Type");
  }
  return 0;
}
