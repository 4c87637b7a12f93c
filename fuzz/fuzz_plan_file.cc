// A saved plan file, as `show` and `apply PLANFILE` read it: parsed and
// decoded, then rendered as text and Markdown.  A plan that decodes must
// encode to a file that decodes to the same encoding (the round trip the
// unit tests promise for plans swarmform made).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "reconciler/plan/plan_file.h"
#include "reconciler/render/plan_markdown.h"
#include "reconciler/render/plan_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace swarmform;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<plan::Plan> decoded = plan::parse_plan_json_text(text);
  if (!decoded) return 0;
  (void)render::plan_text(*decoded, render::Style{});
  (void)render::plan_markdown(*decoded);

  std::string first = plan::plan_json_text(*decoded);
  Result<plan::Plan> again = plan::parse_plan_json_text(first);
  if (!again) fuzz::broken("a re-encoded plan does not decode");
  if (plan::plan_json_text(*again) != first) fuzz::broken("encode(decode(encode(plan))) differs");
  return 0;
}
