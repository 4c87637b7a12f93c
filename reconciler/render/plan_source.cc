#include "reconciler/render/plan_source.h"

#include <algorithm>
#include <cstddef>

#include "reconciler/plan/wording.h"

namespace swarmform::render {
namespace {

constexpr size_t kShortCommit = 7;
constexpr size_t kFilesNamed = 5;

}  // namespace

std::string short_commit(const std::string& commit) { return commit.substr(0, kShortCommit); }

std::string source_line(const plan::Plan& p) {
  if (p.commit.empty()) return "";
  if (p.ref.empty()) return "Desired state: working tree at " + short_commit(p.commit);
  return "Desired state: commit " + short_commit(p.commit) + " (ref " + p.ref + ")";
}

std::string dirty_line(const plan::Plan& p) {
  if (!p.dirty()) return "";
  std::vector<std::string> named(p.uncommitted.begin(),
                                 p.uncommitted.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                             p.uncommitted.size(), kFilesNamed)));
  std::string files = plan::join(named);
  if (p.uncommitted.size() > named.size())
    files += " and " + std::to_string(p.uncommitted.size() - named.size()) + " more";
  return "Warning: uncommitted changes in " + files +
         ": this plan is not a commit; apply refuses it without --allow-dirty";
}

}  // namespace swarmform::render
