#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "binlog/events.h"
#include "binlog/table_map_cache.h"
#include "binlog/xa.h"
#include "common/status.h"
#include "model/change.h"
#include "model/gtid_set.h"

namespace binlake {

struct AssemblerOptions {
  // Consulted for TABLE_MAPs without column names; may be null (columns become col_1...).
  SchemaResolver* resolver = nullptr;
  // The binlog file the first event belongs to; ROTATE events move it on.
  std::string binlog_file;
  // The GTID set executed before the first event. When empty, the first PREVIOUS_GTIDS /
  // GTID_LIST event of the input sets it.
  GtidSet gtid_set;
  // Where the rows of prepared XA transactions wait for their XA COMMIT; null keeps them in
  // memory, for this assembler's life only.
  PreparedTransactions* prepared = nullptr;
  // An XA COMMIT whose XA PREPARE was never read: false fails (its rows would be missing),
  // true commits it without rows (reading a window of the binlog, where the transaction
  // also reaches the output through the main stream).
  bool commit_unknown_xa_empty = false;
};

// Turns decoded events (in binlog order, from EventStream) into whole transactions for a
// ChangeSink:
//
//   GTID / BEGIN                 -> Begin (gtid, commit time, first event's position)
//   rows events                  -> Row per row (decoded with the table's schema)
//   XID / COMMIT                 -> Commit (next_position = end of the commit event,
//                                   gtid_set including this transaction)
//   other statements (DDL)       -> Begin + Schema + Commit, or Schema inside an open
//                                   transaction
//   ROLLBACK                     -> Discard
//   XA START .. XA PREPARE       -> rows parked in PreparedTransactions, nothing emitted
//   XA COMMIT xid                -> Begin + the parked rows + Commit, at the XA COMMIT
//   XA ROLLBACK xid              -> Begin + Commit (no rows), at the XA ROLLBACK
//   XA .. COMMIT ONE PHASE       -> one transaction (MySQL logs it as a one-phase prepare)
//
// Commit time is MySQL's immediate_commit_timestamp (µs) when the GTID event carries it, else
// the first event's header seconds. MINIMAL/NOBLOB images keep absent columns as
// Value::Absent(). Fails loudly on INCIDENT, an XA COMMIT whose XA PREPARE it never read, rows
// without a TABLE_MAP and undecodable rows, naming the position.
//
// Does not own the sink or resolver. Not thread-safe.
class TransactionAssembler {
 public:
  TransactionAssembler(ChangeSink* sink, AssemblerOptions options);

  Status Consume(const Event& event);

  bool in_transaction() const { return in_transaction_; }
  // Where reading resumes after the last committed transaction.
  const BinlogPosition& resume_position() const { return resume_; }
  const GtidSet& gtid_set() const { return gtid_set_; }
  const std::string& binlog_file() const { return file_; }
  const TableMapCache& tables() const { return tables_; }
  // The GTID of the open (or, between transactions, the announced) transaction.
  const std::string& current_gtid() const { return gtid_text_; }

 private:
  Status OnQuery(const Event& event, const QueryEvent& q);
  Status OnRows(const Event& event, const RowsEvent& rows);
  Status OnGtid(const Event& event, const GtidEvent& g);
  Status OnXa(const Event& event, const QueryEvent& q);
  Status OnXaPrepare(const Event& event, const XaPrepareEvent& x);
  Status Begin(const Event& event);
  Status Commit(const Event& event);
  Status AddGtid();
  void Discard();
  void DropXa();

  ChangeSink* sink_;
  TableMapCache tables_;
  std::string file_;
  GtidSet gtid_set_;
  bool gtid_set_known_ = false;
  BinlogPosition resume_;

  bool in_transaction_ = false;
  // The announced transaction (a GTID event seen, BEGIN or the statement not yet).
  bool has_gtid_ = false;
  GtidEvent gtid_;
  std::string gtid_text_;
  uint64_t gtid_position_ = 0;
  uint32_t gtid_timestamp_ = 0;
  bool standalone_ = false;  // MariaDB GTID with FL_STANDALONE: one statement, no COMMIT

  std::unique_ptr<PreparedTransactions> own_prepared_;  // when options.prepared is null
  PreparedTransactions* prepared_;
  bool commit_unknown_xa_empty_;
  // An XA transaction being read up to its XA PREPARE: its rows wait here, not in the sink.
  bool xa_open_ = false;
  uint64_t xa_position_ = 0;  // of its group's first event
  std::vector<RowChange> xa_rows_;
  // The last transactions an XA COMMIT or XA ROLLBACK ended in this input (xid, prepare
  // position): a server never ends one twice, and a damaged binlog that does must not make
  // each repeat copy the transaction's rows again.
  std::vector<std::pair<std::string, BinlogPosition>> recently_ended_;
};

}  // namespace binlake
