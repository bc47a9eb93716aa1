#include "cascade/row_state.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace binlake {
namespace {

TableSchemaPtr Schema(std::vector<int> key) {
  auto s = std::make_shared<TableSchema>();
  s->database = "db";
  s->table = "t";
  for (const char* n : {"id", "ref", "note"}) {
    Column c;
    c.name = n;
    s->columns.push_back(c);
  }
  s->key_columns = std::move(key);
  return s;
}

Row R(int64_t id, int64_t ref, std::string note) {
  return {Value::Int(id), Value::Int(ref), Value::String(std::move(note))};
}

BinlogPosition At(uint64_t offset) { return {"bin.000001", offset}; }

std::vector<Row> FindRef(RowState* s, const TableSchema& schema, int64_t ref) {
  std::vector<Row> out;
  Status st = s->Find(schema, {"ref"}, {Value::Int(ref)}, &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

TEST(RowStateTest, LooksRowsUpByTheirForeignKeyColumns) {
  auto s = std::move(RowState::Open("", "")).value();
  TableSchemaPtr t = Schema({0});
  ASSERT_TRUE(s->Keep("db.t", {{"ref"}}).ok());
  ASSERT_TRUE(s->BeginTransaction(At(4)).ok());
  ASSERT_TRUE(s->Upsert(*t, R(1, 7, "a")).ok());
  ASSERT_TRUE(s->Upsert(*t, R(2, 7, "b")).ok());
  ASSERT_TRUE(s->Upsert(*t, R(3, 8, "c")).ok());
  ASSERT_TRUE(s->Upsert(*t, R(2, 8, "b2")).ok());  // moves from ref 7 to 8
  ASSERT_TRUE(s->EndTransaction(At(20)).ok());
  EXPECT_EQ(FindRef(s.get(), *t, 7), (std::vector<Row>{R(1, 7, "a")}));
  EXPECT_EQ(FindRef(s.get(), *t, 8), (std::vector<Row>{R(2, 8, "b2"), R(3, 8, "c")}));
  ASSERT_TRUE(s->Remove(*t, R(3, 8, "c")).ok());
  EXPECT_EQ(FindRef(s.get(), *t, 8), (std::vector<Row>{R(2, 8, "b2")}));
}

TEST(RowStateTest, ALookupDeclaredLaterIndexesTheStoredRows) {
  auto s = std::move(RowState::Open("", "")).value();
  TableSchemaPtr t = Schema({0});
  ASSERT_TRUE(s->Keep("db.t", {}).ok());
  ASSERT_TRUE(s->FinishLoad(At(4)).ok());
  for (int i = 0; i < 25'000; ++i) ASSERT_TRUE(s->Upsert(*t, R(i, i % 3, "x")).ok());
  ASSERT_TRUE(s->Keep("db.t", {{"ref"}}).ok());
  EXPECT_EQ(FindRef(s.get(), *t, 1).size(), 8333u);
}

TEST(RowStateTest, RowsWithoutAKeyAreCountedDuplicates) {
  auto s = std::move(RowState::Open("", "")).value();
  TableSchemaPtr t = Schema({});
  ASSERT_TRUE(s->Keep("db.t", {{"ref"}}).ok());
  ASSERT_TRUE(s->Upsert(*t, R(1, 7, "a")).ok());
  ASSERT_TRUE(s->Upsert(*t, R(1, 7, "a")).ok());
  EXPECT_EQ(FindRef(s.get(), *t, 7).size(), 2u);
  ASSERT_TRUE(s->Remove(*t, R(1, 7, "a")).ok());
  EXPECT_EQ(FindRef(s.get(), *t, 7).size(), 1u);
}

TEST(RowStateTest, RowsFollowTheTablesShapeByColumnName) {
  auto s = std::move(RowState::Open("", "")).value();
  TableSchemaPtr t = Schema({0});
  ASSERT_TRUE(s->Keep("db.t", {{"ref"}}).ok());
  ASSERT_TRUE(s->Upsert(*t, R(1, 7, "a")).ok());
  auto wider = std::make_shared<TableSchema>(*t);
  Column added;
  added.name = "added";
  wider->columns.insert(wider->columns.begin() + 1, added);
  std::vector<Row> out;
  ASSERT_TRUE(s->Find(*wider, {"ref"}, {Value::Int(7)}, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], (Row{Value::Int(1), Value::Null(), Value::Int(7), Value::String("a")}));
}

TEST(RowStateTest, RewindUndoesCommittedTransactionsAcrossARestart) {
  std::string dir = testing::TempDir() + "/row-state-rewind";
  std::filesystem::remove_all(dir);
  TableSchemaPtr t = Schema({0});
  {
    auto s = std::move(RowState::Open(dir, "state")).value();
    ASSERT_TRUE(s->Keep("db.t", {{"ref"}}).ok());
    ASSERT_TRUE(s->BeginTransaction(At(4)).ok());
    ASSERT_TRUE(s->Upsert(*t, R(1, 7, "a")).ok());
    ASSERT_TRUE(s->EndTransaction(At(10)).ok());
    ASSERT_TRUE(s->BeginTransaction(At(10)).ok());
    ASSERT_TRUE(s->Upsert(*t, R(1, 8, "a2")).ok());
    ASSERT_TRUE(s->Upsert(*t, R(2, 7, "b")).ok());
    ASSERT_TRUE(s->EndTransaction(At(20)).ok());
    ASSERT_TRUE(s->BeginTransaction(At(20)).ok());
    ASSERT_TRUE(s->Remove(*t, R(2, 7, "b")).ok());
    ASSERT_TRUE(s->EndTransaction(At(30)).ok());
    ASSERT_TRUE(s->Prune(At(10)).ok());
    ASSERT_TRUE(s->Flush().ok());
  }
  auto s = std::move(RowState::Open(dir, "state")).value();
  EXPECT_EQ(s->position(), At(30));
  ASSERT_TRUE(s->Keep("db.t", {{"ref"}}).ok());
  ASSERT_TRUE(s->Rewind(At(10)).ok());
  EXPECT_EQ(FindRef(s.get(), *t, 7), (std::vector<Row>{R(1, 7, "a")}));
  EXPECT_TRUE(FindRef(s.get(), *t, 8).empty());
  // Records before the horizon are gone: going back further is refused, not guessed.
  Status too_far = s->Rewind(At(4));
  EXPECT_EQ(too_far.code(), StatusCode::kFailedPrecondition) << too_far.ToString();
}

TEST(RowStateTest, ARewindLongerThanOneCommitUndoesEveryRow) {
  // Undoing more changes than one write transaction holds commits part by part, as the
  // changes themselves were; the rewind must go on in the next transaction.
  std::string dir = testing::TempDir() + "/row-state-long-rewind";
  std::filesystem::remove_all(dir);
  TableSchemaPtr t = Schema({0});
  constexpr int kRows = 45'000;
  {
    auto s = std::move(RowState::Open(dir, "state")).value();
    ASSERT_TRUE(s->Keep("db.t", {{"ref"}}).ok());
    ASSERT_TRUE(s->BeginTransaction(At(4)).ok());
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(s->Upsert(*t, R(i, 1, "kept")).ok());
    ASSERT_TRUE(s->EndTransaction(At(10)).ok());
    ASSERT_TRUE(s->BeginTransaction(At(10)).ok());
    for (int i = 0; i < kRows; ++i) ASSERT_TRUE(s->Upsert(*t, R(i, 2, "undone")).ok());
    ASSERT_TRUE(s->EndTransaction(At(20)).ok());
    ASSERT_TRUE(s->Flush().ok());
  }
  auto s = std::move(RowState::Open(dir, "state")).value();
  ASSERT_TRUE(s->Keep("db.t", {{"ref"}}).ok());
  Status rewound = s->Rewind(At(10));
  ASSERT_TRUE(rewound.ok()) << rewound.ToString();
  EXPECT_EQ(s->position(), At(10));
  EXPECT_TRUE(FindRef(s.get(), *t, 2).empty());
  EXPECT_EQ(FindRef(s.get(), *t, 1).size(), 10u);
  // And it holds across a restart.
  s.reset();
  s = std::move(RowState::Open(dir, "state")).value();
  ASSERT_TRUE(s->Keep("db.t", {{"ref"}}).ok());
  EXPECT_EQ(s->position(), At(10));
  EXPECT_TRUE(FindRef(s.get(), *t, 2).empty());
  EXPECT_EQ(FindRef(s.get(), *t, 1).size(), 10u);
}

TEST(RowStateTest, ACopyRestoredElsewhereHoldsRowsUndoAndPosition) {
  TableSchemaPtr t = Schema({0});
  auto a = std::move(RowState::Open("", "")).value();
  ASSERT_TRUE(a->Keep("db.t", {{"ref"}}).ok());
  ASSERT_TRUE(a->BeginTransaction(At(4)).ok());
  for (int i = 0; i < 120'000; ++i) ASSERT_TRUE(a->Upsert(*t, R(i, i % 5, "x")).ok());
  ASSERT_TRUE(a->EndTransaction(At(10)).ok());
  ASSERT_TRUE(a->BeginTransaction(At(10)).ok());
  ASSERT_TRUE(a->Remove(*t, R(3, 3, "x")).ok());
  ASSERT_TRUE(a->EndTransaction(At(20)).ok());
  ASSERT_TRUE(a->Prune(At(10)).ok());
  ASSERT_TRUE(a->Flush().ok());
  const uint64_t commits = a->commits();
  EXPECT_GT(commits, 0u);

  std::string file = testing::TempDir() + "/row-state-copy";
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(a->CopyTo(fd).ok());
  ::close(fd);
  // Changes after the copy are not in it.
  ASSERT_TRUE(a->BeginTransaction(At(20)).ok());
  ASSERT_TRUE(a->Upsert(*t, R(500'000, 1, "later")).ok());
  ASSERT_TRUE(a->EndTransaction(At(30)).ok());
  ASSERT_TRUE(a->Flush().ok());
  EXPECT_GT(a->commits(), commits);

  auto b = std::move(RowState::Open("", "")).value();
  ASSERT_TRUE(b->Keep("db.t", {}).ok());
  ASSERT_TRUE(b->FinishLoad(At(99)).ok());
  Status restored = b->RestoreFrom(file);
  ASSERT_TRUE(restored.ok()) << restored.ToString();
  std::filesystem::remove(file);
  EXPECT_EQ(b->position(), At(20));
  ASSERT_TRUE(b->Keep("db.t", {{"ref"}}).ok());
  EXPECT_EQ(FindRef(b.get(), *t, 3).size(), 23'999u);  // 120k / 5, less row 3
  EXPECT_EQ(FindRef(b.get(), *t, 1).size(), 24'000u);  // not the later row
  // The undo records came along: the copy can go back to its checkpoint.
  ASSERT_TRUE(b->Rewind(At(10)).ok());
  EXPECT_EQ(FindRef(b.get(), *t, 3).size(), 24'000u);
}

TEST(RowStateTest, AbandonDropsWhatWasNotCommitted) {
  auto s = std::move(RowState::Open("", "")).value();
  TableSchemaPtr t = Schema({0});
  ASSERT_TRUE(s->Keep("db.t", {{"ref"}}).ok());
  ASSERT_TRUE(s->BeginTransaction(At(4)).ok());
  ASSERT_TRUE(s->Upsert(*t, R(1, 7, "a")).ok());
  ASSERT_TRUE(s->EndTransaction(At(10)).ok());
  ASSERT_TRUE(s->Flush().ok());
  ASSERT_TRUE(s->BeginTransaction(At(10)).ok());
  ASSERT_TRUE(s->Upsert(*t, R(2, 7, "b")).ok());
  ASSERT_TRUE(s->Abandon().ok());
  EXPECT_EQ(s->position(), At(10));
  EXPECT_EQ(FindRef(s.get(), *t, 7), (std::vector<Row>{R(1, 7, "a")}));
}

TEST(RowStateTest, TruncateAndRenameMoveEveryRow) {
  auto s = std::move(RowState::Open("", "")).value();
  TableSchemaPtr t = Schema({0});
  ASSERT_TRUE(s->Keep("db.t", {{"ref"}}).ok());
  ASSERT_TRUE(s->Keep("db.u", {{"ref"}}).ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(s->Upsert(*t, R(i, 7, "x")).ok());
  ASSERT_TRUE(s->Rename("db.t", "db.u").ok());
  EXPECT_TRUE(FindRef(s.get(), *t, 7).empty());
  auto u = std::make_shared<TableSchema>(*t);
  u->table = "u";
  int n = 0;
  ASSERT_TRUE(s->ForEach(*u, [&](Row) {
                 ++n;
                 return Status::OK();
               }).ok());
  EXPECT_EQ(n, 3);
  ASSERT_TRUE(s->Drop("db.u").ok());
  n = 0;
  ASSERT_TRUE(s->ForEach(*u, [&](Row) {
                 ++n;
                 return Status::OK();
               }).ok());
  EXPECT_EQ(n, 0);
}

}  // namespace
}  // namespace binlake
