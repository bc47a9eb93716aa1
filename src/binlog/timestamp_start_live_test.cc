// Live check of FindTimestampStart against a private rig MariaDB (tests/rig/mariadb.sh in a
// temporary directory: the test purges binlog files and needs a binlog no other test writes
// to). Transactions get known commit seconds through SET TIMESTAMP across several binlog
// files, one of them without transactions; each answer must be the position SHOW BINLOG
// EVENTS gives for the expected transaction's GTID event.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "binlog/timestamp_start.h"
#include "tests/support/test_env.h"

namespace binlake {
namespace {

namespace fs = std::filesystem;

// Commit times of the test's transactions are kBase + a few seconds: far from the server's
// clock, so the expected answers do not depend on when the test runs.
constexpr int64_t kBase = 2'000'000'000;
constexpr int64_t kSecond = 1'000'000;

int64_t At(int64_t seconds_after_base) { return (kBase + seconds_after_base) * kSecond; }

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == sep) {
      out.emplace_back();
    } else {
      out.back().push_back(c);
    }
  }
  return out;
}

// Runs a shell command, returning its exit code; output goes to `log`.
int Shell(const std::string& command, const std::string& log) {
  return std::system((command + " >>" + ShellQuote(log) + " 2>&1").c_str());
}

std::string ReadFile(const std::string& path) {
  std::stringstream s;
  s << std::ifstream(path, std::ios::binary).rdbuf();
  return s.str();
}

class TimestampStartLiveTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* src = std::getenv("BINLAKE_SOURCE_DIR");
    work_ = new std::string(testing::MakeTempDir("binlake_ts_live_"));
    std::string script = std::string(src ? src : ".") + "/tests/rig/mariadb.sh";
    // The rig's watchdog stops the server if this process dies before TearDownTestSuite.
    int rc = Shell("BINLAKE_RIG_OWNER_PID=" + std::to_string(getpid()) + " " + ShellQuote(script) +
                       " start " + ShellQuote(Dir()),
                   *work_ + "/rig.log");
    if (rc != 0) {
      start_error_ = new std::string(script + " start failed:\n" + ReadFile(*work_ + "/rig.log"));
      return;
    }
    env_ = new std::map<std::string, std::string>();
    std::istringstream in(ReadFile(Dir() + "/env"));
    for (std::string line; std::getline(in, line);) {
      size_t eq = line.find('=');
      if (eq != std::string::npos) (*env_)[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }

  static void TearDownTestSuite() {
    if (env_ != nullptr) {
      const char* src = std::getenv("BINLAKE_SOURCE_DIR");
      Shell(ShellQuote(std::string(src ? src : ".") + "/tests/rig/mariadb.sh") + " stop " +
                ShellQuote(Dir()),
            *work_ + "/rig.log");
    }
    std::error_code ec;
    fs::remove_all(*work_, ec);
    delete work_;
    delete env_;
    delete start_error_;
    work_ = nullptr;
    env_ = nullptr;
    start_error_ = nullptr;
  }

  void SetUp() override {
    ASSERT_EQ(start_error_, nullptr) << *start_error_;
    ASSERT_NE(env_, nullptr);
  }

  static std::string Dir() { return *work_ + "/mariadb"; }

  // Runs SQL as the admin user; returns the rows as tab-separated lines.
  static std::vector<std::string> Sql(const std::string& sql) {
    std::string in = *work_ + "/in.sql", out = *work_ + "/out.txt";
    std::ofstream(in, std::ios::binary) << sql;
    std::string cmd = "mariadb --no-defaults --batch --skip-column-names --socket=" +
                      ShellQuote((*env_)["MARIADB_SOCKET"]) +
                      " --user=" + ShellQuote((*env_)["MARIADB_ADMIN_USER"]) +
                      " --password=" + ShellQuote((*env_)["MARIADB_ADMIN_PASSWORD"]) + " <" +
                      ShellQuote(in) + " >" + ShellQuote(out) + " 2>&1";
    int rc = std::system(cmd.c_str());
    std::string text = ReadFile(out);
    EXPECT_EQ(rc, 0) << "mariadb client failed: " << text << "\nSQL: " << sql;
    std::vector<std::string> lines = Split(text, '\n');
    if (!lines.empty() && lines.back().empty()) lines.pop_back();
    return lines;
  }

  static ReplicationOptions Options() {
    ReplicationOptions o;
    o.connect.host = (*env_)["MARIADB_HOST"];
    o.connect.port = static_cast<uint16_t>(std::stoi((*env_)["MARIADB_PORT"]));
    o.connect.user = (*env_)["BINLAKE_USER"];
    o.connect.password = (*env_)["BINLAKE_PASSWORD"];
    o.server_id = 4242;
    return o;
  }

  // Runs `sql` (one transaction) at commit second kBase + `second` and returns its GTID.
  static std::string Commit(int64_t second, const std::string& sql) {
    std::vector<std::string> out = Sql("SET TIMESTAMP=" + std::to_string(kBase + second) + "; " +
                                       sql + "; SELECT @@last_gtid;");
    EXPECT_EQ(out.size(), 1u) << sql;
    return out.empty() ? "" : out.back();
  }

  static std::string CurrentFile() { return Split(Sql("SHOW MASTER STATUS;").at(0), '\t')[0]; }

  // Where SHOW BINLOG EVENTS puts the GTID event of `gtid`.
  static BinlogPosition PositionOf(const std::string& gtid) {
    for (const std::string& log : Sql("SHOW BINARY LOGS;")) {
      std::string file = Split(log, '\t')[0];
      for (const std::string& line : Sql("SHOW BINLOG EVENTS IN '" + file + "';")) {
        // Log_name, Pos, Event_type, Server_id, End_log_pos, Info ("BEGIN GTID 0-1-5").
        std::vector<std::string> f = Split(line, '\t');
        if (f.size() < 6 || f[2] != "Gtid") continue;
        std::string info = f[5];
        if (info.size() > gtid.size() &&
            info.compare(info.size() - gtid.size(), gtid.size(), gtid) == 0 &&
            info[info.size() - gtid.size() - 1] == ' ') {
          return BinlogPosition{file, std::stoull(f[1])};
        }
      }
    }
    ADD_FAILURE() << "GTID " << gtid << " is in no SHOW BINLOG EVENTS";
    return {};
  }

  // FindTimestampStart's answer as "file:offset", for readable failures.
  static std::string Find(int64_t micros) {
    Result<BinlogPosition> p = FindTimestampStart(Options(), micros);
    EXPECT_TRUE(p.ok()) << "at " << micros << ": " << p.status().ToString();
    return p.ok() ? p->ToString() : "<error>";
  }

  // Whether `found` ("file:offset") is the binlog end: an event boundary of the current file
  // with nothing but BINLOG_CHECKPOINT events after it. MariaDB appends those in the
  // background after FLUSH BINARY LOGS, so the end may move on by them at any moment.
  static ::testing::AssertionResult IsBinlogEnd(const std::string& found) {
    std::string file = Split(Sql("SHOW MASTER STATUS;").at(0), '\t').at(0);
    size_t colon = found.find(':');
    if (colon == std::string::npos || found.substr(0, colon) != file) {
      return ::testing::AssertionFailure() << found << " is not in the current file " << file;
    }
    uint64_t offset = std::stoull(found.substr(colon + 1));
    bool boundary = false;
    for (const std::string& line : Sql("SHOW BINLOG EVENTS IN '" + file + "';")) {
      // Log_name, Pos, Event_type, Server_id, End_log_pos, Info
      std::vector<std::string> f = Split(line, '\t');
      if (f.size() < 6) continue;
      if (std::stoull(f[4]) == offset) boundary = true;
      if (std::stoull(f[1]) >= offset && f[2] != "Binlog_checkpoint") {
        return ::testing::AssertionFailure() << found << " is followed by " << line;
      }
    }
    if (!boundary) return ::testing::AssertionFailure() << found << " is no event's end";
    return ::testing::AssertionSuccess();
  }

  static std::string* work_;
  static std::map<std::string, std::string>* env_;
  static std::string* start_error_;
};

std::string* TimestampStartLiveTest::work_ = nullptr;
std::map<std::string, std::string>* TimestampStartLiveTest::env_ = nullptr;
std::string* TimestampStartLiveTest::start_error_ = nullptr;

TEST_F(TimestampStartLiveTest, FirstTransactionAtOrAfterTheTime) {
  // File A: the schema at kBase, t1 at +10, t2 and t3 both at +20.
  std::string first_file = CurrentFile();
  std::string db = Commit(0, "CREATE DATABASE ts");
  Commit(0, "CREATE TABLE ts.t (id INT PRIMARY KEY)");
  std::string t1 = Commit(10, "INSERT INTO ts.t VALUES (1)");
  std::string t2 = Commit(20, "INSERT INTO ts.t VALUES (2)");
  std::string t3 = Commit(20, "INSERT INTO ts.t VALUES (3)");
  // File B: t4 at +30. File C: no transaction.
  Sql("FLUSH BINARY LOGS;");
  std::string second_file = CurrentFile();
  std::string t4 = Commit(30, "INSERT INTO ts.t VALUES (4)");
  Sql("FLUSH BINARY LOGS; FLUSH BINARY LOGS;");
  // File D: t5 begins at +40 and commits at +50 (its GTID event is written at COMMIT); t6 at
  // +60. File E: the current one, without transactions.
  std::string t5 =
      Commit(40, "BEGIN; INSERT INTO ts.t VALUES (5); SET TIMESTAMP=" + std::to_string(kBase + 50) +
                     "; COMMIT");
  std::string t6 = Commit(60, "INSERT INTO ts.t VALUES (6)");
  Sql("FLUSH BINARY LOGS;");

  std::vector<std::string> logs = Sql("SHOW BINARY LOGS;");
  ASSERT_EQ(logs.size(), 5u);
  ASSERT_EQ(Split(logs[0], '\t')[0], first_file);
  // The server's first binlog file: nothing before it was purged.
  ASSERT_TRUE(first_file.ends_with(".000001")) << first_file;
  ASSERT_EQ(CurrentFile(), Split(logs[4], '\t')[0]);

  BinlogPosition p_db = PositionOf(db), p1 = PositionOf(t1), p2 = PositionOf(t2),
                 p3 = PositionOf(t3), p4 = PositionOf(t4), p5 = PositionOf(t5), p6 = PositionOf(t6);
  EXPECT_EQ(p_db.file, first_file);
  EXPECT_EQ(p1.file, first_file);
  EXPECT_EQ(p3.file, first_file);
  EXPECT_EQ(p4.file, second_file);
  EXPECT_LT(p2, p3);
  EXPECT_EQ(p5.file, Split(logs[3], '\t')[0]);
  EXPECT_EQ(p6.file, p5.file);
  // The rig writes its accounts without binlogging them: the schema is the first transaction.
  std::vector<std::string> events = Sql("SHOW BINLOG EVENTS IN '" + first_file + "';");
  for (const std::string& line : events) {
    std::vector<std::string> f = Split(line, '\t');
    if (f.size() >= 3 && f[2] == "Gtid") {
      EXPECT_EQ(std::stoull(f[1]), p_db.offset) << "first GTID event of " << first_file;
      break;
    }
  }

  // Before every transaction: the first one.
  EXPECT_EQ(Find(0), p_db.ToString());
  EXPECT_EQ(Find(At(-1)), p_db.ToString());
  // The exact second, and a microsecond after it.
  EXPECT_EQ(Find(At(0)), p_db.ToString());
  EXPECT_EQ(Find(At(0) + 1), p1.ToString());
  // Between two transactions.
  EXPECT_EQ(Find(At(5)), p1.ToString());
  EXPECT_EQ(Find(At(10)), p1.ToString());
  EXPECT_EQ(Find(At(10) + 1), p2.ToString());
  // Two transactions in one second: the first of them.
  EXPECT_EQ(Find(At(20)), p2.ToString());
  // After the last transaction of a file: the first of the next file.
  EXPECT_EQ(Find(At(20) + 1), p4.ToString());
  EXPECT_EQ(Find(At(25)), p4.ToString());
  EXPECT_EQ(Find(At(30)), p4.ToString());
  // Past a file without transactions.
  EXPECT_EQ(Find(At(30) + 1), p5.ToString());
  // A transaction counts at its commit time, not its BEGIN's.
  EXPECT_EQ(Find(At(40)), p5.ToString());
  EXPECT_EQ(Find(At(45)), p5.ToString());
  EXPECT_EQ(Find(At(50)), p5.ToString());
  EXPECT_EQ(Find(At(55)), p6.ToString());
  EXPECT_EQ(Find(At(60)), p6.ToString());
  // After the end: the binlog end.
  EXPECT_TRUE(IsBinlogEnd(Find(At(60) + 1)));
  EXPECT_TRUE(IsBinlogEnd(Find(At(100'000))));

  // Files A and B purged: t1-t4 are gone from the server.
  Sql("PURGE BINARY LOGS TO '" + Split(logs[2], '\t')[0] + "';");
  ASSERT_EQ(Split(Sql("SHOW BINARY LOGS;").at(0), '\t')[0], Split(logs[2], '\t')[0]);
  // Every transaction left committed at or after these times, and purged ones may have too.
  for (int64_t t : {int64_t{0}, At(25), At(50)}) {
    Result<BinlogPosition> p = FindTimestampStart(Options(), t);
    ASSERT_FALSE(p.ok()) << "at " << t << ": " << p->ToString();
    EXPECT_EQ(p.status().code(), StatusCode::kFailedPrecondition) << p.status().ToString();
    const std::string& m = p.status().message();
    // Names the oldest file, its first transaction and what to do.
    EXPECT_NE(m.find("the files before " + Split(logs[2], '\t')[0] + " (created "),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("committed at 2033-05-18T03:34:10Z (at " + p5.ToString() + ")"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("Give a start.timestamp after 2000000050 (2033-05-18T03:34:10Z), or "
                     "start.file: " +
                     p5.file + " and start.pos: " + std::to_string(p5.offset) + " to begin"),
              std::string::npos)
        << m;
  }
  // Later than the oldest remaining transaction: exact again.
  EXPECT_EQ(Find(At(50) + 1), p6.ToString());
  EXPECT_EQ(Find(At(60)), p6.ToString());
  EXPECT_TRUE(IsBinlogEnd(Find(At(61))));

  // Every file but the current one purged: no transaction is left to compare with.
  std::string current = CurrentFile();
  Sql("PURGE BINARY LOGS TO '" + current + "';");
  ASSERT_EQ(Sql("SHOW BINARY LOGS;").size(), 1u);
  Result<BinlogPosition> none = FindTimestampStart(Options(), At(61));
  ASSERT_FALSE(none.ok()) << none->ToString();
  EXPECT_EQ(none.status().code(), StatusCode::kFailedPrecondition) << none.status().ToString();
  EXPECT_NE(none.status().message().find("holds no transaction, and the files before " + current +
                                         " (created "),
            std::string::npos)
      << none.status().message();
  EXPECT_NE(
      none.status().message().find("Leave start out to begin at the binlog end (" + current + ":"),
      std::string::npos)
      << none.status().message();
}

}  // namespace
}  // namespace binlake
