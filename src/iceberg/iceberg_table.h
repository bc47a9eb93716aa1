#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "iceberg/catalog.h"
#include "iceberg/compaction_rewrite.h"
#include "iceberg/iceberg_schema.h"
#include "iceberg/key_index.h"
#include "iceberg/manifest.h"
#include "iceberg/row_key_log.h"
#include "iceberg/table_files.h"
#include "model/change.h"
#include "storage/object_store.h"

namespace binlake {

struct IcebergTableOptions {
  // Soft deletes (the Databend ODS style): a keyed table gets this boolean column, and a
  // deleted row stays in its last state with it set to true instead of being removed; empty:
  // rows are deleted. Tables without a key always delete.
  std::string soft_delete_column;
  // Where the key index lives (shared by the tables of a process); null: a new one in $TMPDIR.
  std::shared_ptr<KeyIndexStore> index_store;
  // The table's root as a store key ("iceberg/shop/orders").
  std::string table_key;
  // A data file is closed once it would pass this many bytes.
  uint64_t target_file_size = 128ull << 20;
  // A data file's row group is closed at this many bytes of values (tests make it small, to
  // get files of many row groups).
  uint64_t row_group_bytes = IcebergParquetOptions().row_group_bytes;
  // Manifests a snapshot may list before a commit merges them (and drops data files whose
  // every row is deleted, with their delete files).
  int max_manifests = 16;
  // Snapshots kept in the metadata; older ones are expired (their manifest lists removed).
  int max_snapshots = 20;
  // Entries kept in the metadata-log.
  int max_metadata_log = 20;
  // Attempts at a commit that meets other writers' commits before giving up.
  int max_commit_attempts = 10;
  // Orphan cleanup removes unreferenced files only when they are at least this old, so that
  // files another writer is about to commit are left alone.
  int64_t orphan_age_ms = 3'600'000;
  // Compaction: data files under a quarter of target_file_size are rewritten together into
  // target-size files once there are compact_min_files of them; a file with more than
  // compact_delete_ratio of its rows deleted is rewritten at once. At most
  // compact_max_bytes of files are read per call.
  int compact_min_files = 8;
  double compact_delete_ratio = 0.3;
  uint64_t compact_max_bytes = 256ull << 20;
};

// One Iceberg v2 table kept equal to a source table: row changes are collected and
// collapsed to the last change of each row identity, and Commit turns them into one
// snapshot: new rows in new Parquet data files, replaced and deleted rows removed with
// position-delete files (one per data file they touch, referenced_data_file set). Never
// equality deletes.
//
// The table's current snapshot is the only state: Open rebuilds the key index from its
// files, and each snapshot's summary carries what the caller passes to Commit (binlake
// stores the binlog position there), so data and position change in one atomic step.
// Commits go through a TableCatalog; a commit that meets another writer's (a compaction by
// Spark, say) reloads the table, rebuilds the index and tries again, so neither side's work
// is lost.
//
// `store`, `catalog` and `clock` must outlive the table. Not thread-safe.
class IcebergTable {
 public:
  static Result<std::unique_ptr<IcebergTable>> Open(ObjectStore* store, TableCatalog* catalog,
                                                    Clock* clock, IcebergTableOptions options);
  // Stops a running compaction (its files become orphans).
  ~IcebergTable();

  // The summary of the current snapshot (empty for a table without one).
  std::map<std::string, std::string> CommittedSummary() const;
  bool exists() const { return loaded_.has_value(); }
  // Rows in the index (the table's live rows).
  size_t live_rows() const { return index_.size(); }

  // Whether rows of `schema` need the table's schema changed first.
  bool SchemaDiffers(const TableSchema& schema) const;
  // Makes `schema` (columns with field ids) the table's schema for the next rows.
  // REQUIRES: nothing pending (commit first) when the Iceberg schema changes.
  Status SetSchema(TableSchemaPtr schema);
  // The next SetSchema takes column `to` for the column `from` was (RENAME COLUMN): it
  // keeps its field id and so its values in older files.
  void RenameColumn(const std::string& from, const std::string& to);
  // Set by SetSchema when a column changed type in a way Iceberg cannot promote: the
  // table's older rows lack it, so the table must be loaded again to be correct.
  bool needs_reload() const { return needs_reload_; }
  bool has_pending() const { return !pending_.empty() || schema_dirty_ || truncate_; }
  // About how many bytes of memory the pending changes take.
  uint64_t pending_bytes() const { return pending_bytes_; }

  // Adds one change (its rows are moved from). REQUIRES: SetSchema was given a schema whose
  // shape the change has.
  Status Add(RowChange change);
  // Makes the next Commit empty the table (TRUNCATE TABLE): a snapshot without files.
  Status Truncate();
  // Forgets everything added since the last Commit.
  void DropPending();

  // Fills an empty table (call Truncate first for one with rows) with rows read in one go
  // (the full load): `read` calls its argument once per source row. Rows stream into
  // target-size data files; each file is committed as it closes with summary(false), and a
  // last snapshot with summary(true) ends the load. Memory: one row group. REQUIRES: nothing
  // pending but a truncate.
  Status LoadRows(const std::function<Status(const std::function<Status(Row&&)>&)>& read,
                  const std::function<std::map<std::string, std::string>(bool done)>& summary,
                  uint64_t* rows);

  // Deletes files under the table's data/ and metadata/ that no retained snapshot and no
  // listed metadata file references (interrupted commits, expired snapshots' files, merged
  // manifests, metadata files past the metadata log), once older than orphan_age_ms. Metadata
  // files newer than the current one are never removed. Returns how many were removed.
  Result<size_t> RemoveOrphans();

  // Compaction: small and delete-heavy data files (see the options) are rewritten into
  // target-size files on a thread of its own, from the snapshot current when it starts, and
  // committed as one "replace" snapshot that keeps the current summary (the binlog position
  // does not move). Rows deleted by commits made meanwhile are deleted in the new files too.
  // A rewrite whose files another commit removed (a truncate, another engine's rewrite), or
  // whose schema changed, is dropped: its files become orphans for the cleanup.
  //
  // MaintainCompaction, called between commits, never waits for a rewrite: it commits a
  // finished one and starts the next. Compact runs one rewrite to its end and returns
  // whether it was committed (tests). REQUIRES for both: nothing pending.
  Status MaintainCompaction();
  Result<bool> Compact();
  // The key prefix of files a running rewrite is writing (empty: none); not orphans.
  std::string compaction_prefix() const;

  // Writes the pending changes as one snapshot whose summary holds `summary` too. No-op
  // without pending changes.
  Status Commit(const std::map<std::string, std::string>& summary);

 private:
  // What a batch does to one row identity: the final row (a keyed table), or how many
  // copies to add (positive) or remove (negative) (a table without a key).
  struct Pending {
    std::optional<Row> row;  // keyed: the row after the batch; nullopt: deleted
    int64_t copies = 0;      // keyless: net copies added
    Row copy_row;            // keyless: the row
    bool keyed = true;
  };
  struct Plan;

  IcebergTable(ObjectStore* store, TableCatalog* catalog, Clock* clock,
               IcebergTableOptions options);
  Status Load();
  // Builds the index of the current snapshot: the one a previous run saved for it, or one
  // read from its files.
  Status RebuildIndex();
  // What the index describes: the table, its current snapshot, the identity columns.
  std::string IndexTag() const;
  // Saves the index as describing the current snapshot (after a commit).
  Status SaveIndex();
  Status Insert(Row source);
  // `key`: the row's identity when the caller has it already (keyed tables).
  Status Delete(Row source, const std::string* key);
  // Records the final state of an identity: a row, or none (deleted); copies != 0 for a table
  // without a key (+1 a copy added, -1 one removed).
  void AddPending(const std::string& key, std::optional<Row> row, int64_t copies);
  // A source row as the data file's row (the soft-delete flag appended when configured).
  Status ToRow(Row source, bool deleted, Row* out) const;
  // The identity of a source row of a keyed table, converting only its key columns.
  Result<std::string> SourceKey(const Row& source) const;
  Result<Plan> MakePlan();
  // Starts a background rewrite when there are files to compact; whether one started.
  Result<bool> StartCompaction();
  // Commits the finished rewrite (or drops it); whether it was committed.
  Result<bool> FinishCompaction();
  Status TryCommit(Plan* plan, const std::map<std::string, std::string>& summary);
  Result<std::vector<ManifestFile>> MergeManifests(const std::vector<ManifestFile>& manifests,
                                                   int64_t snapshot_id, int64_t sequence);
  std::string NewFileName(const std::string& kind);
  // The metadata a commit starts from: the current one, or a new table's.
  TableMetadata BaseMetadata(int64_t now_ms) const;
  // Writes a manifest of `entries` (none when empty) for a commit and appends it to
  // *manifests.
  Status AppendManifest(const std::vector<ManifestEntry>& entries, bool deletes,
                        const std::string& schema_json, int32_t schema_id, int64_t snapshot_id,
                        int64_t sequence, std::vector<ManifestFile>* manifests);
  // Makes the table's schema (and its identity columns) current in `metadata`.
  void StampSchema(TableMetadata* metadata) const;
  // Commits data files written straight to the store (the full load), appended to the
  // current snapshot's files (none after a truncate), with their rows' keys.
  Status CommitAppend(std::vector<WrittenFile> files,
                      const std::vector<std::unique_ptr<RowKeyLog>>& keys,
                      std::map<std::string, std::string> summary);
  // Writes the manifest list of `manifests`, adds the snapshot to `metadata` (expiring old
  // ones), commits it through the catalog and makes it current. kAborted: another writer
  // committed first.
  Status Publish(TableMetadata metadata, int64_t snapshot_id, int64_t sequence,
                 const std::vector<ManifestFile>& manifests,
                 std::map<std::string, std::string> summary);

  ObjectStore* const store_;
  TableCatalog* const catalog_;
  Clock* const clock_;
  const IcebergTableOptions options_;  // index_store always set

  std::optional<LoadedTable> loaded_;  // the current metadata (nullopt: no table yet)
  TableSchemaPtr source_schema_;
  IcebergSchema schema_;
  std::vector<ParquetColumnPlan> plans_;
  bool schema_dirty_ = false;  // the schema changed since the last commit
  bool truncate_ = false;      // the next commit drops every file
  bool needs_reload_ = false;
  bool soft_delete_ = false;                    // the current schema has the soft-delete column
  std::map<std::string, std::string> renames_;  // lower-case new name → old name
  KeyIndex index_;
  std::unordered_map<std::string, Pending> pending_;  // MakePlan visits it in key order
  uint64_t pending_bytes_ = 0;
  uint64_t file_counter_ = 0;
  std::string run_id_;                  // makes this process's file names unique
  std::unique_ptr<CompactionJob> job_;  // the running (or finished, uncommitted) rewrite
  uint64_t job_counter_ = 0;
};

}  // namespace binlake
