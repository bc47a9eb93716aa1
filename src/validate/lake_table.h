#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "common/result.h"
#include "config/config.h"
#include "model/change.h"
#include "storage/object_store.h"
#include "validate/canonical.h"
#include "validate/lake_state.h"

namespace binlake::validate {

// One output's copy of a source table, folded to its latest state in a LakeState.
class LakeTable {
 public:
  virtual ~LakeTable() = default;
  // "change log shop/orders", "iceberg iceberg/shop/orders".
  virtual std::string name() const = 0;
  // The binlog position the output holds every change up to (nullopt: it has none yet).
  virtual Result<std::optional<BinlogPosition>> Position() = 0;
  // Brings `state` to the output's current content (`canon` reads its files); the state then
  // reflects at least the position returned.
  virtual Result<BinlogPosition> Refresh(Canonicalizer* canon, LakeState* state) = 0;
};

// The change log of a table (any format): its LOAD files, then its CDC files in batch order up to
// the newest checkpoint, folded by key: a row's last change wins, deletes remove it. With
// whole row images (binlog_row_image=FULL) that is the table's state at the checkpoint,
// whatever the order of LOAD rows and changes. Refreshes fold only the files that are new.
// `lake_schema`/`lake_table`: the lake's (mapped) names.
std::unique_ptr<LakeTable> NewChangeLogTable(ObjectStore* store, const OutputConfig& output,
                                             std::string lake_schema, std::string lake_table);

// The Iceberg table at `table_key` (its current snapshot, position deletes applied), read
// whole at each refresh.
class IcebergLakeTable : public LakeTable {
 public:
  // kNotFound when the table has no metadata yet.
  static Result<std::unique_ptr<IcebergLakeTable>> Open(ObjectStore* store, std::string table_key);
  // Field ids of the current schema by column name.
  const std::map<std::string, int32_t>& field_ids() const { return field_ids_; }

  std::string name() const override { return "iceberg " + table_key_; }
  Result<std::optional<BinlogPosition>> Position() override;
  Result<BinlogPosition> Refresh(Canonicalizer* canon, LakeState* state) override;

 private:
  IcebergLakeTable(ObjectStore* store, std::string key) : store_(store), table_key_(key) {}
  ObjectStore* store_;
  std::string table_key_;
  std::map<std::string, int32_t> field_ids_;
};

}  // namespace binlake::validate
