#include "reconciler/cli/saved_plan.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "reconciler/plan/plan_file.h"

namespace swarmform::cli {
namespace {

std::string mib(std::size_t bytes) { return std::to_string(bytes / (1024 * 1024)) + " MiB"; }

std::string too_large(const std::string& path) {
  return path + " is larger than a plan file may be (" + mib(kMaxPlanFileBytes) +
         "; a plan of 10,000 services is about 28 MiB): it is not a plan swarmform wrote";
}

}  // namespace

Result<plan::Plan> read_plan_file(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
      static_cast<std::size_t>(st.st_size) > kMaxPlanFileBytes) {
    return fail(too_large(path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read " + path + ": " + std::strerror(errno), ErrorKind::not_found);
  std::string text;
  if (S_ISREG(st.st_mode)) text.reserve(static_cast<std::size_t>(st.st_size));
  // Read by chunks up to one byte past the cap: a FIFO or a file that grows
  // is bounded too.
  char chunk[64 * 1024];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxPlanFileBytes) return fail(too_large(path));
  }
  if (in.bad()) return fail("cannot read " + path + ": " + std::strerror(errno));
  nlohmann::json document = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::string().swap(text);  // the document holds it now
  if (document.is_discarded()) return fail(path + " is not a swarmform plan: plan: not valid JSON");
  auto decoded = plan::decode_plan(document);
  if (!decoded) return fail(path + " is not a swarmform plan: " + decoded.error().message);
  return decoded;
}

}  // namespace swarmform::cli
