#include "reconciler/transport/libssh2_handles.h"

#include <mutex>

namespace swarmform::transport {

bool ensure_libssh2_initialized() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] { ok = libssh2_init(0) == 0; });
  return ok;
}

void disconnect_and_free_agent(LIBSSH2_AGENT* agent) {
  libssh2_agent_disconnect(agent);
  libssh2_agent_free(agent);
}

SessionPtr new_session() {
  if (!ensure_libssh2_initialized()) return nullptr;
  return SessionPtr(libssh2_session_init());
}

std::string last_error(LIBSSH2_SESSION* session) {
  char* msg = nullptr;
  int len = 0;
  int code = libssh2_session_last_error(session, &msg, &len, 0);
  if (code == 0) return "no error";
  std::string text = (msg != nullptr && len > 0) ? std::string(msg, static_cast<std::size_t>(len))
                                                 : std::string("unknown error");
  return text + " (libssh2 error " + std::to_string(code) + ")";
}

int last_errno(LIBSSH2_SESSION* session) { return libssh2_session_last_errno(session); }

std::string last_error_message(LIBSSH2_SESSION* session) {
  char* msg = nullptr;
  int len = 0;
  if (libssh2_session_last_error(session, &msg, &len, 0) == 0 || msg == nullptr) return "";
  return std::string(msg, static_cast<std::size_t>(len));
}

bool is_timeout(int libssh2_code) {
  return libssh2_code == LIBSSH2_ERROR_TIMEOUT || libssh2_code == LIBSSH2_ERROR_SOCKET_TIMEOUT;
}

ErrorKind kind_of(int libssh2_code, ErrorKind otherwise) {
  return is_timeout(libssh2_code) ? ErrorKind::timeout : otherwise;
}

}  // namespace swarmform::transport
