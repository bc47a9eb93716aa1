#pragma once

#include <cassert>
#include <optional>
#include <type_traits>
#include <utility>

#include "common/status.h"

namespace binlake {

// Result<T> holds either a value of type T or a non-OK Status. Construct from a T (success)
// or from a Status (failure; constructing from an OK status is a bug and becomes kInternal).
// Thread-compatible.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : value_(value) {}        // NOLINT: implicit by design
  Result(T&& value) : value_(std::move(value)) {}  // NOLINT
  template <typename U, typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                                    !std::is_same_v<std::decay_t<U>, Status> &&
                                                    !std::is_same_v<std::decay_t<U>, Result<T>>>>
  Result(U&& value) : value_(T(std::forward<U>(value))) {}  // NOLINT
  Result(Status status) : status_(std::move(status)) {      // NOLINT
    if (status_.ok()) status_ = Status(StatusCode::kInternal, "Result built from OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const& { return status_; }
  Status status() && { return std::move(status_); }

  // REQUIRES: ok()
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T& value() & {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  T value_or(T fallback) const& { return ok() ? *value_ : std::move(fallback); }

  // Returns this result's status with context prepended (OK when it holds a value).
  Status Context(std::string_view context) const& { return status_.Context(context); }

 private:
  Status status_;
  std::optional<T> value_;
};

namespace internal {
template <typename T>
const Status& ToStatus(const Result<T>& r) {
  return r.status();
}
template <typename T>
Status ToStatus(Result<T>&& r) {
  return std::move(r).status();
}
}  // namespace internal

}  // namespace binlake

#define BINLAKE_CONCAT_INNER(a, b) a##b
#define BINLAKE_CONCAT(a, b) BINLAKE_CONCAT_INNER(a, b)

// ASSIGN_OR_RETURN(lhs, expr): evaluates expr (a Result<T>); on error returns its status,
// otherwise assigns (or declares, e.g. `auto x`) lhs with the value.
#define ASSIGN_OR_RETURN(lhs, expr) \
  BINLAKE_ASSIGN_OR_RETURN_IMPL(BINLAKE_CONCAT(binlake_result_, __LINE__), lhs, expr)
#define BINLAKE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return std::move(tmp).status();      \
  lhs = std::move(tmp).value()

// Like ASSIGN_OR_RETURN, adding context to the error message.
#define ASSIGN_OR_RETURN_CTX(lhs, expr, ...)                                              \
  BINLAKE_ASSIGN_OR_RETURN_CTX_IMPL(BINLAKE_CONCAT(binlake_result_, __LINE__), lhs, expr, \
                                    __VA_ARGS__)
#define BINLAKE_ASSIGN_OR_RETURN_CTX_IMPL(tmp, lhs, expr, ...)                     \
  auto tmp = (expr);                                                               \
  if (!tmp.ok()) return std::move(tmp).status().Context(fmt::format(__VA_ARGS__)); \
  lhs = std::move(tmp).value()
