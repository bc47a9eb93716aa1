#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "config/config.h"
#include "model/table_schema.h"
#include "model/value.h"

namespace binlake::validate {

// A row as the lake stores it, for a byte-exact comparison of source and lake: each column of
// the source table as the Parquet physical value the lake's writer produces for it. Source
// rows are written through that very writer (the change log's, or the Iceberg data files')
// into memory and read back; lake rows are read from the lake's files. Equal rows give equal
// bytes.
//
// Encoding, per column of the source table in order: 'A' (the lake file has no such column),
// 'N' (NULL), or 'V' followed by a 4-byte length and the value. The key is the same encoding
// of the key columns only (every column for a table without a key).
struct CanonicalRow {
  std::string key;
  std::string row;
};

// One decoded column of an encoded row.
struct CanonicalField {
  char tag = 'A';  // 'A', 'N' or 'V'
  std::string_view value;
};
// Splits an encoded row into its columns; false when it is malformed.
bool SplitCanonical(std::string_view row, std::vector<CanonicalField>* out);
// The columns that differ (by index); an 'A' on either side matches anything.
std::vector<size_t> DifferingColumns(std::string_view a, std::string_view b);
// A field for people without its type: printable UTF-8 quoted, other bytes as hex; NULL;
// "(absent)".
std::string DisplayField(const CanonicalField& f);

// Converts rows of one source table to their canonical form, and reads lake files in it.
// The change log's CSV fields are compared as their text, JSON lines values as compact JSON.
class Canonicalizer {
 public:
  // The change log, with the output settings that shape its values (format included).
  static Result<std::unique_ptr<Canonicalizer>> ForChangeLog(TableSchemaPtr table,
                                                             const OutputConfig& output);
  // The Iceberg table: `field_ids` maps a column name to its field id in the table's current
  // schema; a column without one is absent from the lake table.
  static Result<std::unique_ptr<Canonicalizer>> ForIceberg(
      TableSchemaPtr table, const std::map<std::string, int32_t>& field_ids,
      std::string soft_delete_column);

  // The canonical form of source rows (decoded as the binlog decoder would), moved from.
  Status Convert(std::vector<Row>* rows, std::vector<CanonicalRow>* out);

  // Reads the rows of a lake file and passes each with its Op: 'I', 'U' or 'D' (the Op
  // column of the change log; 'I' where there is none). Parquet is read row group by row
  // group; rows at the positions of `deleted` (ascending; Iceberg position deletes) and
  // soft-deleted rows are skipped. `load`: a change log's LOAD file (its CSV columns differ).
  Status ReadFile(std::string_view bytes, const std::string& origin,
                  const std::vector<int64_t>& deleted,
                  const std::function<Status(char op, CanonicalRow&& row)>& on_row,
                  bool load = false);

  const TableSchema& table() const { return *table_; }
  // Field `column` of an encoded row for people, by the column's type: integers and decimals
  // in decimal, floating point, strings quoted, other bytes as hex.
  std::string Display(size_t column, const CanonicalField& f) const;
  // "(id=42, region='eu')": an encoded key with its column names.
  std::string DisplayKey(std::string_view key) const;

 private:
  Canonicalizer() = default;
  Result<std::string> WriteFile(std::vector<Row>* rows);
  Status ReadParquet(std::string_view bytes, const std::string& origin,
                     const std::vector<int64_t>& deleted,
                     const std::function<Status(char op, CanonicalRow&& row)>& on_row);
  // CSV and JSON lines (canonical_text.cc). CSV columns by position: `layout` names them, or
  // the file's first line with `header`.
  Status ReadText(std::string_view bytes, const std::string& origin,
                  const std::vector<std::string>& layout, bool header,
                  const std::function<Status(char op, CanonicalRow&& row)>& on_row);
  bool text() const { return !iceberg_ && output_.format != OutputFormat::kParquet; }

  TableSchemaPtr table_;
  bool iceberg_ = false;
  OutputConfig output_;
  std::vector<int32_t> field_ids_;  // Iceberg: per source column, 0 for none
  std::string soft_delete_column_;
  int32_t soft_delete_id_ = 0;
  std::vector<int> key_;  // the key columns (every column without a key)
};

}  // namespace binlake::validate
