#pragma once

#include <fmt/format.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace binlake {

// What kind of failure a Status carries. Callers branch on the code (retry or not); the
// message is for people.
enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument,     // bad input from the user: config, flags, arguments
  kNotFound,            // object, table, file or position that does not exist
  kAlreadyExists,       // conditional create refused: the object is already there
  kPermissionDenied,    // credentials accepted but not allowed (missing grant, 403)
  kUnauthenticated,     // credentials rejected
  kFailedPrecondition,  // the system is not in a state the operation needs (binlog_format)
  kCorruption,          // bytes that do not decode: checksum mismatch, truncated event
  kUnimplemented,       // valid input binlake does not handle (yet)
  kUnavailable,         // transient: connection refused/reset, 5xx, timeout. Retryable.
  kDeadlineExceeded,    // an operation timed out; its outcome may be unknown. Retryable.
  kResourceExhausted,   // throttling (SlowDown), disk full
  kAborted,             // a concurrent writer won a race (conditional write lost)
  kCancelled,           // shutdown requested
  kInternal,            // a bug in binlake
};

std::string_view StatusCodeName(StatusCode code);

// Status is the result of an operation that returns no value: OK, or a code with a message.
// The message names what failed and where, in words an operator can act on. Context() adds
// an outer frame ("reading table shop.orders: ...") without losing the code.
//
// Cheap to copy when OK (a null pointer). Thread-compatible.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message);

  static Status OK() { return Status(); }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  const std::string& message() const;

  // True for failures worth retrying with backoff (connection trouble, timeouts, throttling).
  bool IsRetryable() const;

  // Returns this status with "context: " prepended to the message. OK stays OK.
  Status Context(std::string_view context) const&;
  Status Context(std::string_view context) &&;

  // "Unavailable: connect to 127.0.0.1:3306: Connection refused", or "OK".
  std::string ToString() const;

  // Marks a status as deliberately ignored.
  void IgnoreError() const {}

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::shared_ptr<const State> state_;
};

template <typename... Args>
Status MakeStatus(StatusCode code, fmt::format_string<Args...> f, Args&&... args) {
  return Status(code, fmt::format(f, std::forward<Args>(args)...));
}

#define BINLAKE_STATUS_FACTORY(Name, Code)                                        \
  template <typename... Args>                                                     \
  Status Name(fmt::format_string<Args...> f, Args&&... args) {                    \
    return Status(StatusCode::Code, fmt::format(f, std::forward<Args>(args)...)); \
  }

BINLAKE_STATUS_FACTORY(InvalidArgumentError, kInvalidArgument)
BINLAKE_STATUS_FACTORY(NotFoundError, kNotFound)
BINLAKE_STATUS_FACTORY(AlreadyExistsError, kAlreadyExists)
BINLAKE_STATUS_FACTORY(PermissionDeniedError, kPermissionDenied)
BINLAKE_STATUS_FACTORY(UnauthenticatedError, kUnauthenticated)
BINLAKE_STATUS_FACTORY(FailedPreconditionError, kFailedPrecondition)
BINLAKE_STATUS_FACTORY(CorruptionError, kCorruption)
BINLAKE_STATUS_FACTORY(UnimplementedError, kUnimplemented)
BINLAKE_STATUS_FACTORY(UnavailableError, kUnavailable)
BINLAKE_STATUS_FACTORY(DeadlineExceededError, kDeadlineExceeded)
BINLAKE_STATUS_FACTORY(ResourceExhaustedError, kResourceExhausted)
BINLAKE_STATUS_FACTORY(AbortedError, kAborted)
BINLAKE_STATUS_FACTORY(CancelledError, kCancelled)
BINLAKE_STATUS_FACTORY(InternalError, kInternal)

#undef BINLAKE_STATUS_FACTORY

}  // namespace binlake

// Evaluates expr (a Status or Result); returns its status from the enclosing function when
// not OK.
#define RETURN_IF_ERROR(expr)                                     \
  do {                                                            \
    auto&& binlake_status_ = ::binlake::internal::ToStatus(expr); \
    if (!binlake_status_.ok()) return binlake_status_;            \
  } while (0)

// Like RETURN_IF_ERROR, adding context to the message on failure.
#define RETURN_IF_ERROR_CTX(expr, ...)                                     \
  do {                                                                     \
    auto&& binlake_status_ = ::binlake::internal::ToStatus(expr);          \
    if (!binlake_status_.ok())                                             \
      return std::move(binlake_status_).Context(fmt::format(__VA_ARGS__)); \
  } while (0)

namespace binlake::internal {
inline const Status& ToStatus(const Status& s) { return s; }
inline Status ToStatus(Status&& s) { return std::move(s); }
}  // namespace binlake::internal
