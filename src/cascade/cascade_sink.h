#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cascade/foreign_keys.h"
#include "cascade/row_state.h"
#include "common/result.h"
#include "model/change.h"

namespace binlake {

// Puts into the change stream the row changes the server makes without logging them, in
// front of the outputs (docs/cascades.md):
//
//   - a foreign key's ON DELETE CASCADE / SET NULL and ON UPDATE CASCADE / SET NULL: after
//     the logged change of a parent row, the child rows InnoDB changed, found in the row
//     state, recursively as InnoDB does (at most 15 levels; an update does not cascade back
//     into a table the same cascade already updated);
//   - TRUNCATE TABLE: a delete of every row the state holds for the table, before the
//     statement.
//
// Synthesised changes carry origin kCascade / kTruncate and belong to the transaction of the
// change that caused them. Every change of a kept table, logged or synthesised, updates the
// row state.
//
// The stream may start before the outputs need it (the state is behind them after a crash):
// transactions that begin before hooks.outputs_from() update the state only. It may also go
// back behind the state (a restart, a dropped transaction): the state is rewound to the
// transaction's start first. `next` and `state` must outlive the sink. Single-threaded.
class CascadeSink : public ChangeSink {
 public:
  struct Options {
    bool cascades = true;       // synthesise foreign-key actions
    bool truncate_rows = true;  // keep every replicated table; TRUNCATE writes its rows as D
  };
  struct Hooks {
    // Whether the outputs take rows of the table.
    std::function<bool(const std::string& database, const std::string& table)> replicated;
    // The source's foreign keys as they are now (at start, after DDL).
    std::function<Result<std::vector<ForeignKey>>()> read_keys;
    // A table's schema as the source describes it now: for a table whose rows a cascade or
    // TRUNCATE changes before the stream has shown one of its own.
    std::function<Result<TableSchemaPtr>(const std::string& database, const std::string& table)>
        describe;
    // Where the outputs need the stream from.
    std::function<BinlogPosition()> outputs_from;
  };

  CascadeSink(Options options, Hooks hooks, RowState* state, ChangeSink* next);

  // Reads the foreign keys and declares the tables the state keeps for them; logs a summary.
  Status Start();
  // Whether the state keeps the table's rows (truncate_rows: every replicated table).
  bool Keeps(const std::string& database, const std::string& table) const;
  // Whether the table's row changes matter here: kept, or a parent of a cascading key.
  bool Needs(const std::string& database, const std::string& table) const {
    return Keeps(database, table) || graph_.IsParent(database + "." + table);
  }
  // The tables a cascade needs (children of cascading keys), replicated or not.
  const std::set<std::string>& cascade_tables() const { return needed_; }
  const ForeignKeyGraph& graph() const { return graph_; }
  uint64_t synthesized() const { return synthesized_; }

  Status Begin(const TransactionBegin& begin) override;
  Status Row(RowChange change) override;
  Status Schema(const SchemaChange& change) override;
  Status Commit(const TransactionEnd& end) override;
  void Discard() override;

 private:
  Status Refresh();
  Status EnsureKept(const std::string& qualified);
  Result<TableSchemaPtr> SchemaOf(const std::string& database, const std::string& table);
  // Applies a change to the state (kept tables only).
  Status Apply(const RowChange& change);
  // Applies, then passes on when the outputs take this transaction.
  Status Emit(RowChange change);
  // The changes a parent row's delete (after == nullptr) or update makes to child rows.
  Status Cascade(const TableSchema& table, const ::binlake::Row& before,
                 const ::binlake::Row* after, int depth, std::vector<std::string>* chain);

  const Options options_;
  const Hooks hooks_;
  RowState* const state_;
  ChangeSink* const next_;

  ForeignKeyGraph graph_;
  std::set<std::string> needed_;                   // cascade children the state keeps
  std::map<std::string, TableSchemaPtr> schemas_;  // newest schema seen per table
  BinlogPosition applied_;  // the end of the last transaction applied to the state
  BinlogPosition begin_;
  bool forward_ = true;  // the outputs take the open transaction
  bool in_txn_ = false;
  bool warned_depth_ = false;
  uint64_t synthesized_ = 0;
};

}  // namespace binlake
