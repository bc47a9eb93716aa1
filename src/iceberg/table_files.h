#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "iceberg/iceberg_schema.h"
#include "iceberg/manifest.h"
#include "iceberg/table_metadata.h"
#include "model/value.h"
#include "storage/object_store.h"

namespace binlake {

// The files a commit writes, shared by data commits and compaction (iceberg_table.h).

// A random positive snapshot id.
int64_t NewSnapshotId();

// A finished file (data or delete), its bytes and its manifest description.
struct WrittenFile {
  std::string key;
  std::string bytes;
  DataFile file;
};

// Writes rows (already converted by ToIcebergRow) as Parquet data files with field ids and
// the schema in the footer, a new file once one reaches `target_size`. new_key() names each
// file (a store key). Appends to *files; *at gets (index into *files, position) per row.
Status WriteDataFiles(const ObjectStore& store, const IcebergSchema& schema,
                      const std::string& schema_json, const std::vector<Row>& rows,
                      uint64_t target_size, const std::function<std::string()>& new_key,
                      std::vector<WrittenFile>* files, std::vector<std::pair<size_t, int64_t>>* at);

// A position delete file: `positions` (ascending) of `data_file`, referenced_data_file set.
Result<WrittenFile> WriteDeleteFile(const ObjectStore& store, const std::string& data_file,
                                    const std::vector<int64_t>& positions, const std::string& key);

// Writes a manifest of `entries` (create-only) and describes it for the manifest list;
// ADDED entries count as added in snapshot `snapshot_id` with sequence `sequence`.
Result<ManifestFile> PutManifest(ObjectStore* store, const std::string& key,
                                 const std::vector<ManifestEntry>& entries, bool deletes,
                                 const std::string& schema_json, int32_t schema_id,
                                 int64_t snapshot_id, int64_t sequence);

// The manifests a snapshot (a metadata "snapshots" entry) lists.
Result<std::vector<ManifestFile>> ReadSnapshotManifests(ObjectStore* store,
                                                        const TableMetadata::Json& snapshot);

// Every entry of a manifest, read from the store.
Result<std::vector<ManifestEntry>> ReadManifestEntries(ObjectStore* store,
                                                       const ManifestFile& manifest);

}  // namespace binlake
