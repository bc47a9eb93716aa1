#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "format/jsonl_writer.h"
#include "model/change.h"

namespace binlake {

// Facts about the transaction a change belongs to, rendered into metadata columns.
struct ChangeContext {
  int64_t commit_time_micros = 0;
  // The transaction's first event: known when its rows arrive (its end is not, until the
  // commit), so the JSON "pos" and the sequence column are taken from it.
  BinlogPosition begin;
  std::string gtid;
};

// The total-order sequence of a change: 28 decimal digits, so that text order is numeric
// order: binlog file number (6), offset of the transaction's first event (12), and the row's
// 1-based index inside the transaction (10). Full-load rows use index 0 at the binlog
// position of their snapshot, which places them before every change made after it.
std::string SequenceValue(const BinlogPosition& begin, uint64_t row_index);

// How one table's changes become output rows in the configured format:
//   CSV, Parquet:  [Op] [timestamp column] [sequence column] table columns...
//   JSON lines:    {"op", "schema", "table", "commit_ts", "pos", "gtid", ["synthesized"],
//                   [sequence],
//                   "data": {...}, "old": {...}}   ("pos": "file:offset" of context.begin)
// Op is left out when cdc_inserts_only is set without include_op_for_full_load, and from
// LOAD files without include_op_for_full_load (as DMS).
// Rows of the transaction-ordered stream (ForStream) carry the table and then the schema name
// right after Op in CSV, as DMS's transaction files ("operation,table_name,
// database_schema_name,field_value,..."); JSON lines records name both already.
// Immutable; thread-safe.
class ChangeRowShape {
 public:
  // `table` must be the lake schema (field ids assigned) the file is written with. `load`:
  // rows of a full-load (LOAD) file, which have an Op column only with
  // include_op_for_full_load (as DMS).
  ChangeRowShape(const OutputConfig& output, TableSchemaPtr table, bool load = false);
  // The shape of the table's rows in the transaction-ordered stream (preserve_transactions).
  static std::unique_ptr<ChangeRowShape> ForStream(const OutputConfig& output,
                                                   TableSchemaPtr table);

  const std::vector<Column>& columns() const { return columns_; }
  const std::vector<JsonPlace>& json_places() const { return places_; }
  const TableSchemaPtr& table() const { return table_; }

  // False when the output settings drop this change (cdc_inserts_only,
  // cdc_inserts_and_updates); otherwise fills *out. row_index is 1-based in the transaction.
  bool Build(const RowChange& change, const ChangeContext& context, uint64_t row_index,
             Row* out) const;
  // The same, moving the images out of `change` (left valid but unspecified).
  bool Build(RowChange&& change, const ChangeContext& context, uint64_t row_index, Row* out) const;

 private:
  enum class Kind { kCdc, kLoad, kStream };
  ChangeRowShape(const OutputConfig& output, TableSchemaPtr table, Kind kind);

  const OutputConfig output_;
  TableSchemaPtr table_;
  bool json_;
  bool op_column_;
  bool names_column_;  // table and schema name columns after Op (CSV stream rows)
  std::vector<Column> columns_;
  std::vector<JsonPlace> places_;
};

}  // namespace binlake
