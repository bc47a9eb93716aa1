// IcebergTable's full load: rows streamed into data files committed as they close.

#include "iceberg/iceberg_table.h"
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
                     [&] { return data_prefix + NewFileName("data") + ".parquet"; });
  std::vector<std::vector<std::string>> keys(1);
  size_t committed = 0;  // files of `out` already committed
  auto commit_closed = [&]() -> Status {
    std::vector<WrittenFile>& files = out.files();
    if (files.size() == committed) return Status::OK();
    std::vector<WrittenFile> batch(files.begin() + static_cast<std::ptrdiff_t>(committed),
                                   files.end());
    std::vector<std::vector<std::string>> batch_keys(
        keys.begin() + static_cast<std::ptrdiff_t>(committed),
        keys.begin() + static_cast<std::ptrdiff_t>(files.size()));
    RETURN_IF_ERROR(CommitAppend(std::move(batch), batch_keys, summary(false)));
    for (size_t i = committed; i < files.size(); ++i) keys[i].clear();  // held no longer
    committed = files.size();
    return Status::OK();
  };
  RETURN_IF_ERROR(read([&](Row&& source) -> Status {
    Row row;
    RETURN_IF_ERROR(ToRow(std::move(source), false, &row));
    ASSIGN_OR_RETURN(std::string key, CanonicalKey(schema_, plans_, row));
    std::pair<size_t, int64_t> at;
    const size_t closed = out.files().size();
    RETURN_IF_ERROR(out.Append(row, &at));
    keys[at.first].push_back(std::move(key));
    ++*rows;
    if (out.files().size() != closed) {  // the row closed a file
      keys.emplace_back();
      return commit_closed();
    }
    return Status::OK();
  }));
  RETURN_IF_ERROR(out.Finish());
  if (keys.size() < out.files().size()) keys.resize(out.files().size());
  std::vector<WrittenFile> rest(out.files().begin() + static_cast<std::ptrdiff_t>(committed),
                                out.files().end());
  std::vector<std::vector<std::string>> rest_keys(
      keys.begin() + static_cast<std::ptrdiff_t>(committed),
      keys.begin() + static_cast<std::ptrdiff_t>(out.files().size()));
  return CommitAppend(std::move(rest), rest_keys, summary(true));
}

Status IcebergTable::CommitAppend(std::vector<WrittenFile> files,
                                  const std::vector<std::vector<std::string>>& keys,
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
    uint32_t n = index_.FileNumber(files[i].file.path);
    for (size_t r = 0; r < keys[i].size(); ++r) {
      RETURN_IF_ERROR(index_.Add(keys[i][r], RowLocation{n, static_cast<int64_t>(r)}));
    }
  }
  return SaveIndex();
}

}  // namespace binlake
