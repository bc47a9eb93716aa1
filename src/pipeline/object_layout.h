#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "config/config.h"

namespace binlake {

// Object keys of the change log, in the layout AWS DMS writes (docs/object-layout.md):
//
//   <schema>/<table>/LOAD00000001.csv                 full-load files, hex counter
//   <schema>/<table>/20261122-164500123.csv           CDC files, named by batch window
//   <schema>/<table>/20261122-164500123-0002.csv      a further file of the same batch
//   <schema>/<table>/2026/11/22/20261122-...csv       with date_partition_enabled
//   <cdc_path>/<schema>/<table>/20261122-...csv       CDC files with cdc_path (LOAD stays)
//   <cdc_path>/CDC_TXN-20261122164500123.csv          the transaction-ordered stream of all
//                                                     tables (cdc_path + preserve_transactions)
//
// Extensions: csv, json, parquet; ".gz" is appended for gzip-compressed CSV and JSON.
// Keys are relative to the store root. Immutable; thread-safe.
class ObjectLayout {
 public:
  // Validates the date-partition settings and cdc_path (a relative folder: no "." or ".."
  // segment, not binlake's own "_binlake"; slashes around it are dropped).
  static Result<ObjectLayout> Create(const OutputConfig& output);

  // A CDC file of a table. window_ms: the batch's window start (ms since the epoch, UTC);
  // part: 1 for the first file of the table in the batch, 2, 3... for further ones.
  std::string CdcKey(const std::string& schema, const std::string& table, int64_t window_ms,
                     int part) const;
  // A file of the transaction-ordered stream (preserve_transactions), named as DMS names its
  // transaction files: CDC_TXN-<yyyymmddhhmmssfff of the window>[-<part>].<ext>.
  // REQUIRES: cdc_path is set.
  std::string CdcPathKey(int64_t window_ms, int part) const;
  // A full-load file; counter starts at 1.
  std::string LoadKey(const std::string& schema, const std::string& table, uint32_t counter) const;

  const std::string& extension() const { return extension_; }

 private:
  std::string FileName(int64_t window_ms, int part) const;
  std::string DateFolder(int64_t window_ms) const;

  std::string extension_;
  bool date_partition_ = false;
  std::string date_sequence_;
  std::string date_delimiter_;
  int64_t tz_offset_ms_ = 0;
  std::string cdc_path_;
};

// "UTC", "Z", or a fixed offset "+05:30" / "-0800" → milliseconds east of UTC.
Result<int64_t> ParseUtcOffsetMs(std::string_view tz);

}  // namespace binlake
