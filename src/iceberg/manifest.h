#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace binlake {

// Iceberg v2 manifests and manifest lists (format/spec.md, "Manifests", "Manifest Lists"),
// written as Avro with a field id on every field and the key-value metadata the spec
// requires; read back from any writer (Spark, the Java API) by field name.

enum class FileContent : int32_t { kData = 0, kPositionDeletes = 1, kEqualityDeletes = 2 };
enum class EntryStatus : int32_t { kExisting = 0, kAdded = 1, kDeleted = 2 };

// One data or delete file as a manifest describes it. Metrics are keyed by field id; bounds
// are Iceberg single-value serialisations.
struct DataFile {
  FileContent content = FileContent::kData;
  std::string path;  // full URI
  std::string format = "PARQUET";
  int64_t record_count = 0;
  int64_t file_size = 0;
  std::map<int32_t, int64_t> column_sizes;
  std::map<int32_t, int64_t> value_counts;
  std::map<int32_t, int64_t> null_value_counts;
  std::map<int32_t, std::string> lower_bounds;
  std::map<int32_t, std::string> upper_bounds;
  std::vector<int64_t> split_offsets;
  std::vector<int32_t> equality_ids;  // read only: binlake never writes equality deletes
  std::optional<std::string> referenced_data_file;
  bool partitioned = false;  // read only: the entry has partition values
};

struct ManifestEntry {
  EntryStatus status = EntryStatus::kAdded;
  // Written null for ADDED entries (inherited from the manifest list); always set after
  // ReadManifest, with inheritance applied.
  std::optional<int64_t> snapshot_id;
  std::optional<int64_t> sequence_number;
  std::optional<int64_t> file_sequence_number;
  DataFile file;
};

// One manifest as the manifest list describes it.
struct ManifestFile {
  std::string path;  // full URI
  int64_t length = 0;
  int32_t spec_id = 0;
  int32_t content = 0;  // 0 data, 1 deletes
  int64_t sequence_number = 0;
  int64_t min_sequence_number = 0;
  int64_t added_snapshot_id = 0;
  int32_t added_files = 0;
  int32_t existing_files = 0;
  int32_t deleted_files = 0;
  int64_t added_rows = 0;
  int64_t existing_rows = 0;
  int64_t deleted_rows = 0;
};

// The manifest's file: entries of one content kind (data or deletes) under the unpartitioned
// spec 0, with the table schema's JSON in its metadata.
Result<std::string> WriteManifest(const std::vector<ManifestEntry>& entries, bool deletes,
                                  const std::string& schema_json, int32_t schema_id);

// Entries of a manifest, with snapshot id and sequence numbers inherited from `manifest`
// where the entry leaves them null (only ADDED entries may).
Result<std::vector<ManifestEntry>> ReadManifest(std::string_view bytes,
                                                const ManifestFile& manifest);

Result<std::string> WriteManifestList(const std::vector<ManifestFile>& manifests,
                                      int64_t snapshot_id, std::optional<int64_t> parent_id,
                                      int64_t sequence_number);
Result<std::vector<ManifestFile>> ReadManifestList(std::string_view bytes, std::string_view origin);

}  // namespace binlake
