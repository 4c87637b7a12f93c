#include "reconciler/source/git_handles.h"

namespace swarmform::source::git {

Result<void> ensure_initialized() {
  // A function-local static: initialised exactly once, even with threads.
  static const int status = git_libgit2_init();
  if (status < 0) return fail("cannot initialise libgit2: " + last_error());
  return {};
}

std::string last_error() {
  const git_error* error = git_error_last();
  if (error == nullptr || error->message == nullptr || *error->message == '\0') {
    return "libgit2 gave no reason";
  }
  // Messages relayed from the server's stderr end with a newline.
  std::string message = error->message;
  while (!message.empty() &&
         (message.back() == '\n' || message.back() == '\r' || message.back() == ' ')) {
    message.pop_back();
  }
  return message;
}

std::string oid_hex(const git_oid& id) {
  char hex[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(hex, sizeof hex, &id);
  return hex;
}

}  // namespace swarmform::source::git
