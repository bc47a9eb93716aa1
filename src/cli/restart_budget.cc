#include "cli/restart_budget.h"

#include <algorithm>

namespace binlake::cli {

std::optional<int64_t> RestartBudget::After(const Status& status,
                                            const BinlogPosition& checkpoint) {
  if (!checkpoint.empty()) {
    if (!checkpoint_.empty() && checkpoint != checkpoint_) failures_ = 0;
    checkpoint_ = checkpoint;
  }
  if (status.ok() || !status.IsRetryable()) return std::nullopt;
  if (attempts_ >= 0 && failures_ >= attempts_) return std::nullopt;
  ++failures_;
  return std::min(max_interval_ms_, interval_ms_ << std::min<int64_t>(failures_ - 1, 20));
}

}  // namespace binlake::cli
