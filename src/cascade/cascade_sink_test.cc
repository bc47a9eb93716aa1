#include "cascade/cascade_sink.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>

namespace binlake {
namespace {

TableSchemaPtr Table(std::string name, std::vector<std::string> cols, std::vector<int> key = {0}) {
  auto s = std::make_shared<TableSchema>();
  s->database = "db";
  s->table = std::move(name);
  for (auto& c : cols) {
    Column col;
    col.name = c;
    col.type = LogicalType::kInt64;
    s->columns.push_back(col);
  }
  s->key_columns = std::move(key);
  return s;
}

Value I(int64_t v) { return Value::Int(v); }

// What reaches the outputs, one line per call.
class Recorder : public ChangeSink {
 public:
  std::vector<std::string> lines;
  Status Begin(const TransactionBegin&) override { return Status::OK(); }
  Status Row(RowChange c) override {
    std::string s = std::string(1, OpLetter(c.op)) + " " + c.table->table;
    const ::binlake::Row& img = c.op == Op::kDelete ? c.before : c.after;
    for (const Value& v : img) s += " " + (v.is_null() ? std::string("null") : v.DebugString());
    if (c.origin != ChangeOrigin::kLogged) s += " (" + std::string(OriginName(c.origin)) + ")";
    lines.push_back(s);
    return Status::OK();
  }
  Status Schema(const SchemaChange& c) override {
    lines.push_back("DDL " + c.sql);
    return Status::OK();
  }
  Status Commit(const TransactionEnd&) override { return Status::OK(); }
  void Discard() override { lines.push_back("discard"); }
};

ForeignKey Fk(std::string child, std::vector<std::string> child_cols, std::string parent,
              std::vector<std::string> parent_cols, FkAction del, FkAction upd) {
  ForeignKey k;
  k.name = "fk_" + child + "_" + parent;
  k.child_database = k.parent_database = "db";
  k.child_table = std::move(child);
  k.child_columns = std::move(child_cols);
  k.parent_table = std::move(parent);
  k.parent_columns = std::move(parent_cols);
  k.on_delete = del;
  k.on_update = upd;
  return k;
}

class CascadeSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tables_["p"] = Table("p", {"id", "v"});
    tables_["c"] = Table("c", {"id", "p"});
    tables_["g"] = Table("g", {"id", "c"});
    tables_["two"] = Table("two", {"a", "b"}, {0, 1});
    tables_["cc"] = Table("cc", {"id", "ta", "tb"});
    tables_["tree"] = Table("tree", {"id", "up"});
    tables_["logonly"] = Table("logonly", {"id"});
    keys_ = {Fk("c", {"p"}, "p", {"id"}, FkAction::kCascade, FkAction::kCascade),
             Fk("g", {"c"}, "c", {"id"}, FkAction::kSetNull, FkAction::kSetNull),
             Fk("cc", {"ta", "tb"}, "two", {"a", "b"}, FkAction::kCascade, FkAction::kCascade),
             Fk("tree", {"up"}, "tree", {"id"}, FkAction::kCascade, FkAction::kRestrict)};
    Open();
  }

  void Open(CascadeSink::Options o = {}) {
    if (!state_) state_ = std::move(RowState::Open("", "")).value();
    CascadeSink::Hooks h;
    h.replicated = [](const std::string&, const std::string& t) { return t != "logonly"; };
    h.read_keys = [this]() -> Result<std::vector<ForeignKey>> { return keys_; };
    h.describe = [this](const std::string&, const std::string& t) -> Result<TableSchemaPtr> {
      return tables_.at(t);
    };
    h.outputs_from = [this]() { return outputs_from_; };
    sink_ = std::make_unique<CascadeSink>(o, h, state_.get(), &out_);
    ASSERT_TRUE(sink_->Start().ok());
  }

  // One transaction at binlog offset `at`, ending at at + 10.
  void Txn(uint64_t at, const std::vector<RowChange>& changes) {
    TransactionBegin b;
    b.position = {"bin.000001", at};
    ASSERT_TRUE(sink_->Begin(b).ok());
    for (const RowChange& c : changes) {
      Status s = sink_->Row(c);
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
    TransactionEnd e;
    e.next_position = {"bin.000001", at + 10};
    ASSERT_TRUE(sink_->Commit(e).ok());
  }
  RowChange Ins(const std::string& t, ::binlake::Row r) {
    RowChange c;
    c.op = Op::kInsert;
    c.table = tables_.at(t);
    c.after = std::move(r);
    return c;
  }
  RowChange Del(const std::string& t, ::binlake::Row r) {
    RowChange c;
    c.op = Op::kDelete;
    c.table = tables_.at(t);
    c.before = std::move(r);
    return c;
  }
  RowChange Upd(const std::string& t, ::binlake::Row b, ::binlake::Row a) {
    RowChange c;
    c.op = Op::kUpdate;
    c.table = tables_.at(t);
    c.before = std::move(b);
    c.after = std::move(a);
    return c;
  }

  std::map<std::string, TableSchemaPtr> tables_;
  std::vector<ForeignKey> keys_;
  std::unique_ptr<RowState> state_;
  Recorder out_;
  std::unique_ptr<CascadeSink> sink_;
  BinlogPosition outputs_from_;
};

TEST_F(CascadeSinkTest, ADeleteCascadesDownAChainAndSetsGrandchildrenNull) {
  Txn(100, {Ins("p", {I(1), I(7)}), Ins("p", {I(2), I(8)}), Ins("c", {I(10), I(1)}),
            Ins("c", {I(11), I(1)}), Ins("c", {I(12), I(2)}), Ins("g", {I(100), I(10)}),
            Ins("g", {I(101), I(12)})});
  out_.lines.clear();
  Txn(200, {Del("p", {I(1), I(7)})});
  EXPECT_EQ(out_.lines, (std::vector<std::string>{"D p 1 7", "D c 10 1 (cascade)",
                                                  "U g 100 null (cascade)", "D c 11 1 (cascade)"}));
  // The state followed: deleting p 2 now finds c 12 only, and g 100 no longer points at c.
  out_.lines.clear();
  Txn(300, {Del("p", {I(2), I(8)}), Del("g", {I(100), Value::Null()})});
  EXPECT_EQ(out_.lines, (std::vector<std::string>{"D p 2 8", "D c 12 2 (cascade)",
                                                  "U g 101 null (cascade)", "D g 100 null"}));
}

TEST_F(CascadeSinkTest, NothingCascadesWhenTheSessionTurnedForeignKeyChecksOff) {
  Txn(100, {Ins("p", {I(1), I(7)}), Ins("c", {I(10), I(1)})});
  out_.lines.clear();
  // InnoDB performs no foreign-key actions under foreign_key_checks=0: c 10 stays.
  RowChange unchecked = Del("p", {I(1), I(7)});
  unchecked.foreign_key_checks = false;
  Txn(200, {unchecked});
  EXPECT_EQ(out_.lines, (std::vector<std::string>{"D p 1 7"}));
  out_.lines.clear();
  Txn(300, {Del("c", {I(10), I(1)})});
  EXPECT_EQ(out_.lines, (std::vector<std::string>{"D c 10 1"}));
}

TEST_F(CascadeSinkTest, AnUpdateOfTheReferencedKeyCascadesTheNewKey) {
  Txn(100, {Ins("p", {I(1), I(0)}), Ins("c", {I(10), I(1)}), Ins("g", {I(100), I(10)})});
  out_.lines.clear();
  // Only v changes: nothing cascades.
  Txn(200, {Upd("p", {I(1), I(0)}, {I(1), I(5)})});
  EXPECT_EQ(out_.lines, (std::vector<std::string>{"U p 1 5"}));
  out_.lines.clear();
  Txn(300, {Upd("p", {I(1), I(5)}, {I(2), I(5)})});
  EXPECT_EQ(out_.lines, (std::vector<std::string>{"U p 2 5", "U c 10 2 (cascade)"}));
  out_.lines.clear();
  // c's own key changes: g's ON UPDATE SET NULL acts.
  Txn(400, {Upd("c", {I(10), I(2)}, {I(11), I(2)})});
  EXPECT_EQ(out_.lines, (std::vector<std::string>{"U c 11 2", "U g 100 null (cascade)"}));
  out_.lines.clear();
  Txn(500, {Del("p", {I(2), I(5)})});
  EXPECT_EQ(out_.lines, (std::vector<std::string>{"D p 2 5", "D c 11 2 (cascade)"}));
}

TEST_F(CascadeSinkTest, ACompositeKeyMatchesOnEveryColumn) {
  Txn(100, {Ins("two", {I(1), I(1)}), Ins("two", {I(1), I(2)}), Ins("cc", {I(1), I(1), I(1)}),
            Ins("cc", {I(2), I(1), I(2)}), Ins("cc", {I(3), I(1), Value::Null()})});
  out_.lines.clear();
  Txn(200, {Del("two", {I(1), I(2)})});
  EXPECT_EQ(out_.lines, (std::vector<std::string>{"D two 1 2", "D cc 2 1 2 (cascade)"}));
}

TEST_F(CascadeSinkTest, ASelfReferencingTreeIsDeletedWholeAndOnce) {
  Txn(100,
      {Ins("tree", {I(1), Value::Null()}), Ins("tree", {I(2), I(1)}), Ins("tree", {I(3), I(2)}),
       Ins("tree", {I(4), I(1)}), Ins("tree", {I(5), Value::Null()})});
  out_.lines.clear();
  Txn(200, {Del("tree", {I(1), Value::Null()})});
  EXPECT_EQ(out_.lines, (std::vector<std::string>{"D tree 1 null", "D tree 2 1 (cascade)",
                                                  "D tree 3 2 (cascade)", "D tree 4 1 (cascade)"}));
}

TEST_F(CascadeSinkTest, TruncateWritesEveryRowAsADeleteBeforeTheStatement) {
  Txn(100, {Ins("logonly", {I(1)}), Ins("p", {I(1), I(1)}), Ins("p", {I(2), I(2)})});
  out_.lines.clear();
  TransactionBegin b;
  b.position = {"bin.000001", 200};
  ASSERT_TRUE(sink_->Begin(b).ok());
  ASSERT_TRUE(sink_->Schema(SchemaChange{"db", "TRUNCATE TABLE p"}).ok());
  TransactionEnd end;
  end.next_position = {"bin.000001", 210};
  ASSERT_TRUE(sink_->Commit(end).ok());
  EXPECT_EQ(out_.lines, (std::vector<std::string>{"D p 1 1 (truncate)", "D p 2 2 (truncate)",
                                                  "DDL TRUNCATE TABLE p"}));
  out_.lines.clear();
  Txn(300, {Ins("p", {I(1), I(3)})});
  EXPECT_EQ(out_.lines, (std::vector<std::string>{"I p 1 3"}));
}

TEST_F(CascadeSinkTest, TruncateAfterARestartWritesTheRowsKeptByTheEarlierRun) {
  const std::string parent = ::testing::TempDir();
  const std::string name = "cascade-sink-restart-" + std::to_string(::getpid());
  sink_.reset();
  state_ = std::move(RowState::Open(parent, name)).value();
  ASSERT_TRUE(state_->Reset().ok());
  Open();
  Txn(100, {Ins("p", {I(1), I(1)}), Ins("p", {I(2), I(2)})});
  ASSERT_TRUE(state_->Flush().ok());
  // A new process: the state from disk, no change to p before its TRUNCATE.
  sink_.reset();
  state_.reset();
  state_ = std::move(RowState::Open(parent, name)).value();
  Open();
  out_.lines.clear();
  TransactionBegin b;
  b.position = {"bin.000001", 200};
  ASSERT_TRUE(sink_->Begin(b).ok());
  ASSERT_TRUE(sink_->Schema(SchemaChange{"db", "TRUNCATE TABLE p"}).ok());
  TransactionEnd end;
  end.next_position = {"bin.000001", 210};
  ASSERT_TRUE(sink_->Commit(end).ok());
  EXPECT_EQ(out_.lines, (std::vector<std::string>{"D p 1 1 (truncate)", "D p 2 2 (truncate)",
                                                  "DDL TRUNCATE TABLE p"}));
  sink_.reset();
  state_.reset();
  std::filesystem::remove_all(parent + "/" + name);
}

TEST_F(CascadeSinkTest, WithoutTruncateRowsOnlyCascadeChildrenAreKept) {
  CascadeSink::Options o;
  o.truncate_rows = false;
  Open(o);
  EXPECT_TRUE(sink_->Keeps("db", "c"));
  EXPECT_FALSE(sink_->Keeps("db", "p"));
  Txn(100, {Ins("p", {I(1), I(1)})});
  out_.lines.clear();
  TransactionBegin b;
  b.position = {"bin.000001", 200};
  ASSERT_TRUE(sink_->Begin(b).ok());
  ASSERT_TRUE(sink_->Schema(SchemaChange{"db", "TRUNCATE TABLE p"}).ok());
  TransactionEnd end;
  end.next_position = {"bin.000001", 210};
  ASSERT_TRUE(sink_->Commit(end).ok());
  EXPECT_EQ(out_.lines, (std::vector<std::string>{"DDL TRUNCATE TABLE p"}));
}

TEST_F(CascadeSinkTest, ReplayingAfterARestartGivesTheSameChanges) {
  Txn(100, {Ins("p", {I(1), I(1)}), Ins("c", {I(10), I(1)}), Ins("c", {I(11), I(1)})});
  // The outputs hold everything up to 110; the state goes on and commits further.
  outputs_from_ = {"bin.000001", 110};
  Txn(200, {Del("p", {I(1), I(1)})});
  Txn(300, {Ins("p", {I(2), I(2)}), Ins("c", {I(10), I(2)})});
  ASSERT_TRUE(state_->Flush().ok());
  std::vector<std::string> first = out_.lines;
  // A restart from the outputs' position: the state is rewound to it, then catches up.
  out_.lines.clear();
  Open();
  Txn(200, {Del("p", {I(1), I(1)})});
  Txn(300, {Ins("p", {I(2), I(2)}), Ins("c", {I(10), I(2)})});
  std::vector<std::string> again(first.begin() + 3, first.end());
  EXPECT_EQ(out_.lines, again);
}

TEST_F(CascadeSinkTest, TransactionsTheOutputsHoldUpdateTheStateOnly) {
  outputs_from_ = {"bin.000001", 200};
  Txn(100, {Ins("p", {I(1), I(1)}), Ins("c", {I(10), I(1)})});
  EXPECT_TRUE(out_.lines.empty());
  Txn(200, {Del("p", {I(1), I(1)})});
  EXPECT_EQ(out_.lines, (std::vector<std::string>{"D p 1 1", "D c 10 1 (cascade)"}));
}

TEST_F(CascadeSinkTest, OffSynthesisesNothing) {
  CascadeSink::Options o;
  o.cascades = false;
  Open(o);
  Txn(100, {Ins("p", {I(1), I(1)}), Ins("c", {I(10), I(1)})});
  out_.lines.clear();
  Txn(200, {Del("p", {I(1), I(1)})});
  EXPECT_EQ(out_.lines, (std::vector<std::string>{"D p 1 1"}));
}

}  // namespace
}  // namespace binlake
