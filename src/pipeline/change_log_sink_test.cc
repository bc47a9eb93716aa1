#include "pipeline/change_log_sink.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <functional>
#include <utility>

#include "storage/memory_object_store.h"

namespace binlake {
namespace {

constexpr int64_t kT0 = 1795365900000000;  // µs; a round second

// A store that works normally until `fail_after` writes have succeeded, then fails every
// write: a process that died at that point. Reads keep working (they do after a restart).
class CrashingStore : public ObjectStore {
 public:
  CrashingStore(ObjectStore* inner, int fail_after) : inner_(inner), left_(fail_after) {}
  Status Put(std::string_view key, std::string_view data, const PutOptions& o) override {
    if (left_-- <= 0) return UnavailableError("crashed");
    return inner_->Put(key, data, o);
  }
  Result<std::string> Get(std::string_view key) override { return inner_->Get(key); }
  Result<std::string> GetRange(std::string_view k, uint64_t o, uint64_t n) override {
    return inner_->GetRange(k, o, n);
  }
  Result<ObjectInfo> Head(std::string_view key) override { return inner_->Head(key); }
  Status Delete(std::string_view key) override {
    if (left_ <= 0) return UnavailableError("crashed");
    return inner_->Delete(key);
  }
  Result<ListResult> List(std::string_view p, std::optional<char> d) override {
    return inner_->List(p, d);
  }
  Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view, const PutOptions&) override {
    return UnimplementedError("not used: batches in these tests stay in memory");
  }
  std::string Url() const override { return "crashing://"; }

 private:
  ObjectStore* inner_;
  int left_;
};

TableSchemaPtr Table(const std::string& name, bool with_note) {
  auto t = std::make_shared<TableSchema>();
  t->database = "shop";
  t->table = name;
  Column id;
  id.name = "id";
  id.type = LogicalType::kInt32;
  id.mysql_type = MysqlType::kLong;
  id.nullable = false;
  t->columns.push_back(id);
  if (with_note) {
    Column note;
    note.name = "note";
    note.type = LogicalType::kString;
    note.mysql_type = MysqlType::kVarchar;
    t->columns.push_back(note);
  }
  t->key_columns = {0};
  return t;
}

struct Txn {
  int64_t commit_us;
  std::vector<RowChange> rows;
  BinlogPosition begin, end;
};

// A deterministic binlog: transactions on two tables, spread over several 1 s windows, with
// a schema change (ADD COLUMN note) on orders half way.
std::vector<Txn> MakeBinlog() {
  std::vector<Txn> log;
  TableSchemaPtr orders_v1 = Table("orders", false), orders_v2 = Table("orders", true);
  TableSchemaPtr items = Table("items", true);
  uint64_t offset = 4;
  for (int i = 0; i < 40; ++i) {
    Txn t;
    t.commit_us = kT0 + i * 150'000;  // ~6-7 transactions per 1 s window
    TableSchemaPtr orders = i < 20 ? orders_v1 : orders_v2;
    auto row = [&](const TableSchemaPtr& s, int id) {
      Row r{Value::Int(id)};
      if (s->columns.size() > 1) r.push_back(Value::String("n" + std::to_string(id)));
      return r;
    };
    t.rows.push_back({Op::kInsert, orders, {}, row(orders, i)});
    if (i % 3 == 0) t.rows.push_back({Op::kUpdate, items, row(items, i - 1), row(items, i)});
    if (i % 5 == 4) t.rows.push_back({Op::kDelete, orders, row(orders, i - 2), {}});
    t.begin = {"mariadb-bin.000001", offset};
    offset += 100 + 37 * t.rows.size();
    t.end = {"mariadb-bin.000001", offset};
    log.push_back(std::move(t));
  }
  return log;
}

ChangeLogSink::Options SinkOptions() {
  ChangeLogSink::Options o;
  o.output.cdc_max_batch_interval_ms = 1000;
  o.output.timestamp_column_name = "ts";
  o.output.sequence_column_name = "seq";
  o.include = {"shop.%"};
  return o;
}

// Runs the sink over the binlog from wherever it recovers to; stops (as if killed) at the
// first error. Returns true when it reached the end and flushed.
bool RunOnce(ObjectStore* store, const std::vector<Txn>& log, ManualClock* clock,
             const ChangeLogSink::Options& options = SinkOptions()) {
  auto sink = ChangeLogSink::Create(options, store, clock);
  EXPECT_TRUE(sink.ok()) << sink.status().ToString();
  Result<BinlogPosition> from =
      (*sink)->Recover([&]() -> Result<BinlogPosition> { return log.front().begin; });
  if (!from.ok()) return false;
  for (const Txn& t : log) {
    if (t.begin < *from) continue;
    TransactionBegin b{"", t.commit_us, t.begin};
    if (!(*sink)->Begin(b).ok()) return false;
    for (const RowChange& r : t.rows) {
      if (!(*sink)->Row(r).ok()) return false;
    }
    if (!(*sink)->Commit({t.end, ""}).ok()) return false;
  }
  return (*sink)->Flush().ok();
}

std::map<std::string, std::string> Objects(ObjectStore* store, bool data_only) {
  std::map<std::string, std::string> out;
  Result<ListResult> list = store->List("");
  EXPECT_TRUE(list.ok());
  for (const ObjectInfo& o : list->objects) {
    if (data_only && o.key.rfind("_binlake/", 0) == 0) continue;
    out[o.key] = *store->Get(o.key);
  }
  return out;
}

TEST(ChangeLogSinkTest, BatchesByWindowWithExactCsv) {
  auto mem = MemoryObjectStore::Create();
  ManualClock clock(kT0);
  std::vector<Txn> log = MakeBinlog();
  ASSERT_TRUE(RunOnce(mem.get(), log, &clock));
  std::map<std::string, std::string> objects = Objects(mem.get(), true);
  // 40 transactions at 150 ms spacing cover 6 one-second windows; orders changes shape in
  // the window of transaction 20 (t0 + 3.0 s), which therefore has two orders files.
  std::vector<std::string> keys;
  for (const auto& [k, v] : objects) keys.push_back(k);
  std::vector<std::string> want = {
      "shop/items/20261122-164500000.csv",  "shop/items/20261122-164501000.csv",
      "shop/items/20261122-164502000.csv",  "shop/items/20261122-164503000.csv",
      "shop/items/20261122-164504000.csv",  "shop/items/20261122-164505000.csv",
      "shop/orders/20261122-164500000.csv", "shop/orders/20261122-164501000.csv",
      "shop/orders/20261122-164502000.csv", "shop/orders/20261122-164503000.csv",
      "shop/orders/20261122-164504000.csv", "shop/orders/20261122-164505000.csv"};
  EXPECT_EQ(keys, want);
  // Window 0 holds transactions 0..6: orders inserts 0..6 and the delete of 2 (i = 4).
  // Sequence: file 1, the transaction's begin offset (4, then 4 + 100 + 2 rows * 37), row 1.
  EXPECT_EQ(objects["shop/orders/20261122-164500000.csv"].substr(0, 120),
            "I,2026-11-22 16:45:00.000000,0000010000000000040000000001,0\n"
            "I,2026-11-22 16:45:00.150000,0000010000000001780000000001,1\n");
  EXPECT_NE(objects["shop/orders/20261122-164500000.csv"].find(",2026-11-22 16:45:00.600000,"),
            std::string::npos);
  EXPECT_NE(objects["shop/orders/20261122-164500000.csv"].find("\nD,"), std::string::npos);
  // Transaction 20 is the first with the note column: orders in window 3 (t0+3.0 s) starts
  // with it, so its one file has the new shape from its first row.
  EXPECT_NE(objects["shop/orders/20261122-164503000.csv"].find(",20,n20\n"), std::string::npos);
  auto v2 = mem->Get("_binlake/schemas/shop/orders/v000002.json");
  ASSERT_TRUE(v2.ok()) << "the new shape is recorded as version 2";
  EXPECT_NE(v2->find("\"note\""), std::string::npos);
  auto cp = CheckpointStore(mem.get()).LoadLatest();
  ASSERT_TRUE(cp.ok() && cp->has_value());
  EXPECT_EQ((*cp)->position, log.back().end);
  EXPECT_EQ((*cp)->tables.at("shop.orders").schema_version, 2);
  EXPECT_EQ((*cp)->tables.at("shop.orders").last_field_id, 2);
}

TEST(ChangeLogSinkTest, CrashAtEveryWriteThenRestartGivesIdenticalObjects) {
  std::vector<Txn> log = MakeBinlog();
  auto reference = MemoryObjectStore::Create();
  {
    ManualClock clock(kT0);
    ASSERT_TRUE(RunOnce(reference.get(), log, &clock));
  }
  std::map<std::string, std::string> want = Objects(reference.get(), true);
  int total_writes = static_cast<int>(Objects(reference.get(), false).size());
  ASSERT_GT(total_writes, 20);
  for (int crash_after = 0; crash_after <= total_writes + 2; ++crash_after) {
    auto mem = MemoryObjectStore::Create();
    ManualClock clock(kT0);
    CrashingStore crashing(mem.get(), crash_after);
    RunOnce(&crashing, log, &clock);  // dies at write number crash_after + 1
    // A second crash during recovery, then a clean run.
    CrashingStore crash_again(mem.get(), crash_after % 3);
    RunOnce(&crash_again, log, &clock);
    ASSERT_TRUE(RunOnce(mem.get(), log, &clock)) << "crash after " << crash_after;
    EXPECT_EQ(Objects(mem.get(), true), want) << "crash after " << crash_after << " writes";
  }
}

TEST(ChangeLogSinkTest, IdleCloseIsRecordedAndReplayedExactly) {
  std::vector<Txn> log = MakeBinlog();
  auto mem = MemoryObjectStore::Create();
  ManualClock clock(kT0);
  auto sink = *ChangeLogSink::Create(SinkOptions(), mem.get(), &clock);
  ASSERT_TRUE(sink->Recover([&]() -> Result<BinlogPosition> { return log[0].begin; }).ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(sink->Begin({"", log[i].commit_us, log[i].begin}).ok());
    for (const RowChange& r : log[i].rows) ASSERT_TRUE(sink->Row(r).ok());
    ASSERT_TRUE(sink->Commit({log[i].end, ""}).ok());
  }
  clock.Advance(200'000);
  ASSERT_TRUE(sink->Tick().ok());
  EXPECT_EQ(sink->checkpoint().seq, 0u) << "not idle yet: the window is still open";
  clock.Advance(1'100'000);
  ASSERT_TRUE(sink->Tick().ok());
  EXPECT_EQ(sink->checkpoint().seq, 1u) << "idle past window end + grace: closed";
  EXPECT_EQ(sink->checkpoint().position, log[2].end);
  auto intent = CheckpointStore(mem.get()).LoadIntent(1);
  ASSERT_TRUE(intent.ok() && intent->has_value());
  EXPECT_EQ((*intent)->reason, CloseReason::kIdle);
  // Transaction 3 is still in window 0 by its commit time, but window 0 is closed: it goes
  // to a later-named file, never into an existing name.
  ASSERT_TRUE(sink->Begin({"", log[3].commit_us, log[3].begin}).ok());
  for (const RowChange& r : log[3].rows) ASSERT_TRUE(sink->Row(r).ok());
  ASSERT_TRUE(sink->Commit({log[3].end, ""}).ok());
  ASSERT_TRUE(sink->Flush().ok());
  EXPECT_TRUE(mem->Head("shop/orders/20261122-164500001.csv").ok());
}

TEST(ChangeLogSinkTest, SteadyStreamInOneCommitSecondClosesByClock) {
  // MariaDB commit times have whole seconds: with a 200 ms interval every transaction of a
  // second falls into one window. A batch open longer than interval + grace still closes.
  auto mem = MemoryObjectStore::Create();
  ManualClock clock(kT0);
  ChangeLogSink::Options o = SinkOptions();
  o.output.cdc_max_batch_interval_ms = 200;
  auto sink = *ChangeLogSink::Create(o, mem.get(), &clock);
  std::vector<Txn> log = MakeBinlog();
  ASSERT_TRUE(sink->Recover([&]() -> Result<BinlogPosition> { return log[0].begin; }).ok());
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(sink->Begin({"", kT0, log[i].begin}).ok()) << i;  // all in second kT0
    for (const RowChange& r : log[i].rows) ASSERT_TRUE(sink->Row(r).ok());
    ASSERT_TRUE(sink->Commit({log[i].end, ""}).ok());
    clock.Advance(100'000);  // 100 ms of real time between transactions
  }
  // Batches close once they have been open 250 ms: before transactions 3, 6 and 9.
  EXPECT_EQ(sink->checkpoint().seq, 3u);
  EXPECT_EQ(sink->checkpoint().position, log[8].end);
  auto intent = CheckpointStore(mem.get()).LoadIntent(1);
  ASSERT_TRUE(intent.ok() && intent->has_value());
  EXPECT_EQ((*intent)->reason, CloseReason::kClock);
  // Names stay unique: later batches of the same window move one millisecond on.
  EXPECT_TRUE(mem->Head("shop/orders/20261122-164500000.csv").ok());
  EXPECT_TRUE(mem->Head("shop/orders/20261122-164500001.csv").ok());
  EXPECT_TRUE(mem->Head("shop/orders/20261122-164500002.csv").ok());
}

TEST(ChangeLogSinkTest, DiscardAbandonsTheBatchAndReplaysFromCheckpoint) {
  std::vector<Txn> log = MakeBinlog();
  auto mem = MemoryObjectStore::Create();
  ManualClock clock(kT0);
  auto sink = *ChangeLogSink::Create(SinkOptions(), mem.get(), &clock);
  ASSERT_TRUE(sink->Recover([&]() -> Result<BinlogPosition> { return log[0].begin; }).ok());
  ASSERT_TRUE(sink->Begin({"", log[0].commit_us, log[0].begin}).ok());
  ASSERT_TRUE(sink->Row(log[0].rows[0]).ok());
  sink->Discard();
  EXPECT_EQ(sink->RestartPosition(), log[0].begin);
  for (const Txn& t : log) {
    ASSERT_TRUE(sink->Begin({"", t.commit_us, t.begin}).ok());
    for (const RowChange& r : t.rows) ASSERT_TRUE(sink->Row(r).ok());
    ASSERT_TRUE(sink->Commit({t.end, ""}).ok());
  }
  ASSERT_TRUE(sink->Flush().ok());
  auto reference = MemoryObjectStore::Create();
  ManualClock clock2(kT0);
  ASSERT_TRUE(RunOnce(reference.get(), log, &clock2));
  EXPECT_EQ(Objects(mem.get(), true), Objects(reference.get(), true));
  EXPECT_EQ(sink->stats().at("shop.orders").inserts, 41u) << "the discarded row counted once";
}

// A store that runs `hook` once, at the first data file a batch uploads: what a full-load
// worker does on its own thread while the binlog's batch is being closed.
class HookedStore : public CrashingStore {
 public:
  HookedStore(ObjectStore* inner, std::function<void()> hook)
      : CrashingStore(inner, 1 << 30), hook_(std::move(hook)) {}
  Status Put(std::string_view key, std::string_view data, const PutOptions& o) override {
    if (hook_ && key.rfind("_binlake/", 0) != 0) std::exchange(hook_, nullptr)();
    return CrashingStore::Put(key, data, o);
  }

 private:
  std::function<void()> hook_;
};

TEST(ChangeLogSinkTest, ASchemaResolvedWhileABatchClosesIsNotNamedByItsCheckpoint) {
  std::vector<Txn> log = MakeBinlog();
  auto mem = MemoryObjectStore::Create();
  ManualClock clock(kT0);
  ChangeLogSink* running = nullptr;
  HookedStore store(mem.get(), [&] {
    // A table the full load starts on, between the batch's intent and its checkpoint.
    ASSERT_TRUE(running->LakeSchema(Table("late", true), nullptr).ok());
  });
  auto sink = *ChangeLogSink::Create(SinkOptions(), &store, &clock);
  running = sink.get();
  ASSERT_TRUE(sink->Recover([&]() -> Result<BinlogPosition> { return log[0].begin; }).ok());
  ASSERT_TRUE(sink->Begin({"", log[0].commit_us, log[0].begin}).ok());
  for (const RowChange& r : log[0].rows) ASSERT_TRUE(sink->Row(r).ok());
  ASSERT_TRUE(sink->Commit({log[0].end, ""}).ok());
  ASSERT_TRUE(sink->Flush().ok());
  // Every schema version a checkpoint names has its record in the lake.
  auto check = [&](uint64_t seq) {
    auto cp = CheckpointStore(mem.get()).LoadLatest();
    if (!cp.ok() || !cp->has_value()) {
      ADD_FAILURE() << "no checkpoint";
      return false;
    }
    EXPECT_EQ((*cp)->seq, seq);
    for (const auto& [name, state] : (*cp)->tables) {
      size_t dot = name.find('.');
      auto record = CheckpointStore(mem.get()).LoadSchema(name.substr(0, dot), name.substr(dot + 1),
                                                          state.schema_version);
      EXPECT_TRUE(record.ok() && record->has_value()) << name << " v" << state.schema_version;
    }
    return (*cp)->tables.count("shop.late") > 0;
  };
  EXPECT_FALSE(check(1)) << "the late table's record is not written by batch 1";
  // The next batch writes its record and names it.
  ASSERT_TRUE(sink->Begin({"", log[1].commit_us, log[1].begin}).ok());
  for (const RowChange& r : log[1].rows) ASSERT_TRUE(sink->Row(r).ok());
  ASSERT_TRUE(sink->Commit({log[1].end, ""}).ok());
  ASSERT_TRUE(sink->Flush().ok());
  EXPECT_TRUE(check(2));
}

TEST(ChangeLogSinkTest, FilteredTablesAndOpFilters) {
  std::vector<Txn> log = MakeBinlog();
  auto mem = MemoryObjectStore::Create();
  ManualClock clock(kT0);
  ChangeLogSink::Options o = SinkOptions();
  o.include = {"shop.orders"};
  o.output.cdc_inserts_only = true;
  o.output.timestamp_column_name.clear();
  o.output.sequence_column_name.clear();
  auto sink = *ChangeLogSink::Create(o, mem.get(), &clock);
  ASSERT_TRUE(sink->Recover([&]() -> Result<BinlogPosition> { return log[0].begin; }).ok());
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(sink->Begin({"", log[i].commit_us, log[i].begin}).ok());
    for (const RowChange& r : log[i].rows) ASSERT_TRUE(sink->Row(r).ok());
    ASSERT_TRUE(sink->Commit({log[i].end, ""}).ok());
  }
  ASSERT_TRUE(sink->Flush().ok());
  std::map<std::string, std::string> objects = Objects(mem.get(), true);
  ASSERT_EQ(objects.size(), 1u) << "items is not included";
  // Inserts only, and no Op column (cdc_inserts_only without include_op_for_full_load).
  EXPECT_EQ(objects.begin()->second, "0\n1\n2\n3\n4\n5\n6\n");
}

ChangeLogSink::Options StreamOptions() {
  ChangeLogSink::Options o = SinkOptions();
  o.output.timestamp_column_name.clear();
  o.output.cdc_path = "cdc";
  o.output.preserve_transactions = true;
  return o;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    out.push_back(text.substr(start, nl - start));
  }
  EXPECT_EQ(start, text.size()) << "text ends with a whole line";
  return out;
}

std::string Gunzip(const std::string& gz) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 16 + MAX_WBITS), Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buf[4096];
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - zs.avail_out);
  } while (rc == Z_OK);
  EXPECT_EQ(rc, Z_STREAM_END);
  EXPECT_EQ(zs.avail_in, 0u) << "one gzip member spans the whole file";
  inflateEnd(&zs);
  return out;
}

TEST(ChangeLogSinkTest, CdcPathAlonePutsTheSameTableFilesUnderIt) {
  std::vector<Txn> log = MakeBinlog();
  auto reference = MemoryObjectStore::Create();
  ManualClock clock(kT0);
  ASSERT_TRUE(RunOnce(reference.get(), log, &clock));
  auto mem = MemoryObjectStore::Create();
  ManualClock clock2(kT0);
  ChangeLogSink::Options o = SinkOptions();
  o.output.cdc_path = "raw/cdc/";
  ASSERT_TRUE(RunOnce(mem.get(), log, &clock2, o));
  std::map<std::string, std::string> want;
  for (const auto& [key, bytes] : Objects(reference.get(), true)) want["raw/cdc/" + key] = bytes;
  EXPECT_EQ(Objects(mem.get(), true), want);
  auto intent = CheckpointStore(mem.get()).LoadIntent(1);
  ASSERT_TRUE(intent.ok() && intent->has_value());
  EXPECT_EQ((*intent)->objects,
            (std::vector<std::string>{"raw/cdc/shop/items/20261122-164500000.csv",
                                      "raw/cdc/shop/orders/20261122-164500000.csv"}));
}

TEST(ChangeLogSinkTest, PreserveTransactionsWritesOneStreamInBinlogOrder) {
  std::vector<Txn> log = MakeBinlog();
  auto mem = MemoryObjectStore::Create();
  ManualClock clock(kT0);
  ASSERT_TRUE(RunOnce(mem.get(), log, &clock, StreamOptions()));
  std::map<std::string, std::string> objects = Objects(mem.get(), true);
  std::vector<std::string> keys;
  for (const auto& [k, v] : objects) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "cdc/CDC_TXN-20261122164500000.csv", "cdc/CDC_TXN-20261122164501000.csv",
                      "cdc/CDC_TXN-20261122164502000.csv", "cdc/CDC_TXN-20261122164503000.csv",
                      "cdc/CDC_TXN-20261122164504000.csv", "cdc/CDC_TXN-20261122164505000.csv"}))
      << "no per-table CDC files";
  // Op, table, schema, sequence, the table's columns (ragged: orders v1 has one, items two).
  // Transaction 0's update of items moves its key: a delete and an insert, rows 2 and 3.
  std::vector<std::string> lines = Lines(objects["cdc/CDC_TXN-20261122164500000.csv"]);
  ASSERT_GE(lines.size(), 10u);
  EXPECT_EQ(std::vector<std::string>(lines.begin(), lines.begin() + 10),
            (std::vector<std::string>{
                "I,orders,shop,0000010000000000040000000001,0",
                "D,items,shop,0000010000000000040000000002,-1,n-1",
                "I,items,shop,0000010000000000040000000003,0,n0",
                "I,orders,shop,0000010000000001780000000001,1",
                "I,orders,shop,0000010000000003150000000001,2",
                "I,orders,shop,0000010000000004520000000001,3",
                "D,items,shop,0000010000000004520000000002,2,n2",
                "I,items,shop,0000010000000004520000000003,3,n3",
                "I,orders,shop,0000010000000006260000000001,4",
                "D,orders,shop,0000010000000006260000000002,2",
            }));
  // Every table's rows, taken from the stream in order, are exactly the rows of its own
  // files in the default layout (same options otherwise), file after file.
  ChangeLogSink::Options per_table = StreamOptions();
  per_table.output.cdc_path.clear();
  per_table.output.preserve_transactions = false;
  auto reference = MemoryObjectStore::Create();
  ManualClock clock2(kT0);
  ASSERT_TRUE(RunOnce(reference.get(), log, &clock2, per_table));
  std::map<std::string, std::string> want, got;
  for (const auto& [key, bytes] : Objects(reference.get(), true)) {
    want[key.substr(0, key.rfind('/'))] += bytes;
  }
  for (const auto& [key, bytes] : objects) {
    for (const std::string& line : Lines(bytes)) {
      size_t op_end = line.find(','), table_end = line.find(',', op_end + 1),
             schema_end = line.find(',', table_end + 1);
      std::string table = line.substr(op_end + 1, table_end - op_end - 1);
      std::string schema = line.substr(table_end + 1, schema_end - table_end - 1);
      got[schema + "/" + table] += line.substr(0, op_end) + line.substr(schema_end) + "\n";
    }
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(want.size(), 2u);
}

TEST(ChangeLogSinkTest, StreamFilesSplitOnlyBetweenTransactions) {
  std::vector<Txn> log = MakeBinlog();
  auto mem = MemoryObjectStore::Create();
  ManualClock clock(kT0);
  ChangeLogSink::Options o = StreamOptions();
  o.output.max_file_size = 1;  // every transaction after a file's first starts a new file
  ASSERT_TRUE(RunOnce(mem.get(), log, &clock, o));
  std::map<std::string, std::string> objects = Objects(mem.get(), true);
  // Window 0 holds transactions 0..6: seven files, one transaction each.
  EXPECT_EQ(Lines(objects["cdc/CDC_TXN-20261122164500000.csv"]),
            (std::vector<std::string>{"I,orders,shop,0000010000000000040000000001,0",
                                      "D,items,shop,0000010000000000040000000002,-1,n-1",
                                      "I,items,shop,0000010000000000040000000003,0,n0"}));
  EXPECT_EQ(Lines(objects["cdc/CDC_TXN-20261122164500000-0005.csv"]),
            (std::vector<std::string>{"I,orders,shop,0000010000000006260000000001,4",
                                      "D,orders,shop,0000010000000006260000000002,2"}));
  EXPECT_TRUE(objects.count("cdc/CDC_TXN-20261122164500000-0007.csv"));
  EXPECT_FALSE(objects.count("cdc/CDC_TXN-20261122164500000-0008.csv"));
  auto intent = CheckpointStore(mem.get()).LoadIntent(1);
  ASSERT_TRUE(intent.ok() && intent->has_value());
  EXPECT_EQ((*intent)->objects.size(), 7u) << "every part of the stream is in the intent";
}

TEST(ChangeLogSinkTest, StreamCrashAtEveryWriteThenRestartGivesIdenticalObjects) {
  std::vector<Txn> log = MakeBinlog();
  ChangeLogSink::Options o = StreamOptions();
  o.output.max_file_size = 200;  // a few parts per batch
  auto reference = MemoryObjectStore::Create();
  {
    ManualClock clock(kT0);
    ASSERT_TRUE(RunOnce(reference.get(), log, &clock, o));
  }
  std::map<std::string, std::string> want = Objects(reference.get(), true);
  ASSERT_GT(want.size(), 6u) << "some batches have several parts";
  int total_writes = static_cast<int>(Objects(reference.get(), false).size());
  for (int crash_after = 0; crash_after <= total_writes + 2; ++crash_after) {
    auto mem = MemoryObjectStore::Create();
    ManualClock clock(kT0);
    CrashingStore crashing(mem.get(), crash_after);
    RunOnce(&crashing, log, &clock, o);
    CrashingStore crash_again(mem.get(), crash_after % 3);
    RunOnce(&crash_again, log, &clock, o);
    ASSERT_TRUE(RunOnce(mem.get(), log, &clock, o)) << "crash after " << crash_after;
    EXPECT_EQ(Objects(mem.get(), true), want) << "crash after " << crash_after << " writes";
  }
}

TEST(ChangeLogSinkTest, JsonStreamGzippedIsOneMemberOfThePlainStream) {
  std::vector<Txn> log = MakeBinlog();
  ChangeLogSink::Options o = StreamOptions();
  o.output.format = OutputFormat::kJsonl;
  auto plain = MemoryObjectStore::Create();
  ManualClock clock(kT0);
  ASSERT_TRUE(RunOnce(plain.get(), log, &clock, o));
  o.output.compression = Compression::kGzip;
  auto gz = MemoryObjectStore::Create();
  ManualClock clock2(kT0);
  ASSERT_TRUE(RunOnce(gz.get(), log, &clock2, o));
  std::map<std::string, std::string> want = Objects(plain.get(), true), got;
  for (const auto& [key, bytes] : Objects(gz.get(), true)) {
    ASSERT_TRUE(key.ends_with(".json.gz")) << key;
    got[key.substr(0, key.size() - 3)] = Gunzip(bytes);
  }
  EXPECT_EQ(got, want);
  std::vector<std::string> lines = Lines(want["cdc/CDC_TXN-20261122164500000.json"]);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0].substr(0, 42), R"({"op":"I","schema":"shop","table":"orders")");
  EXPECT_EQ(lines[1].substr(0, 41), R"({"op":"D","schema":"shop","table":"items")");
}

TEST(ChangeLogSinkTest, RefusesStreamSettingsItCannotWrite) {
  auto mem = MemoryObjectStore::Create();
  ManualClock clock(kT0);
  auto refused = [&](ChangeLogSink::Options o) {
    auto sink = ChangeLogSink::Create(o, mem.get(), &clock);
    EXPECT_FALSE(sink.ok());
    return sink.ok() ? std::string() : sink.status().message();
  };
  ChangeLogSink::Options o = StreamOptions();
  o.output.cdc_path.clear();
  EXPECT_NE(refused(o).find("needs output.cdc_path"), std::string::npos);
  o = StreamOptions();
  o.output.format = OutputFormat::kParquet;
  EXPECT_NE(refused(o).find("Use format csv or jsonl"), std::string::npos);
  o = StreamOptions();
  o.output.add_column_name = true;
  EXPECT_NE(refused(o).find("remove add_column_name"), std::string::npos);
  o = SinkOptions();
  o.output.cdc_path = "_binlake";
  EXPECT_NE(refused(o).find("inside _binlake/"), std::string::npos);
  o = SinkOptions();
  o.output.cdc_path = "changes";
  o.output.format = OutputFormat::kParquet;  // per-table files under cdc_path: fine
  EXPECT_TRUE(ChangeLogSink::Create(o, mem.get(), &clock).ok());
}

}  // namespace
}  // namespace binlake
