#include "iceberg/table_files.h"

#include <algorithm>
#include <random>

#include "common/logging.h"
#include "format/parquet_writer.h"
#include "iceberg/catalog.h"

namespace binlake {
namespace {

constexpr int32_t kDeleteFilePathId = 2147483546;
constexpr int32_t kDeletePosId = 2147483545;

// Fills a DataFile's metrics from the writer's row groups (bounds only for single row group
// files, where the chunk statistics are the file's).
void FillMetrics(const ParquetWriter& writer, const std::vector<const IcebergColumn*>& columns,
                 DataFile* f) {
  const auto& groups = writer.row_groups();
  for (const RowGroupMeta& g : groups) {
    f->split_offsets.push_back(g.file_offset);
    for (size_t i = 0; i < g.columns.size() && i < columns.size(); ++i) {
      int32_t id = columns[i]->file_column.field_id;
      const ColumnChunkMeta& c = g.columns[i];
      f->column_sizes[id] += c.total_compressed_size;
      f->value_counts[id] += c.num_values;
      f->null_value_counts[id] += c.stats.null_count;
    }
  }
  if (groups.size() != 1) return;
  for (size_t i = 0; i < groups[0].columns.size() && i < columns.size(); ++i) {
    const ParquetStatistics& st = groups[0].columns[i].stats;
    if (!st.has_min_max) continue;
    std::string lo, hi;
    if (IcebergBound(*columns[i], st.min, &lo) && IcebergBound(*columns[i], st.max, &hi)) {
      f->lower_bounds[columns[i]->file_column.field_id] = lo;
      f->upper_bounds[columns[i]->file_column.field_id] = hi;
    }
  }
}

}  // namespace

int64_t NewSnapshotId() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return static_cast<int64_t>(rng() >> 1) | 1;
}

DataFileWriter::DataFileWriter(ObjectStore* store, const IcebergSchema& schema,
                               const std::string& schema_json, uint64_t target_size,
                               uint64_t row_group_bytes, std::function<std::string()> new_key)
    : store_(store), target_size_(target_size), new_key_(std::move(new_key)) {
  for (const auto& c : schema.columns) {
    columns_.push_back(&c);
    file_columns_.push_back(c.file_column);
    file_columns_.back().nullable = !c.required;
  }
  options_ = IcebergParquetOptions();
  options_.row_group_bytes = row_group_bytes;
  options_.key_value_metadata = {{"iceberg.schema", schema_json}};
}

DataFileWriter::~DataFileWriter() { Abort(); }

void DataFileWriter::Abort() {
  if (parquet_) parquet_->Abandon();
  parquet_.reset();
  if (out_) out_->Abort().IgnoreError();
  out_.reset();
}

Status DataFileWriter::Append(const Row& row, std::pair<size_t, int64_t>* at) {
  if (!parquet_) {
    key_ = new_key_();
    ASSIGN_OR_RETURN(out_, store_->NewWriter(key_, PutOptions::CreateOnly()));
    ASSIGN_OR_RETURN(parquet_, ParquetWriter::Open(file_columns_, options_, out_.get()));
    rows_ = 0;
  }
  RETURN_IF_ERROR(parquet_->Append(row));
  *at = {files_.size(), rows_++};
  if (parquet_->EstimatedSize() >= target_size_) return CloseFile();
  return Status::OK();
}

Status DataFileWriter::CloseFile() {
  if (!parquet_) return Status::OK();
  RETURN_IF_ERROR(parquet_->Finish());
  WrittenFile f;
  f.key = key_;
  f.file.path = StoreUri(*store_, key_);
  f.file.record_count = rows_;
  FillMetrics(*parquet_, columns_, &f.file);
  f.file.file_size = static_cast<int64_t>(out_->Tell());
  RETURN_IF_ERROR_CTX(out_->Close(), "writing iceberg file {}", f.file.path);
  parquet_.reset();
  out_.reset();
  files_.push_back(std::move(f));
  return Status::OK();
}

Status DataFileWriter::Finish() { return CloseFile(); }

Result<WrittenFile> WriteDeleteFile(const ObjectStore& store, const std::string& data_file,
                                    const std::vector<int64_t>& positions, const std::string& key) {
  IcebergColumn path_column, pos_column;
  path_column.file_column.name = "file_path";
  path_column.file_column.type = LogicalType::kString;
  path_column.file_column.nullable = false;
  path_column.file_column.field_id = kDeleteFilePathId;
  path_column.type = "string";
  pos_column.file_column.name = "pos";
  pos_column.file_column.type = LogicalType::kInt64;
  pos_column.file_column.nullable = false;
  pos_column.file_column.field_id = kDeletePosId;
  pos_column.type = "long";
  ParquetOptions options = IcebergParquetOptions();
  options.key_value_metadata = {
      {"iceberg.schema",
       fmt::format(R"({{"type":"struct","schema-id":0,"fields":[{{"id":{},"name":"file_path",)"
                   R"("required":true,"type":"string"}},{{"id":{},"name":"pos","required":true,)"
                   R"("type":"long"}}]}})",
                   kDeleteFilePathId, kDeletePosId)}};
  StringOutputStream out;
  ASSIGN_OR_RETURN(
      std::unique_ptr<ParquetWriter> w,
      ParquetWriter::Open({path_column.file_column, pos_column.file_column}, options, &out));
  for (int64_t p : positions) {
    RETURN_IF_ERROR(w->Append({Value::String(data_file), Value::Int(p)}));
  }
  RETURN_IF_ERROR(w->Finish());
  WrittenFile f;
  f.key = key;
  f.file.content = FileContent::kPositionDeletes;
  f.file.path = StoreUri(store, f.key);
  f.file.record_count = static_cast<int64_t>(positions.size());
  f.file.referenced_data_file = data_file;
  FillMetrics(*w, {&path_column, &pos_column}, &f.file);
  f.bytes = out.Release();
  f.file.file_size = static_cast<int64_t>(f.bytes.size());
  return f;
}

Result<ManifestFile> PutManifest(ObjectStore* store, const std::string& key,
                                 const std::vector<ManifestEntry>& entries, bool deletes,
                                 const std::string& schema_json, int32_t schema_id,
                                 int64_t snapshot_id, int64_t sequence) {
  ASSIGN_OR_RETURN(std::string bytes, WriteManifest(entries, deletes, schema_json, schema_id));
  RETURN_IF_ERROR(store->Put(key, bytes, PutOptions::CreateOnly()));
  ManifestFile m;
  m.path = StoreUri(*store, key);
  m.length = static_cast<int64_t>(bytes.size());
  m.content = deletes ? 1 : 0;
  m.sequence_number = sequence;
  m.min_sequence_number = sequence;
  m.added_snapshot_id = snapshot_id;
  for (const ManifestEntry& e : entries) {
    int64_t seq = e.sequence_number.value_or(sequence);
    m.min_sequence_number = std::min(m.min_sequence_number, seq);
    if (e.status == EntryStatus::kAdded) {
      ++m.added_files;
      m.added_rows += e.file.record_count;
    } else {
      ++m.existing_files;
      m.existing_rows += e.file.record_count;
    }
  }
  return m;
}

Result<std::string> GetByUri(ObjectStore* store, const std::string& uri) {
  ASSIGN_OR_RETURN(std::string key, StoreKeyOf(*store, uri));
  return store->Get(key);
}

namespace {

// A reader of the Parquet object `key` of `size` bytes, from its footer.
Result<std::unique_ptr<ParquetReader>> OpenFooter(ObjectStore* store, const std::string& key,
                                                  const std::string& uri, uint64_t size) {
  // One read for the footer in the common case: the last 64 KiB, more when it is longer.
  constexpr uint64_t kTail = 64 << 10;
  uint64_t want = std::min<uint64_t>(size, kTail);
  ASSIGN_OR_RETURN(std::string tail, store->GetRange(key, size - want, want));
  ASSIGN_OR_RETURN(uint32_t footer, ParquetReader::FooterLength(tail, uri));
  if (uint64_t{footer} + 8 > tail.size() && uint64_t{footer} + 8 <= size) {
    want = uint64_t{footer} + 8;
    ASSIGN_OR_RETURN(tail, store->GetRange(key, size - want, want));
  }
  return ParquetReader::OpenTail(std::move(tail), size, uri);
}

}  // namespace

Result<StoredParquetFile> StoredParquetFile::Open(ObjectStore* store, const std::string& uri,
                                                  std::optional<uint64_t> size) {
  StoredParquetFile f;
  f.store_ = store;
  ASSIGN_OR_RETURN(f.key_, StoreKeyOf(*store, uri));
  if (size) {
    Result<std::unique_ptr<ParquetReader>> r = OpenFooter(store, f.key_, uri, *size);
    if (r.ok()) {
      f.reader_ = std::move(*r);
      return f;
    }
    // The size came from a manifest: when the object's own differs, the manifest is wrong
    // (another writer's bug) and the object is read as it is.
    ASSIGN_OR_RETURN(ObjectInfo info, store->Head(f.key_));
    if (info.size == *size) return r.status();
    LOG_WARN(
        "{}: the table's manifest gives {} bytes but the object holds {}; reading the "
        "object as it is (the manifest's writer recorded a wrong file_size_in_bytes)",
        uri, *size, info.size);
    size = info.size;
  } else {
    ASSIGN_OR_RETURN(ObjectInfo info, store->Head(f.key_));
    size = info.size;
  }
  ASSIGN_OR_RETURN(f.reader_, OpenFooter(store, f.key_, uri, *size));
  return f;
}

Status StoredParquetFile::Load(size_t group) {
  const auto [offset, length] = reader_->RowGroupSpan(group);
  ASSIGN_OR_RETURN(std::string bytes, store_->GetRange(key_, offset, length));
  return reader_->LoadRowGroup(group, std::move(bytes));
}

Result<std::vector<ManifestFile>> ReadSnapshotManifests(ObjectStore* store,
                                                        const TableMetadata::Json& snapshot) {
  std::string uri = snapshot["manifest-list"].get<std::string>();
  ASSIGN_OR_RETURN(std::string bytes, GetByUri(store, uri));
  return ReadManifestList(bytes, uri);
}

Result<std::vector<ManifestEntry>> ReadManifestEntries(ObjectStore* store,
                                                       const ManifestFile& manifest) {
  ASSIGN_OR_RETURN(std::string bytes, GetByUri(store, manifest.path));
  return ReadManifest(bytes, manifest);
}

}  // namespace binlake
