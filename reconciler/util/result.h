#pragma once
// Errors are values: every fallible function returns Result<T>.  Exceptions
// from nlohmann-json (and libraries like it) are caught at the boundary where they are
// thrown and turned into an Error that says where.

#include <expected>
#include <string>
#include <utility>

namespace swarmform {

/// What kind of failure, for callers that must tell them apart (a timeout is
/// retried or reported differently from a refusal).
enum class ErrorKind {
  failed,            ///< anything not listed below
  timeout,           ///< the operation ran out of time
  refused,           ///< the peer said no (auth, host key, forwarding)
  not_found,         ///< the thing asked for does not exist
  absent_at_commit,  ///< a path (file or folder) that a git commit does not hold
  conflict,          ///< the engine's "update out of sequence" and similar races
};

struct Error {
  ErrorKind kind = ErrorKind::failed;
  std::string message;
  int http_status = 0;  ///< set by the engine client for HTTP-level errors

  /// Returns a copy whose message is "<context>: <message>".
  [[nodiscard]] Error wrap(const std::string& context) const {
    return Error{kind, context + ": " + message, http_status};
  }
};

template <class T>
using Result = std::expected<T, Error>;

/// Shorthand for an error return: `return fail("no such host");`
inline std::unexpected<Error> fail(std::string message, ErrorKind kind = ErrorKind::failed) {
  return std::unexpected(Error{kind, std::move(message), 0});
}
inline std::unexpected<Error> fail(Error e) { return std::unexpected(std::move(e)); }

}  // namespace swarmform

/// Propagates the error of a Result-returning expression; discards its value.
#define SF_TRY(expr)                                                   \
  do {                                                                 \
    auto sf_try_result_ = (expr);                                      \
    if (!sf_try_result_) return ::std::unexpected(sf_try_result_.error()); \
  } while (false)

#define SF_CONCAT_INNER(a, b) a##b
#define SF_CONCAT(a, b) SF_CONCAT_INNER(a, b)
/// `SF_TRY_ASSIGN(auto x, f());` declares x from f()'s value or returns its error.
#define SF_TRY_ASSIGN(decl, expr) SF_TRY_ASSIGN_IMPL(SF_CONCAT(sf_tmp_, __LINE__), decl, expr)
#define SF_TRY_ASSIGN_IMPL(tmp, decl, expr)              \
  auto tmp = (expr);                                     \
  if (!tmp) return ::std::unexpected(std::move(tmp.error())); \
  decl = std::move(*tmp)
