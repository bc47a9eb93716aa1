#pragma once

#include <map>
#include <string>
#include <vector>

#include "checkpoint/checkpoint_store.h"
#include "checkpoint/records.h"
#include "model/table_schema.h"

namespace binlake {

// Gives every replicated table its lake schema: the decoded schema plus a version that
// grows by one whenever the table's shape changes, and field ids that stay with a column
// (by name) across versions and are never reused after a column is dropped. Versions
// continue across restarts: the checkpoint carries each table's version and last field id,
// and the previous version's schema record is read back from the store when needed.
// Not thread-safe (the pipeline thread owns it).
class SchemaRegistry {
 public:
  explicit SchemaRegistry(CheckpointStore* store) : store_(store) {}

  // Starts from the table states of a checkpoint.
  void Restore(const std::map<std::string, TableState>& tables);

  // The lake schema for a decoded schema. The same pointer comes back while the shape is
  // unchanged; a changed shape creates the next version, which is also appended to
  // pending() until TakePending() — those schema records must be written before any file
  // that uses them.
  Result<TableSchemaPtr> Resolve(const TableSchemaPtr& decoded);

  // New versions created since the last call, in creation order.
  std::vector<TableSchemaPtr> TakePending();
  // Table states for the next checkpoint.
  std::map<std::string, TableState> States() const;

 private:
  struct Entry {
    TableState state;
    const TableSchema* decoded = nullptr;  // last decoded schema seen (identity cache)
    TableSchemaPtr lake;                   // current lake schema (null until loaded)
  };
  static bool SameShape(const TableSchema& a, const TableSchema& b);

  CheckpointStore* const store_;
  std::map<std::string, Entry> tables_;
  std::vector<TableSchemaPtr> pending_;
  // Keeps decoded schemas alive while their address serves as the identity cache key.
  std::vector<TableSchemaPtr> seen_;
};

}  // namespace binlake
