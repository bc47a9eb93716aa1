#include "iceberg/iceberg_table.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <set>

#include "common/crash_point.h"
#include "common/logging.h"
#include "iceberg/table_files.h"

namespace binlake {
namespace {

constexpr const char* kKeyProperty = "binlake.key-field-ids";

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return rng;
}

std::string JoinIds(const IcebergSchema& s) {
  std::string out;
  for (int k : s.key_columns) {
    if (!out.empty()) out += ",";
    out += std::to_string(s.columns[static_cast<size_t>(k)].file_column.field_id);
  }
  return out;
}

// Whether Iceberg lets a field's type change from `from` to `to` in place.
bool Promotable(const std::string& from, const std::string& to) {
  if (from == to) return true;
  if (from == "int" && to == "long") return true;
  if (from == "float" && to == "double") return true;
  int p1, s1, p2, s2;
  if (std::sscanf(from.c_str(), "decimal(%d, %d)", &p1, &s1) == 2 &&
      std::sscanf(to.c_str(), "decimal(%d, %d)", &p2, &s2) == 2) {
    return s1 == s2 && p2 >= p1;
  }
  return false;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

// What a commit writes. Rows and keys point into pending_, which stays as it is until the
// commit succeeds: a commit holds no second copy of its rows.
struct IcebergTable::Plan {
  std::vector<const Row*> appends;
  std::vector<const std::string*> append_keys;
  std::map<uint32_t, std::vector<int64_t>> deletes;  // data file → positions
  std::vector<std::pair<const std::string*, RowLocation>> removed;
};

Status IcebergTable::AppendManifest(const std::vector<ManifestEntry>& entries, bool deletes,
                                    const std::string& schema_json, int32_t schema_id,
                                    int64_t snapshot_id, int64_t sequence,
                                    std::vector<ManifestFile>* manifests) {
  if (entries.empty()) return Status::OK();
  const std::string key = fmt::format("{}/metadata/{}-m0.avro", options_.table_key,
                                      NewFileName(deletes ? "deletes" : "data"));
  ASSIGN_OR_RETURN(ManifestFile m, PutManifest(store_, key, entries, deletes, schema_json,
                                               schema_id, snapshot_id, sequence));
  manifests->push_back(std::move(m));
  return Status::OK();
}

TableMetadata IcebergTable::BaseMetadata(int64_t now_ms) const {
  if (loaded_) return loaded_->metadata;
  return TableMetadata::Create(
      StoreUri(*store_, options_.table_key),
      fmt::format("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", Rng()() & 0xffffffff, Rng()() & 0xffff,
                  Rng()() & 0xfff, Rng()() & 0xfff, Rng()() & 0xffffffffffff),
      IcebergSchemaJson(schema_, 0), 0, now_ms);
}

void IcebergTable::StampSchema(TableMetadata* metadata) const {
  int32_t max_id = 0;
  for (const auto& c : schema_.columns) max_id = std::max(max_id, c.file_column.field_id);
  metadata->SetCurrentSchema(IcebergSchemaJson(schema_, 0), max_id);
  metadata->SetProperty(kKeyProperty, JoinIds(schema_));
}

IcebergTable::IcebergTable(ObjectStore* store, TableCatalog* catalog, Clock* clock,
                           IcebergTableOptions options)
    : store_(store),
      catalog_(catalog),
      clock_(clock),
      options_(std::move(options)),
      index_(options_.index_store) {
  run_id_ = fmt::format("{:016x}", Rng()());
}

Result<std::unique_ptr<IcebergTable>> IcebergTable::Open(ObjectStore* store, TableCatalog* catalog,
                                                         Clock* clock,
                                                         IcebergTableOptions options) {
  if (!options.index_store) {
    ASSIGN_OR_RETURN(options.index_store, KeyIndexStore::Open(""));
  }
  std::unique_ptr<IcebergTable> t(new IcebergTable(store, catalog, clock, std::move(options)));
  RETURN_IF_ERROR(t->index_.Attach(t->options_.table_key));
  RETURN_IF_ERROR(t->Load());
  return t;
}

Status IcebergTable::Load() {
  ASSIGN_OR_RETURN(loaded_, catalog_->Load(options_.table_key));
  // Without a schema yet (at open), SetSchema builds the index.
  if (!schema_.columns.empty()) RETURN_IF_ERROR(RebuildIndex());
  return Status::OK();
}

std::string IcebergTable::IndexTag() const {
  if (!loaded_) return "";
  return fmt::format("{}/{}/{}", loaded_->metadata.json().value("table-uuid", ""),
                     loaded_->metadata.current_snapshot_id(), JoinIds(schema_));
}

Status IcebergTable::SaveIndex() {
  if (!loaded_) return index_.Flush();
  return index_.Save(IndexTag());
}

std::map<std::string, std::string> IcebergTable::CommittedSummary() const {
  if (!loaded_) return {};
  return loaded_->metadata.CurrentSummary();
}

Status IcebergTable::RebuildIndex() {
  if (loaded_) {
    // The index a previous run saved, when it describes this very snapshot.
    ASSIGN_OR_RETURN(bool restored, index_.Restore(IndexTag()));
    if (restored) {
      LOG_INFO(
          "iceberg table {}: key index of {} live rows in {} data files kept from the last "
          "run",
          options_.table_key, index_.size(), index_.file_count());
      return Status::OK();
    }
  }
  RETURN_IF_ERROR(index_.Clear());
  if (!loaded_) return Status::OK();
  const TableMetadata::Json* snapshot = loaded_->metadata.CurrentSnapshot();
  if (!snapshot || !snapshot->contains("manifest-list")) return Status::OK();
  ASSIGN_OR_RETURN(std::vector<ManifestFile> manifests, ReadSnapshotManifests(store_, *snapshot));
  std::vector<DataFile> data_files;
  std::map<std::string, std::vector<int64_t>> deleted;
  for (const ManifestFile& m : manifests) {
    ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries, ReadManifestEntries(store_, m));
    for (ManifestEntry& e : entries) {
      if (e.status == EntryStatus::kDeleted) continue;
      if (e.file.format != "PARQUET" && e.file.format != "parquet") {
        return UnimplementedError("{}: data file {} is {}; binlake reads Parquet tables only",
                                  options_.table_key, e.file.path, e.file.format);
      }
      switch (e.file.content) {
        case FileContent::kData:
          data_files.push_back(std::move(e.file));
          break;
        case FileContent::kPositionDeletes: {
          ASSIGN_OR_RETURN(std::string bytes, GetByUri(store_, e.file.path));
          RETURN_IF_ERROR(ReadPositionDeletes(bytes, e.file.path, &deleted));
          break;
        }
        case FileContent::kEqualityDeletes:
          return UnimplementedError(
              "table {} has an equality delete file ({}), written by another engine; binlake "
              "maintains tables with position deletes only. Rewrite the table's deletes (Spark: "
              "CALL system.rewrite_position_delete_files, or rewrite_data_files) and restart",
              options_.table_key, e.file.path);
      }
    }
  }
  for (const DataFile& f : data_files) {
    std::optional<uint64_t> size;
    if (f.file_size > 0) size = static_cast<uint64_t>(f.file_size);
    ASSIGN_OR_RETURN(StoredParquetFile file, StoredParquetFile::Open(store_, f.path, size));
    std::vector<int64_t> gone;
    if (auto d = deleted.find(f.path); d != deleted.end()) gone = std::move(d->second);
    std::sort(gone.begin(), gone.end());
    RETURN_IF_ERROR(IndexDataFile(schema_, &file, f.path, gone, &index_));
  }
  RETURN_IF_ERROR(SaveIndex());
  LOG_INFO("iceberg table {}: indexed {} live rows in {} data files", options_.table_key,
           index_.size(), data_files.size());
  return Status::OK();
}

bool IcebergTable::SchemaDiffers(const TableSchema& schema) const {
  if (!source_schema_) return true;
  if (source_schema_.get() == &schema) return false;
  const TableSchema& a = *source_schema_;
  if (a.columns.size() != schema.columns.size() || a.key_columns != schema.key_columns) {
    return true;
  }
  for (size_t i = 0; i < a.columns.size(); ++i) {
    const Column& x = a.columns[i];
    const Column& y = schema.columns[i];
    if (x.name != y.name || x.type != y.type || x.is_unsigned != y.is_unsigned ||
        x.nullable != y.nullable || x.precision != y.precision || x.scale != y.scale ||
        x.elements != y.elements) {
      return true;
    }
  }
  return false;
}

Status IcebergTable::SetSchema(TableSchemaPtr source) {
  // Field ids: a column keeps the id of the Iceberg field of its name while its type stays
  // promotable (int → long, float → double, a wider decimal); any other column gets a new id.
  std::map<std::string, std::pair<int32_t, std::pair<std::string, bool>>> existing;
  int32_t last_id = 0;
  if (loaded_) {
    last_id = loaded_->metadata.last_column_id();
    if (const TableMetadata::Json* s = loaded_->metadata.CurrentSchema()) {
      for (const auto& f : (*s)["fields"]) {
        if (!f["type"].is_string()) continue;
        existing[Lower(f["name"].get<std::string>())] = {
            f["id"].get<int32_t>(), {f["type"].get<std::string>(), f["required"].get<bool>()}};
      }
    }
  }
  auto with_ids = std::make_shared<TableSchema>(*source);
  for (Column& c : with_ids->columns) c.field_id = 0;
  // The soft-delete column (keyed tables only: a table without a key has no row to flag).
  soft_delete_ = !options_.soft_delete_column.empty() && !source->key_columns.empty();
  if (soft_delete_) {
    if (source->FindColumn(options_.soft_delete_column) >= 0) {
      return InvalidArgumentError(
          "table {} has a column named '{}', the configured iceberg.soft_delete_column: choose "
          "another name",
          source->QualifiedName(), options_.soft_delete_column);
    }
    Column flag;
    flag.name = options_.soft_delete_column;
    flag.type = LogicalType::kBit;
    flag.mysql_type = MysqlType::kBit;
    flag.precision = 1;
    flag.nullable = true;  // older files may predate it
    with_ids->columns.push_back(std::move(flag));
  }
  ASSIGN_OR_RETURN(IcebergSchema probe, [&]() -> Result<IcebergSchema> {
    TableSchema tmp = *with_ids;
    for (size_t i = 0; i < tmp.columns.size(); ++i) tmp.columns[i].field_id = 1;
    return MapIcebergSchema(tmp);
  }());
  std::set<std::string> names;
  for (const Column& c : with_ids->columns) names.insert(Lower(c.name));
  needs_reload_ = false;
  for (size_t i = 0; i < with_ids->columns.size(); ++i) {
    Column& c = with_ids->columns[i];
    auto it = existing.find(Lower(c.name));
    if (it == existing.end()) {
      auto renamed = renames_.find(Lower(c.name));
      if (renamed != renames_.end() && !names.count(renamed->second)) {
        it = existing.find(renamed->second);
      }
    }
    if (it != existing.end() && Promotable(it->second.second.first, probe.columns[i].type)) {
      c.field_id = it->second.first;
    } else {
      if (it != existing.end()) {
        LOG_WARN(
            "iceberg table {}: column '{}' changed from {} to {}, which Iceberg cannot promote; "
            "it becomes a new field and the table is loaded again from the source",
            options_.table_key, c.name, it->second.second.first, probe.columns[i].type);
        needs_reload_ = true;
      }
      c.field_id = ++last_id;
    }
  }
  ASSIGN_OR_RETURN(IcebergSchema mapped, MapIcebergSchema(*with_ids));
  // A field that was optional stays optional: its older files may hold NULLs.
  for (IcebergColumn& c : mapped.columns) {
    auto it = existing.find(Lower(c.file_column.name));
    if (it != existing.end() && it->second.first == c.file_column.field_id &&
        !it->second.second.second) {
      c.required = false;
    }
  }
  if (!mapped.identifier_ids.empty()) {
    for (int k : mapped.key_columns) {
      if (!mapped.columns[static_cast<size_t>(k)].required) mapped.identifier_ids.clear();
    }
  }
  bool keys_changed = JoinIds(mapped) != JoinIds(schema_) || schema_.columns.empty();
  std::string old_json = schema_.columns.empty() ? "" : IcebergSchemaJson(schema_, 0);
  if (old_json != IcebergSchemaJson(mapped, 0)) schema_dirty_ = true;
  renames_.clear();
  source_schema_ = source;
  schema_ = std::move(mapped);
  ASSIGN_OR_RETURN(plans_, IcebergPlans(schema_));
  if (loaded_) {
    if (const TableMetadata::Json* s = loaded_->metadata.CurrentSchema()) {
      // The table's current schema may already be this one (a restart): nothing to commit.
      TableMetadata::Json current = *s;
      current.erase("schema-id");
      TableMetadata::Json mine = TableMetadata::Json::parse(IcebergSchemaJson(schema_, 0));
      mine.erase("schema-id");
      if (current == mine) schema_dirty_ = false;
    }
  }
  if (keys_changed && loaded_) RETURN_IF_ERROR(RebuildIndex());
  return Status::OK();
}

Status IcebergTable::ToRow(Row source, bool deleted, Row* out) const {
  // The soft-delete flag is the source's column past its last one.
  if (soft_delete_) source.push_back(Value::UInt(deleted ? 1 : 0));
  return ToIcebergRow(schema_, std::move(source), out);
}

Result<std::string> IcebergTable::SourceKey(const Row& source) const {
  Row scratch(schema_.columns.size());
  for (int k : schema_.key_columns) {
    const IcebergColumn& c = schema_.columns[static_cast<size_t>(k)];
    RETURN_IF_ERROR(ToIcebergValue(c, source[static_cast<size_t>(c.source_index)],
                                   &scratch[static_cast<size_t>(k)]));
  }
  return CanonicalKey(schema_, plans_, scratch);
}

void IcebergTable::AddPending(const std::string& key, std::optional<Row> row, int64_t copies) {
  // Counted once per change (a replaced row's bytes stay counted): an upper bound.
  pending_bytes_ += key.size() + 96;
  if (row) {
    for (const Value& v : *row) pending_bytes_ += sizeof(Value) + v.bytes().capacity();
  }
  Pending& p = pending_[key];
  p.keyed = copies == 0;
  if (p.keyed) {
    p.row = std::move(row);
  } else {
    p.copies += copies;
    if (row) p.copy_row = std::move(*row);
  }
}

Status IcebergTable::Insert(Row source) {
  Row row;
  RETURN_IF_ERROR(ToRow(std::move(source), false, &row));
  ASSIGN_OR_RETURN(std::string key, CanonicalKey(schema_, plans_, row));
  AddPending(key, std::move(row), source_schema_->key_columns.empty() ? 1 : 0);
  return Status::OK();
}

Status IcebergTable::Delete(Row source, const std::string* key) {
  if (source_schema_->key_columns.empty()) {  // the whole row is the identity
    Row row;
    RETURN_IF_ERROR(ToRow(std::move(source), false, &row));
    ASSIGN_OR_RETURN(std::string whole, CanonicalKey(schema_, plans_, row));
    AddPending(whole, std::move(row), -1);
    return Status::OK();
  }
  if (soft_delete_) {  // the row stays in its last state, flagged
    Row row;
    RETURN_IF_ERROR(ToRow(std::move(source), true, &row));
    ASSIGN_OR_RETURN(std::string k, CanonicalKey(schema_, plans_, row));
    AddPending(k, std::move(row), 0);
    return Status::OK();
  }
  if (key) {
    AddPending(*key, std::nullopt, 0);
    return Status::OK();
  }
  ASSIGN_OR_RETURN(std::string k, SourceKey(source));
  AddPending(k, std::nullopt, 0);
  return Status::OK();
}

Status IcebergTable::Add(RowChange change) {
  switch (change.op) {
    case Op::kInsert:
      return Insert(std::move(change.after));
    case Op::kDelete:
      return Delete(std::move(change.before), nullptr);
    case Op::kUpdate:
      if (!source_schema_->key_columns.empty()) {
        // Same key: the after-image replaces the row. A key move: delete + upsert.
        ASSIGN_OR_RETURN(std::string before_key, SourceKey(change.before));
        ASSIGN_OR_RETURN(std::string after_key, SourceKey(change.after));
        if (before_key != after_key) {
          RETURN_IF_ERROR(Delete(std::move(change.before), &before_key));
        }
      } else {
        RETURN_IF_ERROR(Delete(std::move(change.before), nullptr));
      }
      return Insert(std::move(change.after));
  }
  return Status::OK();
}

void IcebergTable::RenameColumn(const std::string& from, const std::string& to) {
  renames_[Lower(to)] = Lower(from);
}

void IcebergTable::DropPending() {
  pending_.clear();
  pending_bytes_ = 0;
  if (truncate_) {
    truncate_ = false;
    Load().IgnoreError();  // the index went with the truncate; the next commit reloads it
  }
}

Status IcebergTable::Truncate() {
  pending_.clear();
  pending_bytes_ = 0;
  truncate_ = true;
  return index_.Clear();
}

Result<IcebergTable::Plan> IcebergTable::MakePlan() {
  Plan plan;
  // In the index's key order: neighbouring keys share its pages.
  std::vector<std::pair<const std::string, Pending>*> order;
  order.reserve(pending_.size());
  for (auto& entry : pending_) order.push_back(&entry);
  std::sort(order.begin(), order.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  for (auto* entry : order) {
    const std::string& key = entry->first;
    Pending& p = entry->second;
    std::vector<RowLocation> found;
    RETURN_IF_ERROR(index_.Find(key, &found));
    const std::vector<RowLocation>* at = found.empty() ? nullptr : &found;
    if (p.keyed) {
      if (at) {
        for (const RowLocation& l : *at) {
          plan.deletes[l.file].push_back(l.pos);
          plan.removed.emplace_back(&key, l);
        }
      }
      if (p.row) {
        plan.appends.push_back(&*p.row);
        plan.append_keys.push_back(&key);
      }
      continue;
    }
    if (p.copies < 0) {
      size_t want = static_cast<size_t>(-p.copies);
      size_t have = at ? at->size() : 0;
      if (have < want) {
        LOG_WARN(
            "iceberg table {}: the source deleted {} copies of a row the table holds {} of (a "
            "table without a primary key changed while binlake was not following it); the "
            "table keeps none",
            options_.table_key, want, have);
      }
      for (size_t i = 0; i < std::min(want, have); ++i) {
        plan.deletes[(*at)[i].file].push_back((*at)[i].pos);
        plan.removed.emplace_back(&key, (*at)[i]);
      }
    }
    for (int64_t i = 0; i < p.copies; ++i) {
      plan.appends.push_back(&p.copy_row);
      plan.append_keys.push_back(&key);
    }
  }
  for (auto& [file, positions] : plan.deletes) std::sort(positions.begin(), positions.end());
  return plan;
}

std::string IcebergTable::NewFileName(const std::string& kind) {
  return fmt::format("{}-{}-{:05}", kind, run_id_, ++file_counter_);
}

Status IcebergTable::Commit(const std::map<std::string, std::string>& summary) {
  if (!has_pending()) return Status::OK();
  for (int attempt = 1;; ++attempt) {
    const auto start = std::chrono::steady_clock::now();
    ASSIGN_OR_RETURN(Plan plan, MakePlan());
    const auto planned = std::chrono::steady_clock::now();
    Status s = TryCommit(&plan, summary);
    if (s.ok()) {
      auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
      LOG_DEBUG(
          "iceberg table {}: committed {} keys (+{} rows, -{} rows) in {:.1f} ms (plan {:.1f})",
          options_.table_key, pending_.size(), plan.appends.size(), plan.removed.size(),
          ms(std::chrono::steady_clock::now() - start), ms(planned - start));
      pending_.clear();
      pending_bytes_ = 0;
      schema_dirty_ = false;
      truncate_ = false;
      return Status::OK();
    }
    if (s.code() != StatusCode::kAborted || attempt >= options_.max_commit_attempts) return s;
    LOG_INFO("iceberg table {}: {}; reloading and retrying", options_.table_key, s.message());
    RETURN_IF_ERROR(Load());
    if (truncate_) RETURN_IF_ERROR(index_.Clear());
    // Another binlake writing the same table would commit binlog positions too: two writers
    // would each apply changes twice. Refuse instead of racing it.
    auto theirs = CommittedSummary();
    auto mine = summary.find("binlake.position");
    auto other = theirs.find("binlake.position");
    if (mine != summary.end() && other != theirs.end() && other->second == mine->second) {
      return AbortedError(
          "iceberg table {} was committed at binlog position {} by another binlake process: "
          "two binlake processes write the same lake; stop one of them",
          options_.table_key, other->second);
    }
  }
}

Status IcebergTable::TryCommit(Plan* plan, const std::map<std::string, std::string>& summary) {
  const std::string data_prefix = options_.table_key + "/data/";
  const int64_t now_ms = clock_->NowMicros() / 1000;
  TableMetadata metadata = BaseMetadata(now_ms);
  // binlake writes unpartitioned files under spec 0: a table another engine partitioned
  // would be corrupted by them.
  const auto& json = metadata.json();
  if (json.contains("partition-specs")) {
    for (const auto& spec : json["partition-specs"]) {
      if (spec.value("spec-id", -1) == json.value("default-spec-id", 0) &&
          spec.contains("fields") && !spec["fields"].empty()) {
        return UnimplementedError(
            "iceberg table {} is partitioned (by another engine); binlake writes unpartitioned "
            "tables only. Point iceberg.path elsewhere or drop the partitioning",
            options_.table_key);
      }
    }
  }
  if (!schema_.columns.empty()) StampSchema(&metadata);
  const int32_t schema_id = metadata.current_schema_id();
  const std::string schema_json = metadata.CurrentSchema()->dump();
  const int64_t snapshot_id = NewSnapshotId();
  const int64_t sequence = metadata.next_sequence_number();

  // Data files: the appended rows in order, a new file past the target size, streamed to
  // the store.
  std::vector<std::pair<size_t, int64_t>> append_at(plan->appends.size());  // (file, position)
  DataFileWriter data(store_, schema_, schema_json, options_.target_file_size,
                      options_.row_group_bytes,
                      [&] { return data_prefix + NewFileName("data") + ".parquet"; });
  for (size_t i = 0; i < plan->appends.size(); ++i) {
    RETURN_IF_ERROR_CTX(data.Append(*plan->appends[i], &append_at[i]), "iceberg table {}",
                        options_.table_key);
  }
  RETURN_IF_ERROR(data.Finish());
  std::vector<WrittenFile> written = std::move(data.files());
  const size_t data_count = written.size();

  // Position deletes: one file per data file they touch.
  int64_t deleted_rows = 0;
  for (const auto& [file, positions] : plan->deletes) {
    ASSIGN_OR_RETURN(WrittenFile f,
                     WriteDeleteFile(*store_, index_.FilePath(file), positions,
                                     data_prefix + NewFileName("delete") + ".parquet"));
    deleted_rows += static_cast<int64_t>(positions.size());
    written.push_back(std::move(f));
  }
  for (size_t i = data_count; i < written.size(); ++i) {
    const WrittenFile& f = written[i];
    RETURN_IF_ERROR_CTX(store_->Put(f.key, f.bytes, PutOptions::CreateOnly()),
                        "writing iceberg file {}", f.file.path);
  }
  CrashPoint("iceberg.files");

  // Manifests: the current snapshot's, plus one for the new data files and one for the
  // new delete files; merged into at most two once there are too many.
  std::vector<ManifestFile> manifests;
  const TableMetadata::Json* current = truncate_ ? nullptr : metadata.CurrentSnapshot();
  if (current) {
    ASSIGN_OR_RETURN(manifests, ReadSnapshotManifests(store_, *current));
  }
  std::vector<ManifestEntry> new_data, new_deletes;
  for (size_t i = 0; i < written.size(); ++i) {
    (i < data_count ? new_data : new_deletes).push_back(AddedEntry(written[i].file, snapshot_id));
  }
  auto write_manifest = [&](const std::vector<ManifestEntry>& entries, bool deletes) {
    return AppendManifest(entries, deletes, schema_json, schema_id, snapshot_id, sequence,
                          &manifests);
  };
  if (manifests.size() + 2 > static_cast<size_t>(options_.max_manifests)) {
    // Merge: every live entry into one data and one delete manifest, dropping data files
    // whose rows are all deleted (after this commit) together with their delete files.
    std::set<std::string> dead;
    for (uint32_t f = 0; f < index_.file_count(); ++f) {
      int64_t live = index_.LiveRows(f);
      auto d = plan->deletes.find(f);
      if (d != plan->deletes.end()) live -= static_cast<int64_t>(d->second.size());
      if (live == 0) dead.insert(index_.FilePath(f));
    }
    std::vector<ManifestEntry> data = new_data, deletes;
    for (const ManifestEntry& e : new_deletes) {
      if (!dead.count(*e.file.referenced_data_file)) deletes.push_back(e);
    }
    for (const ManifestFile& m : manifests) {
      ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries, ReadManifestEntries(store_, m));
      for (ManifestEntry& e : entries) {
        if (e.status == EntryStatus::kDeleted) continue;
        if (e.file.partitioned || m.spec_id != 0) {
          return UnimplementedError(
              "iceberg table {} is partitioned (written by another engine); binlake maintains "
              "unpartitioned tables only",
              options_.table_key);
        }
        e.status = EntryStatus::kExisting;
        if (e.file.content == FileContent::kData) {
          if (!dead.count(e.file.path)) data.push_back(std::move(e));
        } else if (!e.file.referenced_data_file || !dead.count(*e.file.referenced_data_file)) {
          deletes.push_back(std::move(e));
        }
      }
    }
    manifests.clear();
    RETURN_IF_ERROR(write_manifest(data, false));
    RETURN_IF_ERROR(write_manifest(deletes, true));
  } else {
    RETURN_IF_ERROR(write_manifest(new_data, false));
    RETURN_IF_ERROR(write_manifest(new_deletes, true));
  }
  CrashPoint("iceberg.manifests");
  std::map<std::string, std::string> snapshot_summary = summary;
  snapshot_summary["operation"] =
      deleted_rows > 0 || truncate_ ? (plan->appends.empty() ? "delete" : "overwrite") : "append";
  snapshot_summary["added-data-files"] = std::to_string(data_count);
  snapshot_summary["added-records"] = std::to_string(plan->appends.size());
  snapshot_summary["added-delete-files"] = std::to_string(written.size() - data_count);
  snapshot_summary["added-position-delete-files"] = std::to_string(written.size() - data_count);
  snapshot_summary["added-position-deletes"] = std::to_string(deleted_rows);
  RETURN_IF_ERROR(
      Publish(std::move(metadata), snapshot_id, sequence, manifests, std::move(snapshot_summary)));
  CrashPoint("iceberg.committed");
  // The index follows the committed snapshot.
  for (const auto& [key, at] : plan->removed) RETURN_IF_ERROR(index_.Remove(*key, at));
  std::vector<uint32_t> numbers;
  for (size_t i = 0; i < data_count; ++i)
    numbers.push_back(index_.FileNumber(written[i].file.path));
  for (size_t i = 0; i < plan->appends.size(); ++i) {
    RETURN_IF_ERROR(index_.Add(*plan->append_keys[i],
                               RowLocation{numbers[append_at[i].first], append_at[i].second}));
  }
  return SaveIndex();
}

Status IcebergTable::Publish(TableMetadata metadata, int64_t snapshot_id, int64_t sequence,
                             const std::vector<ManifestFile>& manifests,
                             std::map<std::string, std::string> summary) {
  std::optional<int64_t> parent;
  if (metadata.current_snapshot_id() >= 0) parent = metadata.current_snapshot_id();
  ASSIGN_OR_RETURN(std::string list, WriteManifestList(manifests, snapshot_id, parent, sequence));
  std::string list_key =
      options_.table_key + "/metadata/" + fmt::format("snap-{}-{}.avro", snapshot_id, run_id_);
  RETURN_IF_ERROR(store_->Put(list_key, list, PutOptions::CreateOnly()));
  CrashPoint("iceberg.manifest_list");
  TableMetadata::NewSnapshot snap;
  snap.snapshot_id = snapshot_id;
  snap.manifest_list = StoreUri(*store_, list_key);
  snap.timestamp_ms = clock_->NowMicros() / 1000;
  snap.summary = std::move(summary);
  metadata.AddSnapshot(snap, loaded_ ? loaded_->metadata_file : "", options_.max_metadata_log);
  std::vector<std::string> expired = metadata.ExpireSnapshots(options_.max_snapshots);
  ASSIGN_OR_RETURN(
      LoadedTable committed,
      catalog_->Commit(options_.table_key, loaded_ ? loaded_->version : 0, std::move(metadata)));
  loaded_ = std::move(committed);
  // Expired snapshots' manifest lists belong to no other snapshot.
  for (const std::string& uri : expired) {
    Result<std::string> key = StoreKeyOf(*store_, uri);
    if (key.ok()) store_->Delete(*key).IgnoreError();
  }
  return Status::OK();
}

}  // namespace binlake
