#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/table_schema.h"
#include "model/value.h"

namespace binlake {

// A place in a server's binary log: the file name and the byte offset in it. For a
// transaction's end this is where reading resumes (the offset after its last event).
struct BinlogPosition {
  std::string file;
  uint64_t offset = 0;

  bool empty() const { return file.empty(); }
  std::string ToString() const { return file + ":" + std::to_string(offset); }
  bool operator==(const BinlogPosition&) const = default;
  // Orders by file name (MySQL names sort: same basename, zero-padded counter), then offset.
  auto operator<=>(const BinlogPosition&) const = default;
};

enum class Op : uint8_t { kInsert, kUpdate, kDelete };

// 'I', 'U' or 'D' as in the DMS Op column.
char OpLetter(Op op);

// Where a row change comes from: a row event of the binlog, or binlake's own reckoning of a
// change the server made without logging it (docs/cascades.md).
enum class ChangeOrigin : uint8_t {
  kLogged,
  kCascade,   // a foreign key's ON DELETE / ON UPDATE action
  kTruncate,  // a row TRUNCATE TABLE removed
};

// "cascade" or "truncate"; empty for kLogged.
std::string_view OriginName(ChangeOrigin origin);

// One row changed by one row event, or synthesised (origin).
struct RowChange {
  Op op = Op::kInsert;
  // Schema of the table as of this change; shared, immutable.
  TableSchemaPtr table;
  // Before-image (kUpdate, kDelete); empty for kInsert.
  Row before;
  // After-image (kInsert, kUpdate); empty for kDelete.
  Row after;
  ChangeOrigin origin = ChangeOrigin::kLogged;
  // False when the session ran with foreign_key_checks=0 (the rows event says so): InnoDB
  // then performs no foreign-key actions for this change.
  bool foreign_key_checks = true;
};

// What is known when a transaction starts.
struct TransactionBegin {
  // "uuid:N", "uuid:tag:N" (MySQL) or "domain-server-seq" (MariaDB); empty without GTIDs.
  std::string gtid;
  // Commit time in microseconds since the epoch, UTC (immediate_commit_timestamp when the
  // server sends it, else the event header's seconds * 1e6).
  int64_t commit_time_micros = 0;
  // Position of the transaction's first event.
  BinlogPosition position;
};

// A DDL or other non-row statement that changes table shapes (CREATE/ALTER/DROP/RENAME/
// TRUNCATE). Arrives as its own transaction.
struct SchemaChange {
  std::string database;  // the default database the statement ran in
  std::string sql;
};

// What is known when a transaction commits.
struct TransactionEnd {
  // Where reading resumes after this transaction: checkpoint this once it is durable.
  BinlogPosition next_position;
  // The server's GTID set after this transaction (empty without GTIDs).
  std::string gtid_set;
};

// Receives the decoded change stream, one complete transaction at a time, in binlog order:
// Begin, then any number of Row / Schema calls, then Commit. If the stream breaks before
// Commit (reconnect, shutdown) the producer calls Discard and later replays the whole
// transaction from its beginning, so a sink never sees a partial transaction as committed.
//
// Row changes are passed by value and may be moved from. A sink must copy what it keeps
// beyond the call. Calls come from one thread; implementations need not be thread-safe.
class ChangeSink {
 public:
  virtual ~ChangeSink() = default;
  virtual Status Begin(const TransactionBegin& begin) = 0;
  virtual Status Row(RowChange change) = 0;
  virtual Status Schema(const SchemaChange& change) = 0;
  virtual Status Commit(const TransactionEnd& end) = 0;
  // Drops everything since the last Begin.
  virtual void Discard() = 0;
};

}  // namespace binlake
