// IcebergTable's compaction: small and delete-heavy data files rewritten into target-size
// files in the background (the rewrite: compaction_rewrite.cc), committed between commits.

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "common/logging.h"
#include "iceberg/iceberg_table.h"
#include "iceberg/table_files.h"

namespace binlake {
namespace {

// The live entries of a snapshot's manifests, split into data and delete files (marked
// EXISTING, ready to be listed again). kUnimplemented for a partitioned table.
Status LiveEntries(ObjectStore* store, const TableMetadata::Json& snapshot,
                   std::vector<ManifestEntry>* data, std::vector<ManifestEntry>* deletes) {
  ASSIGN_OR_RETURN(std::vector<ManifestFile> manifests, ReadSnapshotManifests(store, snapshot));
  for (const ManifestFile& m : manifests) {
    ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries, ReadManifestEntries(store, m));
    for (ManifestEntry& e : entries) {
      if (e.status == EntryStatus::kDeleted) continue;
      if (e.file.partitioned || m.spec_id != 0) {
        return UnimplementedError("partitioned by another engine");
      }
      e.status = EntryStatus::kExisting;
      (e.file.content == FileContent::kData ? data : deletes)->push_back(std::move(e));
    }
  }
  return Status::OK();
}

// Whether a delete file may hold positions of data file `path`.
bool MayDelete(const DataFile& deletes, const std::string& path) {
  return !deletes.referenced_data_file || *deletes.referenced_data_file == path;
}

}  // namespace

IcebergTable::~IcebergTable() {
  if (job_) {
    job_->cancel = true;
    job_->result.wait();
  }
}

Result<bool> IcebergTable::StartCompaction() {
  if (job_ || !loaded_ || schema_.columns.empty() || has_pending()) return false;
  const TableMetadata::Json* snapshot = loaded_->metadata.CurrentSnapshot();
  if (!snapshot) return false;
  std::vector<ManifestEntry> data, deletes;
  if (!LiveEntries(store_, *snapshot, &data, &deletes).ok()) return false;  // not binlake's
  // Candidates: delete-heavy files first, then small ones, within the byte budget.
  const uint64_t small = options_.target_file_size / 4;
  std::vector<size_t> heavy, tiny;
  for (size_t i = 0; i < data.size(); ++i) {
    const DataFile& f = data[i].file;
    std::optional<uint32_t> n = index_.FindFile(f.path);
    if (!n || f.record_count <= 0) continue;
    double deleted = 1.0 - static_cast<double>(index_.LiveRows(*n)) / f.record_count;
    if (deleted > options_.compact_delete_ratio) {
      heavy.push_back(i);
    } else if (static_cast<uint64_t>(f.file_size) < small) {
      tiny.push_back(i);
    }
  }
  if (heavy.empty() && tiny.size() < static_cast<size_t>(options_.compact_min_files)) return false;
  std::vector<size_t> chosen;
  uint64_t bytes = 0;
  for (const auto* group : {&heavy, &tiny}) {
    for (size_t i : *group) {
      if (!chosen.empty() && bytes + data[i].file.file_size > options_.compact_max_bytes) break;
      chosen.push_back(i);
      bytes += static_cast<uint64_t>(data[i].file.file_size);
    }
  }
  if (chosen.size() < 2 && heavy.empty()) return false;

  auto job = std::make_unique<CompactionJob>();
  RewriteInput& in = job->input;
  in.store = store_;
  in.schema = schema_;
  in.plans = plans_;
  in.schema_json = loaded_->metadata.CurrentSchema()->dump();
  in.target_file_size = options_.target_file_size;
  in.row_group_bytes = options_.row_group_bytes;
  job->key_prefix =
      fmt::format("{}/data/data-{}-c{}-", options_.table_key, run_id_, ++job_counter_);
  in.new_data_key = [prefix = job->key_prefix, n = 0]() mutable {
    return fmt::format("{}{:05}.parquet", prefix, ++n);
  };
  for (size_t i : chosen) {
    in.files.push_back(data[i].file.path);
    in.file_sizes.push_back(static_cast<uint64_t>(std::max<int64_t>(0, data[i].file.file_size)));
  }
  in.scratch_dir = options_.index_store->dir();
  for (const ManifestEntry& e : deletes) {
    for (const std::string& path : in.files) {
      if (MayDelete(e.file, path)) {
        in.delete_files.push_back(e.file.path);
        break;
      }
    }
  }
  in.cancel = &job->cancel;
  job->schema_id = loaded_->metadata.current_schema_id();
  job->delete_files.insert(in.delete_files.begin(), in.delete_files.end());
  job->result = std::async(std::launch::async, [&in] { return RewriteDataFiles(in); });
  job_ = std::move(job);
  return true;
}

std::string IcebergTable::compaction_prefix() const { return job_ ? job_->key_prefix : ""; }

Status IcebergTable::MaintainCompaction() {
  if (has_pending()) return Status::OK();
  if (!job_) return StartCompaction().status();
  if (job_->result.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    return Status::OK();
  }
  Result<bool> finished = FinishCompaction();
  if (!finished.ok()) return finished.status();
  return *finished ? StartCompaction().status() : Status::OK();
}

Result<bool> IcebergTable::Compact() {
  if (!job_) {
    ASSIGN_OR_RETURN(bool started, StartCompaction());
    if (!started) return false;
  }
  job_->result.wait();
  return FinishCompaction();
}

Result<bool> IcebergTable::FinishCompaction() {
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<CompactionJob> job = std::move(job_);
  Result<RewriteOutput> rewritten = job->result.get();
  if (!rewritten.ok()) return rewritten.status();
  RewriteOutput& out = *rewritten;
  const std::vector<std::string>& files = job->input.files;
  // The files it read must still be live in the current snapshot, under the same schema:
  // otherwise another commit (a truncate, a schema change, another engine's rewrite) moved
  // on, and the new files are dropped (orphans for the cleanup).
  const TableMetadata::Json* snapshot = loaded_ ? loaded_->metadata.CurrentSnapshot() : nullptr;
  auto drop = [&](const char* why) -> Result<bool> {
    LOG_INFO("iceberg table {}: compaction dropped: {}", options_.table_key, why);
    return false;
  };
  if (!snapshot || has_pending()) return drop("the table changed under it");
  if (loaded_->metadata.current_schema_id() != job->schema_id) return drop("the schema changed");
  std::vector<ManifestEntry> data, deletes;
  RETURN_IF_ERROR(LiveEntries(store_, *snapshot, &data, &deletes));
  const std::set<std::string> inputs(files.begin(), files.end());
  size_t still_live = 0;
  for (const ManifestEntry& e : data) still_live += inputs.count(e.file.path);
  if (still_live != inputs.size()) return drop("a file it rewrote is gone");

  // Rows deleted since the rewrite's snapshot are deleted in the new files too: their
  // positions, mapped through where each row went.
  std::map<std::string, size_t> input_number;
  for (size_t i = 0; i < files.size(); ++i) input_number[files[i]] = i;
  std::vector<std::vector<int64_t>> since(files.size());  // per input: positions deleted since
  bool any_since = false;
  std::vector<ManifestEntry> kept_deletes;
  int64_t removed_deletes = 0;
  for (ManifestEntry& e : deletes) {
    bool touches = false;
    for (const std::string& path : files) touches = touches || MayDelete(e.file, path);
    if (touches && !job->delete_files.count(e.file.path)) {  // written after the snapshot
      ASSIGN_OR_RETURN(std::string bytes, GetByUri(store_, e.file.path));
      std::map<std::string, std::vector<int64_t>> positions;
      RETURN_IF_ERROR(ReadPositionDeletes(bytes, e.file.path, &positions));
      for (auto& [path, list] : positions) {
        auto n = input_number.find(path);
        if (n == input_number.end()) continue;
        auto& to = since[n->second];
        to.insert(to.end(), list.begin(), list.end());
        any_since = any_since || !list.empty();
      }
    }
    if (e.file.referenced_data_file && inputs.count(*e.file.referenced_data_file)) {
      ++removed_deletes;
    } else {
      kept_deletes.push_back(std::move(e));
    }
  }
  std::map<size_t, std::vector<int64_t>> carried;  // new file → deleted positions
  if (any_since) {
    for (auto& list : since) std::sort(list.begin(), list.end());
    RETURN_IF_ERROR(out.moved->ForEach([&](const std::string&, FilePosition at, FilePosition from) {
      const auto& list = since[from.first];
      if (std::binary_search(list.begin(), list.end(), from.second)) {
        carried[at.first].push_back(at.second);
      }
      return Status::OK();
    }));
  }

  TableMetadata metadata = loaded_->metadata;
  const int32_t schema_id = metadata.current_schema_id();
  const std::string schema_json = metadata.CurrentSchema()->dump();
  const int64_t snapshot_id = NewSnapshotId();
  const int64_t sequence = metadata.next_sequence_number();
  std::vector<ManifestEntry> kept_data;
  for (ManifestEntry& e : data) {
    if (!inputs.count(e.file.path)) kept_data.push_back(std::move(e));
  }
  for (const WrittenFile& f : out.written) kept_data.push_back(AddedEntry(f.file, snapshot_id));
  for (auto& [file, positions] : carried) {
    std::sort(positions.begin(), positions.end());
    ASSIGN_OR_RETURN(WrittenFile f, WriteDeleteFile(*store_, out.written[file].file.path, positions,
                                                    options_.table_key + "/data/" +
                                                        NewFileName("delete") + ".parquet"));
    RETURN_IF_ERROR_CTX(store_->Put(f.key, f.bytes, PutOptions::CreateOnly()),
                        "writing iceberg file {}", f.file.path);
    kept_deletes.push_back(AddedEntry(f.file, snapshot_id));
  }
  std::vector<ManifestFile> manifests;
  RETURN_IF_ERROR(
      AppendManifest(kept_data, false, schema_json, schema_id, snapshot_id, sequence, &manifests));
  RETURN_IF_ERROR(AppendManifest(kept_deletes, true, schema_json, schema_id, snapshot_id, sequence,
                                 &manifests));
  std::map<std::string, std::string> summary = CommittedSummary();
  for (const char* k :
       {"added-data-files", "added-records", "added-delete-files", "added-position-delete-files",
        "added-position-deletes", "deleted-data-files", "removed-delete-files"}) {
    summary.erase(k);
  }
  summary["operation"] = "replace";
  summary["added-data-files"] = std::to_string(out.written.size());
  summary["deleted-data-files"] = std::to_string(files.size());
  summary["removed-delete-files"] = std::to_string(removed_deletes);
  summary["added-records"] = std::to_string(out.moved->size());
  if (!carried.empty()) summary["added-delete-files"] = std::to_string(carried.size());
  Status published =
      Publish(std::move(metadata), snapshot_id, sequence, manifests, std::move(summary));
  if (published.code() == StatusCode::kAborted) {
    RETURN_IF_ERROR(Load());
    return drop("another writer committed first");
  }
  RETURN_IF_ERROR(published);
  // The index follows: each row still where the rewrite found it moves to its new place; a
  // row deleted (or replaced) since is gone from the index already and stays gone.
  std::vector<uint32_t> old_numbers, new_numbers;
  for (const std::string& path : files) old_numbers.push_back(index_.FileNumber(path));
  for (const WrittenFile& f : out.written) new_numbers.push_back(index_.FileNumber(f.file.path));
  RETURN_IF_ERROR(
      out.moved->ForEach([&](const std::string& key, FilePosition at, FilePosition from) -> Status {
        ASSIGN_OR_RETURN(bool moved,
                         index_.Remove(key, RowLocation{old_numbers[from.first], from.second}));
        if (!moved) return Status::OK();
        return index_.Add(key, RowLocation{new_numbers[at.first], at.second});
      }));
  RETURN_IF_ERROR(SaveIndex());
  LOG_INFO(
      "iceberg table {}: compacted {} files ({} live rows) into {}; committed in {:.0f} ms",
      options_.table_key, files.size(), out.moved->size(), out.written.size(),
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  return true;
}

}  // namespace binlake
