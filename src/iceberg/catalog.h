#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"
#include "iceberg/table_metadata.h"
#include "storage/object_store.h"

namespace binlake {

// A table's current metadata as a catalog reports it.
struct LoadedTable {
  TableMetadata metadata;
  int64_t version = 0;        // v<version>.metadata.json
  std::string metadata_file;  // its full URI
};

// The pointer swap of an Iceberg table: which metadata file is current, and the atomic move
// from one to the next. Everything else (data files, manifests) is written beside it before a
// commit; a catalog only decides which metadata wins. A Glue or REST catalog implements the
// same two calls.
//
// Thread-safe when the store is.
class TableCatalog {
 public:
  virtual ~TableCatalog() = default;

  // The current metadata of the table rooted at `table_key` (a store key prefix), or nullopt
  // when it has none yet.
  virtual Result<std::optional<LoadedTable>> Load(const std::string& table_key) = 0;

  // Makes `metadata` current if the table is still at `base_version` (0: no table yet).
  // kAborted when another writer committed first: reload and retry. The outcome of a failed
  // commit with kUnavailable may be ambiguous; Load tells.
  virtual Result<LoadedTable> Commit(const std::string& table_key, int64_t base_version,
                                     TableMetadata metadata) = 0;
};

// The file-system catalog (Iceberg's "Hadoop tables"): the metadata with the highest version
// in <table>/metadata/v<N>.metadata.json is current. A commit creates v<N+1> with a
// conditional create (If-None-Match: * on S3, a no-replace link locally), so of two writers
// exactly one wins; metadata/version-hint.text is rewritten afterwards as a hint for readers
// and never trusted by binlake (a crash may leave it one version behind).
//
//   <table>/metadata/v1.metadata.json, v2.metadata.json, ...
//   <table>/metadata/version-hint.text        "2"
//   <table>/metadata/snap-*.avro, *-m0.avro   manifest lists and manifests
//   <table>/data/*.parquet                    data and position-delete files
class FileSystemCatalog final : public TableCatalog {
 public:
  // `store` must outlive the catalog.
  explicit FileSystemCatalog(ObjectStore* store) : store_(store) {}

  Result<std::optional<LoadedTable>> Load(const std::string& table_key) override;
  Result<LoadedTable> Commit(const std::string& table_key, int64_t base_version,
                             TableMetadata metadata) override;

 private:
  ObjectStore* const store_;
};

// The full URI of a store key ("file:///lake/iceberg/s/t/data/x.parquet").
std::string StoreUri(const ObjectStore& store, const std::string& key);
// The store key of a full URI under the store, or kFailedPrecondition naming it.
Result<std::string> StoreKeyOf(const ObjectStore& store, const std::string& uri);

}  // namespace binlake
