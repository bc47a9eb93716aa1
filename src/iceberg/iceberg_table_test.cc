#include "iceberg/iceberg_table.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "format/parquet_reader.h"
#include "iceberg/avro.h"
#include "storage/memory_object_store.h"

namespace binlake {
namespace {

TableSchemaPtr Schema(bool keyed, bool wide_id = false) {
  auto s = std::make_shared<TableSchema>();
  s->database = "shop";
  s->table = "t";
  Column id;
  id.name = "id";
  id.type = wide_id ? LogicalType::kInt64 : LogicalType::kInt32;
  id.mysql_type = wide_id ? MysqlType::kLongLong : MysqlType::kLong;
  id.nullable = false;
  Column v;
  v.name = "v";
  v.type = LogicalType::kString;
  v.mysql_type = MysqlType::kVarchar;
  s->columns = {id, v};
  if (keyed) s->key_columns = {0};
  return s;
}

RowChange Insert(const TableSchemaPtr& s, int64_t id, std::string v) {
  RowChange c;
  c.op = Op::kInsert;
  c.table = s;
  c.after = {Value::Int(id), Value::String(std::move(v))};
  return c;
}
RowChange Delete(const TableSchemaPtr& s, int64_t id, std::string v) {
  RowChange c;
  c.op = Op::kDelete;
  c.table = s;
  c.before = {Value::Int(id), Value::String(std::move(v))};
  return c;
}
RowChange Update(const TableSchemaPtr& s, int64_t id0, std::string v0, int64_t id1,
                 std::string v1) {
  RowChange c;
  c.op = Op::kUpdate;
  c.table = s;
  c.before = {Value::Int(id0), Value::String(std::move(v0))};
  c.after = {Value::Int(id1), Value::String(std::move(v1))};
  return c;
}

// Reads the table's current rows by merge-on-read, independently of the key index:
// id → v for every live row.
std::multimap<int64_t, std::string> ReadTable(ObjectStore* store, const std::string& table) {
  FileSystemCatalog catalog(store);
  auto loaded = catalog.Load(table);
  EXPECT_TRUE(loaded.ok() && loaded->has_value());
  const TableMetadata& md = (*loaded)->metadata;
  std::string list_key =
      *StoreKeyOf(*store, (*md.CurrentSnapshot())["manifest-list"].get<std::string>());
  auto manifests = ReadManifestList(*store->Get(list_key), list_key);
  EXPECT_TRUE(manifests.ok()) << manifests.status().ToString();
  std::vector<DataFile> data;
  std::map<std::string, std::vector<int64_t>> deleted;
  for (const ManifestFile& m : *manifests) {
    auto entries = ReadManifest(*store->Get(*StoreKeyOf(*store, m.path)), m);
    EXPECT_TRUE(entries.ok()) << entries.status().ToString();
    for (const ManifestEntry& e : *entries) {
      if (e.file.content == FileContent::kData) {
        data.push_back(e.file);
      } else {
        EXPECT_TRUE(e.file.referenced_data_file.has_value());
        EXPECT_TRUE(ReadPositionDeletes(*store->Get(*StoreKeyOf(*store, e.file.path)), e.file.path,
                                        &deleted)
                        .ok());
      }
    }
  }
  std::multimap<int64_t, std::string> rows;
  for (const DataFile& f : data) {
    std::string bytes = *store->Get(*StoreKeyOf(*store, f.path));
    auto r = ParquetReader::Open(bytes, f.path);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ((*r)->num_rows(), f.record_count);
    std::vector<std::optional<std::string>> ids, vs;
    EXPECT_TRUE((*r)->ReadColumn((*r)->FindByFieldId(1), &ids).ok());
    EXPECT_TRUE((*r)->ReadColumn((*r)->FindByFieldId(2), &vs).ok());
    const auto& gone = deleted[f.path];
    for (size_t i = 0; i < ids.size(); ++i) {
      if (std::find(gone.begin(), gone.end(), static_cast<int64_t>(i)) != gone.end()) continue;
      int64_t id = 0;
      std::memcpy(&id, ids[i]->data(), ids[i]->size());
      if (ids[i]->size() == 4) id = static_cast<int32_t>(id);
      rows.emplace(id, *vs[i]);
    }
  }
  return rows;
}

std::vector<std::string> PhysicalRows(ObjectStore* store, const std::string& table, size_t* files);

class IcebergTableTest : public ::testing::Test {
 protected:
  std::unique_ptr<IcebergTable> Open(IcebergTableOptions o = {}) {
    o.table_key = "iceberg/shop/t";
    auto t = IcebergTable::Open(store_.get(), &catalog_, &clock_, o);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return std::move(t).value();
  }

  ManualClock clock_{1'700'000'000'000'000};
  std::unique_ptr<MemoryObjectStore> store_ = MemoryObjectStore::Create(&clock_);
  FileSystemCatalog catalog_{store_.get()};
};

TEST_F(IcebergTableTest, UpsertsDeletesAndKeyMovesCollapsePerBatch) {
  auto s = Schema(true);
  auto t = Open();
  ASSERT_TRUE(t->SetSchema(s).ok());
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(t->Add(Insert(s, i, "a" + std::to_string(i))).ok());
  ASSERT_TRUE(t->Commit({{"binlake.position", "f:1"}}).ok());
  EXPECT_EQ(ReadTable(store_.get(), "iceberg/shop/t").size(), 5u);

  ASSERT_TRUE(t->Add(Update(s, 1, "a1", 1, "b1")).ok());
  ASSERT_TRUE(t->Add(Update(s, 1, "b1", 1, "c1")).ok());  // same key twice in one batch
  ASSERT_TRUE(t->Add(Delete(s, 2, "a2")).ok());
  ASSERT_TRUE(t->Add(Update(s, 3, "a3", 30, "a3")).ok());  // key move
  ASSERT_TRUE(t->Add(Insert(s, 6, "x")).ok());
  ASSERT_TRUE(t->Add(Delete(s, 6, "x")).ok());  // inserted and deleted in one batch
  ASSERT_TRUE(t->Commit({{"binlake.position", "f:2"}}).ok());
  std::multimap<int64_t, std::string> want = {{1, "c1"}, {4, "a4"}, {5, "a5"}, {30, "a3"}};
  EXPECT_EQ(ReadTable(store_.get(), "iceberg/shop/t"), want);
  EXPECT_EQ(t->CommittedSummary()["binlake.position"], "f:2");

  // A new process rebuilds the index from the table alone and goes on.
  auto t2 = Open();
  ASSERT_TRUE(t2->SetSchema(s).ok());
  EXPECT_EQ(t2->live_rows(), 4u);
  ASSERT_TRUE(t2->Add(Update(s, 4, "a4", 4, "z")).ok());
  ASSERT_TRUE(t2->Commit({{"binlake.position", "f:3"}}).ok());
  want.erase(want.find(4));
  want.emplace(4, "z");
  EXPECT_EQ(ReadTable(store_.get(), "iceberg/shop/t"), want);
}

TEST_F(IcebergTableTest, KeylessTableUsesWholeRowIdentityWithDuplicates) {
  auto s = Schema(false);
  auto t = Open();
  ASSERT_TRUE(t->SetSchema(s).ok());
  ASSERT_TRUE(t->Add(Insert(s, 1, "a")).ok());
  ASSERT_TRUE(t->Add(Insert(s, 1, "a")).ok());
  ASSERT_TRUE(t->Add(Insert(s, 2, "b")).ok());
  ASSERT_TRUE(t->Commit({}).ok());
  ASSERT_TRUE(t->Add(Delete(s, 1, "a")).ok());  // one of the two identical rows
  ASSERT_TRUE(t->Add(Update(s, 2, "b", 2, "c")).ok());
  ASSERT_TRUE(t->Commit({}).ok());
  std::multimap<int64_t, std::string> want = {{1, "a"}, {2, "c"}};
  EXPECT_EQ(ReadTable(store_.get(), "iceberg/shop/t"), want);
}

TEST_F(IcebergTableTest, ManifestsMergeAndDeadFilesDropUnderSteadyUpdates) {
  auto s = Schema(true);
  IcebergTableOptions o;
  o.max_manifests = 4;
  o.max_snapshots = 3;
  auto t = Open(o);
  ASSERT_TRUE(t->SetSchema(s).ok());
  for (int round = 0; round < 30; ++round) {
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(t->Add(Insert(s, i, "r" + std::to_string(round))).ok());
    }
    ASSERT_TRUE(t->Commit({}).ok()) << round;
  }
  std::multimap<int64_t, std::string> want = {{0, "r29"}, {1, "r29"}, {2, "r29"}};
  EXPECT_EQ(ReadTable(store_.get(), "iceberg/shop/t"), want);
  FileSystemCatalog catalog(store_.get());
  auto loaded = catalog.Load("iceberg/shop/t");
  const TableMetadata& md = (*loaded)->metadata;
  EXPECT_LE(md.SnapshotIds().size(), 3u);
  std::string list_key =
      *StoreKeyOf(*store_, (*md.CurrentSnapshot())["manifest-list"].get<std::string>());
  auto manifests = ReadManifestList(*store_->Get(list_key), list_key);
  EXPECT_LE(manifests->size(), 4u);
  size_t files = 0;
  for (const ManifestFile& m : *manifests) files += m.added_files + m.existing_files;
  EXPECT_LE(files, 8u);  // bounded: dead data files leave with their deletes
}

TEST_F(IcebergTableTest, WideningKeepsFieldIdsAndOldFilesIndexed) {
  auto narrow = Schema(true);
  auto t = Open();
  ASSERT_TRUE(t->SetSchema(narrow).ok());
  ASSERT_TRUE(t->Add(Insert(narrow, 7, "a")).ok());
  ASSERT_TRUE(t->Commit({}).ok());
  auto wide = Schema(true, true);
  ASSERT_TRUE(t->SchemaDiffers(*wide));
  ASSERT_TRUE(t->SetSchema(wide).ok());
  ASSERT_TRUE(t->Add(Update(wide, 7, "a", 7, "b")).ok());
  ASSERT_TRUE(t->Commit({}).ok());
  std::multimap<int64_t, std::string> want = {{7, "b"}};
  EXPECT_EQ(ReadTable(store_.get(), "iceberg/shop/t"), want);
  FileSystemCatalog catalog(store_.get());
  auto loaded = catalog.Load("iceberg/shop/t");
  const auto& fields = (*(*loaded)->metadata.CurrentSchema())["fields"];
  EXPECT_EQ(fields[0]["id"], 1);
  EXPECT_EQ(fields[0]["type"], "long");
}

TEST_F(IcebergTableTest, ConcurrentCommitIsRetriedWithoutLosingEither) {
  auto s = Schema(true);
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a->SetSchema(s).ok());
  ASSERT_TRUE(b->SetSchema(s).ok());
  ASSERT_TRUE(a->Add(Insert(s, 1, "a")).ok());
  ASSERT_TRUE(a->Commit({{"binlake.position", "f:1"}}).ok());
  // b never saw a's commit: its commit meets a conflict, reloads and retries.
  ASSERT_TRUE(b->Add(Insert(s, 2, "b")).ok());
  ASSERT_TRUE(b->Commit({{"binlake.position", "f:2"}}).ok());
  std::multimap<int64_t, std::string> want = {{1, "a"}, {2, "b"}};
  EXPECT_EQ(ReadTable(store_.get(), "iceberg/shop/t"), want);
}

TEST_F(IcebergTableTest, AnotherWritersCompactionBetweenCommitsLosesNothing) {
  auto s = Schema(true);
  auto mine = Open();
  ASSERT_TRUE(mine->SetSchema(s).ok());
  for (int round = 0; round < 4; ++round) {
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(mine->Add(Insert(s, round * 5 + i, "v" + std::to_string(round))).ok());
    }
    ASSERT_TRUE(mine->Commit({{"binlake.position", "f:" + std::to_string(round)}}).ok());
  }
  // Another process rewrites every data file the first one's index points to.
  IcebergTableOptions o;
  o.compact_min_files = 2;
  auto other = Open(o);
  ASSERT_TRUE(other->SetSchema(s).ok());
  auto compacted = other->Compact();
  ASSERT_TRUE(compacted.ok() && *compacted);
  // The first process updates and deletes rows that now live in the rewritten file: its
  // commit meets the other's, reloads, re-indexes and applies them there.
  ASSERT_TRUE(mine->Add(Update(s, 0, "v0", 0, "new")).ok());
  ASSERT_TRUE(mine->Add(Delete(s, 19, "v3")).ok());
  ASSERT_TRUE(mine->Commit({{"binlake.position", "f:9"}}).ok());
  auto rows = ReadTable(store_.get(), "iceberg/shop/t");
  EXPECT_EQ(rows.size(), 19u);
  EXPECT_EQ(rows.count(0), 1u);
  EXPECT_EQ(rows.find(0)->second, "new");
  EXPECT_EQ(rows.count(19), 0u);
}

TEST_F(IcebergTableTest, ChangesCommittedWhileARewriteRunsSurviveIt) {
  auto s = Schema(true);
  IcebergTableOptions o;
  o.compact_min_files = 3;
  auto t = Open(o);
  ASSERT_TRUE(t->SetSchema(s).ok());
  std::multimap<int64_t, std::string> want;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 10; ++i) {
      const int id = round * 10 + i;
      ASSERT_TRUE(t->Add(Insert(s, id, "v" + std::to_string(id))).ok());
      want.emplace(id, "v" + std::to_string(id));
    }
    ASSERT_TRUE(t->Commit({{"binlake.position", "f:" + std::to_string(round)}}).ok());
  }
  // Three small files: a rewrite of all of them starts in the background.
  ASSERT_TRUE(t->MaintainCompaction().ok());
  ASSERT_FALSE(t->compaction_prefix().empty());
  // Meanwhile a commit deletes, updates and moves rows of the files being rewritten.
  ASSERT_TRUE(t->Add(Delete(s, 3, "v3")).ok());
  ASSERT_TRUE(t->Add(Update(s, 14, "v14", 14, "new")).ok());
  ASSERT_TRUE(t->Add(Update(s, 25, "v25", 250, "v25")).ok());
  ASSERT_TRUE(t->Commit({{"binlake.position", "f:9"}}).ok());
  want.erase(3);
  want.find(14)->second = "new";
  want.erase(25);
  want.emplace(250, "v25");
  // The rewrite commits: the changes made since its snapshot hold in the new files.
  auto compacted = t->Compact();
  ASSERT_TRUE(compacted.ok()) << compacted.status().ToString();
  ASSERT_TRUE(*compacted);
  EXPECT_EQ(ReadTable(store_.get(), "iceberg/shop/t"), want);
  EXPECT_EQ(t->CommittedSummary()["binlake.position"], "f:9");
  EXPECT_EQ(t->live_rows(), want.size());
  // The index follows the rewrite: later changes to moved rows land, and a new process
  // rebuilds the same index.
  ASSERT_TRUE(t->Add(Delete(s, 14, "new")).ok());
  ASSERT_TRUE(t->Add(Update(s, 0, "v0", 0, "zero")).ok());
  ASSERT_TRUE(t->Commit({{"binlake.position", "f:10"}}).ok());
  want.erase(14);
  want.find(0)->second = "zero";
  EXPECT_EQ(ReadTable(store_.get(), "iceberg/shop/t"), want);
  auto t2 = Open(o);
  ASSERT_TRUE(t2->SetSchema(s).ok());
  EXPECT_EQ(t2->live_rows(), want.size());
}

// Files of many row groups: the full load writes them (its keys kept on disk until each file
// is committed), a compaction reads them one row group at a time by ranged reads, and a new
// process rebuilds its key index from them the same way. ReadTable reads whole files.
TEST_F(IcebergTableTest, FilesOfManyRowGroupsAreLoadedCompactedAndReindexedExactly) {
  auto s = Schema(true);
  IcebergTableOptions o;
  o.row_group_bytes = 256;  // a few dozen rows a group
  auto t = Open(o);
  ASSERT_TRUE(t->SetSchema(s).ok());
  std::multimap<int64_t, std::string> want;
  uint64_t loaded = 0;
  Status load = t->LoadRows(
      [&](const std::function<Status(Row &&)>& add) -> Status {
        for (int id = 0; id < 1000; ++id) {
          RETURN_IF_ERROR(add(Row{Value::Int(id), Value::String("v" + std::to_string(id))}));
          want.emplace(id, "v" + std::to_string(id));
        }
        return Status::OK();
      },
      [](bool done) {
        return std::map<std::string, std::string>{{"binlake.position", done ? "f:1" : "f:0"}};
      },
      &loaded);
  ASSERT_TRUE(load.ok()) << load.ToString();
  EXPECT_EQ(loaded, 1000u);
  auto listed = store_->List("iceberg/shop/t/data/");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->objects.size(), 1u);
  {
    std::string bytes = *store_->Get(listed->objects[0].key);
    auto r = ParquetReader::Open(bytes, "loaded");
    ASSERT_TRUE(r.ok());
    EXPECT_GT((*r)->num_row_groups(), 10u);
  }
  EXPECT_EQ(ReadTable(store_.get(), "iceberg/shop/t"), want);
  EXPECT_EQ(t->live_rows(), 1000u);

  // 40% of the rows deleted and a fifth updated, in every row group: the file passes the
  // delete ratio and is rewritten.
  for (int id = 0; id < 1000; id += 5) {
    for (int d : {id, id + 1}) {
      ASSERT_TRUE(t->Add(Delete(s, d, "v" + std::to_string(d))).ok());
      want.erase(d);
    }
    ASSERT_TRUE(t->Add(Update(s, id + 2, "v" + std::to_string(id + 2), id + 2, "u")).ok());
    want.find(id + 2)->second = "u";
  }
  ASSERT_TRUE(t->Commit({{"binlake.position", "f:2"}}).ok());
  auto compacted = t->Compact();
  ASSERT_TRUE(compacted.ok()) << compacted.status().ToString();
  ASSERT_TRUE(*compacted);
  EXPECT_EQ(ReadTable(store_.get(), "iceberg/shop/t"), want);
  EXPECT_EQ(t->live_rows(), want.size());

  // A new process (a fresh index) rebuilds from the compacted files; its changes land on the
  // right rows.
  auto t2 = Open(o);
  ASSERT_TRUE(t2->SetSchema(s).ok());
  EXPECT_EQ(t2->live_rows(), want.size());
  ASSERT_TRUE(t2->Add(Delete(s, 998, "v998")).ok());
  ASSERT_TRUE(t2->Add(Update(s, 3, "v3", 3, "again")).ok());
  ASSERT_TRUE(t2->Add(Update(s, 997, "u", 997, "late")).ok());
  ASSERT_TRUE(t2->Commit({{"binlake.position", "f:3"}}).ok());
  want.erase(998);
  want.find(3)->second = "again";
  want.find(997)->second = "late";
  EXPECT_EQ(ReadTable(store_.get(), "iceberg/shop/t"), want);
  EXPECT_EQ(t2->live_rows(), want.size());
}

TEST_F(IcebergTableTest, ARewriteWhoseFilesATruncateRemovedIsDropped) {
  auto s = Schema(true);
  IcebergTableOptions o;
  o.compact_min_files = 2;
  auto t = Open(o);
  ASSERT_TRUE(t->SetSchema(s).ok());
  for (int round = 0; round < 2; ++round) {
    ASSERT_TRUE(t->Add(Insert(s, round, "v")).ok());
    ASSERT_TRUE(t->Commit({{"binlake.position", "f:" + std::to_string(round)}}).ok());
  }
  ASSERT_TRUE(t->MaintainCompaction().ok());
  ASSERT_TRUE(t->Truncate().ok());
  ASSERT_TRUE(t->Add(Insert(s, 7, "after")).ok());
  ASSERT_TRUE(t->Commit({{"binlake.position", "f:5"}}).ok());
  auto compacted = t->Compact();
  ASSERT_TRUE(compacted.ok()) << compacted.status().ToString();
  EXPECT_FALSE(*compacted);
  std::multimap<int64_t, std::string> want = {{7, "after"}};
  EXPECT_EQ(ReadTable(store_.get(), "iceberg/shop/t"), want);
}

TEST_F(IcebergTableTest, AKeptIndexIsReusedOnlyForTheSnapshotItDescribes) {
  auto s = Schema(true);
  const std::string parent = ::testing::TempDir() + "/iceberg-kept-index";
  std::filesystem::remove_all(parent);
  auto open_kept = [&] {
    auto store = KeyIndexStore::Open(parent, "lake");
    EXPECT_TRUE(store.ok() && (*store)->kept());
    IcebergTableOptions o;
    o.index_store = *store;
    return Open(o);
  };
  {
    auto t = open_kept();
    ASSERT_TRUE(t->SetSchema(s).ok());
    for (int i = 1; i <= 4; ++i) ASSERT_TRUE(t->Add(Insert(s, i, "a")).ok());
    ASSERT_TRUE(t->Commit({{"binlake.position", "f:1"}}).ok());
  }
  {
    // The next run adopts the saved index: updates and deletes find their rows.
    auto t = open_kept();
    ASSERT_TRUE(t->SetSchema(s).ok());
    EXPECT_EQ(t->live_rows(), 4u);
    ASSERT_TRUE(t->Add(Update(s, 1, "a", 1, "b")).ok());
    ASSERT_TRUE(t->Add(Delete(s, 2, "a")).ok());
    ASSERT_TRUE(t->Commit({{"binlake.position", "f:2"}}).ok());
  }
  std::multimap<int64_t, std::string> want = {{1, "b"}, {3, "a"}, {4, "a"}};
  EXPECT_EQ(ReadTable(store_.get(), "iceberg/shop/t"), want);
  {
    // Another writer commits while binlake is stopped: the saved index describes an older
    // snapshot and is rebuilt, so the other writer's changes are seen.
    auto other = Open();
    ASSERT_TRUE(other->SetSchema(s).ok());
    ASSERT_TRUE(other->Add(Update(s, 3, "a", 30, "moved")).ok());
    ASSERT_TRUE(other->Commit({{"binlake.position", "f:2"}}).ok());
  }
  {
    auto t = open_kept();
    ASSERT_TRUE(t->SetSchema(s).ok());
    EXPECT_EQ(t->live_rows(), 3u);
    ASSERT_TRUE(t->Add(Delete(s, 30, "moved")).ok());
    ASSERT_TRUE(t->Add(Update(s, 4, "a", 4, "c")).ok());
    ASSERT_TRUE(t->Commit({{"binlake.position", "f:3"}}).ok());
  }
  want = {{1, "b"}, {4, "c"}};
  EXPECT_EQ(ReadTable(store_.get(), "iceberg/shop/t"), want);
  std::filesystem::remove_all(parent);
}

TEST_F(IcebergTableTest, SoftDeleteKeepsTheLastStateFlagged) {
  auto s = Schema(true);
  IcebergTableOptions o;
  o.soft_delete_column = "is_deleted";
  auto t = Open(o);
  ASSERT_TRUE(t->SetSchema(s).ok());
  ASSERT_TRUE(t->Add(Insert(s, 1, "a")).ok());
  ASSERT_TRUE(t->Add(Insert(s, 2, "b")).ok());
  ASSERT_TRUE(t->Commit({}).ok());
  ASSERT_TRUE(t->Add(Update(s, 1, "a", 1, "a2")).ok());
  ASSERT_TRUE(t->Add(Delete(s, 1, "a2")).ok());
  ASSERT_TRUE(t->Commit({}).ok());
  size_t files = 0;
  std::vector<std::string> rows = PhysicalRows(store_.get(), "iceberg/shop/t", &files);
  ASSERT_EQ(rows.size(), 2u);  // id 1 stays, flagged, in its last state
  EXPECT_EQ(rows[0], std::string("1=\x01\0\0\0;2=a2;3=\x01;", 16));
  EXPECT_EQ(rows[1], std::string("1=\x02\0\0\0;2=b;3=\0;", 15));
  ASSERT_TRUE(t->Add(Insert(s, 1, "again")).ok());  // a new row of the key replaces it
  ASSERT_TRUE(t->Commit({}).ok());
  rows = PhysicalRows(store_.get(), "iceberg/shop/t", &files);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], std::string("1=\x01\0\0\0;2=again;3=\0;", 19));
}

TEST(AvroTest, ContainerRoundTripsWithFieldIdsAndMetadata) {
  auto schema =
      AvroRecord("r", {{"a", AvroPrimitive(AvroSchema::Type::kLong), 1},
                       {"b", AvroOptional(AvroPrimitive(AvroSchema::Type::kString)), 2, true}});
  AvroFileWriter w(schema, {{"k", "v"}});
  for (int i = -3; i < 5000; ++i) {
    ASSERT_TRUE(w.Append(AvroDatum::List({AvroDatum::Long((int64_t{1} << 40) + i),
                                          i % 2 ? AvroDatum::Null() : AvroDatum::Bytes("x")}))
                    .ok());
  }
  std::string bytes = w.Finish();
  auto f = ReadAvroFile(bytes, "mem");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->metadata["k"], "v");
  EXPECT_EQ(f->schema->fields[1].field_id, 2);
  ASSERT_EQ(f->records.size(), 5003u);
  EXPECT_EQ(f->records[0].items[0].l, (int64_t{1} << 40) - 3);
  EXPECT_TRUE(f->records[0].items[1].is_null());
  EXPECT_EQ(f->records[1].items[1].s, "x");
  EXPECT_EQ(ReadAvroFile(bytes.substr(0, bytes.size() - 3), "mem").status().code(),
            StatusCode::kCorruption);
}

}  // namespace
}  // namespace binlake

namespace binlake {
namespace {

// Live rows of the current snapshot as physical values by field id, sorted: what a reader
// sees, independent of which files hold the rows.
std::vector<std::string> PhysicalRows(ObjectStore* store, const std::string& table, size_t* files) {
  FileSystemCatalog catalog(store);
  auto loaded = catalog.Load(table);
  const TableMetadata& md = (*loaded)->metadata;
  auto manifests = ReadManifestList(
      *store->Get(*StoreKeyOf(*store, (*md.CurrentSnapshot())["manifest-list"].get<std::string>())),
      "list");
  std::vector<DataFile> data;
  std::map<std::string, std::vector<int64_t>> deleted;
  for (const ManifestFile& m : *manifests) {
    auto entries = ReadManifest(*store->Get(*StoreKeyOf(*store, m.path)), m);
    for (const ManifestEntry& e : *entries) {
      if (e.file.content == FileContent::kData) {
        data.push_back(e.file);
      } else {
        EXPECT_TRUE(ReadPositionDeletes(*store->Get(*StoreKeyOf(*store, e.file.path)), e.file.path,
                                        &deleted)
                        .ok());
      }
    }
  }
  *files = data.size();
  std::vector<std::string> rows;
  for (const DataFile& f : data) {
    std::string bytes = *store->Get(*StoreKeyOf(*store, f.path));
    auto r = ParquetReader::Open(bytes, f.path);
    std::vector<std::vector<std::optional<std::string>>> cols;
    for (size_t c = 0; c < (*r)->columns().size(); ++c) {
      cols.emplace_back();
      EXPECT_TRUE((*r)->ReadColumn(static_cast<int>(c), &cols.back()).ok());
    }
    const auto& gone = deleted[f.path];
    for (int64_t i = 0; i < (*r)->num_rows(); ++i) {
      if (std::find(gone.begin(), gone.end(), i) != gone.end()) continue;
      std::string row;
      for (size_t c = 0; c < cols.size(); ++c) {
        const auto& v = cols[c][static_cast<size_t>(i)];
        row += std::to_string((*r)->columns()[c].field_id) + "=" + (v ? *v : "NULL") + ";";
      }
      rows.push_back(row);
    }
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

TEST_F(IcebergTableTest, CompactionRewritesEveryTypeExactlyAndBoundsTheFiles) {
  auto s = std::make_shared<TableSchema>();
  s->database = "shop";
  s->table = "t";
  auto col = [](std::string name, LogicalType t, int precision = 0, int scale = 0) {
    Column c;
    c.name = std::move(name);
    c.type = t;
    c.precision = precision;
    c.scale = scale;
    return c;
  };
  s->columns = {col("id", LogicalType::kInt32),
                col("big", LogicalType::kInt64),
                col("ubig", LogicalType::kInt64),
                col("f", LogicalType::kFloat),
                col("d", LogicalType::kDouble),
                col("dec9", LogicalType::kDecimal, 9, 2),
                col("dec38", LogicalType::kDecimal, 38, 10),
                col("dec65", LogicalType::kDecimal, 65, 30),
                col("bit1", LogicalType::kBit, 1),
                col("date", LogicalType::kDate),
                col("dt", LogicalType::kDateTime, 0, 6),
                col("ts", LogicalType::kTimestamp, 0, 6),
                col("tm", LogicalType::kTime, 0, 6),
                col("s", LogicalType::kString),
                col("b", LogicalType::kBinary),
                col("j", LogicalType::kJson)};
  s->columns[0].nullable = false;
  s->columns[2].is_unsigned = true;
  s->key_columns = {0};
  auto row = [](int id, int round) {
    return Row{Value::Int(id),
               Value::Int(int64_t{-9223372036854775807} - 1 + round),
               Value::UInt(18446744073709551615ull - static_cast<uint64_t>(round)),
               Value::Float(-0.0f),
               Value::Double(1e308),
               Value::Decimal("-9999999.99"),
               Value::Decimal("-9999999999999999999999999999.9999999999"),
               Value::Decimal("12345678901234567890123456789012345.000000000000000000000000000001"),
               Value::UInt(1),
               Value::OfDate(Date{1969, 12, 31}),
               Value::OfDateTime(DateTime{1900, 1, 1, 23, 59, 59, 999999}),
               Value::OfTimestamp(Timestamp{-1, 1}),
               Value::OfTime(Duration{true, 838, 59, 59, 0}),
               id % 3 == 0 ? Value::Null() : Value::String("😀 round " + std::to_string(round)),
               Value::Bytes(std::string("\0\xff", 2)),
               Value::Json("{\"a\": [1, 2]}")};
  };
  IcebergTableOptions o;
  o.compact_min_files = 4;
  o.max_manifests = 6;
  o.target_file_size = 1 << 20;
  auto t = Open(o);
  ASSERT_TRUE(t->SetSchema(s).ok());
  size_t files = 0;
  for (int round = 0; round < 40; ++round) {
    for (int i = 0; i < 5; ++i) {
      RowChange c;
      c.op = Op::kInsert;
      c.table = s;
      c.after = row((round * 7 + i) % 23, round);
      ASSERT_TRUE(t->Add(c).ok());
    }
    ASSERT_TRUE(t->Commit({{"binlake.position", "f:" + std::to_string(round)}}).ok());
    std::vector<std::string> before = PhysicalRows(store_.get(), "iceberg/shop/t", &files);
    auto compacted = t->Compact();
    ASSERT_TRUE(compacted.ok()) << compacted.status().ToString();
    std::vector<std::string> after = PhysicalRows(store_.get(), "iceberg/shop/t", &files);
    ASSERT_EQ(before, after) << "round " << round;  // the same values, byte for byte
    EXPECT_EQ(t->CommittedSummary()["binlake.position"], "f:" + std::to_string(round));
    EXPECT_LE(files, 5u) << "round " << round;
  }
  // A new process rebuilds the same index from the compacted files.
  auto t2 = Open(o);
  ASSERT_TRUE(t2->SetSchema(s).ok());
  EXPECT_EQ(t2->live_rows(), t->live_rows());
  EXPECT_EQ(t->live_rows(), 23u);
}

}  // namespace
}  // namespace binlake
