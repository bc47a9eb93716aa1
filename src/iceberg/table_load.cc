// IcebergTable's full load: rows streamed into data files committed as they close.

#include <map>
#include <memory>

#include "common/memory.h"
#include "iceberg/iceberg_table.h"
#include "iceberg/row_key_log.h"
#include "iceberg/table_files.h"

namespace binlake {

Status IcebergTable::LoadRows(
    const std::function<Status(const std::function<Status(Row&&)>&)>& read,
    const std::function<std::map<std::string, std::string>(bool done)>& summary, uint64_t* rows) {
  *rows = 0;
  pending_.clear();
  pending_bytes_ = 0;
  const std::string data_prefix = options_.table_key + "/data/";
  // The schema the files carry is the one the first commit makes current.
  const std::string schema_json = IcebergSchemaJson(schema_, 0);
  DataFileWriter out(store_, schema_, schema_json, options_.target_file_size,
                     options_.row_group_bytes,
                     [&] { return data_prefix + NewFileName("data") + ".parquet"; });
  // The keys of the rows of each file not yet committed (index into out.files()), kept on
  // local disk: a target-size file holds millions of rows.
  std::map<size_t, std::unique_ptr<RowKeyLog>> keys;
  size_t committed = 0;  // files of `out` already committed
  auto commit = [&](size_t upto, bool done) -> Status {
    std::vector<WrittenFile>& files = out.files();
    std::vector<WrittenFile> batch(files.begin() + static_cast<std::ptrdiff_t>(committed),
                                   files.begin() + static_cast<std::ptrdiff_t>(upto));
    std::vector<std::unique_ptr<RowKeyLog>> batch_keys;
    for (size_t i = committed; i < upto; ++i) {
      auto k = keys.find(i);
      batch_keys.push_back(k == keys.end() ? nullptr : std::move(k->second));
      if (k != keys.end()) keys.erase(k);
    }
    committed = upto;
    RETURN_IF_ERROR(CommitAppend(std::move(batch), batch_keys, summary(done)));
    ReleaseFreeMemory();  // the closed file's buffers
    return Status::OK();
  };
  RETURN_IF_ERROR(read([&](Row&& source) -> Status {
    Row row;
    RETURN_IF_ERROR(ToRow(std::move(source), false, &row));
    ASSIGN_OR_RETURN(std::string key, CanonicalKey(schema_, plans_, row));
    std::pair<size_t, int64_t> at;
    const size_t closed = out.files().size();
    RETURN_IF_ERROR(out.Append(row, &at));
    std::unique_ptr<RowKeyLog>& log = keys[at.first];
    if (!log) {
      ASSIGN_OR_RETURN(log, RowKeyLog::Create(options_.index_store->dir(), "full load"));
    }
    RETURN_IF_ERROR(log->Append(key, {static_cast<uint32_t>(at.first), at.second}));
    ++*rows;
    if (out.files().size() != closed) return commit(out.files().size(), false);  // a file closed
    return Status::OK();
  }));
  RETURN_IF_ERROR(out.Finish());
  return commit(out.files().size(), true);
}

Status IcebergTable::CommitAppend(std::vector<WrittenFile> files,
                                  const std::vector<std::unique_ptr<RowKeyLog>>& keys,
                                  std::map<std::string, std::string> summary) {
  const int64_t now_ms = clock_->NowMicros() / 1000;
  TableMetadata metadata = BaseMetadata(now_ms);
  StampSchema(&metadata);
  const int64_t snapshot_id = NewSnapshotId();
  const int64_t sequence = metadata.next_sequence_number();
  std::vector<ManifestFile> manifests;
  const TableMetadata::Json* current = truncate_ ? nullptr : metadata.CurrentSnapshot();
  if (current) {
    ASSIGN_OR_RETURN(manifests, ReadSnapshotManifests(store_, *current));
  }
  int64_t records = 0;
  std::vector<ManifestEntry> entries;
  for (const WrittenFile& f : files) {
    records += f.file.record_count;
    entries.push_back(AddedEntry(f.file, snapshot_id));
  }
  RETURN_IF_ERROR(AppendManifest(entries, false, metadata.CurrentSchema()->dump(),
                                 metadata.current_schema_id(), snapshot_id, sequence, &manifests));
  summary["operation"] = truncate_ ? "overwrite" : "append";
  summary["added-data-files"] = std::to_string(files.size());
  summary["added-records"] = std::to_string(records);
  RETURN_IF_ERROR(
      Publish(std::move(metadata), snapshot_id, sequence, manifests, std::move(summary)));
  truncate_ = false;
  schema_dirty_ = false;
  for (size_t i = 0; i < files.size(); ++i) {
    if (!keys[i]) continue;
    const uint32_t n = index_.FileNumber(files[i].file.path);
    RETURN_IF_ERROR(keys[i]->ForEach([&](const std::string& key, FilePosition at, FilePosition) {
      return index_.Add(key, RowLocation{n, at.second});
    }));
  }
  return SaveIndex();
}

}  // namespace binlake
