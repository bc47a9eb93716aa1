#include "pipeline/retention_guard.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <optional>

#include "common/logging.h"

namespace binlake {
namespace {

constexpr int64_t kRepeatUs = 600'000'000;  // 10 minutes

// The number a one-value query returns; nullopt when it fails (an unknown variable) or is NULL.
std::optional<double> Number(Connection* c, const std::string& sql) {
  Result<QueryResult> r = c->Query(sql);
  if (!r.ok() || r->rows.empty() || r->rows[0].empty() || !r->rows[0][0]) return std::nullopt;
  const std::string& text = *r->rows[0][0];
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc()) return std::nullopt;
  return v;
}

}  // namespace

BinlogRetention RetentionGuard::ReadRetention(Connection* c) {
  BinlogRetention out;
  auto take = [&](std::optional<double> seconds, std::string setting) {
    if (seconds && *seconds > 0 && (out.seconds == 0 || *seconds < out.seconds)) {
      out.seconds = static_cast<int64_t>(*seconds);
      out.setting = std::move(setting);
    }
  };
  // binlog_expire_logs_seconds where the server has it (MySQL 8, MariaDB 10.6+, which derive
  // expire_logs_days from it, rounded); expire_logs_days on older servers.
  std::optional<double> seconds = Number(c, "SELECT @@binlog_expire_logs_seconds");
  if (seconds && *seconds > 0) {
    take(seconds, fmt::format("binlog_expire_logs_seconds = {:.0f}", *seconds));
  } else if (std::optional<double> days = Number(c, "SELECT @@expire_logs_days")) {
    take(std::round(*days * 86400), fmt::format("expire_logs_days = {:g}", *days));
  }
  // RDS and Aurora keep binlog for "binlog retention hours" (NULL: purged as soon as possible).
  Result<QueryResult> rds = c->Query("CALL mysql.rds_show_configuration");
  if (rds.ok()) {
    for (const auto& row : rds->rows) {
      if (row.size() < 2 || !row[0] || *row[0] != "binlog retention hours") continue;
      if (!row[1]) {
        out.rds_purges_at_once = true;
        continue;
      }
      double hours = 0;
      auto [end, ec] = std::from_chars(row[1]->data(), row[1]->data() + row[1]->size(), hours);
      if (ec == std::errc())
        take(hours * 3600, fmt::format("binlog retention hours = {}", *row[1]));
    }
  }
  return out;
}

int RetentionGuard::Check(double lag_seconds, int64_t now_us) {
  if (retention_s_ <= 0) return 0;
  double share = lag_seconds / static_cast<double>(retention_s_);
  int level = share >= 0.8 ? 2 : share >= 0.5 ? 1 : 0;
  if (level == 0) {
    last_level_ = 0;
    return 0;
  }
  if (level <= last_level_ && now_us - warned_us_ < kRepeatUs) return 0;
  last_level_ = level;
  warned_us_ = now_us;
  if (level == 2) {
    LOG_ERROR(
        "binlake is {:.0f} s behind the source, {:.0f}% of its binlog retention ({} s): past "
        "it the server purges binlog binlake has not read, and those changes are lost to the "
        "lake. Raise the retention now (binlog_expire_logs_seconds, or CALL "
        "mysql.rds_set_configuration('binlog retention hours', N) on RDS), or find why binlake "
        "is slow (binlake status, /metrics)",
        lag_seconds, share * 100, retention_s_);
  } else {
    LOG_WARN(
        "binlake is {:.0f} s behind the source, half its binlog retention ({} s): if the lag "
        "keeps growing, binlog it has not read will be purged. Consider a longer retention",
        lag_seconds, retention_s_);
  }
  return level;
}

}  // namespace binlake
