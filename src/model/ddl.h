#pragma once

#include <string>
#include <vector>

#include "model/change.h"

namespace binlake {

// A table named by a statement: schema (the statement's default database when unqualified)
// and name, backticks removed.
struct DdlTable {
  std::string database;
  std::string table;
  bool operator==(const DdlTable&) const = default;
};

// What a DDL statement means for the outputs, as far as the rows do not show it.
struct DdlEffect {
  // TRUNCATE TABLE, DROP TABLE: the table holds no rows afterwards.
  std::vector<DdlTable> emptied;
  // Those of `emptied` a TRUNCATE TABLE emptied (the table itself stays).
  std::vector<DdlTable> truncated;
  // RENAME TABLE a TO b, ALTER TABLE a RENAME TO b: a is emptied, b holds a's rows.
  std::vector<std::pair<DdlTable, DdlTable>> renamed_tables;
  // ALTER TABLE t RENAME COLUMN x TO y, ALTER TABLE t CHANGE [COLUMN] x y ...: a column
  // keeps its values under a new name.
  struct ColumnRename {
    DdlTable table;
    std::string from;
    std::string to;
  };
  std::vector<ColumnRename> renamed_columns;
  // ALTER TABLE t ADD a column with a value in existing rows (DEFAULT, NOT NULL, generated):
  // the binlog does not carry those values, so the table must be loaded again.
  std::vector<DdlTable> reload;
};

// Reads the statements above from a DDL event's SQL (leading comments allowed, names quoted
// or not, case-insensitive keywords). Anything else has no effect.
DdlEffect ParseDdl(const SchemaChange& change);

}  // namespace binlake
