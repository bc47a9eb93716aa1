#include "xa/lake_prepared_transactions.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "storage/memory_object_store.h"

namespace binlake {
namespace {

TableSchemaPtr Shape(const std::string& table) {
  auto t = std::make_shared<TableSchema>();
  t->database = "shop";
  t->table = table;
  for (const char* name : {"id", "note"}) {
    Column c;
    c.name = name;
    c.type = std::string(name) == "id" ? LogicalType::kInt64 : LogicalType::kEnum;
    c.mysql_type = std::string(name) == "id" ? MysqlType::kLongLong : MysqlType::kEnum;
    c.elements = {"a", "b"};
    c.collation_id = 45;
    c.field_id = static_cast<int32_t>(t->columns.size() + 1);
    t->columns.push_back(c);
  }
  t->key_columns = {0};
  t->version = 3;
  return t;
}

// Every kind of value, at its edges.
Row EveryKind() {
  return {Value::Null(),
          Value::Absent(),
          Value::Int(std::numeric_limits<int64_t>::min()),
          Value::UInt(std::numeric_limits<uint64_t>::max()),
          Value::Float(-0.0f),
          Value::Double(std::nan("")),
          Value::Decimal("-99999999999999999999999999999999999.999999999999999999999999999"),
          Value::OfDate(Date{0, 0, 0}),
          Value::OfTime(Duration{true, 838, 59, 59, 999999}),
          Value::OfDateTime(DateTime{9999, 12, 31, 23, 59, 59, 999999}),
          Value::OfTimestamp(Timestamp{2147483647, 999999}),
          Value::String("caf\xC3\xA9 \xF0\x9F\x98\x80"),
          Value::Bytes(std::string("\0\xFF\x01", 3)),
          Value::Json("{\"a\": [1, 2.5, null]}")};
}

std::vector<RowChange> Rows() {
  TableSchemaPtr orders = Shape("orders"), items = Shape("items");
  std::vector<RowChange> rows;
  rows.push_back({Op::kInsert, orders, {}, EveryKind()});
  rows.push_back({Op::kUpdate, items, {Value::Int(1)}, {Value::Int(2)}});
  RowChange d{Op::kDelete, orders, EveryKind(), {}};
  d.origin = ChangeOrigin::kCascade;
  d.foreign_key_checks = false;
  rows.push_back(d);
  return rows;
}

void ExpectSameRows(const std::vector<RowChange>& got, const std::vector<RowChange>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].op, want[i].op) << i;
    EXPECT_EQ(got[i].origin, want[i].origin) << i;
    EXPECT_EQ(got[i].foreign_key_checks, want[i].foreign_key_checks) << i;
    ASSERT_EQ(got[i].before.size(), want[i].before.size()) << i;
    ASSERT_EQ(got[i].after.size(), want[i].after.size()) << i;
    for (const auto& [g, w] :
         {std::pair{&got[i].before, &want[i].before}, std::pair{&got[i].after, &want[i].after}}) {
      for (size_t c = 0; c < g->size(); ++c) {
        if (w->at(c).kind() == Value::Kind::kDouble && std::isnan(w->at(c).double_value())) {
          EXPECT_TRUE(std::isnan(g->at(c).double_value()));
          continue;
        }
        EXPECT_EQ(g->at(c), w->at(c)) << "row " << i << " column " << c;
        EXPECT_EQ(g->at(c).kind(), w->at(c).kind()) << "row " << i << " column " << c;
      }
    }
    const TableSchema& gs = *got[i].table;
    const TableSchema& ws = *want[i].table;
    EXPECT_EQ(gs.QualifiedName(), ws.QualifiedName());
    EXPECT_EQ(gs.version, ws.version);
    EXPECT_EQ(gs.key_columns, ws.key_columns);
    ASSERT_EQ(gs.columns.size(), ws.columns.size());
    for (size_t c = 0; c < gs.columns.size(); ++c) {
      EXPECT_EQ(gs.columns[c].name, ws.columns[c].name);
      EXPECT_EQ(gs.columns[c].type, ws.columns[c].type);
      EXPECT_EQ(gs.columns[c].mysql_type, ws.columns[c].mysql_type);
      EXPECT_EQ(gs.columns[c].elements, ws.columns[c].elements);
      EXPECT_EQ(gs.columns[c].collation_id, ws.columns[c].collation_id);
      EXPECT_EQ(gs.columns[c].field_id, ws.columns[c].field_id);
    }
  }
  // Rows of one table share one shape again.
  EXPECT_EQ(got[0].table.get(), got[2].table.get());
}

const std::string kXid = "X'6131',X'',1";

TEST(LakePreparedTransactionsTest, RowsComeBackExactlyInAnotherProcess) {
  auto mem = MemoryObjectStore::Create();
  std::vector<RowChange> rows = Rows();
  ASSERT_TRUE(LakePreparedTransactions(mem.get()).Park(kXid, {"b.000007", 1234}, rows).ok());
  EXPECT_TRUE(mem->Head("_binlake/xa/582736313331272c5827272c31/b.000007@1234").ok());
  LakePreparedTransactions later(mem.get());
  Result<PreparedTransactions::Parked> found = later.Find(kXid, {"b.000008", 4});
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->position, (BinlogPosition{"b.000007", 1234}));
  ExpectSameRows(found->rows, rows);
}

TEST(LakePreparedTransactionsTest, EachPrepareOfAnXidIsFoundByPositionAndReleasedOnceDurable) {
  auto mem = MemoryObjectStore::Create();
  LakePreparedTransactions p(mem.get());
  std::vector<RowChange> rows = Rows();
  ASSERT_TRUE(p.Park(kXid, {"b.000001", 900}, {rows[0]}).ok());
  p.Ended(kXid, {"b.000001", 900}, {"b.000001", 2000});
  ASSERT_TRUE(p.Park(kXid, {"b.000002", 100}, {rows[1], rows[2]}).ok());
  // Offsets compare as numbers, not as text: 900 < 2000 within a file.
  EXPECT_EQ(p.Find(kXid, {"b.000001", 1500})->rows.size(), 1u);
  EXPECT_EQ(p.Find(kXid, {"b.000002", 101})->rows.size(), 2u);
  EXPECT_EQ(p.Find(kXid, {"b.000001", 900}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(p.Find("X'',X'',1", {"b.000002", 101}).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(p.Release({"b.000001", 1999}).ok());
  EXPECT_TRUE(p.Find(kXid, {"b.000001", 1500}).ok());
  ASSERT_TRUE(p.Release({"b.000001", 2000}).ok());
  EXPECT_FALSE(mem->Head(LakePreparedTransactions::Key(kXid, {"b.000001", 900})).ok());
  EXPECT_EQ(p.Find(kXid, {"b.000002", 101})->rows.size(), 2u);
}

TEST(LakePreparedTransactionsTest, PruneKeepsOnlyWhatCanStillBeCommitted) {
  auto mem = MemoryObjectStore::Create();
  LakePreparedTransactions p(mem.get());
  std::vector<RowChange> rows = Rows();
  // Left behind by a kill -9: three prepares of a1, two of b2.
  for (uint64_t at : {100, 900, 5000}) ASSERT_TRUE(p.Park(kXid, {"b.000001", at}, rows).ok());
  for (uint64_t at : {200, 300}) ASSERT_TRUE(p.Park("X'6232',X'',1", {"b.000001", at}, rows).ok());
  ASSERT_TRUE(p.Prune({"b.000001", 4000}).ok());
  Result<ListResult> list = mem->List("_binlake/xa/");
  ASSERT_TRUE(list.ok());
  std::vector<std::string> left;
  for (const ObjectInfo& o : list->objects) left.push_back(o.key);
  std::vector<std::string> want = {
      LakePreparedTransactions::Key(kXid, {"b.000001", 5000}),  // read again from 4000
      LakePreparedTransactions::Key(kXid, {"b.000001", 900}),   // may still be committed
      LakePreparedTransactions::Key("X'6232',X'',1", {"b.000001", 300}),
  };
  std::sort(want.begin(), want.end());
  EXPECT_EQ(left, want);
}

TEST(LakePreparedTransactionsTest, DamagedObjectsAreRefusedByName) {
  auto mem = MemoryObjectStore::Create();
  LakePreparedTransactions p(mem.get());
  std::string key = LakePreparedTransactions::Key(kXid, {"b.000001", 100});
  std::string bytes = EncodeParked(kXid, {"b.000001", 100}, Rows());
  for (size_t cut : {size_t{0}, size_t{5}, size_t{40}, bytes.size() / 2, bytes.size() - 1}) {
    ASSERT_TRUE(mem->Put(key, bytes.substr(0, cut)).ok());
    Result<PreparedTransactions::Parked> r = p.Find(kXid, {"b.000001", 200});
    ASSERT_FALSE(r.ok()) << cut;
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << cut;
    EXPECT_NE(r.status().message().find(key), std::string::npos) << r.status().message();
  }
  ASSERT_TRUE(mem->Put(key, bytes + "x").ok());
  EXPECT_EQ(p.Find(kXid, {"b.000001", 200}).status().code(), StatusCode::kCorruption);
  // Another prepare's object under this key is refused too.
  ASSERT_TRUE(mem->Put(key, EncodeParked(kXid, {"b.000001", 99}, Rows())).ok());
  EXPECT_EQ(p.Find(kXid, {"b.000001", 200}).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace binlake
