#pragma once

#include <cstdint>
#include <string>

#include "mysql/connection.h"

namespace binlake {

// Warns before the source purges binlog that binlake has not read yet. The source keeps its
// binlog for a retention time (binlog_expire_logs_seconds, expire_logs_days, or RDS/Aurora's
// "binlog retention hours"); a lag past it loses the changes in between for good. Check logs a
// warning once the lag reaches half the retention and an error past 80%, each at most every 10
// minutes while it lasts. Single-threaded.
// The source's binlog retention as its settings give it.
struct BinlogRetention {
  // The shortest of the settings it reports, in seconds; 0 when binlog is kept until purged by
  // hand (or the settings cannot be read).
  int64_t seconds = 0;
  // The setting that gives `seconds`, as "binlog_expire_logs_seconds = 86400"; empty for 0.
  std::string setting;
  // RDS / Aurora with "binlog retention hours" NULL: binlog is purged as soon as the server
  // no longer needs it, whatever the other settings say.
  bool rds_purges_at_once = false;
};

class RetentionGuard {
 public:
  static BinlogRetention ReadRetention(Connection* connection);
  // ReadRetention(connection).seconds.
  static int64_t ReadRetentionSeconds(Connection* connection) {
    return ReadRetention(connection).seconds;
  }

  explicit RetentionGuard(int64_t retention_seconds) : retention_s_(retention_seconds) {}

  // `lag_seconds`: how old the newest change read is (0 when caught up); `now_us` monotonic.
  // Returns the level logged: 0 none, 1 warning, 2 error.
  int Check(double lag_seconds, int64_t now_us);

 private:
  const int64_t retention_s_;
  int64_t warned_us_ = 0;  // monotonic time of the last warning (or error) logged
  int last_level_ = 0;
};

}  // namespace binlake
