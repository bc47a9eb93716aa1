#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "model/change.h"
#include "model/table_schema.h"

namespace binlake {

// The records binlake keeps beside the data under `_binlake/` (docs/checkpoint-format.md).
// Plain data with JSON encoders; every decoder names the object it read in its errors.

struct TableState {
  int64_t schema_version = 0;
  // Highest field id ever given to a column of the table: ids of dropped columns are never
  // reused (Iceberg and Parquet readers match columns by id).
  int32_t last_field_id = 0;
  bool operator==(const TableState&) const = default;
};

// Change rows a table has had written, over the lake's life (DMS table statistics).
struct TableCounts {
  uint64_t inserts = 0;
  uint64_t updates = 0;
  uint64_t deletes = 0;
  int64_t last_update_ms = 0;  // commit time of its newest change
  bool operator==(const TableCounts&) const = default;
};

// Where replication resumes, written after every object of batch `seq` is durable.
struct Checkpoint {
  uint64_t seq = 0;
  BinlogPosition position;     // the binlog position after the batch's last transaction
  std::string gtid_set;        // the source's executed GTID set at that point ("" without)
  int64_t window_ms = 0;       // window start of the batch that ended here
  int64_t next_window_ms = 0;  // the next batch's window starts no earlier than this
  std::map<std::string, TableState> tables;  // keyed by "schema.table"
  // Keyed by the lake's "schema.table"; absent in checkpoints of older versions.
  std::map<std::string, TableCounts> counts;
  int64_t commit_time_ms = 0;  // commit time of the batch's last transaction (0: unknown)
  bool operator==(const Checkpoint&) const = default;
};

// Why a batch closed. kWindow and kSize follow from the binlog alone; kIdle (no transaction
// arrived), kClock (the wall clock passed the window's end while transactions kept arriving,
// e.g. with MariaDB's whole-second commit times) and kShutdown depend on when things happened
// and are known on replay only through the intent.
enum class CloseReason { kWindow, kSize, kIdle, kClock, kShutdown };
std::string_view CloseReasonName(CloseReason r);

// Written before any object of batch `seq` becomes visible: the batch's exact extent, so a
// restart after a crash cuts the same batch again (docs/checkpoint-format.md).
struct Intent {
  uint64_t seq = 0;
  uint64_t from_seq = 0;  // the checkpoint the batch starts from
  BinlogPosition end;     // the position after the batch's last transaction
  std::string gtid_set;   // GTID set at `end`
  int64_t window_ms = 0;
  CloseReason reason = CloseReason::kWindow;
  std::vector<std::string> objects;  // every data object key of the batch, sorted
  // The table filter the batch was cut with; a replay uses it, whatever the config says now.
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  bool operator==(const Intent&) const = default;
};

// A table's full load has begun. Written before CDC runs with the table in its filter, so a
// restart knows to finish the load rather than treat the table as CDC-only.
struct LoadStart {
  std::string schema;
  std::string table;
  BinlogPosition cdc_from;  // CDC of the table starts no later than here
  int64_t started_ms = 0;   // wall clock, ms since the epoch
  // The timestamp column of every LOAD row of the table, µs since the epoch: the source's
  // clock when the load began, in whole seconds, less 1 s and 1 µs. No change committed after
  // a LOAD row's snapshot has an earlier binlog time (whole seconds on MariaDB, taken when a
  // statement starts), so a LOAD row never sorts after a later change of its key by time
  // (docs/consuming.md). 0 in records written before the field existed: then the time each
  // LOAD file is read.
  int64_t row_time_micros = 0;
  bool operator==(const LoadStart&) const = default;
};

// One step of a table's full load: a range of the table's key read at one snapshot and
// written as one LOAD file (none when the range held no rows). Written before the file is
// uploaded; the step is done once its object exists (docs/checkpoint-format.md).
struct LoadRecord {
  uint64_t seq = 0;      // 1, 2, ... per table, in key order
  uint32_t counter = 0;  // LOAD file number; 0 without an object
  std::string object;    // key of the LOAD file, "" without one
  // The range as SQL literals of the key columns: rows with key > after (absent: from the
  // start) and key <= through (absent: to the end of the table; such a record is the last).
  std::optional<std::vector<std::string>> after;
  std::optional<std::vector<std::string>> through;
  uint64_t rows = 0;
  BinlogPosition snapshot;  // the binlog position the rows are placed at (high watermark)
  int64_t finished_ms = 0;
  bool operator==(const LoadRecord&) const = default;
};

std::string EncodeCheckpoint(const Checkpoint& c);
Result<Checkpoint> DecodeCheckpoint(std::string_view json, std::string_view origin);
std::string EncodeIntent(const Intent& i);
Result<Intent> DecodeIntent(std::string_view json, std::string_view origin);
std::string EncodeLoadStart(const LoadStart& s);
Result<LoadStart> DecodeLoadStart(std::string_view json, std::string_view origin);
std::string EncodeLoadRecord(const LoadRecord& r);
Result<LoadRecord> DecodeLoadRecord(std::string_view json, std::string_view origin);
// A table schema with the position where it took effect.
std::string EncodeSchema(const TableSchema& schema, const BinlogPosition& since);
Result<TableSchema> DecodeSchema(std::string_view json, std::string_view origin);

}  // namespace binlake
