#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/config.h"
#include "storage/s3_options.h"

namespace binlake {

// binlake validate: compares each replicated table on the source with its copies in the lake
// (the change log folded to latest state, and the Iceberg table) row by row, while CDC keeps
// running (docs/operations.md).
//
// Round 1 reads the whole table in one consistent snapshot at binlog position S, waits until
// the output holds every change up to S, and compares each row's canonical form
// (validate/canonical.h) with the output's. A differing key is re-checked: in each further
// round its rows are read again in a new snapshot (by key; the whole table when a key is only
// in the lake) and compared once the output has passed that snapshot. A key whose source row
// and output row both stayed the same over three rounds (two re-checks; two rounds with
// rechecks = 1) and still differ is a difference; one that became equal was a change in flight;
// one that kept changing is "unsettled" (reported, not a failure).
//
// Memory: the differing keys (at most max_pending per table) and one batch of rows; the
// output's rows are folded into LMDB under work_dir.
struct ValidateOptions {
  // Table patterns ("shop.orders", "shop.%"); empty: every replicated table.
  std::vector<std::string> tables;
  int rechecks = 3;
  int64_t wait_ms = 600'000;  // how long to wait for an output to reach a snapshot
  size_t list = 20;           // differing keys listed per table and output
  size_t max_pending = 100'000;
  std::string work_dir;  // local folder for the folded rows; empty: $TMPDIR
  std::string target_url;
  S3Options s3;
};

// The comparison of one table with one output.
struct ValidateResult {
  std::string table;    // the source's "schema.table"
  std::string output;   // "change log shop/orders", "iceberg iceberg/shop/orders"
  std::string skipped;  // why it was not compared; empty when it was
  std::string error;    // why the comparison could not finish
  uint64_t source_rows = 0;
  uint64_t lake_rows = 0;
  uint64_t differences = 0;  // rows that differ
  uint64_t unsettled = 0;    // rows that changed during every re-check
  uint64_t unchecked = 0;    // differing rows past max_pending, not re-checked
  int rounds = 0;
  std::string at;  // the binlog position of the last snapshot compared
  std::vector<std::string> listed;
  bool failed() const { return !error.empty() || differences > 0 || unchecked > 0; }
};

struct ValidateReport {
  std::vector<ValidateResult> results;
  bool failed() const;
  std::string Text() const;
  std::string Json() const;
};

// kInvalidArgument / kFailedPrecondition for a configuration validate cannot work with; a
// table's own trouble is in its result.
Result<ValidateReport> RunValidate(const Config& config, const ValidateOptions& options);

}  // namespace binlake
