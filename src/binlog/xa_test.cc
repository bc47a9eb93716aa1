#include "binlog/xa.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "binlog/binlog_file_reader.h"
#include "binlog/event_stream.h"
#include "binlog/transaction_assembler.h"

namespace binlake {
namespace {

TEST(XidTest, ParsesEveryFormTheServerAndUsersWrite) {
  EXPECT_EQ(XidText(1, "a1", ""), "X'6131',X'',1");
  EXPECT_EQ(ParseXid("X'6131',X'',1"), "X'6131',X'',1");
  EXPECT_EQ(ParseXid("x'6A31' , X'' , 1"), "X'6a31',X'',1");
  EXPECT_EQ(ParseXid("'a1'"), "X'6131',X'',1");
  EXPECT_EQ(ParseXid("'b2','bq',7"), "X'6232',X'6271',7");
  EXPECT_EQ(ParseXid("0x6232,'bq',-3"), "X'6232',X'6271',-3");
  EXPECT_EQ(ParseXid("'it''s'"), "X'69742773',X'',1");
  EXPECT_EQ(ParseXid("X'6131',X'',1 ONE PHASE"), "X'6131',X'',1");
  EXPECT_FALSE(ParseXid(""));
  EXPECT_FALSE(ParseXid("X'613'"));
  EXPECT_FALSE(ParseXid("'unterminated"));
  EXPECT_FALSE(ParseXid("'a',"));
  EXPECT_FALSE(ParseXid("'a','b',x"));
}

TEST(InMemoryPreparedTransactionsTest, EachPrepareOfAnXidIsKeptUntilItsEndIsDurable) {
  InMemoryPreparedTransactions p;
  RowChange r;
  ASSERT_TRUE(p.Park("x", {"b.000001", 100}, {r}).ok());
  p.Ended("x", {"b.000001", 100}, {"b.000001", 200});
  ASSERT_TRUE(p.Park("x", {"b.000001", 300}, {r, r}).ok());  // the same xid, prepared again
  // A commit at 150 (read again after a restart) still finds the first transaction.
  EXPECT_EQ(p.Find("x", {"b.000001", 150})->rows.size(), 1u);
  EXPECT_EQ(p.Find("x", {"b.000001", 350})->rows.size(), 2u);
  EXPECT_EQ(p.Find("x", {"b.000001", 50}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(p.Find("y", {"b.000001", 350}).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(p.Release({"b.000001", 199}).ok());
  EXPECT_TRUE(p.Find("x", {"b.000001", 150}).ok()) << "not released before its end is durable";
  ASSERT_TRUE(p.Release({"b.000001", 200}).ok());
  EXPECT_EQ(p.Find("x", {"b.000001", 150}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(p.Find("x", {"b.000001", 350})->rows.size(), 2u);
}

class Recorder : public ChangeSink {
 public:
  Status Begin(const TransactionBegin& b) override {
    calls.push_back("begin " + b.gtid + " @" + std::to_string(b.position.offset));
    return Status::OK();
  }
  Status Row(RowChange c) override {
    std::string text = std::string("row ") + OpLetter(c.op);
    for (const Value& v : c.op == Op::kDelete ? c.before : c.after) {
      text += " " + (v.kind() == Value::Kind::kInt ? std::to_string(v.int_value())
                                                   : std::string(v.bytes()));
    }
    calls.push_back(text);
    return Status::OK();
  }
  Status Schema(const SchemaChange& s) override {
    calls.push_back("schema " + s.sql.substr(0, 14));
    return Status::OK();
  }
  Status Commit(const TransactionEnd& e) override {
    calls.push_back("commit @" + std::to_string(e.next_position.offset) + " " + e.gtid_set);
    return Status::OK();
  }
  void Discard() override { calls.push_back("discard"); }
  std::vector<std::string> calls;
};

// A MariaDB 10.11 binlog (src/binlog/testdata/README.md): XA a1 prepared at 512, XA b2
// prepared at 993, a plain insert, XA COMMIT a1 at 1553, XA ROLLBACK b2 at 1683, a one-phase
// XA COMMIT (an ordinary transaction) at 1821, then a1 again, prepared at 2050 and committed
// at 2370.
constexpr char kFile[] = "mariadb-bin.000003";

std::string FixtureBytes() {
  std::filesystem::path p =
      std::filesystem::path(__FILE__).parent_path() / "testdata" / "mariadb-10.11-xa.000003";
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Feeds the events from offset `from` on (and the FORMAT_DESCRIPTION) to a new assembler:
// a restart at `from`. Returns the first error.
Status Replay(const std::string& bytes, uint64_t from, uint64_t until,
              PreparedTransactions* prepared, Recorder* out, bool lenient = false,
              uint64_t twice = 0) {
  auto reader = BinlogFileReader::FromBuffer(bytes, kFile);
  if (!reader.ok()) return reader.status();
  EventStream stream(reader->get());
  AssemblerOptions o;
  o.binlog_file = kFile;
  o.prepared = prepared;
  o.commit_unknown_xa_empty = lenient;
  TransactionAssembler assembler(out, o);
  while (true) {
    ASSIGN_OR_RETURN(const Event* e, stream.Next());
    if (e == nullptr || e->position >= until) return Status::OK();
    if (e->position < from && !std::holds_alternative<FormatDescription>(e->body)) continue;
    RETURN_IF_ERROR(assembler.Consume(*e));
    if (e->position == twice) RETURN_IF_ERROR(assembler.Consume(*e));
  }
}

TEST(XaAssemblyTest, PreparedRowsCommitAtTheirXaCommit) {
  std::string bytes = FixtureBytes();
  ASSERT_FALSE(bytes.empty());
  InMemoryPreparedTransactions prepared;
  Recorder r;
  ASSERT_TRUE(Replay(bytes, 0, UINT64_MAX, &prepared, &r).ok());
  std::vector<std::string> want = {
      "begin 0-1-9 @389",
      "schema truncate table",
      "commit @512 0-1-9",
      // XA a1 and b2 are prepared: nothing yet. The plain insert comes first.
      "begin 0-1-12 @1320",
      "row I 2 plain",
      "commit @1553 0-1-12",  // MariaDB keeps the last seq of each domain-server
      // XA COMMIT a1: its two rows, in order, at the commit.
      "begin 0-1-13 @1553",
      "row I 1 p",
      "row U 1 q",
      "commit @1683 0-1-13",
      // XA ROLLBACK b2: nothing of it.
      "begin 0-1-14 @1683",
      "commit @1821 0-1-14",
      "begin 0-1-15 @1821",
      "row I 4 one",
      "commit @2050 0-1-15",
      // a1 again: the new transaction's rows, not the first one's.
      "begin 0-1-17 @2370",
      "row D 2 plain",
      "commit @2500 0-1-17",
  };
  EXPECT_EQ(r.calls, want);
}

TEST(XaAssemblyTest, ARestartBetweenPrepareAndCommitFindsTheParkedRows) {
  std::string bytes = FixtureBytes();
  InMemoryPreparedTransactions prepared;
  Recorder first;
  // Stopped after the plain insert: both XA transactions are prepared and parked.
  ASSERT_TRUE(Replay(bytes, 0, 1553, &prepared, &first).ok());
  Recorder second;
  ASSERT_TRUE(Replay(bytes, 1553, UINT64_MAX, &prepared, &second).ok());
  ASSERT_GE(second.calls.size(), 4u);
  EXPECT_EQ(second.calls[0], "begin 0-1-13 @1553");
  EXPECT_EQ(second.calls[1], "row I 1 p");
  EXPECT_EQ(second.calls[2], "row U 1 q");
  // Reading the XA COMMIT again (a reconnect before the checkpoint) finds them again.
  Recorder third;
  ASSERT_TRUE(Replay(bytes, 1553, 1683, &prepared, &third).ok());
  EXPECT_EQ(third.calls, std::vector<std::string>(second.calls.begin(), second.calls.begin() + 4));
  // Once the outputs hold everything to the end, both transactions of a1 are dropped.
  ASSERT_TRUE(prepared.Release({kFile, 2500}).ok());
  EXPECT_EQ(prepared.Find("X'6131',X'',1", {kFile, 2500}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(prepared.Find("X'6232',X'6271',7", {kFile, 2500}).status().code(),
            StatusCode::kNotFound);
}

TEST(XaAssemblyTest, AnXaCommitWithoutItsPrepareIsRefusedByName) {
  std::string bytes = FixtureBytes();
  InMemoryPreparedTransactions prepared;
  Recorder r;
  Status s = Replay(bytes, 1320, UINT64_MAX, &prepared, &r);
  ASSERT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_NE(s.message().find("mariadb-bin.000003:1597: XA COMMIT X'6131',X'',1"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("full load"), std::string::npos);
  // Reading a window of the binlog, it commits without rows.
  Recorder window;
  ASSERT_TRUE(Replay(bytes, 1320, 1683, &prepared, &window, /*lenient=*/true).ok());
  EXPECT_EQ(window.calls.back(), "commit @1683 0-1-13");
}

TEST(XaAssemblyTest, AnXaCommitReadTwiceInOneInputIsDamage) {
  // A server never ends a transaction twice; repeating the XA COMMIT must not emit (and copy)
  // its rows again.
  std::string bytes = FixtureBytes();
  InMemoryPreparedTransactions prepared;
  Recorder r;
  Status s = Replay(bytes, 0, UINT64_MAX, &prepared, &r, false, /*twice=*/1597);
  ASSERT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_NE(s.message().find("XA COMMIT X'6131',X'',1 ends the transaction prepared at "
                             "mariadb-bin.000003:512 a second time"),
            std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace binlake
