#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "format/parquet_reader.h"
#include "iceberg/iceberg_schema.h"
#include "kv/lmdb_env.h"
#include "storage/object_store.h"

namespace binlake {

class StoredParquetFile;  // iceberg/table_files.h

// Where a live row of an Iceberg table is: a data file and the row's position in it.
struct RowLocation {
  uint32_t file = 0;  // KeyIndex file number
  int64_t pos = 0;
};

// The on-disk home of the key indexes of every table of a process: one LMDB environment,
// one B-tree of (table number, key) → locations and one of per-table state. Memory stays
// bounded however many rows the tables hold: pages live in the file (the kernel's page
// cache), and changes are committed to it in batches.
//
// With a name, the environment lives in <parent>/<name> and is kept across runs: a table
// whose saved index describes its current snapshot starts without reading its files (see
// KeyIndex::Restore). Without one (or when another process holds the named one), it is a
// fresh directory removed when the store is destroyed. Not thread-safe (the replication
// thread owns it).
class KeyIndexStore {
 public:
  // The environment <parent>/<name>, kept; or, for an empty name, a new one in a fresh
  // directory under `parent` (empty: $TMPDIR or /tmp), removed with the store.
  static Result<std::shared_ptr<KeyIndexStore>> Open(const std::string& parent,
                                                     const std::string& name = "");
  KeyIndexStore(const KeyIndexStore&) = delete;
  KeyIndexStore& operator=(const KeyIndexStore&) = delete;

  // The number of the table called `name` (its keys' prefix), the same in every run; a
  // second index of the same name in this process gets a throwaway number instead.
  Result<uint32_t> TableNumber(const std::string& name);
  void Detach(uint32_t number) { attached_.erase(number); }
  const std::string& dir() const { return env_->dir(); }
  bool kept() const { return env_->kept(); }

 private:
  friend class KeyIndex;
  KeyIndexStore() = default;
  // The open write transaction (begun on demand); every read and write goes through it.
  Result<MDB_txn*> Txn() { return env_->Txn(); }
  // Commits the open transaction once it has `every` changes (0: now), releasing the pages
  // it dirtied.
  Status MaybeCommit(uint64_t every);
  Result<uint32_t> NamedTableNumber(const std::string& name);
  // Deletes the entries of throwaway numbers (from 0x80000000 on).
  Status DropAnonymousTables();

  std::unique_ptr<LmdbEnv> env_;
  MDB_dbi dbi_ = 0;        // (table, key) → locations
  MDB_dbi state_dbi_ = 0;  // table numbers, saved per-table state
  uint64_t changes_ = 0;
  std::set<uint32_t> attached_;
  uint32_t next_anonymous_ = 0x80000000u;
};

// Row identity → location of the live rows of one Iceberg table: what a commit needs to
// write position deletes for replaced and deleted rows. A keyed table has at most one
// location per key; a table without a key keys on the whole row and may hold duplicates.
//
// Keys are canonical bytes of the identity columns' physical values (see CanonicalKey), the
// same whether they come from a change row or from a data file written by any engine, and
// across widening type changes (int → long, a larger decimal). Keys longer than LMDB allows
// are stored by their SHA-256.
//
// The index always describes the table's current snapshot. File paths and per-file live row
// counts stay in memory (one entry per data file); keys and locations live in the
// KeyIndexStore. Save records, with the entries, which snapshot they describe (a tag the
// caller makes); the first change after it removes that record in the same store
// transaction, so a saved record never describes entries other than its own. Restore adopts
// a saved index whose tag matches, written since the machine last booted; otherwise the
// caller rebuilds it from the table's files. Not thread-safe.
class KeyIndex {
 public:
  explicit KeyIndex(std::shared_ptr<KeyIndexStore> store) : store_(std::move(store)) {}
  ~KeyIndex() {
    if (table_ != 0) store_->Detach(table_);
  }
  KeyIndex(const KeyIndex&) = delete;
  KeyIndex& operator=(const KeyIndex&) = delete;
  // Names the table whose index this is. REQUIRES: called once, before anything else.
  Status Attach(const std::string& name) {
    ASSIGN_OR_RETURN(table_, store_->TableNumber(name));
    return Status::OK();
  }
  // Records that the index describes `tag` and commits it to the store's file.
  Status Save(const std::string& tag);
  // Adopts the saved index when its tag is `tag` (and it was saved in this boot).
  Result<bool> Restore(const std::string& tag);

  uint32_t FileNumber(const std::string& path);
  // The number of a file the index knows, or nullopt.
  std::optional<uint32_t> FindFile(const std::string& path) const {
    auto it = file_numbers_.find(path);
    if (it == file_numbers_.end()) return std::nullopt;
    return it->second;
  }
  const std::string& FilePath(uint32_t file) const { return files_[file]; }
  // Live rows of a data file (0 once every row is deleted).
  int64_t LiveRows(uint32_t file) const { return file < live_.size() ? live_[file] : 0; }
  size_t file_count() const { return files_.size(); }

  // The locations of a key (empty when none).
  Status Find(const std::string& key, std::vector<RowLocation>* out);
  Status Add(const std::string& key, RowLocation at);
  // Removes one location of the key; false (and nothing done) when it is not there.
  Result<bool> Remove(const std::string& key, RowLocation at);
  // Writes the changes so far to the store's file (bounds the memory they hold).
  Status Flush() { return store_->MaybeCommit(0); }
  size_t size() const { return rows_; }
  Status Clear();

 private:
  std::string StoreKey(const std::string& key) const;
  std::string StateKey() const;
  // Drops the saved record, if any, in transaction `txn` (before a change).
  Status Unsave(MDB_txn* txn);

  std::shared_ptr<KeyIndexStore> store_;
  uint32_t table_ = 0;
  bool saved_ = false;
  std::vector<std::string> files_;
  std::unordered_map<std::string, uint32_t> file_numbers_;
  std::vector<int64_t> live_;
  size_t rows_ = 0;
};

// One identity column's value in canonical form: NULL as one 0 byte; else 1, a 4-byte length
// and the bytes, where integers of every width become 8-byte little-endian, floats become
// doubles and decimals become minimal big-endian unscaled integers.
void AppendCanonicalKeyPart(const IcebergColumn& column, ParquetType physical,
                            const std::optional<std::string>& plain, std::string* key);

// The canonical key of a data-file row (already converted by ToIcebergRow).
Result<std::string> CanonicalKey(const IcebergSchema& schema,
                                 const std::vector<ParquetColumnPlan>& plans, const Row& row);

// Physical plans of the schema's data-file columns (for CanonicalKey).
Result<std::vector<ParquetColumnPlan>> IcebergPlans(const IcebergSchema& schema);

// The canonical key of every row of one row group of a data file (identity columns read by
// field id; a column the file lacks reads as NULL).
Status ReadGroupKeys(const IcebergSchema& schema, const ParquetReader& reader, size_t group,
                     const std::string& path, std::vector<std::string>* keys);

// Adds the live rows of one data file to the index, row group by row group, skipping the
// positions in `deleted` (sorted).
Status IndexDataFile(const IcebergSchema& schema, StoredParquetFile* file, const std::string& path,
                     const std::vector<int64_t>& deleted, KeyIndex* index);

// Reads a position delete file: (file_path, pos) pairs, appended to *out per data file.
Status ReadPositionDeletes(std::string_view bytes, const std::string& path,
                           std::map<std::string, std::vector<int64_t>>* out);

}  // namespace binlake
