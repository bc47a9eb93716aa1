// The Iceberg side of validate: a table's live rows, its position deletes applied.

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "iceberg/catalog.h"
#include "iceberg/key_index.h"
#include "iceberg/table_files.h"
#include "validate/lake_table.h"

namespace binlake::validate {

Result<std::unique_ptr<IcebergLakeTable>> IcebergLakeTable::Open(ObjectStore* store,
                                                                 std::string table_key) {
  FileSystemCatalog catalog(store);
  ASSIGN_OR_RETURN(std::optional<LoadedTable> loaded, catalog.Load(table_key));
  if (!loaded) return NotFoundError("no Iceberg table at {}", table_key);
  std::unique_ptr<IcebergLakeTable> t(new IcebergLakeTable(store, std::move(table_key)));
  if (const TableMetadata::Json* schema = loaded->metadata.CurrentSchema()) {
    for (const auto& f : schema->value("fields", TableMetadata::Json::array())) {
      t->field_ids_[f.value("name", "")] = f.value("id", 0);
    }
  }
  return t;
}

// The later of the Iceberg tables' common position and this table's own snapshot position (a
// table loaded while no change has been committed since has only its own).
Result<std::optional<BinlogPosition>> IcebergLakeTable::Position() {
  std::optional<BinlogPosition> at;
  Result<std::string> text = store_->Get("_binlake/iceberg/position.json");
  if (text.ok()) {
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.contains("position")) {
      return CorruptionError("_binlake/iceberg/position.json is not binlake's position record");
    }
    at = BinlogPosition{j["position"].value("file", ""), j["position"].value("offset", 0ull)};
  } else if (text.status().code() != StatusCode::kNotFound) {
    return text.status();
  }
  FileSystemCatalog catalog(store_);
  ASSIGN_OR_RETURN(std::optional<LoadedTable> loaded, catalog.Load(table_key_));
  if (loaded) {
    std::map<std::string, std::string> summary = loaded->metadata.CurrentSummary();
    auto file = summary.find("binlake.position.file");
    auto offset = summary.find("binlake.position.offset");
    // A snapshot of a load that has not finished holds only part of the table.
    if (file != summary.end() && offset != summary.end() && !summary.count("binlake.full-load")) {
      BinlogPosition own{file->second, std::strtoull(offset->second.c_str(), nullptr, 10)};
      if (!at || *at < own) at = own;
    }
  }
  return at;
}

Result<BinlogPosition> IcebergLakeTable::Refresh(Canonicalizer* canon, LakeState* state) {
  // The position first: every table's snapshot then holds at least every change up to it.
  ASSIGN_OR_RETURN(std::optional<BinlogPosition> at, Position());
  if (!at) return FailedPreconditionError("the Iceberg tables have no position yet");
  RETURN_IF_ERROR(state->Clear());
  FileSystemCatalog catalog(store_);
  ASSIGN_OR_RETURN(std::optional<LoadedTable> loaded, catalog.Load(table_key_));
  if (!loaded) return NotFoundError("no Iceberg table at {}", table_key_);
  const TableMetadata::Json* snapshot = loaded->metadata.CurrentSnapshot();
  if (!snapshot || !snapshot->contains("manifest-list")) return *at;
  ASSIGN_OR_RETURN(std::vector<ManifestFile> manifests, ReadSnapshotManifests(store_, *snapshot));
  std::vector<std::string> data;
  std::map<std::string, std::vector<int64_t>> deleted;
  for (const ManifestFile& m : manifests) {
    ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries, ReadManifestEntries(store_, m));
    for (const ManifestEntry& e : entries) {
      if (e.status == EntryStatus::kDeleted) continue;
      if (e.file.content == FileContent::kData) {
        data.push_back(e.file.path);
      } else if (e.file.content == FileContent::kPositionDeletes) {
        ASSIGN_OR_RETURN(std::string bytes, GetByUri(store_, e.file.path));
        RETURN_IF_ERROR(ReadPositionDeletes(bytes, e.file.path, &deleted));
      } else {
        return UnimplementedError(
            "{} has an equality delete file ({}); validate reads tables "
            "with position deletes only",
            table_key_, e.file.path);
      }
    }
  }
  for (const std::string& path : data) {
    ASSIGN_OR_RETURN(std::string bytes, GetByUri(store_, path));
    std::vector<int64_t>& gone = deleted[path];
    std::sort(gone.begin(), gone.end());
    RETURN_IF_ERROR(canon->ReadFile(
        bytes, path, gone, [&](char, CanonicalRow&& row) { return state->Put(row.key, row.row); }));
  }
  RETURN_IF_ERROR(state->Commit());
  return *at;
}

}  // namespace binlake::validate
