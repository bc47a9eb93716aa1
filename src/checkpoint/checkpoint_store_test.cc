#include "checkpoint/checkpoint_store.h"

#include <gtest/gtest.h>

#include "storage/memory_object_store.h"

namespace binlake {
namespace {

Checkpoint MakeCheckpoint(uint64_t seq) {
  Checkpoint c;
  c.seq = seq;
  c.position = {"mariadb-bin.000002", 4000 + seq};
  c.gtid_set = "0-1-" + std::to_string(seq);
  c.window_ms = 1000 * static_cast<int64_t>(seq);
  c.next_window_ms = c.window_ms + 1000;
  c.tables["shop.orders"].schema_version = 2;
  c.tables["shop.orders"].last_field_id = 9;
  c.tables["shop.items"].schema_version = 1;
  return c;
}

TEST(RecordsTest, CheckpointRoundTrip) {
  Checkpoint c = MakeCheckpoint(7);
  Result<Checkpoint> back = DecodeCheckpoint(EncodeCheckpoint(c), "test");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, c);
  // Encoding is deterministic: a replay writes the same bytes.
  EXPECT_EQ(EncodeCheckpoint(c), EncodeCheckpoint(*back));
}

TEST(RecordsTest, IntentRoundTrip) {
  Intent i;
  i.seq = 3;
  i.from_seq = 2;
  i.end = {"bin.000009", 123456};
  i.gtid_set = "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5";
  i.window_ms = 1763830000000;
  i.reason = CloseReason::kIdle;
  i.objects = {"shop/a/20251122-164640000.csv", "shop/b/20251122-164640000.csv"};
  i.include = {"shop.%"};
  i.exclude = {"shop.tmp_%"};
  Result<Intent> back = DecodeIntent(EncodeIntent(i), "test");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, i);
}

TEST(RecordsTest, SchemaRoundTrip) {
  TableSchema s;
  s.database = "shop";
  s.table = "orders";
  s.version = 3;
  Column id;
  id.name = "id";
  id.type = LogicalType::kInt64;
  id.mysql_type = MysqlType::kLongLong;
  id.is_unsigned = true;
  id.nullable = false;
  id.field_id = 1;
  Column state;
  state.name = "state";
  state.type = LogicalType::kEnum;
  state.mysql_type = MysqlType::kEnum;
  state.elements = {"new", "paid"};
  state.collation_id = 45;
  state.field_id = 2;
  s.columns = {id, state};
  s.key_columns = {0};
  Result<TableSchema> back = DecodeSchema(EncodeSchema(s, {"bin.000001", 4}), "test");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->QualifiedName(), "shop.orders");
  EXPECT_EQ(back->version, 3);
  ASSERT_EQ(back->columns.size(), 2u);
  EXPECT_EQ(back->columns[0].type, LogicalType::kInt64);
  EXPECT_TRUE(back->columns[0].is_unsigned);
  EXPECT_FALSE(back->columns[0].nullable);
  EXPECT_EQ(back->columns[1].elements, (std::vector<std::string>{"new", "paid"}));
  EXPECT_EQ(back->columns[1].collation_id, 45);
  EXPECT_EQ(back->key_columns, std::vector<int>{0});
}

TEST(RecordsTest, CorruptAndFutureRecordsAreClearErrors) {
  Result<Checkpoint> junk = DecodeCheckpoint("{not json", "s3://b/_binlake/checkpoints/x.json");
  ASSERT_FALSE(junk.ok());
  EXPECT_EQ(junk.status().code(), StatusCode::kCorruption);
  EXPECT_NE(junk.status().message().find("s3://b/_binlake/checkpoints/x.json"), std::string::npos);
  Result<Checkpoint> future = DecodeCheckpoint(R"({"format": 99})", "x");
  ASSERT_FALSE(future.ok());
  EXPECT_EQ(future.status().code(), StatusCode::kFailedPrecondition);
  Result<Intent> missing = DecodeIntent(R"({"format": 1, "seq": 1})", "x");
  EXPECT_EQ(missing.status().code(), StatusCode::kCorruption);
}

// Numbers that do not fit the field are corruption, not a wrapped or undefined value (found
// by records_fuzzer: a double too large for int was converted).
TEST(RecordsTest, NumbersOutOfRangeAreCorruption) {
  Checkpoint c;
  c.seq = 7;
  c.position = {"mariadb-bin.000001", 4};
  std::string good = EncodeCheckpoint(c);
  ASSERT_TRUE(DecodeCheckpoint(good, "x").ok());
  auto with_seq = [&](const std::string& seq) {
    std::string text = good;
    size_t at = text.find("\"seq\":7");
    EXPECT_NE(at, std::string::npos) << text;
    return text.replace(at, 7, "\"seq\":" + seq);
  };
  for (const char* bad : {"-1", "8.9e32", "1.5", "\"7\"", "18446744073709551616"}) {
    Result<Checkpoint> r = DecodeCheckpoint(with_seq(bad), "x");
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << bad;
  }
  EXPECT_EQ(DecodeCheckpoint(R"({"format": 1e40})", "x").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeCheckpoint(with_seq("18446744073709551615"), "x")->seq, UINT64_MAX);
}

LoadRecord MakeLoadRecord(uint64_t seq, bool last) {
  LoadRecord r;
  r.seq = seq;
  r.counter = static_cast<uint32_t>(seq);
  r.object = "shop/orders/LOAD0000000" + std::to_string(seq) + ".csv";
  if (seq > 1) r.after = std::vector<std::string>{std::to_string(seq * 100), "_utf8mb4 X'61'"};
  if (!last) r.through = std::vector<std::string>{std::to_string(seq * 100 + 100), "X''"};
  r.rows = 100;
  r.snapshot = {"mariadb-bin.000003", 777};
  r.finished_ms = 1763830000000;
  return r;
}

TEST(RecordsTest, LoadRecordsRoundTrip) {
  for (bool last : {false, true}) {
    LoadRecord r = MakeLoadRecord(2, last);
    Result<LoadRecord> back = DecodeLoadRecord(EncodeLoadRecord(r), "test");
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, r);
  }
  LoadRecord first = MakeLoadRecord(1, false);
  EXPECT_EQ(DecodeLoadRecord(EncodeLoadRecord(first), "t")->after, std::nullopt);
  LoadStart s{"shop", "orders", {"mariadb-bin.000001", 4}, 1763830000000, 1763829998999999};
  Result<LoadStart> back = DecodeLoadStart(EncodeLoadStart(s), "test");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, s);
  // A record from before the field: LOAD rows then take each file's read time.
  Result<LoadStart> old = DecodeLoadStart(
      R"({"format":1,"schema":"s","table":"t","cdc_from":{"file":"b.000001","offset":4},)"
      R"("started_ms":5})",
      "test");
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(old->row_time_micros, 0);
}

TEST(CheckpointStoreTest, LoadRecordsListInOrderAndGapsAreCorruption) {
  auto mem = MemoryObjectStore::Create();
  CheckpointStore store(mem.get());
  EXPECT_TRUE(store.LoadLoadRecords("shop", "orders")->empty());
  ASSERT_TRUE(store.WriteLoadStart({"shop", "orders", {"b.000001", 4}, 5}).ok());
  for (uint64_t seq = 1; seq <= 11; ++seq) {
    ASSERT_TRUE(store.WriteLoadRecord("shop", "orders", MakeLoadRecord(seq, seq == 11)).ok());
  }
  // Another table whose name shares the prefix is not listed with it.
  ASSERT_TRUE(store.WriteLoadRecord("shop", "orders2", MakeLoadRecord(1, true)).ok());
  Result<std::vector<LoadRecord>> all = store.LoadLoadRecords("shop", "orders");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 11u);
  EXPECT_EQ(all->back(), MakeLoadRecord(11, true));
  EXPECT_EQ((*store.LoadLoadStart("shop", "orders"))->started_ms, 5);
  // A record is written once; the same bytes again are fine, others are another process.
  EXPECT_TRUE(store.WriteLoadRecord("shop", "orders", MakeLoadRecord(3, false)).ok());
  EXPECT_EQ(store.WriteLoadRecord("shop", "orders", MakeLoadRecord(3, true)).code(),
            StatusCode::kAborted);
  ASSERT_TRUE(store.DeleteLoadRecord("shop", "orders", 5).ok());
  Result<std::vector<LoadRecord>> gap = store.LoadLoadRecords("shop", "orders");
  ASSERT_FALSE(gap.ok());
  EXPECT_EQ(gap.status().code(), StatusCode::kCorruption);
  EXPECT_NE(gap.status().message().find("00000006.json"), std::string::npos)
      << gap.status().ToString();
}

TEST(CheckpointStoreTest, LatestIsHighestSeq) {
  auto mem = MemoryObjectStore::Create();
  CheckpointStore store(mem.get());
  Result<std::optional<Checkpoint>> none = store.LoadLatest();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  for (uint64_t seq : {0, 1, 2, 9, 10})
    ASSERT_TRUE(store.WriteCheckpoint(MakeCheckpoint(seq)).ok());
  Result<std::optional<Checkpoint>> latest = store.LoadLatest();
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->seq, 10u) << "zero-padded keys must order numerically";
  EXPECT_EQ(**latest, MakeCheckpoint(10));
}

TEST(CheckpointStoreTest, RewritingSameBytesIsIdempotentOtherBytesIsAborted) {
  auto mem = MemoryObjectStore::Create();
  CheckpointStore store(mem.get());
  ASSERT_TRUE(store.WriteCheckpoint(MakeCheckpoint(4)).ok());
  EXPECT_TRUE(store.WriteCheckpoint(MakeCheckpoint(4)).ok()) << "a replay writes the same record";
  Checkpoint other = MakeCheckpoint(4);
  other.position.offset = 1;
  Status s = store.WriteCheckpoint(other);
  EXPECT_EQ(s.code(), StatusCode::kAborted);
  EXPECT_NE(s.message().find("another binlake process"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("_binlake/checkpoints/00000000000000000004.json"), std::string::npos)
      << s.message();
}

TEST(CheckpointStoreTest, IntentsSchemasAndPrune) {
  auto mem = MemoryObjectStore::Create();
  CheckpointStore store(mem.get());
  Intent i;
  i.seq = 1;
  i.end = {"bin.000001", 99};
  ASSERT_TRUE(store.WriteIntent(i).ok());
  Result<std::optional<Intent>> got = store.LoadIntent(1);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, i);
  EXPECT_FALSE(store.LoadIntent(2)->has_value());

  TableSchema s;
  s.database = "shop";
  s.table = "orders";
  s.version = 2;
  ASSERT_TRUE(store.WriteSchema(s, {"bin.000001", 4}).ok());
  EXPECT_TRUE(store.LoadSchema("shop", "orders", 2)->has_value());
  EXPECT_FALSE(store.LoadSchema("shop", "orders", 1)->has_value());
  EXPECT_TRUE(mem->Head("_binlake/schemas/shop/orders/v000002.json").ok());

  for (uint64_t seq = 1; seq <= 5; ++seq) {
    ASSERT_TRUE(store.WriteCheckpoint(MakeCheckpoint(seq)).ok());
  }
  store.Prune(2);
  Result<ListResult> left = mem->List("_binlake/checkpoints/");
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->objects.size(), 2u);
  EXPECT_EQ(left->objects[0].key, CheckpointStore::CheckpointKey(4));
  EXPECT_FALSE(store.LoadIntent(1)->has_value()) << "intents of pruned checkpoints go too";
  EXPECT_EQ((*store.LoadLatest())->seq, 5u);
}

}  // namespace
}  // namespace binlake
