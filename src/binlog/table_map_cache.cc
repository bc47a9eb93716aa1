#include "binlog/table_map_cache.h"

#include <algorithm>

#include "common/logging.h"

namespace binlake {

const TableEntry* TableMapCache::Find(uint64_t table_id) const {
  auto it = by_id_.find(table_id);
  return it == by_id_.end() ? nullptr : &it->second;
}

void TableMapCache::Invalidate() {
  for (auto& [name, published] : by_name_) published.stale = true;
  by_id_.clear();
}

Result<const TableEntry*> TableMapCache::Update(std::shared_ptr<const TableMap> map) {
  auto it = by_id_.find(map->table_id);
  if (it != by_id_.end() && it->second.map == map) return &it->second;
  std::string name = map->database + "." + map->table;
  Published& published = by_name_[name];
  TableEntry entry;
  entry.map = map;
  if (published.schema != nullptr && !published.stale && published.definition == map->definition) {
    entry.schema = published.schema;
    entry.names_guessed = !map->has_names && it != by_id_.end() && it->second.names_guessed;
  } else {
    bool guessed = false;
    ASSIGN_OR_RETURN(TableSchemaPtr schema, BuildSchema(*map, published.schema.get(), &guessed));
    published.definition = map->definition;
    published.stale = false;
    published.schema = schema;
    entry.schema = std::move(schema);
    entry.names_guessed = guessed;
  }
  if (by_id_.size() >= 4096) by_id_.clear();  // table ids are re-mapped before every use
  TableEntry& slot = by_id_[map->table_id];
  slot = std::move(entry);
  return &slot;
}

Result<TableSchemaPtr> TableMapCache::BuildSchema(const TableMap& map, const TableSchema* previous,
                                                  bool* names_guessed) {
  auto schema = std::make_shared<TableSchema>();
  schema->database = map.database;
  schema->table = map.table;
  schema->version = previous == nullptr ? 1 : previous->version + 1;
  size_t n = map.columns.size();
  bool has_enum_set = false;
  for (const ColumnWire& w : map.columns) {
    MysqlType real = RealType(w);
    has_enum_set = has_enum_set || real == MysqlType::kEnum || real == MysqlType::kSet;
  }
  ResolvedTable resolved;
  // Without a primary key in the TABLE_MAP, only the key is missing from a FULL description.
  bool self_described =
      map.has_names && map.has_signedness && (!has_enum_set || map.has_enum_set_values);
  bool use_resolver = resolver_ != nullptr && resolver_->Wants(map.database, map.table) &&
                      (!self_described || !map.has_primary_key);
  if (use_resolver && !self_described && !warned_minimal_) {
    warned_minimal_ = true;
    LOG_WARN(
        "TABLE_MAP events of {} carry no column names (binlog_row_metadata=MINIMAL): binlake "
        "reads names, keys and ENUM/SET members from information_schema, which describes tables "
        "as they are now, not as they were when the event was written. Set "
        "binlog_row_metadata=FULL on the server (SET GLOBAL binlog_row_metadata = 'FULL', and in "
        "its configuration) so that schema changes cannot race with capture",
        schema->QualifiedName());
  }
  if (use_resolver) {
    Result<ResolvedTable> r = resolver_->Resolve(map.database, map.table);
    if (!r.ok() && r.status().code() == StatusCode::kNotFound && self_described) {
      // Dropped since: the TABLE_MAP has all but a unique key, so rows are keyless.
      use_resolver = false;
    } else {
      ASSIGN_OR_RETURN(resolved, std::move(r));
    }
  }
  if (use_resolver && resolved.columns.size() != n && self_described) {
    use_resolver = false;  // changed since: the TABLE_MAP's own description stands
  }
  if (use_resolver) {
    if (resolved.columns.size() != n) {
      return FailedPreconditionError(
          "table {}: the binlog's TABLE_MAP (table id {}) has {} columns but the server's "
          "current definition has {}; the table changed since this event was written. Set "
          "binlog_row_metadata=FULL on the server so events carry their own column names",
          schema->QualifiedName(), map.table_id, n, resolved.columns.size());
    }
  }
  schema->columns.resize(n);
  for (size_t i = 0; i < n; ++i) {
    Column& c = schema->columns[i];
    const Column* r = use_resolver ? &resolved.columns[i] : nullptr;
    if (map.has_names) {
      c.name = map.names[i];
    } else if (r != nullptr) {
      c.name = r->name;
    } else {
      c.name = "col_" + std::to_string(i + 1);
    }
    c.is_unsigned = map.has_signedness ? map.is_unsigned[i] : (r != nullptr && r->is_unsigned);
    c.nullable = map.nullable[i];
    c.collation_id = map.collations[i] != 0 ? map.collations[i] : (r ? r->collation_id : 0);
    c.elements = !map.elements[i].empty()
                     ? map.elements[i]
                     : (r != nullptr ? r->elements : std::vector<std::string>{});
    c.invisible = map.has_visibility ? !map.visible[i] : (r != nullptr && r->invisible);
    DescribeColumn(map.columns[i], &c);
  }
  *names_guessed = !map.has_names && !use_resolver;
  if (map.has_primary_key) {
    schema->key_columns = map.primary_key;
  } else if (use_resolver) {
    schema->key_columns = resolved.key_columns;
  }
  // Field ids follow column names across versions.
  int32_t next_id = 1;
  if (previous != nullptr) {
    for (const Column& c : previous->columns) next_id = std::max(next_id, c.field_id + 1);
  }
  for (Column& c : schema->columns) {
    int prev = previous == nullptr ? -1 : previous->FindColumn(c.name);
    c.field_id = prev >= 0 ? previous->columns[prev].field_id : next_id++;
  }
  return TableSchemaPtr(std::move(schema));
}

}  // namespace binlake
