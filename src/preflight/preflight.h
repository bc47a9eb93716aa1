#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "storage/s3_options.h"

namespace binlake {

// binlake check: a preflight of a configuration against its source and target, like DMS's
// "test connection" plus its pre-migration assessment. Every check ends in one line; a
// failed or doubtful one says how to fix it. The checks only read the source (and write,
// list and delete one probe object in the target), so they may run beside `binlake run`.

enum class Verdict : uint8_t { kPass, kWarn, kFail, kSkip };
std::string_view VerdictName(Verdict v);  // "PASS", "WARN", "FAIL", "SKIP"

struct CheckLine {
  std::string name;  // "binlog_format"
  Verdict verdict = Verdict::kPass;
  std::string detail;  // what was found
  std::string fix;     // what to do (WARN / FAIL / SKIP)
};

struct PreflightOptions {
  // The longest time binlake may be stopped: the binlog retention must be longer.
  int64_t max_downtime_s = 24 * 3600;
  // The largest tolerated difference between this machine's clock and the source's: lag and
  // the retention guard compare the two.
  double max_clock_skew_s = 5;
  // The target as `run` opens it: config.target.url resolved, and its S3 options.
  std::string target_url;
  S3Options s3;
};

// The lines a preflight collects, in order.
class CheckReport {
 public:
  void Add(std::string name, Verdict verdict, std::string detail, std::string fix = "");
  const std::vector<CheckLine>& lines() const { return lines_; }
  bool failed() const;
  // One line per check (its fix indented below it), or a JSON document.
  std::string Text() const;
  std::string Json() const;

 private:
  std::vector<CheckLine> lines_;
};

// Runs every check of `config`: the source (reachable, TLS, grants, binlog settings,
// retention, clock skew), the replicated tables (keys, cascading foreign keys, character
// sets) and the target (create, list, read, delete, conditional create).
CheckReport RunPreflight(const Config& config, const PreflightOptions& options);

}  // namespace binlake
