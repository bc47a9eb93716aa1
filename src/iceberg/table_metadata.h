#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace binlake {

// An Iceberg v2 table metadata file (format/spec.md, "Table Metadata"). The JSON document is
// the source of truth and is kept whole, so fields other engines wrote (properties, refs,
// statistics, sort orders, partition specs) survive binlake's commits untouched; accessors
// read the parts binlake needs and mutators change only theirs.
// Thread-compatible.
class TableMetadata {
 public:
  using Json = nlohmann::ordered_json;

  // The metadata of a new, empty table (no snapshot) with one schema.
  static TableMetadata Create(std::string location, std::string table_uuid,
                              const std::string& schema_json, int32_t last_column_id,
                              int64_t now_ms);
  // kCorruption naming `origin` when the document is not v2 metadata binlake can read.
  static Result<TableMetadata> Parse(std::string_view json, std::string_view origin);
  std::string Serialize() const { return json_.dump(2); }

  std::string location() const;
  int64_t last_sequence_number() const;
  int32_t last_column_id() const;
  int32_t current_schema_id() const;
  // The current schema's JSON object.
  const Json* CurrentSchema() const;
  // -1 when the table has no snapshot.
  int64_t current_snapshot_id() const;
  // The current snapshot's JSON object, or null.
  const Json* CurrentSnapshot() const;
  // The current snapshot's summary (empty without one).
  std::map<std::string, std::string> CurrentSummary() const;
  // Every snapshot id whose snapshot is still listed.
  std::vector<int64_t> SnapshotIds() const;
  const Json& json() const { return json_; }

  // Makes `schema_json` (a struct with fields) current: reuses an equal schema, else adds it
  // with the next schema id. Raises last-column-id to `last_column_id` when higher.
  void SetCurrentSchema(const std::string& schema_json, int32_t last_column_id);

  struct NewSnapshot {
    int64_t snapshot_id = 0;
    std::string manifest_list;                   // full URI
    std::map<std::string, std::string> summary;  // "operation" and the rest
    int64_t timestamp_ms = 0;
  };
  // Appends a snapshot with the next sequence number as the child of the current one, makes
  // it current on the main branch and records it in the snapshot log; `previous_file` (the
  // metadata file this one replaces) goes to the metadata log, which keeps at most
  // `max_metadata_log` entries. Returns the snapshot's sequence number.
  int64_t AddSnapshot(const NewSnapshot& snapshot, const std::string& previous_file,
                      int max_metadata_log);
  // Drops the oldest snapshots beyond `keep` (never the current one or one a ref names) from
  // the snapshot list and log; returns their manifest lists' URIs.
  std::vector<std::string> ExpireSnapshots(int keep);
  // Sets a table property.
  void SetProperty(const std::string& key, const std::string& value);
  std::string Property(const std::string& key) const;
  // The sequence number the next snapshot gets.
  int64_t next_sequence_number() const { return last_sequence_number() + 1; }

 private:
  explicit TableMetadata(Json json) : json_(std::move(json)) {}
  Json json_;
};

}  // namespace binlake
