#include "pipeline/state_backup.h"

#include <gtest/gtest.h>

#include <memory>
#include <thread>
#include <vector>

#include "storage/memory_object_store.h"

namespace binlake {
namespace {

TableSchemaPtr Table() {
  auto s = std::make_shared<TableSchema>();
  s->database = "db";
  s->table = "t";
  for (const char* n : {"id", "ref"}) {
    Column c;
    c.name = n;
    s->columns.push_back(c);
  }
  s->key_columns = {0};
  return s;
}

BinlogPosition At(uint64_t offset) { return {"bin.000001", offset}; }

void Change(RowState* s, uint64_t at, int64_t id) {
  ASSERT_TRUE(s->BeginTransaction(At(at)).ok());
  ASSERT_TRUE(s->Upsert(*Table(), {Value::Int(id), Value::Int(id % 3)}).ok());
  ASSERT_TRUE(s->EndTransaction(At(at + 10)).ok());
  ASSERT_TRUE(s->Flush().ok());
}

std::vector<std::string> Copies(ObjectStore* store) {
  std::vector<std::string> keys;
  Result<ListResult> listed = store->List(StateBackup::kPrefix);
  EXPECT_TRUE(listed.ok());
  if (!listed.ok()) return keys;
  for (const ObjectInfo& o : listed->objects) keys.push_back(o.key);
  return keys;
}

TEST(StateBackupTest, CopiesWhenChangedKeepsTwoAndRestoresTheNewest) {
  auto owned = MemoryObjectStore::Create();
  ObjectStore& store = *owned;
  auto state = std::move(RowState::Open("", "")).value();
  ASSERT_TRUE(state->Keep("db.t", {{"ref"}}).ok());
  StateBackup backup(&store, state.get(), ::testing::TempDir());
  Change(state.get(), 100, 1);
  ASSERT_TRUE(backup.BackUp().ok());
  ASSERT_EQ(Copies(&store).size(), 1u);
  // Nothing new: no copy.
  ASSERT_TRUE(backup.BackUp().ok());
  EXPECT_EQ(Copies(&store).size(), 1u);
  for (uint64_t at : {200, 300, 400}) {
    Change(state.get(), at, static_cast<int64_t>(at));
    Status s = backup.BackUp();  // within one millisecond of the last, too
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  std::vector<std::string> keys = Copies(&store);
  ASSERT_EQ(keys.size(), 2u) << "the newest two are kept";
  for (const std::string& k : keys) {
    EXPECT_TRUE(k.starts_with("_binlake/state/") && k.ends_with(".lmdb")) << k;
  }

  auto other = std::move(RowState::Open("", "")).value();
  Result<std::optional<std::string>> key =
      StateBackup::Restore(&store, other.get(), ::testing::TempDir());
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(**key, keys.back());
  EXPECT_EQ(other->position(), At(410));
  ASSERT_TRUE(other->Keep("db.t", {{"ref"}}).ok());
  std::vector<Row> rows;
  ASSERT_TRUE(other->Find(*Table(), {"ref"}, {Value::Int(1)}, &rows).ok());
  // ids 1, 400 (ref 1), not 200 (ref 2) or 300 (ref 0).
  EXPECT_EQ(rows.size(), 2u);
}

TEST(StateBackupTest, ALakeWithoutCopiesRestoresNothing) {
  auto owned = MemoryObjectStore::Create();
  ObjectStore& store = *owned;
  auto state = std::move(RowState::Open("", "")).value();
  Result<std::optional<std::string>> key =
      StateBackup::Restore(&store, state.get(), ::testing::TempDir());
  ASSERT_TRUE(key.ok());
  EXPECT_FALSE(key->has_value());
  EXPECT_TRUE(state->position().empty());
}

TEST(StateBackupTest, TheThreadCopiesAndStops) {
  auto owned = MemoryObjectStore::Create();
  ObjectStore& store = *owned;
  auto state = std::move(RowState::Open("", "")).value();
  ASSERT_TRUE(state->Keep("db.t", {}).ok());
  Change(state.get(), 100, 1);
  StateBackup backup(&store, state.get(), ::testing::TempDir());
  backup.Start(std::chrono::milliseconds(10));
  for (int i = 0; i < 500 && Copies(&store).empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  backup.Stop();
  EXPECT_EQ(Copies(&store).size(), 1u);
}

}  // namespace
}  // namespace binlake
