#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace binlake {

// One column of a text-protocol result set (Protocol::ColumnDefinition41).
struct ColumnInfo {
  std::string schema;
  std::string table;      // alias as written in the query
  std::string org_table;  // the physical table
  std::string name;       // alias as written in the query
  std::string org_name;   // the physical column
  uint16_t collation_id = 0;
  uint32_t length = 0;  // maximum display length
  uint8_t type = 0;     // MySQL type code (MYSQL_TYPE_*)
  uint16_t flags = 0;   // NOT_NULL 1, PRI_KEY 2, UNSIGNED 32, BINARY 128, ...
  uint8_t decimals = 0;

  static Result<ColumnInfo> Parse(std::string_view payload);
};

// A text-protocol row: values as the server sent them (exact bytes), nullopt for NULL. The
// views point into the connection's read buffer and are valid during the row callback only.
using TextRowView = std::vector<std::optional<std::string_view>>;

// Splits one text-protocol row payload into `column_count` values.
// kCorruption when the payload holds fewer or more values.
Status ParseTextRow(std::string_view payload, size_t column_count, TextRowView* out);

// A complete, owned result of Connection::Query. Plain data.
struct QueryResult {
  std::vector<ColumnInfo> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
  // From the OK packet of a statement without a result set.
  uint64_t affected_rows = 0;
  uint64_t last_insert_id = 0;
  uint16_t warnings = 0;

  // Index of the column named `name` (as in the query), or -1.
  int ColumnIndex(std::string_view name) const;
};

}  // namespace binlake
