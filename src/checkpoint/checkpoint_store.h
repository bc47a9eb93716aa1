#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "checkpoint/records.h"
#include "common/result.h"
#include "storage/object_store.h"

namespace binlake {

// Reads and writes binlake's own records in the target store, beside the data:
//
//   _binlake/checkpoints/<seq:020>.json   resume points, one per batch, newest = highest seq
//   _binlake/intents/<seq:020>.json       batch extents, written before the batch's files
//   _binlake/schemas/<schema>/<table>/v<version:06>.json   schema history
//   _binlake/loads/<schema>/<table>/start.json            a table's full load began
//   _binlake/loads/<schema>/<table>/<seq:08>.json         full-load steps, in key order
//
// Every record is written once with create-only semantics. Finding a record already there
// is fine when it holds the same bytes (a replay after a crash writes the same record
// again); different bytes mean a second binlake process is writing to the same lake, which
// is kAborted naming the object. The data and its position thus travel together: copying
// the lake copies its checkpoint.
//
// Does not own the ObjectStore. Thread-compatible (one pipeline thread uses it).
class CheckpointStore {
 public:
  explicit CheckpointStore(ObjectStore* store) : store_(store) {}

  // The checkpoint with the highest seq, or nullopt in an empty lake.
  Result<std::optional<Checkpoint>> LoadLatest();
  // The intent of batch seq, or nullopt.
  Result<std::optional<Intent>> LoadIntent(uint64_t seq);
  Result<std::optional<TableSchema>> LoadSchema(const std::string& schema, const std::string& table,
                                                int64_t version);

  Status WriteCheckpoint(const Checkpoint& checkpoint);
  Status WriteIntent(const Intent& intent);
  Status WriteSchema(const TableSchema& schema, const BinlogPosition& since);

  Result<std::optional<LoadStart>> LoadLoadStart(const std::string& schema,
                                                 const std::string& table);
  Status WriteLoadStart(const LoadStart& start);
  // The table's load records in seq order.
  Result<std::vector<LoadRecord>> LoadLoadRecords(const std::string& schema,
                                                  const std::string& table);
  Status WriteLoadRecord(const std::string& schema, const std::string& table,
                         const LoadRecord& record);
  // Removes the record of a step whose object never appeared (the step is read again).
  Status DeleteLoadRecord(const std::string& schema, const std::string& table, uint64_t seq);

  // Deletes checkpoints and intents older than the newest `keep` checkpoints. Failures are
  // harmless (old records are never read) and only logged.
  void Prune(size_t keep);

  static std::string CheckpointKey(uint64_t seq);
  static std::string IntentKey(uint64_t seq);
  static std::string SchemaKey(const std::string& schema, const std::string& table,
                               int64_t version);
  static std::string LoadStartKey(const std::string& schema, const std::string& table);
  static std::string LoadRecordKey(const std::string& schema, const std::string& table,
                                   uint64_t seq);

 private:
  // Create-only write that accepts an identical existing object.
  Status WriteOnce(const std::string& key, const std::string& data);
  Result<std::optional<std::string>> GetIfExists(const std::string& key);

  ObjectStore* const store_;
};

}  // namespace binlake
