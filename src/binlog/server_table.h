#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/row_image.h"
#include "binlog/table_map_cache.h"
#include "common/result.h"
#include "model/table_schema.h"
#include "model/value.h"
#include "mysql/connection.h"

namespace binlake {

// A table as the server describes it now (information_schema), in the binlog's own terms:
// the description a TABLE_MAP written with binlog_row_metadata=FULL would carry. The full
// load reads rows with SELECT and must produce exactly the schema and values the binlog
// decoder produces for the same rows, so LOAD and CDC files of a table share one lake schema.
struct ServerTable {
  std::string database;
  std::string table;
  // Names, signedness, nullability, collations, ENUM/SET members, invisibility, and the key
  // (PRIMARY, else the first unique index whose columns are all NOT NULL; empty if none).
  ResolvedTable resolved;
  // Per column: the TABLE_MAP type byte and metadata the server writes for it.
  std::vector<ColumnWire> wires;
  // Per column: CHARACTER_SET_NAME ("utf8mb4", "latin1", ...; "binary" for binary strings;
  // empty for non-string types). Names the charset of key literals in chunk queries.
  std::vector<std::string> charsets;
};

// Describes `database`.`table` from information_schema over `connection`. kNotFound when the
// table does not exist; kUnimplemented naming the column for a type binlake cannot map.
Result<ServerTable> DescribeServerTable(Connection* connection, std::string_view database,
                                        std::string_view table);

// The schema the binlog decoder publishes for the table (version 1, no field ids yet).
TableSchemaPtr ServerTableSchema(const ServerTable& table);

// Reading rows with SELECT so that each value equals the binlog decoder's Value for it.
// The session must have time_zone '+00:00' (TIMESTAMP text is UTC) and character_set_results
// NULL (strings arrive in their column's charset and are converted here exactly as the
// decoder converts binlog bytes).
//
// The select-list expression for a column: the column itself, or an exact numeric form for
// FLOAT (widened to DOUBLE, whose text round-trips), BIT, ENUM and SET (their number).
std::string SelectExpression(const Column& column);
// Converts one value of a SelectExpression result (nullopt = NULL). kCorruption names the
// column and the text when the server's text is not a value of the column's type.
Status ParseSelectedValue(const Column& column, std::optional<std::string_view> text, Value* out);

// The text of a key column value as an SQL literal for range predicates: numbers and
// temporals as the server printed them (temporals quoted), strings as a hex literal with the
// column's charset introducer, so that comparisons use the column's collation and its index.
// `raw` is the column's plain SELECT text (not SelectExpression's).
std::string KeyLiteral(const Column& column, std::string_view charset, std::string_view raw);

// Whether ranges over this key column can be computed with SQL comparisons in index order:
// integers, DECIMAL, temporals and strings; not FLOAT/DOUBLE, BIT, ENUM, SET, JSON, spatial.
bool ChunkableKeyColumn(const Column& column);

}  // namespace binlake
