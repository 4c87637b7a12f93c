#include "reconciler/usage/usage_report.h"

namespace swarmform::usage {

std::vector<std::string> flag_names(const ServiceUsage& s) {
  std::vector<std::string> out;
  if (s.no_limit) out.emplace_back("no limit");
  if (s.starved) out.emplace_back("starved");
  if (s.idle) out.emplace_back("idle");
  return out;
}

}  // namespace swarmform::usage
