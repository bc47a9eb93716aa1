#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "binlog/table_map.h"
#include "common/result.h"
#include "model/table_schema.h"

namespace binlake {

// What the live path knows about a table from the server itself (information_schema), for
// TABLE_MAPs that lack names and other details (binlog_row_metadata=MINIMAL, MySQL < 8.0.1,
// MariaDB < 10.5). Columns carry name, is_unsigned, nullable, collation_id, elements and
// invisible; key_columns the primary (or chosen unique) key.
struct ResolvedTable {
  std::vector<Column> columns;
  std::vector<int> key_columns;
};

// Supplies table descriptions the binlog does not carry. Implemented by the live path; the
// description is of the table as it is now, so a resolver is only consulted for TABLE_MAPs
// that lack names, and a column count different from the TABLE_MAP's is an error.
class SchemaResolver {
 public:
  virtual ~SchemaResolver() = default;
  virtual Result<ResolvedTable> Resolve(std::string_view database, std::string_view table) = 0;
  // Whether the table's description is worth asking for: tables nobody replicates are
  // described from their TABLE_MAP alone (their rows are dropped anyway).
  virtual bool Wants(std::string_view /*database*/, std::string_view /*table*/) { return true; }
};

// A table id's current mapping: the TABLE_MAP and the schema published for it.
struct TableEntry {
  std::shared_ptr<const TableMap> map;
  TableSchemaPtr schema;
  // True when the TABLE_MAP had no column names and no resolver supplied them: columns are
  // named "col_1", "col_2", ... in table order.
  bool names_guessed = false;
};

// Turns TABLE_MAPs into TableSchemas and remembers them by table id. A table keeps its
// TableSchemaPtr while its TABLE_MAP bytes stay the same; a changed TABLE_MAP (or the first
// one after Invalidate()) publishes a new schema with version + 1. Field ids stay with column
// names across versions; new columns get new ids.
//
// Does not own the resolver (may be null). Not thread-safe.
class TableMapCache {
 public:
  explicit TableMapCache(SchemaResolver* resolver = nullptr) : resolver_(resolver) {}

  Result<const TableEntry*> Update(std::shared_ptr<const TableMap> map);
  // nullptr when no TABLE_MAP for this id has been seen.
  const TableEntry* Find(uint64_t table_id) const;
  // After DDL: resolved descriptions may be stale; the next TABLE_MAP of every table builds
  // its schema again (a new version if anything differs).
  void Invalidate();

 private:
  struct Published {
    std::string definition;
    TableSchemaPtr schema;
    bool stale = false;
  };

  Result<TableSchemaPtr> BuildSchema(const TableMap& map, const TableSchema* previous,
                                     bool* names_guessed);

  SchemaResolver* resolver_;
  bool warned_minimal_ = false;
  std::unordered_map<uint64_t, TableEntry> by_id_;
  std::unordered_map<std::string, Published> by_name_;
};

}  // namespace binlake
