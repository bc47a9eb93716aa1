#include "binlog/transaction_assembler.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "binlog/binlog_file_reader.h"
#include "binlog/event_stream.h"
#include "tests/support/test_env.h"

namespace binlake {
namespace {

// Records the sink calls as text.
class RecordingSink : public ChangeSink {
 public:
  Status Begin(const TransactionBegin& b) override {
    calls.push_back("begin " + b.gtid + " @" + b.position.ToString() +
                    " t=" + std::to_string(b.commit_time_micros));
    return Status::OK();
  }
  Status Row(RowChange c) override {
    if (rows != nullptr) rows->push_back(c);
    calls.push_back(std::string("row ") + OpLetter(c.op) + " " + c.table->QualifiedName() + " v" +
                    std::to_string(c.table->version));
    return Status::OK();
  }
  Status Schema(const SchemaChange& s) override {
    calls.push_back("schema " + s.database + ": " + s.sql.substr(0, 20));
    return Status::OK();
  }
  Status Commit(const TransactionEnd& e) override {
    calls.push_back("commit @" + e.next_position.ToString() + " " + e.gtid_set);
    return Status::OK();
  }
  void Discard() override { calls.push_back("discard"); }
  std::vector<std::string> calls;
  std::vector<RowChange>* rows = nullptr;
};

std::vector<std::string> Assemble(const std::string& rel, std::string name,
                                  SchemaResolver* resolver = nullptr,
                                  std::vector<RowChange>* rows = nullptr) {
  auto dir = testing::FixturesDir();
  std::ifstream in(*dir + "/binlogs/" + rel, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string bytes = ss.str();
  auto reader = BinlogFileReader::FromBuffer(bytes, name);
  EXPECT_TRUE(reader.ok());
  EventStream stream(reader->get());
  RecordingSink sink;
  sink.rows = rows;
  AssemblerOptions options;
  options.binlog_file = name;
  options.resolver = resolver;
  TransactionAssembler assembler(&sink, options);
  while (true) {
    auto e = stream.Next();
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    if (!e.ok() || *e == nullptr) break;
    Status s = assembler.Consume(**e);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  return sink.calls;
}

TEST(TransactionAssemblerTest, TaggedGtidTransaction) {
  if (!testing::FixturesDir()) GTEST_SKIP() << "../shared/fixtures is absent";
  auto calls =
      Assemble("rust_mysql_common/binlog_transaction_with_GTID_TAG.000001", "binlog.000004");
  std::vector<std::string> want = {
      "begin 55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:3 @binlog.000004:245 t=1770368687207196",
      "row I test.orders v1",
      "commit @binlog.000004:541 55778904-0299-11f1-b1b8-4ef0c4956feb:1-13:mytag:1-3",
  };
  EXPECT_EQ(calls, want);
}

TEST(TransactionAssemblerTest, CompressedTransactionCommitsAtPayloadEnd) {
  if (!testing::FixturesDir()) GTEST_SKIP() << "../shared/fixtures is absent";
  auto calls = Assemble("rust_mysql_common/transaction_compression.000001", "binlog.000001");
  std::vector<std::string> want = {
      "begin  @binlog.000001:197 t=1695159109445737",
      "row I test.tb1 v1",
      "commit @binlog.000001:431 357df524-4139-11ee-9979-b033ee13919e:1",
  };
  EXPECT_EQ(calls, want);
}

TEST(TransactionAssemblerTest, DdlIsItsOwnTransactionAndMariaDbGtids) {
  if (!testing::FixturesDir()) GTEST_SKIP() << "../shared/fixtures is absent";
  auto calls = Assemble("rust_mysql_common/mariadb-bin.000001", "mariadb-bin.000001");
  std::vector<std::string> want = {
      "begin 0-1-1 @mariadb-bin.000001:330 t=1650493084000000",
      "row I toddy_test.outbox v1",
      "commit @mariadb-bin.000001:702 0-1-1",
      "begin 0-1-2 @mariadb-bin.000001:702 t=1650493195000000",
      "row I toddy_test.outbox v1",
      "commit @mariadb-bin.000001:1074 0-1-2",
  };
  EXPECT_EQ(calls, want);
  auto ddl = Assemble("rust_mysql_common/mysql-enum-string-set.000001", "binlog.000001");
  ASSERT_GE(ddl.size(), 6u);
  EXPECT_EQ(ddl[0],
            "begin 93e95066-a2f4-11ec-9b69-9657f0ae95e2:1 @binlog.000001:157 t=1647193191638429");
  EXPECT_EQ(ddl[1], "schema : ALTER USER 'root'@'l");
  EXPECT_EQ(ddl[2], "commit @binlog.000001:493 93e95066-a2f4-11ec-9b69-9657f0ae95e2:1");
}

class FakeResolver : public SchemaResolver {
 public:
  Result<ResolvedTable> Resolve(std::string_view database, std::string_view table) override {
    calls.push_back(std::string(database) + "." + std::string(table));
    ResolvedTable t;
    for (const char* n : {"id", "bin", "txt", "num", "big"}) {
      Column c;
      c.name = n;
      t.columns.push_back(c);
    }
    t.key_columns = {0};
    return t;
  }
  std::vector<std::string> calls;
};

TEST(TransactionAssemblerTest, ResolverNamesColumnsOfMinimalMetadata) {
  if (!testing::FixturesDir()) GTEST_SKIP() << "../shared/fixtures is absent";
  FakeResolver resolver;
  std::vector<RowChange> rows;
  Assemble("rust_mysql_common/minimal_row_metadata.000001", "binlog.000001", &resolver, &rows);
  EXPECT_EQ(resolver.calls, std::vector<std::string>{"noria.t1"});
  ASSERT_EQ(rows.size(), 1u);
  const TableSchema& s = *rows[0].table;
  EXPECT_EQ(s.columns[0].name, "id");
  EXPECT_EQ(s.columns[4].name, "big");
  EXPECT_EQ(s.key_columns, std::vector<int>{0});
  // Signedness still comes from the binlog's MINIMAL metadata.
  EXPECT_TRUE(s.columns[4].is_unsigned);
  EXPECT_EQ(rows[0].after[4], Value::UInt(3230202323u));
  EXPECT_TRUE(rows[0].after[1].is_absent());
}

class WrongResolver : public SchemaResolver {
 public:
  Result<ResolvedTable> Resolve(std::string_view, std::string_view) override {
    ResolvedTable t;
    t.columns.resize(2);
    return t;
  }
};

// A MySQL binlog written with binlog_row_metadata=MINIMAL (TABLE_MAPs without names).
std::string MinimalMetadataFixture() {
  std::ifstream in(
      *testing::FixturesDir() + "/binlogs/rust_mysql_common/minimal_row_metadata.000001",
      std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(TransactionAssemblerTest, ResolverWithOtherColumnCountFails) {
  if (!testing::FixturesDir()) GTEST_SKIP() << "../shared/fixtures is absent";
  std::string bytes = MinimalMetadataFixture();
  auto reader = BinlogFileReader::FromBuffer(bytes, "binlog.000001");
  ASSERT_TRUE(reader.ok());
  EventStream stream(reader->get());
  RecordingSink sink;
  WrongResolver resolver;
  TransactionAssembler assembler(&sink, AssemblerOptions{&resolver, "binlog.000001", {}});
  Status last;
  while (last.ok()) {
    auto e = stream.Next();
    ASSERT_TRUE(e.ok());
    if (*e == nullptr) break;
    last = assembler.Consume(**e);
  }
  ASSERT_FALSE(last.ok());
  EXPECT_EQ(last.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(last.message().find("table noria.t1: the binlog's TABLE_MAP (table id 111) has 5 "
                                "columns but the server's current definition has 2"),
            std::string::npos)
      << last.message();
}

// A resolver for tables nobody replicates: it must never be asked.
class UnwantedResolver : public SchemaResolver {
 public:
  Result<ResolvedTable> Resolve(std::string_view db, std::string_view t) override {
    ++calls;
    return NotFoundError("{}.{} was dropped", db, t);
  }
  bool Wants(std::string_view, std::string_view) override { return false; }
  int calls = 0;
};

TEST(TransactionAssemblerTest, TablesTheResolverDoesNotWantAreDescribedByTheirTableMap) {
  if (!testing::FixturesDir()) GTEST_SKIP() << "../shared/fixtures is absent";
  std::string bytes = MinimalMetadataFixture();
  auto reader = BinlogFileReader::FromBuffer(bytes, "binlog.000001");
  ASSERT_TRUE(reader.ok());
  EventStream stream(reader->get());
  RecordingSink sink;
  std::vector<RowChange> rows;
  sink.rows = &rows;
  UnwantedResolver resolver;
  TransactionAssembler assembler(&sink, AssemblerOptions{&resolver, "binlog.000001", {}});
  while (true) {
    auto e = stream.Next();
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    if (*e == nullptr) break;
    Status s = assembler.Consume(**e);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_EQ(resolver.calls, 0);
  ASSERT_FALSE(rows.empty());
  // MINIMAL metadata without a resolver: positional names, and the rows still decode.
  EXPECT_EQ(rows[0].table->columns[0].name, "col_1");
}

}  // namespace
}  // namespace binlake
