#include "pipeline/schema_registry.h"

namespace binlake {

void SchemaRegistry::Restore(const std::map<std::string, TableState>& tables) {
  tables_.clear();
  for (const auto& [name, state] : tables) tables_[name].state = state;
}

bool SchemaRegistry::SameShape(const TableSchema& a, const TableSchema& b) {
  if (a.columns.size() != b.columns.size() || a.key_columns != b.key_columns) return false;
  for (size_t i = 0; i < a.columns.size(); ++i) {
    const Column& x = a.columns[i];
    const Column& y = b.columns[i];
    if (x.name != y.name || x.type != y.type || x.mysql_type != y.mysql_type ||
        x.is_unsigned != y.is_unsigned || x.nullable != y.nullable || x.precision != y.precision ||
        x.scale != y.scale || x.collation_id != y.collation_id || x.elements != y.elements ||
        x.invisible != y.invisible) {
      return false;
    }
  }
  return true;
}

Result<TableSchemaPtr> SchemaRegistry::Resolve(const TableSchemaPtr& decoded) {
  Entry& e = tables_[decoded->QualifiedName()];
  if (e.decoded == decoded.get() && e.lake) return e.lake;
  if (!e.lake && e.state.schema_version > 0) {
    // Known from the checkpoint: read the current version back.
    ASSIGN_OR_RETURN(std::optional<TableSchema> stored,
                     store_->LoadSchema(decoded->database, decoded->table, e.state.schema_version));
    if (!stored) {
      return CorruptionError(
          "the checkpoint names schema version {} of {} but its record {} is missing from the "
          "lake",
          e.state.schema_version, decoded->QualifiedName(),
          CheckpointStore::SchemaKey(decoded->database, decoded->table, e.state.schema_version));
    }
    e.lake = std::make_shared<const TableSchema>(std::move(*stored));
  }
  seen_.push_back(decoded);
  e.decoded = decoded.get();
  // Field ids and version are ours: compare the shape with ids and versions ignored.
  if (e.lake && SameShape(*e.lake, *decoded)) return e.lake;

  auto next = std::make_shared<TableSchema>(*decoded);
  next->version = e.state.schema_version + 1;
  for (Column& c : next->columns) {
    int previous = e.lake ? e.lake->FindColumn(c.name) : -1;
    c.field_id = previous >= 0 ? e.lake->columns[static_cast<size_t>(previous)].field_id
                               : ++e.state.last_field_id;
  }
  e.state.schema_version = next->version;
  e.lake = next;
  pending_.push_back(next);
  return e.lake;
}

std::vector<TableSchemaPtr> SchemaRegistry::TakePending() {
  std::vector<TableSchemaPtr> out;
  out.swap(pending_);
  // Decoded schemas older than the current ones are no longer needed as cache keys.
  if (seen_.size() > 4 * tables_.size() + 64) {
    std::vector<TableSchemaPtr> keep;
    for (const auto& p : seen_) {
      auto it = tables_.find(p->QualifiedName());
      if (it != tables_.end() && it->second.decoded == p.get()) keep.push_back(p);
    }
    seen_.swap(keep);
  }
  return out;
}

std::map<std::string, TableState> SchemaRegistry::States() const {
  std::map<std::string, TableState> out;
  for (const auto& [name, e] : tables_) out[name] = e.state;
  return out;
}

}  // namespace binlake
