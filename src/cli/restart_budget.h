#pragma once

#include <cstdint>
#include <optional>

#include "common/status.h"
#include "model/change.h"

namespace binlake::cli {

// How `binlake run` restarts itself after an error worth retrying (config `recovery`):
// at most `attempts` restarts in a row (negative: no limit), waiting `interval_ms` doubled on
// each, up to `max_interval_ms`. A run that moved the lake's checkpoint on made progress: the
// count starts over.
class RestartBudget {
 public:
  RestartBudget(int64_t attempts, int64_t interval_ms, int64_t max_interval_ms)
      : attempts_(attempts), interval_ms_(interval_ms), max_interval_ms_(max_interval_ms) {}

  // A run ended with `status`, its checkpoint at `checkpoint` (empty when it failed before
  // it read one). Returns how long to wait before starting again, or nullopt to stop: the
  // run succeeded, the error is not worth retrying, or the restarts are used up.
  std::optional<int64_t> After(const Status& status, const BinlogPosition& checkpoint);

  // Restarts in a row so far.
  int64_t failures() const { return failures_; }

 private:
  const int64_t attempts_, interval_ms_, max_interval_ms_;
  int64_t failures_ = 0;
  BinlogPosition checkpoint_;  // of the last run that knew one
};

}  // namespace binlake::cli
