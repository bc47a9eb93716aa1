#include <set>

#include "common/logging.h"
#include "iceberg/iceberg_table.h"
#include "iceberg/table_files.h"

namespace binlake {
namespace {

// The version in ".../v12.metadata.json", or 0.
int64_t MetadataVersion(const std::string& key) {
  size_t slash = key.rfind('/');
  std::string name = key.substr(slash == std::string::npos ? 0 : slash + 1);
  if (name.size() < 16 || name[0] != 'v' || name.find(".metadata.json") == std::string::npos) {
    return 0;
  }
  return std::strtoll(name.c_str() + 1, nullptr, 10);
}

}  // namespace

Result<size_t> IcebergTable::RemoveOrphans() {
  if (!loaded_) return size_t{0};
  const TableMetadata& md = loaded_->metadata;
  std::set<std::string> keep;  // store keys
  auto refer = [&](const std::string& uri) -> Status {
    ASSIGN_OR_RETURN(std::string key, StoreKeyOf(*store_, uri));
    keep.insert(std::move(key));
    return Status::OK();
  };
  RETURN_IF_ERROR(refer(loaded_->metadata_file));
  keep.insert(options_.table_key + "/metadata/version-hint.text");
  const auto& json = md.json();
  if (json.contains("metadata-log")) {
    for (const auto& e : json["metadata-log"]) {
      RETURN_IF_ERROR(refer(e["metadata-file"].get<std::string>()));
    }
  }
  std::set<std::string> manifests_seen;
  if (json.contains("snapshots")) {
    for (const auto& snap : json["snapshots"]) {
      if (!snap.contains("manifest-list")) continue;
      std::string list_uri = snap["manifest-list"].get<std::string>();
      RETURN_IF_ERROR(refer(list_uri));
      ASSIGN_OR_RETURN(std::vector<ManifestFile> manifests, ReadSnapshotManifests(store_, snap));
      for (const ManifestFile& m : manifests) {
        if (!manifests_seen.insert(m.path).second) continue;
        RETURN_IF_ERROR(refer(m.path));
        ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries, ReadManifestEntries(store_, m));
        for (const ManifestEntry& e : entries) {
          if (e.status != EntryStatus::kDeleted) RETURN_IF_ERROR(refer(e.file.path));
        }
      }
    }
  }
  const int64_t cutoff_us = clock_->NowMicros() - options_.orphan_age_ms * 1000;
  const std::string rewriting = compaction_prefix();  // files a running rewrite will commit
  size_t removed = 0;
  for (const char* folder : {"/data/", "/metadata/"}) {
    ASSIGN_OR_RETURN(ListResult list, store_->List(options_.table_key + folder));
    for (const ObjectInfo& o : list.objects) {
      if (keep.count(o.key) || o.mtime_micros > cutoff_us) continue;
      if (!rewriting.empty() && o.key.starts_with(rewriting)) continue;
      int64_t version = MetadataVersion(o.key);
      if (version >= loaded_->version) continue;  // another writer's newer commit
      RETURN_IF_ERROR_CTX(store_->Delete(o.key), "removing orphan file {}", o.key);
      ++removed;
    }
  }
  if (removed > 0) {
    LOG_INFO("iceberg table {}: removed {} unreferenced files", options_.table_key, removed);
  }
  return removed;
}

}  // namespace binlake
