#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "common/clock.h"
#include "config/config.h"
#include "config/table_filter.h"
#include "iceberg/catalog.h"
#include "iceberg/iceberg_table.h"
#include "mapping/table_mapping.h"
#include "model/change.h"
#include "storage/object_store.h"

namespace binlake {

// Keeps one Iceberg table per replicated table equal to the source (docs/iceberg.md). The
// tables' key indexes share one on-disk store under `spill_dir`.
//
// Changes are collected per table and committed every commit_interval, always at a
// transaction boundary: each table with changes gets one snapshot whose summary holds the
// binlog position after the last transaction it contains (binlake.position,
// binlake.gtid-set). After all tables of a round have committed, the position is also
// written to <root>/_binlake/iceberg/position.json: every table holds every change up to it.
//
// Restart: Recover returns that position; the stream starts there (or earlier, for the change
// log), and a table whose own snapshot is further ahead skips the transactions it already
// holds, so no change is applied twice and none is lost. A transaction that begins before
// the position this sink has already received is skipped as a whole (replays after a
// reconnect).
//
// `store` and `clock` must outlive the sink. Single-threaded, as every ChangeSink.
class IcebergSink : public ChangeSink {
 public:
  static Result<std::unique_ptr<IcebergSink>> Create(const IcebergConfig& config,
                                                     const TablesConfig& tables,
                                                     const std::string& spill_dir,
                                                     uint64_t memory_limit, ObjectStore* store,
                                                     Clock* clock);

  // The position every table holds every change up to, or nullopt for a first start.
  Result<std::optional<BinlogPosition>> Recover();
  // Where the stream starts (a first start: the change log's position). Until the first
  // round commits, a Discard restarts the stream there.
  void StartAt(const BinlogPosition& position) {
    if (!committed_) committed_ = position;
  }

  // Whether rows of the table reach an Iceberg table (a caller may skip passing others).
  bool Follows(const TableSchema& table) const { return Takes(table.database, table.table); }
  // The DMS table mapping whose source filters decide which rows the tables hold (its
  // transformations shape the change log only). Call before the first Load or Row.
  void SetMapping(std::shared_ptr<const TableMapping> mapping) { mapping_ = std::move(mapping); }

  Status Begin(const TransactionBegin& begin) override;
  Status Row(RowChange change) override;
  Status Schema(const SchemaChange& change) override;
  Status Commit(const TransactionEnd& end) override;
  // Drops everything not yet committed; the stream must restart at RestartPosition().
  void Discard() override;

  // Commits when the interval has passed (call when the source is idle).
  Status Tick();
  // Commits everything pending now (shutdown, --stop-at-end).
  Status Flush();

  // Full load. Whether the table's rows must be loaded: it has no Iceberg table yet, or one
  // whose load did not finish (its snapshot summary says binlake.full-load=in-progress).
  // False for tables the iceberg filter leaves out.
  Result<bool> NeedsLoad(const std::string& database, const std::string& table);
  // Replaces the table's content with rows read in one consistent snapshot at *position
  // (set by `read` before its first row): `read` calls its argument once per row (columns
  // of `schema`). Rows stream into target-size data files, each committed as it closes with
  // binlake.full-load=in-progress; a last snapshot without it ends the load. The table then
  // follows the binlog from *position on.
  Status Load(const TableSchemaPtr& schema, const BinlogPosition* position,
              const std::function<Status(const std::function<Status(::binlake::Row&&)>&)>& read);

  // How a table is loaded again from the source (a Load at the source's current position),
  // when the rows alone cannot keep it correct: a column type change Iceberg cannot
  // promote, or the new name of a RENAME TABLE. Without one such a table is left as it is,
  // with a warning.
  using Reloader = std::function<Status(const std::string& database, const std::string& table)>;
  void SetReloader(Reloader reloader) { reloader_ = std::move(reloader); }

  // The key indexes' files (under spill.dir).
  const std::string& index_dir() const { return index_store_->dir(); }

  // Where the stream must restart after Discard: the last committed round's position.
  std::optional<BinlogPosition> RestartPosition() const { return committed_; }

 private:
  struct TableState {
    std::unique_ptr<IcebergTable> table;
    BinlogPosition position;  // what its current snapshot holds
    bool touched_in_txn = false;
    bool dirty = false;
    int64_t cleaned_us = 0;  // monotonic time of the last orphan cleanup
  };

  IcebergSink(const IcebergConfig& config, TableFilter replicated, TableFilter filter,
              ObjectStore* store, Clock* clock);
  // Whether the table gets an Iceberg table: replicated (tables.include/exclude) and taken by
  // iceberg.include/exclude. DDL events of every database pass through the sink.
  bool Takes(std::string_view database, std::string_view table) const;
  Result<TableState*> GetTable(const TableSchema& schema);
  Status CommitAll(const BinlogPosition& position, const std::string& gtid_set);
  Status CommitTable(TableState* t, const BinlogPosition& position, const std::string& gtid_set);
  Status Truncate(const std::string& database, const std::string& table);
  Status Reload(const std::string& database, const std::string& table);
  Status Cleanup(const std::string& name, TableState* t);

  const IcebergConfig config_;
  const TableFilter replicated_;
  // Takes' answers by schema NUL table (the patterns are matched once per table).
  mutable std::unordered_map<std::string, bool> takes_;
  const TableFilter filter_;
  std::shared_ptr<const TableMapping> mapping_;  // null: every row of a followed table
  ObjectStore* const store_;
  Clock* const clock_;
  FileSystemCatalog catalog_;
  std::shared_ptr<KeyIndexStore> index_store_;  // every table's key index

  std::map<std::string, TableState> tables_;  // by schema.table
  std::optional<BinlogPosition> committed_;   // the last round's position
  std::optional<BinlogPosition> received_;    // after the last transaction taken
  BinlogPosition last_end_;                   // after the last transaction seen
  std::string last_gtid_set_;
  TransactionBegin begin_;
  bool in_txn_ = false;
  bool skip_txn_ = false;
  int64_t last_commit_us_ = 0;  // monotonic
  Reloader reloader_;
  std::vector<TableState*> touched_;  // tables the open transaction changed
  uint64_t pending_bytes_ = 0;        // pending changes of every table (an estimate)
  // Pending changes of all tables past this many bytes are committed at the next
  // transaction boundary, whatever the interval (spill.transaction_memory_limit).
  uint64_t memory_limit_ = 64ull << 20;
};

}  // namespace binlake
