#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cascade/row_codec.h"
#include "common/result.h"
#include "kv/lmdb_env.h"
#include "model/change.h"
#include "model/table_schema.h"

namespace binlake {

// The current rows of the tables binlake keeps state for, on local disk, and the binlog
// position they describe: what synthesising foreign-key cascades and TRUNCATE's deletes
// needs ("which child rows reference this key, and what are they now").
//
// One LMDB environment (kv/lmdb_env.h) in <spill.dir>/binlake-state-<lake hash>, with:
//   rows     (table number, row key) → count, shape, values. The key is the table's key
//            columns, or the whole row for a table without one (count: its duplicates);
//   lookups  (lookup number, values, row key) → "": rows by the child columns of a foreign
//            key, for each lookup a table declares (Keep);
//   undo     sequence → (transaction's first position, table, row key, earlier content):
//            what Rewind needs to go back to an earlier transaction boundary;
//   meta     the position, the boot it was written in, table and lookup numbers, shapes.
//
// Changes are made between BeginTransaction and EndTransaction; EndTransaction records the
// position after the transaction and commits to disk every so often (every 20k changes or
// second), so after kill -9 the state is at some transaction boundary, not necessarily the
// last. The caller reads the binlog again from min(position(), its outputs' positions):
// transactions the state is ahead of its outputs by are undone with Rewind, those it lacks
// it applies again. Prune drops undo records the outputs can no longer need.
//
// The content is trusted only in the boot that wrote it (no fsync): Open reports a state
// from another boot as empty. Not thread-safe: the replication thread owns it.
class RowState {
 public:
  // `name` empty: a throwaway state in a temporary folder (tests).
  static Result<std::unique_ptr<RowState>> Open(const std::string& parent, const std::string& name);

  // After the last committed transaction; empty when the state holds nothing trusted.
  const BinlogPosition& position() const { return position_; }
  const std::string& dir() const { return env_->dir(); }
  // Forgets everything (a new lake, or a state that cannot be trusted).
  Status Reset();

  // Declares a kept table and the column lists its rows are looked up by (a new lookup is
  // built from the stored rows). Declaring again replaces the lookups.
  Status Keep(const std::string& table, const std::vector<std::vector<std::string>>& lookups);
  bool Kept(const std::string& table) const { return tables_.count(table) != 0; }

  // REQUIRES for the changes below: between BeginTransaction and EndTransaction, or inside
  // a load (undo off).
  Status BeginTransaction(const BinlogPosition& begin);
  Status Upsert(const TableSchema& schema, const Row& row);
  Status Remove(const TableSchema& schema, const Row& row);
  Status EndTransaction(const BinlogPosition& end);
  // Drops the changes not yet committed to disk; position() is that of the last commit.
  Status Abandon();
  // Loading rows read in one snapshot: no undo records; Finish records `at` and commits.
  Status FinishLoad(const BinlogPosition& at);

  // The rows of `schema`'s table whose `columns` (a declared lookup) equal `values`.
  Status Find(const TableSchema& schema, const std::vector<std::string>& columns,
              const std::vector<Value>& values, std::vector<Row>* out);
  // Every row of the table, as `schema`'s columns.
  Status ForEach(const TableSchema& schema, const std::function<Status(Row row)>& fn);
  // Removes every row of the table (DROP, TRUNCATE) and its declaration.
  Status Drop(const std::string& table);
  // Moves a table's rows to a new name (RENAME TABLE).
  Status Rename(const std::string& from, const std::string& to);

  // Undoes every transaction that began at or after `to`; the state is then at `to`.
  // Fails when the undo records needed were pruned.
  Status Rewind(const BinlogPosition& to);
  // Drops the undo records of transactions that began before `horizon`.
  Status Prune(const BinlogPosition& horizon);
  // Commits now.
  Status Flush();

  uint64_t rows_written() const { return rows_written_; }

  // Commits to disk so far; changes when there is something new to back up. Thread-safe.
  uint64_t commits() const { return commits_.load(); }
  // Writes a copy of the committed state (rows, lookups, undo records, position) to `fd`.
  // Thread-safe: may run while the owner changes the state.
  Status CopyTo(int fd) const { return env_->CopyTo(fd); }
  // Replaces the state with a copy CopyTo wrote (the file at `path`, e.g. fetched from the
  // lake on another machine) and trusts it in this boot: the copy was complete when written.
  Status RestoreFrom(const std::string& path);

 private:
  struct Lookup {
    uint32_t number;
    std::vector<std::string> columns;
  };
  struct Table {
    uint32_t number;
    std::vector<Lookup> lookups;
  };

  explicit RowState(std::unique_ptr<LmdbEnv> env) : env_(std::move(env)) {}
  Status LoadMeta();
  Result<uint32_t> Number(const std::string& meta_key);
  Result<Table*> TableOf(const std::string& table);
  std::string RowKey(const TableSchema& schema, const Row& row) const;
  std::string Encode(const TableSchema& schema, const Row& row, uint32_t count);
  Result<StoredRow> Decode(std::string_view stored);
  // Writes (value) or removes (nullopt) a row with its lookup entries and undo record.
  // `value_lookups`: the new row's lookup keys when the caller has them (RowLookupKeys),
  // else they are read from `value`.
  Status Store(const Table& table, const std::string& key, const std::optional<std::string>& value,
               const std::vector<std::string>* value_lookups = nullptr);
  void RowLookupKeys(const Table& table, const std::string& key, const TableSchema& schema,
                     const Row& row, std::vector<std::string>* out) const;
  Status LookupKeys(const Table& table, const std::string& key, std::string_view stored,
                    std::vector<std::string>* out);
  Status PutMeta(const std::string& key, std::string_view value);
  Status MaybeCommit(bool now);

  std::unique_ptr<LmdbEnv> env_;
  MDB_dbi rows_ = 0, lookups_ = 0, undo_ = 0, meta_ = 0;
  BinlogPosition position_;                         // committed
  std::optional<BinlogPosition> pending_position_;  // recorded, not yet committed
  BinlogPosition horizon_;  // undo records exist for transactions from here on
  std::map<std::string, Table> tables_;
  std::map<uint64_t, std::vector<std::string>> shapes_;
  std::optional<BinlogPosition> txn_begin_;  // set inside a transaction: undo is recorded
  std::string txn_begin_bytes_;
  uint64_t next_undo_ = 1;
  uint64_t uncommitted_ = 0;
  uint64_t rows_written_ = 0;
  std::atomic<uint64_t> commits_{0};
  std::chrono::steady_clock::time_point last_commit_ = std::chrono::steady_clock::now();
};

}  // namespace binlake
