// TransactionStartTracker must find the transactions TransactionAssembler begins, at the same
// positions with the same commit times, in every real binlog under ../shared/fixtures/binlogs
// (MySQL 5.1 to 9.x with and without GTIDs, compressed transactions, MariaDB).

#include "binlog/timestamp_start.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "binlog/binlog_file_reader.h"
#include "binlog/event_stream.h"
#include "binlog/transaction_assembler.h"
#include "tests/support/test_env.h"

namespace binlake {
namespace {

// "offset@micros", one per transaction.
using Starts = std::vector<std::string>;

std::string Start(uint64_t offset, int64_t micros) {
  return std::to_string(offset) + "@" + std::to_string(micros);
}

class BeginSink : public ChangeSink {
 public:
  Status Begin(const TransactionBegin& begin) override {
    starts.push_back(Start(begin.position.offset, begin.commit_time_micros));
    return Status::OK();
  }
  Status Row(RowChange) override { return Status::OK(); }
  Status Schema(const SchemaChange&) override { return Status::OK(); }
  Status Commit(const TransactionEnd&) override { return Status::OK(); }
  void Discard() override {}
  Starts starts;
};

// Both views of one file, up to the first event the assembler refuses (INCIDENT, a rows
// event without TABLE_MAP in a relay log cut mid-transaction, ...).
void Compare(const std::string& path, Starts* assembled, Starts* tracked) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::string data = bytes.str();
  std::string name = std::filesystem::path(path).filename().string();
  assembled->clear();
  tracked->clear();
  auto reader = BinlogFileReader::FromBuffer(data, name);
  if (!reader.ok()) return;
  EventStream stream(reader->get());
  BeginSink sink;
  AssemblerOptions options;
  options.binlog_file = name;
  TransactionAssembler assembler(&sink, options);
  TransactionStartTracker tracker;
  while (true) {
    Result<const Event*> e = stream.Next();
    if (!e.ok() || *e == nullptr) break;
    if (!assembler.Consume(**e).ok()) break;
    int64_t micros = 0;
    if (tracker.Begins(**e, &micros)) tracked->push_back(Start((*e)->position, micros));
  }
  *assembled = sink.starts;
}

TEST(TransactionStartTrackerTest, AgreesWithTheAssemblerOnEveryFixture) {
  std::optional<std::string> fixtures = testing::FixturesDir();
  if (!fixtures) GTEST_SKIP() << "../shared/fixtures is absent: binlog fixture tests skipped";
  size_t files = 0, transactions = 0;
  for (const char* sub : {"rust_mysql_common", "binlog_connector_java"}) {
    for (const auto& entry : std::filesystem::directory_iterator(*fixtures + "/binlogs/" + sub)) {
      Starts assembled, tracked;
      Compare(entry.path().string(), &assembled, &tracked);
      std::string name = entry.path().filename().string();
      if (name == "ver_5_1_23.001") {
        // MyISAM rows without BEGIN at 425, 516 and 626: each statement begins at its
        // TABLE_MAP. The assembler begins one transaction at the first rows event (469) and
        // keeps it open through the BEGIN at 708 to the next XID.
        EXPECT_EQ(assembled,
                  Starts({"106@1199978443000000", "220@1199978443000000", "334@1199978443000000",
                          "469@1199978443000000", "1086@1199978443000000", "1218@1199978443000000",
                          "1359@1199978443000000"}));
        EXPECT_EQ(tracked,
                  Starts({"106@1199978443000000", "220@1199978443000000", "334@1199978443000000",
                          "425@1199978443000000", "516@1199978443000000", "626@1199978443000000",
                          "708@1199978443000000", "1086@1199978443000000", "1218@1199978443000000",
                          "1359@1199978443000000"}));
      } else {
        EXPECT_EQ(tracked, assembled) << name;
      }
      ++files;
      transactions += assembled.size();
    }
  }
  EXPECT_EQ(files, 45u);
  // Guards against both sides finding nothing.
  EXPECT_GE(transactions, 100u);
}

// Starts stated outright for a few files, so that the comparison cannot pass by both sides
// being wrong the same way.
TEST(TransactionStartTrackerTest, KnownStarts) {
  std::optional<std::string> fixtures = testing::FixturesDir();
  if (!fixtures) GTEST_SKIP() << "../shared/fixtures is absent: binlog fixture tests skipped";
  std::string dir = *fixtures + "/binlogs/rust_mysql_common/";
  Starts assembled, tracked;
  // MySQL 8, zstd-compressed transaction: the GTID event before the payload, its
  // immediate_commit_timestamp in microseconds.
  Compare(dir + "transaction_compression.000001", &assembled, &tracked);
  EXPECT_EQ(tracked, Starts({"197@1695159109445737"}));
  // MariaDB: GTID events, header seconds.
  Compare(dir + "mariadb-bin.000001", &assembled, &tracked);
  EXPECT_EQ(tracked, Starts({"330@1650493084000000", "702@1650493195000000"}));
  // MySQL 5.1 without GTIDs: BEGIN, SAVEPOINT, ROLLBACK TO, COMMIT are one transaction.
  Compare(dir + "binlog_savepoint.000001", &assembled, &tracked);
  EXPECT_EQ(tracked, Starts({"252@1266652094000000"}));
}

}  // namespace
}  // namespace binlake
