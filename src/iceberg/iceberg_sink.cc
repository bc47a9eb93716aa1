#include "iceberg/iceberg_sink.h"

#include <nlohmann/json.hpp>

#include "common/crash_point.h"
#include "common/logging.h"
#include "common/memory.h"
#include "model/ddl.h"

namespace binlake {
namespace {

constexpr const char* kPositionKey = "_binlake/iceberg/position.json";
constexpr const char* kLoadKey = "binlake.full-load";

// What every snapshot's summary says of the binlog: the position after its last change.
// `load_state`: "in-progress" while the table's full load is unfinished, else null.
std::map<std::string, std::string> PositionSummary(const BinlogPosition& position,
                                                   const std::string& gtid_set,
                                                   const char* load_state) {
  std::map<std::string, std::string> summary = {
      {"binlake.position", position.ToString()},
      {"binlake.position.file", position.file},
      {"binlake.position.offset", std::to_string(position.offset)},
      {"binlake.gtid-set", gtid_set},
  };
  if (load_state) summary[kLoadKey] = load_state;
  return summary;
}

}  // namespace

IcebergSink::IcebergSink(const IcebergConfig& config, TableFilter replicated, TableFilter filter,
                         ObjectStore* store, Clock* clock)
    : config_(config),
      replicated_(std::move(replicated)),
      filter_(std::move(filter)),
      store_(store),
      clock_(clock),
      catalog_(store) {}

bool IcebergSink::Takes(std::string_view database, std::string_view table) const {
  std::string name;
  name.reserve(database.size() + table.size() + 1);
  name.append(database).append(1, '\0').append(table);  // names may hold dots
  auto it = takes_.find(name);
  if (it != takes_.end()) return it->second;
  bool takes = replicated_.Matches(database, table) && filter_.Matches(database, table);
  takes_.emplace(std::move(name), takes);
  return takes;
}

Result<std::unique_ptr<IcebergSink>> IcebergSink::Create(const IcebergConfig& config,
                                                         const TablesConfig& tables,
                                                         const std::string& spill_dir,
                                                         uint64_t memory_limit, ObjectStore* store,
                                                         Clock* clock) {
  ASSIGN_OR_RETURN(TableFilter replicated, TableFilter::Create(tables.include, tables.exclude));
  ASSIGN_OR_RETURN_CTX(TableFilter ice, TableFilter::Create(config.include, config.exclude),
                       "iceberg");
  // The key index is kept in spill_dir between runs, one folder per lake.
  const std::string name = KeptFolderName("binlake-iceberg-index", StoreUri(*store, config.path));
  ASSIGN_OR_RETURN(std::shared_ptr<KeyIndexStore> index, KeyIndexStore::Open(spill_dir, name));
  std::unique_ptr<IcebergSink> sink(
      new IcebergSink(config, std::move(replicated), std::move(ice), store, clock));
  sink->index_store_ = std::move(index);
  sink->memory_limit_ = memory_limit;
  sink->last_commit_us_ = clock->MonotonicMicros();  // the first interval runs from the start
  return sink;
}

Result<std::optional<BinlogPosition>> IcebergSink::Recover() {
  Result<std::string> bytes = store_->Get(kPositionKey);
  if (!bytes.ok()) {
    if (bytes.status().code() == StatusCode::kNotFound) return std::optional<BinlogPosition>();
    return bytes.status();
  }
  try {
    auto j = nlohmann::json::parse(*bytes);
    BinlogPosition p{j.at("position").at("file").get<std::string>(),
                     j.at("position").at("offset").get<uint64_t>()};
    committed_ = p;
    received_ = p;
    last_end_ = p;
    last_gtid_set_ = j.value("gtid_set", "");
    return std::optional<BinlogPosition>(p);
  } catch (const std::exception& e) {
    return CorruptionError("{}/{} is not a valid binlake record: {}", store_->Url(), kPositionKey,
                           e.what());
  }
}

Result<IcebergSink::TableState*> IcebergSink::GetTable(const TableSchema& schema) {
  std::string name = schema.QualifiedName();
  auto it = tables_.find(name);
  if (it != tables_.end()) return &it->second;
  if (!Takes(schema.database, schema.table)) return nullptr;
  IcebergTableOptions o;
  o.table_key = config_.path + "/" + schema.database + "/" + schema.table;
  o.index_store = index_store_;
  o.soft_delete_column = config_.soft_delete_column;
  o.target_file_size = config_.target_file_size;
  o.max_manifests = config_.max_manifests;
  o.max_snapshots = config_.retain_snapshots;
  o.max_metadata_log = config_.metadata_log_entries;
  o.orphan_age_ms = config_.orphan_file_age_ms;
  o.compact_min_files = config_.compact_min_files;
  o.compact_delete_ratio = config_.compact_delete_percent / 100.0;
  o.compact_max_bytes = config_.compact_max_bytes;
  ASSIGN_OR_RETURN(std::unique_ptr<IcebergTable> table,
                   IcebergTable::Open(store_, &catalog_, clock_, o));
  TableState state;
  auto summary = table->CommittedSummary();
  if (summary.count("binlake.position.file") && summary.count("binlake.position.offset")) {
    state.position.file = summary["binlake.position.file"];
    state.position.offset = std::stoull(summary["binlake.position.offset"]);
  }
  state.table = std::move(table);
  TableState* t = &tables_.emplace(name, std::move(state)).first->second;
  RETURN_IF_ERROR(Cleanup(name, t));
  return t;
}

Status IcebergSink::Cleanup(const std::string& name, TableState* t) {
  t->cleaned_us = clock_->MonotonicMicros();
  Result<size_t> removed = t->table->RemoveOrphans();
  // Cleanup is housekeeping: a failure is worth a warning, not a stop.
  if (!removed.ok()) {
    LOG_WARN("iceberg table {}: orphan cleanup failed: {}", name, removed.status().ToString());
  }
  return Status::OK();
}

Result<bool> IcebergSink::NeedsLoad(const std::string& database, const std::string& table) {
  if (!Takes(database, table)) return false;
  TableSchema probe;
  probe.database = database;
  probe.table = table;
  ASSIGN_OR_RETURN(TableState * t, GetTable(probe));
  if (!t->table->exists()) return true;
  auto summary = t->table->CommittedSummary();
  return summary.empty() || summary.count(kLoadKey) > 0;
}

Status IcebergSink::Load(
    const TableSchemaPtr& schema, const BinlogPosition* position,
    const std::function<Status(const std::function<Status(::binlake::Row&&)>&)>& read) {
  ASSIGN_OR_RETURN(TableState * t, GetTable(*schema));
  if (t == nullptr) return Status::OK();
  RETURN_IF_ERROR(t->table->SetSchema(schema));
  // A load that did not finish left part of the rows: start over from an empty table.
  if (t->table->exists()) RETURN_IF_ERROR(t->table->Truncate());
  uint64_t rows = 0;
  auto summary = [&](bool done) {
    return PositionSummary(*position, "", done ? nullptr : "in-progress");
  };
  std::shared_ptr<const TableView> filter;
  if (mapping_) {
    ASSIGN_OR_RETURN(filter, mapping_->FilterView(schema));
  }
  RETURN_IF_ERROR(t->table->LoadRows(
      [&](const std::function<Status(::binlake::Row &&)>& on_row) -> Status {
        if (filter) {
          // Only the rows the table mapping's source filters admit.
          RETURN_IF_ERROR(read([&](::binlake::Row&& row) -> Status {
            RowChange c{Op::kInsert, schema, {}, std::move(row)};
            ASSIGN_OR_RETURN(bool keep, filter->Keep(&c));
            return keep ? on_row(std::move(c.after)) : Status::OK();
          }));
        } else {
          RETURN_IF_ERROR(read(on_row));
        }
        if (position->empty()) {
          return InternalError("the full load of {} read no snapshot position",
                               schema->QualifiedName());
        }
        return Status::OK();
      },
      summary, &rows));
  t->position = *position;
  t->dirty = false;
  LOG_INFO("iceberg table {}: loaded {} rows at {}", schema->QualifiedName(), rows,
           position->ToString());
  return Status::OK();
}

Status IcebergSink::Begin(const TransactionBegin& begin) {
  begin_ = begin;
  in_txn_ = true;
  skip_txn_ = received_ && !begin.position.empty() && begin.position < *received_;
  return Status::OK();
}

Status IcebergSink::Row(RowChange change) {
  if (skip_txn_) return Status::OK();
  if (mapping_) {
    ASSIGN_OR_RETURN(std::shared_ptr<const TableView> filter, mapping_->FilterView(change.table));
    if (filter) {
      ASSIGN_OR_RETURN(bool keep, filter->Keep(&change));
      if (!keep) return Status::OK();
    }
  }
  ASSIGN_OR_RETURN(TableState * t, GetTable(*change.table));
  if (t == nullptr) return Status::OK();
  // The table's snapshot already holds this transaction (it committed alone, ahead of the
  // last round, before a crash).
  if (!t->position.empty() && begin_.position < t->position) return Status::OK();
  if (t->table->SchemaDiffers(*change.table)) {
    if (t->table->has_pending()) {
      if (t->touched_in_txn) {
        return InternalError(
            "table {} changed shape inside one transaction at {}; binlake cannot apply it to "
            "the Iceberg table",
            change.table->QualifiedName(), begin_.position.ToString());
      }
      RETURN_IF_ERROR(CommitTable(t, last_end_, last_gtid_set_));
    }
    RETURN_IF_ERROR(t->table->SetSchema(change.table));
    if (t->table->needs_reload()) {
      RETURN_IF_ERROR(Reload(change.table->database, change.table->table));
      // The reloaded table holds the source as of later than this transaction.
      if (!t->position.empty() && begin_.position < t->position) return Status::OK();
    }
  }
  const TableSchemaPtr table = change.table;
  const uint64_t had = t->table->pending_bytes();
  RETURN_IF_ERROR_CTX(t->table->Add(std::move(change)), "iceberg table of {} at {}",
                      table->QualifiedName(), begin_.position.ToString());
  pending_bytes_ += t->table->pending_bytes() - had;
  if (!t->touched_in_txn) {
    t->touched_in_txn = true;
    touched_.push_back(t);
  }
  t->dirty = true;
  return Status::OK();
}

Status IcebergSink::Schema(const SchemaChange& change) {
  if (skip_txn_) return Status::OK();
  DdlEffect effect = ParseDdl(change);
  if (effect.emptied.empty() && effect.renamed_tables.empty() && effect.renamed_columns.empty() &&
      effect.reload.empty()) {
    return Status::OK();
  }
  // Changes before the statement are committed first, so what it does follows them.
  if (!last_end_.empty()) RETURN_IF_ERROR(CommitAll(last_end_, last_gtid_set_));
  for (const DdlTable& t : effect.emptied) RETURN_IF_ERROR(Truncate(t.database, t.table));
  for (const auto& [from, to] : effect.renamed_tables) {
    RETURN_IF_ERROR(Truncate(from.database, from.table));
    RETURN_IF_ERROR(Reload(to.database, to.table));
  }
  for (const DdlTable& t : effect.reload) RETURN_IF_ERROR(Reload(t.database, t.table));
  for (const DdlEffect::ColumnRename& r : effect.renamed_columns) {
    if (!Takes(r.table.database, r.table.table)) continue;
    TableSchema probe;
    probe.database = r.table.database;
    probe.table = r.table.table;
    ASSIGN_OR_RETURN(TableState * t, GetTable(probe));
    if (t != nullptr) t->table->RenameColumn(r.from, r.to);
  }
  return Status::OK();
}

Status IcebergSink::Reload(const std::string& database, const std::string& table) {
  if (!Takes(database, table)) return Status::OK();
  if (!reloader_) {
    LOG_WARN(
        "iceberg table {}.{} cannot follow this change from the binlog alone and no source "
        "connection is at hand to load it again: it may differ from the source until it is "
        "loaded (delete its folder and restart with full_load on)",
        database, table);
    return Status::OK();
  }
  TableSchema probe;
  probe.database = database;
  probe.table = table;
  ASSIGN_OR_RETURN(TableState * t, GetTable(probe));
  // A replayed statement the table's snapshot is already past.
  if (t != nullptr && !t->position.empty() && begin_.position < t->position) return Status::OK();
  LOG_INFO("iceberg table {}.{}: loading it again from the source", database, table);
  return reloader_(database, table);
}

Status IcebergSink::Truncate(const std::string& database, const std::string& table) {
  if (!Takes(database, table)) return Status::OK();
  TableSchema probe;
  probe.database = database;
  probe.table = table;
  ASSIGN_OR_RETURN(TableState * t, GetTable(probe));
  if (t == nullptr || !t->table->exists()) return Status::OK();
  if (!t->position.empty() && begin_.position < t->position) return Status::OK();
  RETURN_IF_ERROR(t->table->Truncate());
  t->dirty = true;
  if (!t->touched_in_txn) {
    t->touched_in_txn = true;
    touched_.push_back(t);
  }
  LOG_INFO("iceberg table {}.{}: TRUNCATE TABLE at {} empties it", database, table,
           begin_.position.ToString());
  return Status::OK();
}

Status IcebergSink::Commit(const TransactionEnd& end) {
  in_txn_ = false;
  for (TableState* t : touched_) t->touched_in_txn = false;
  touched_.clear();
  if (skip_txn_) return Status::OK();
  received_ = end.next_position;
  last_end_ = end.next_position;
  last_gtid_set_ = end.gtid_set;
  if (clock_->MonotonicMicros() - last_commit_us_ >= config_.commit_interval_ms * 1000) {
    return CommitAll(last_end_, last_gtid_set_);
  }
  // Changes wait in memory: past the budget they are committed early, at this boundary.
  if (pending_bytes_ > memory_limit_) return CommitAll(last_end_, last_gtid_set_);
  return Status::OK();
}

void IcebergSink::Discard() {
  in_txn_ = false;
  skip_txn_ = false;
  for (auto& [name, t] : tables_) {
    t.table->DropPending();
    t.dirty = false;
    t.touched_in_txn = false;
  }
  touched_.clear();
  pending_bytes_ = 0;
  received_ = committed_;
  if (committed_) last_end_ = *committed_;
}

Status IcebergSink::Tick() {
  if (in_txn_ || last_end_.empty()) return Status::OK();
  if (clock_->MonotonicMicros() - last_commit_us_ < config_.commit_interval_ms * 1000) {
    return Status::OK();
  }
  return CommitAll(last_end_, last_gtid_set_);
}

Status IcebergSink::Flush() {
  if (in_txn_ || last_end_.empty()) return Status::OK();
  return CommitAll(last_end_, last_gtid_set_);
}

Status IcebergSink::CommitTable(TableState* t, const BinlogPosition& position,
                                const std::string& gtid_set) {
  const std::map<std::string, std::string> summary = PositionSummary(position, gtid_set, nullptr);
  const uint64_t had = t->table->pending_bytes();
  RETURN_IF_ERROR(t->table->Commit(summary));
  pending_bytes_ -= std::min(pending_bytes_, had);
  t->position = position;
  t->dirty = false;
  return Status::OK();
}

Status IcebergSink::CommitAll(const BinlogPosition& position, const std::string& gtid_set) {
  last_commit_us_ = clock_->MonotonicMicros();
  bool freed = false;  // pending rows were committed (and freed)
  for (auto& [name, t] : tables_) {
    if (t.dirty) {
      RETURN_IF_ERROR_CTX(CommitTable(&t, position, gtid_set), "iceberg table {}", name);
      freed = true;
    } else if (t.table->compaction_prefix().empty()) {
      continue;  // nothing new, no rewrite to commit
    }
    if (config_.compaction) {
      // Commits a finished background rewrite, starts the next; a failure leaves the files
      // as they are.
      Status compacted = t.table->MaintainCompaction();
      if (!compacted.ok()) {
        LOG_WARN("iceberg table {}: compaction failed: {}", name, compacted.ToString());
      }
    }
    if (last_commit_us_ - t.cleaned_us >= config_.cleanup_interval_ms * 1000) {
      RETURN_IF_ERROR(Cleanup(name, &t));
    }
  }
  pending_bytes_ = 0;  // every table's changes are in their snapshots now
  if (freed) ReleaseFreeMemory();
  if (committed_ && *committed_ == position) return Status::OK();
  nlohmann::ordered_json j{{"format", 1},
                           {"position", {{"file", position.file}, {"offset", position.offset}}},
                           {"gtid_set", gtid_set}};
  // Written after every table of the round committed: a crash before it only means the
  // tables that are ahead skip what they hold.
  RETURN_IF_ERROR_CTX(store_->Put(kPositionKey, j.dump()), "recording the iceberg position");
  CrashPoint("iceberg.position");
  committed_ = position;
  return Status::OK();
}

}  // namespace binlake
