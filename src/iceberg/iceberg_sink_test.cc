#include "iceberg/iceberg_sink.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "storage/memory_object_store.h"

namespace binlake {
namespace {

// The sink's exactly-once rules on bytes alone: a discarded transaction makes the stream
// restart where the last round committed, and transactions already held are skipped when
// they come again (a replay, a restart). The table has no key, so applying a transaction
// twice would leave a duplicate row.
class IcebergSinkTest : public ::testing::Test {
 protected:
  IcebergSinkTest() {
    auto s = std::make_shared<TableSchema>();
    s->database = "shop";
    s->table = "t";
    Column id;
    id.name = "id";
    id.type = LogicalType::kInt64;
    id.mysql_type = MysqlType::kLongLong;
    id.nullable = false;
    s->columns = {id};
    // No key: a row applied twice would be there twice, so a missed skip shows.
    schema_ = s;
    std::filesystem::create_directories(spill_dir_);
  }
  ~IcebergSinkTest() override { std::filesystem::remove_all(spill_dir_); }

  std::unique_ptr<IcebergSink> NewSink() {
    IcebergConfig config;
    config.enabled = true;
    config.commit_interval_ms = 3'600'000;  // commits only when flushed
    auto sink =
        IcebergSink::Create(config, TablesConfig{}, spill_dir_, 64 << 20, store_.get(), &clock_);
    EXPECT_TRUE(sink.ok()) << sink.status().ToString();
    return std::move(sink).value();
  }

  // One transaction inserting `id` from offset `at` to `at + 10`.
  Status Txn(IcebergSink* sink, int64_t id, uint64_t at) {
    TransactionBegin b;
    b.position = {"bin.000001", at};
    RETURN_IF_ERROR(sink->Begin(b));
    RowChange c;
    c.op = Op::kInsert;
    c.table = schema_;
    c.after = {Value::Int(id)};
    RETURN_IF_ERROR(sink->Row(std::move(c)));
    return sink->Commit(TransactionEnd{{"bin.000001", at + 10}, ""});
  }

  // Live rows of the table, from a fresh table object (its index rebuilt from the files).
  size_t LiveRows() {
    FileSystemCatalog catalog(store_.get());
    IcebergTableOptions o;
    o.table_key = "iceberg/shop/t";
    auto t = IcebergTable::Open(store_.get(), &catalog, &clock_, o);
    EXPECT_TRUE(t.ok());
    EXPECT_TRUE((*t)->SetSchema(schema_).ok());
    return (*t)->live_rows();
  }

  ManualClock clock_{1'700'000'000'000'000};
  std::unique_ptr<MemoryObjectStore> store_ = MemoryObjectStore::Create(&clock_);
  // The kept key index goes here, not into $TMPDIR (one folder per test, removed after it).
  const std::string spill_dir_ = ::testing::TempDir() + "/iceberg-sink-test-" +
                                 ::testing::UnitTest::GetInstance()->current_test_info()->name();
  TableSchemaPtr schema_;
};

TEST_F(IcebergSinkTest, DiscardRestartsAtTheStartAndReplaysOnce) {
  auto sink = NewSink();
  ASSERT_TRUE(sink->Recover().ok());
  sink->StartAt({"bin.000001", 100});
  ASSERT_TRUE(Txn(sink.get(), 1, 100).ok());
  // The connection breaks inside the next transaction: nothing was committed yet, so the
  // stream must restart at the start, and the first transaction is taken again.
  TransactionBegin b;
  b.position = {"bin.000001", 110};
  ASSERT_TRUE(sink->Begin(b).ok());
  sink->Discard();
  ASSERT_TRUE(sink->RestartPosition().has_value());
  EXPECT_EQ(sink->RestartPosition()->offset, 100u);
  ASSERT_TRUE(Txn(sink.get(), 1, 100).ok());
  ASSERT_TRUE(Txn(sink.get(), 2, 110).ok());
  ASSERT_TRUE(sink->Flush().ok());
  EXPECT_EQ(LiveRows(), 2u);

  // Transactions the sink holds are skipped when they come again.
  ASSERT_TRUE(Txn(sink.get(), 1, 100).ok());
  ASSERT_TRUE(Txn(sink.get(), 3, 120).ok());
  ASSERT_TRUE(sink->Flush().ok());
  EXPECT_EQ(LiveRows(), 3u);
}

TEST_F(IcebergSinkTest, ARestartResumesAfterWhatTheTablesHold) {
  {
    auto sink = NewSink();
    ASSERT_TRUE(sink->Recover().ok());
    sink->StartAt({"bin.000001", 100});
    ASSERT_TRUE(Txn(sink.get(), 1, 100).ok());
    ASSERT_TRUE(Txn(sink.get(), 2, 110).ok());
    ASSERT_TRUE(sink->Flush().ok());
    ASSERT_TRUE(Txn(sink.get(), 3, 120).ok());  // never committed: the process dies
  }
  // The process died after the table's commit and before the round's position record was
  // written: the record still names the start. Only the table's own snapshot says what it
  // holds.
  ASSERT_TRUE(store_
                  ->Put("_binlake/iceberg/position.json",
                        R"({"format":1,"position":{"file":"bin.000001","offset":100}})")
                  .ok());
  auto sink = NewSink();
  auto from = sink->Recover();
  ASSERT_TRUE(from.ok() && from->has_value());
  EXPECT_EQ((*from)->offset, 100u);
  ASSERT_TRUE(Txn(sink.get(), 1, 100).ok());
  // A stream that starts earlier (the change log is behind) brings held transactions again.
  ASSERT_TRUE(Txn(sink.get(), 2, 110).ok());
  ASSERT_TRUE(Txn(sink.get(), 3, 120).ok());
  ASSERT_TRUE(sink->Flush().ok());
  EXPECT_EQ(LiveRows(), 3u);
}

}  // namespace
}  // namespace binlake
