#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "format/parquet_reader.h"
#include "format/parquet_writer.h"
#include "iceberg/iceberg_schema.h"
#include "iceberg/manifest.h"
#include "iceberg/table_metadata.h"
#include "model/value.h"
#include "storage/object_store.h"

namespace binlake {

// The files a commit writes, shared by data commits and compaction (iceberg_table.h).

// A random positive snapshot id.
int64_t NewSnapshotId();

// A finished file (data or delete), its bytes (delete files, before they are stored) and its
// manifest description.
struct WrittenFile {
  std::string key;
  std::string bytes;
  DataFile file;
};

// Writes rows (already converted by ToIcebergRow) as Parquet data files streamed into the
// store (create-only), with field ids and the schema in the footer; a new file begins once
// one reaches `target_size`. Memory: one row group of the open file. Files are complete
// objects once listed in files(); an abandoned writer aborts its open file. Not thread-safe.
class DataFileWriter {
 public:
  // `store` and `schema` must outlive the writer; new_key() names each file (a store key). A
  // row group closes at `row_group_bytes` of values.
  DataFileWriter(ObjectStore* store, const IcebergSchema& schema, const std::string& schema_json,
                 uint64_t target_size, uint64_t row_group_bytes,
                 std::function<std::string()> new_key);
  ~DataFileWriter();

  // Appends a row; *at is (index into files(), position in that file).
  Status Append(const Row& row, std::pair<size_t, int64_t>* at);
  // Closes the open file.
  Status Finish();
  void Abort();
  // The finished files (bytes empty: they are in the store).
  std::vector<WrittenFile>& files() { return files_; }

 private:
  Status CloseFile();

  ObjectStore* const store_;
  const uint64_t target_size_;
  const std::function<std::string()> new_key_;
  std::vector<const IcebergColumn*> columns_;
  std::vector<Column> file_columns_;
  ParquetOptions options_;
  std::string key_;
  std::unique_ptr<ObjectWriter> out_;
  std::unique_ptr<ParquetWriter> parquet_;
  int64_t rows_ = 0;
  std::vector<WrittenFile> files_;
};

// A position delete file: `positions` (ascending) of `data_file`, referenced_data_file set.
Result<WrittenFile> WriteDeleteFile(const ObjectStore& store, const std::string& data_file,
                                    const std::vector<int64_t>& positions, const std::string& key);

// An ADDED entry for a file of snapshot `snapshot_id`.
inline ManifestEntry AddedEntry(const DataFile& file, int64_t snapshot_id) {
  ManifestEntry e;
  e.status = EntryStatus::kAdded;
  e.snapshot_id = snapshot_id;
  e.file = file;
  return e;
}

// Writes a manifest of `entries` (create-only) and describes it for the manifest list;
// ADDED entries count as added in snapshot `snapshot_id` with sequence `sequence`.
Result<ManifestFile> PutManifest(ObjectStore* store, const std::string& key,
                                 const std::vector<ManifestEntry>& entries, bool deletes,
                                 const std::string& schema_json, int32_t schema_id,
                                 int64_t snapshot_id, int64_t sequence);

// The bytes of a file of the table, by its full URI (under the store).
Result<std::string> GetByUri(ObjectStore* store, const std::string& uri);

// A Parquet data file of the table, read one row group at a time: memory holds its footer and
// the row group last loaded, not the file (which may be target_file_size large).
class StoredParquetFile {
 public:
  // Reads the file's footer (`size`: its length in bytes, when the caller knows it).
  static Result<StoredParquetFile> Open(ObjectStore* store, const std::string& uri,
                                        std::optional<uint64_t> size = std::nullopt);
  const ParquetReader& reader() const { return *reader_; }
  size_t num_row_groups() const { return reader_->num_row_groups(); }
  // Reads row group `group`'s bytes; its columns can be read from reader() until the next
  // call.
  Status Load(size_t group);

 private:
  ObjectStore* store_ = nullptr;
  std::string key_;
  std::unique_ptr<ParquetReader> reader_;
};

// The manifests a snapshot (a metadata "snapshots" entry) lists.
Result<std::vector<ManifestFile>> ReadSnapshotManifests(ObjectStore* store,
                                                        const TableMetadata::Json& snapshot);

// Every entry of a manifest, read from the store.
Result<std::vector<ManifestEntry>> ReadManifestEntries(ObjectStore* store,
                                                       const ManifestFile& manifest);

}  // namespace binlake
