// Decodes the real binlog files under ../shared/fixtures/binlogs and checks exact output.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "binlog/binlog_file_reader.h"
#include "binlog/event_dumper.h"
#include "tests/support/test_env.h"

namespace binlake {
namespace {

struct DumpResult {
  std::vector<std::string> lines;
  Status status;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

DumpResult DumpBytes(const std::string& bytes, const std::string& name) {
  DumpResult r;
  auto reader = BinlogFileReader::FromBuffer(bytes, name);
  if (!reader.ok()) {
    r.status = reader.status();
    return r;
  }
  r.status = DumpEvents(reader->get(), DumpOptions{},
                        [&](std::string_view line) { r.lines.emplace_back(line); });
  return r;
}

std::optional<std::string> BinlogDir() {
  auto dir = testing::FixturesDir();
  if (!dir) return std::nullopt;
  return *dir + "/binlogs";
}

#define REQUIRE_FIXTURES(dir) \
  auto dir = BinlogDir();     \
  if (!dir) GTEST_SKIP() << "../shared/fixtures is absent: binlog fixture tests skipped"

DumpResult DumpFixture(const std::string& dir, const std::string& rel) {
  return DumpBytes(ReadFile(dir + "/" + rel), std::filesystem::path(rel).filename().string());
}

bool HasLine(const DumpResult& r, const std::string& line) {
  return std::find(r.lines.begin(), r.lines.end(), line) != r.lines.end();
}

std::string Joined(const DumpResult& r) {
  std::string s;
  for (const auto& l : r.lines) s += l + "\n";
  return s;
}

// Files that must fail, and what the message must say (with the offset).
const std::map<std::string, std::string>& ExpectedFailures() {
  static const std::map<std::string, std::string> kFailures = {
      {"binlog_truncated_event.000001",
       "is truncated: 10 bytes at offset 4 are too few for an event header"},
      {"binlog_truncated_prev_gtid_event.000001",
       "is truncated: 9 bytes at offset 120 are too few for an event header"},
      {"corrupt-relay-bin.000624", "QUERY event at offset 91204: input ends early at offset 91236"},
      {"bug40482-bin.000001", "bug40482-bin.000001:106: the source wrote an INCIDENT event"},
      // A pre-GA 5.2 development tree's TABLE_MAP layout.
      {"ver_5_1-wl2325_r.001", "TABLE_MAP event at offset 428"},
      // MINIMAL before-image without the JSON column: a partial JSON diff has nothing to
      // apply to, so the row cannot be decoded exactly.
      {"json.binlog.000001",
       "json.binlog.000001:3750: U row of mysql.t: table mysql.t column "
       "col_2: partial JSON update at offset 3790"},
  };
  return kFailures;
}

TEST(BinlogFixturesTest, EveryFixtureDecodesOrFailsCleanly) {
  REQUIRE_FIXTURES(dir);
  int files = 0;
  for (const char* sub : {"rust_mysql_common", "binlog_connector_java"}) {
    for (const auto& entry : std::filesystem::directory_iterator(*dir + "/" + sub)) {
      std::string name = entry.path().filename().string();
      ++files;
      DumpResult r = DumpFixture(*dir, std::string(sub) + "/" + name);
      auto expected = ExpectedFailures().find(name);
      if (expected == ExpectedFailures().end()) {
        EXPECT_TRUE(r.status.ok()) << name << ": " << r.status.ToString();
        EXPECT_GE(r.lines.size(), 2u) << name;
      } else {
        ASSERT_FALSE(r.status.ok()) << name << " decoded but must fail";
        EXPECT_NE(r.status.message().find(expected->second), std::string::npos)
            << name << ": " << r.status.message();
      }
    }
  }
  EXPECT_EQ(files, 45);
}

TEST(BinlogFixturesTest, TransactionCompressionYieldsInnerEventsWithResumablePositions) {
  REQUIRE_FIXTURES(dir);
  DumpResult r = DumpFixture(*dir, "rust_mysql_common/transaction_compression.000001");
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_TRUE(HasLine(r, R"({"type":"TRANSACTION_PAYLOAD","pos":274,"next_pos":431,)"
                         R"("compression":"zstd","uncompressed_size":179})"))
      << Joined(r);
  EXPECT_TRUE(HasLine(r, R"({"type":"ROW","pos":274,"next_pos":274,"table":"test.tb1",)"
                         R"("op":"I","after":{"col_1":1}})"))
      << Joined(r);
  EXPECT_TRUE(HasLine(r, R"({"type":"XID","pos":274,"next_pos":431,"in_payload":true,"xid":462})"))
      << Joined(r);
}

TEST(BinlogFixturesTest, CompressedPayloadWithMultiByteSizes) {
  REQUIRE_FIXTURES(dir);
  DumpResult r = DumpFixture(*dir, "binlog_connector_java/mysql-bin.compressed");
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_NE(Joined(r).find(R"("compression":"zstd","uncompressed_size":960})"), std::string::npos)
      << Joined(r);
}

TEST(BinlogFixturesTest, EnumSetAndCharOver255Bytes) {
  REQUIRE_FIXTURES(dir);
  DumpResult r = DumpFixture(*dir, "rust_mysql_common/mysql-enum-string-set.000001");
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  std::string digits100;
  for (int i = 0; i < 10; ++i) digits100 += "0123456789";
  // The 300-byte VARCHAR value as the rust_mysql_common test states it.
  std::string f2 = digits100 +
                   "01234567890123456789012345678012345678901234567890123456789012345678901234567"
                   "89012345678901234567890123456789012345678901234567890123456789012345678901234"
                   "56780123456789012345678901234567890123456789";
  EXPECT_TRUE(
      HasLine(r, R"({"type":"ROW","pos":1077,"next_pos":1529,"table":"mysql.t","op":"I","gtid":")"
                 R"(93e95066-a2f4-11ec-9b69-9657f0ae95e2:3","after":{"f1":")" +
                     digits100 + R"(","f2":")" + f2 +
                     R"(","f3":"var1","f4":"one,three","f5":"0123456789"}})"))
      << Joined(r);
  EXPECT_NE(
      Joined(r).find(R"("after":{"f1":"field1","f2":"field_2","f3":"variant2","f4":"two,four")"),
      std::string::npos);
}

TEST(BinlogFixturesTest, BitColumns) {
  REQUIRE_FIXTURES(dir);
  DumpResult r = DumpFixture(*dir, "rust_mysql_common/mysql_type_bit.000001");
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_TRUE(HasLine(r, R"({"type":"ROW","pos":927,"next_pos":970,"table":"mysql.foo","op":"I",)"
                         R"("gtid":"fbda2ad0-7c46-11ec-ae30-4ef7efc81a2a:3",)"
                         R"("after":{"a":4,"b":"foo","c":32}})"))
      << Joined(r);
}

TEST(BinlogFixturesTest, InvisibleColumnsFromOptionalMetadata) {
  REQUIRE_FIXTURES(dir);
  DumpResult r = DumpFixture(*dir, "rust_mysql_common/binlog-invisible-columns.000001");
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_TRUE(HasLine(
      r, R"({"type":"TABLE_MAP","pos":942,"next_pos":1027,"table_id":124,"table":"mysql.t1",)"
         R"("columns":[{"name":"f1","type":"int32","unsigned":true,"invisible":true},)"
         R"({"name":"f2","type":"int32","unsigned":true,"invisible":true},)"
         R"({"name":"f3","type":"int32"},{"name":"f4","type":"string"},)"
         R"({"name":"f5","type":"binary"},)"
         R"({"name":"f6","type":"int64","unsigned":true,"invisible":true}]})"))
      << Joined(r);
  EXPECT_TRUE(HasLine(r,
                      R"({"type":"ROW","pos":1687,"next_pos":1756,"table":"mysql.t1","op":"U",)"
                      R"("gtid":"97c7af02-4c50-11ec-acd8-681842034964:5",)"
                      R"("before":{"f1":null,"f2":null,"f3":-33,"f4":"44","f5":"55","f6":null},)"
                      R"("after":{"f1":111,"f2":222,"f3":-333,"f4":"444","f5":"55","f6":null}})"))
      << Joined(r);
}

TEST(BinlogFixturesTest, TaggedGtidsAndPreviousGtids) {
  REQUIRE_FIXTURES(dir);
  DumpResult r = DumpFixture(*dir, "rust_mysql_common/binlog_transaction_with_GTID_TAG.000001");
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_TRUE(HasLine(r, R"({"type":"PREVIOUS_GTIDS","pos":127,"next_pos":245,)"
                         R"("gtid_set":"55778904-0299-11f1-b1b8-4ef0c4956feb:1-13:mytag:1-2"})"))
      << Joined(r);
  EXPECT_TRUE(HasLine(r, R"({"type":"GTID_TAGGED","pos":245,"next_pos":328,)"
                         R"("gtid":"55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:3",)"
                         R"("last_committed":0,"sequence_number":1,)"
                         R"("commit_micros":1770368687207196})"))
      << Joined(r);
  EXPECT_TRUE(HasLine(r, R"({"type":"ROW","pos":461,"next_pos":510,"table":"test.orders","op":"I",)"
                         R"("gtid":"55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:3",)"
                         R"("after":{"col_1":3,"col_2":100,"col_3":"250.00"}})"))
      << Joined(r);
}

TEST(BinlogFixturesTest, VectorColumns) {
  REQUIRE_FIXTURES(dir);
  DumpResult r = DumpFixture(*dir, "rust_mysql_common/vector.binlog");
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  // float32 LE [1.1, 2.2, 3.3] and [1, -1, 0].
  EXPECT_TRUE(HasLine(r, R"({"type":"ROW","pos":1085,"next_pos":1170,"table":"dtb.foo","op":"I",)"
                         R"("after":{"id":1,"vector_column":"cdcc8c3fcdcc0c4033335340"}})"))
      << Joined(r);
  EXPECT_TRUE(HasLine(r, R"({"type":"ROW","pos":1085,"next_pos":1170,"table":"dtb.foo","op":"I",)"
                         R"("after":{"id":2,"vector_column":"0000803f000080bf00000000"}})"))
      << Joined(r);
}

TEST(BinlogFixturesTest, MariaDbEvents) {
  REQUIRE_FIXTURES(dir);
  DumpResult r = DumpFixture(*dir, "rust_mysql_common/mariadb-bin.000001");
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  std::string all = Joined(r);
  EXPECT_TRUE(HasLine(r, R"({"type":"MARIADB_GTID_LIST","pos":256,"next_pos":285,"gtid_set":""})"))
      << all;
  EXPECT_NE(all.find(R"({"type":"BINLOG_CHECKPOINT","pos":285,)"), std::string::npos) << all;
  EXPECT_TRUE(HasLine(r, R"({"type":"MARIADB_GTID","pos":330,"next_pos":372,"gtid":"0-1-1",)"
                         R"("flags":12})"))
      << all;
  EXPECT_NE(all.find(R"({"type":"ANNOTATE_ROWS","pos":372,)"), std::string::npos) << all;
  EXPECT_TRUE(HasLine(r, R"({"type":"ROW","pos":612,"next_pos":671,)"
                         R"("table":"toddy_test.outbox","op":"I","gtid":"0-1-1",)"
                         R"("after":{"id":62,"topic":"foo","event_type":"JSON",)"
                         R"("event":"7b22666f6f223a317d","created":"2022-04-20 22:18:04"}})"))
      << all;
}

TEST(BinlogFixturesTest, NegativeTimeAndMinimalImages) {
  REQUIRE_FIXTURES(dir);
  DumpResult t = DumpFixture(*dir, "rust_mysql_common/time_issue.000001");
  ASSERT_TRUE(t.status.ok()) << t.status.ToString();
  EXPECT_TRUE(HasLine(t, R"({"type":"ROW","pos":358,"next_pos":397,"table":"noria.t","op":"I",)"
                         R"("after":{"col_1":"-507:48:27"}})"))
      << Joined(t);
  DumpResult m = DumpFixture(*dir, "rust_mysql_common/minimal_row_metadata.000001");
  ASSERT_TRUE(m.status.ok()) << m.status.ToString();
  // Absent columns (binlog_row_image=MINIMAL) are omitted; names are guessed (MINIMAL metadata).
  EXPECT_TRUE(HasLine(m, R"({"type":"ROW","pos":374,"next_pos":420,"table":"noria.t1","op":"I",)"
                         R"("after":{"col_1":1,"col_3":"a","col_5":3230202323}})"))
      << Joined(m);
  EXPECT_NE(Joined(m).find(R"("names":"guessed")"), std::string::npos);
}

TEST(BinlogFixturesTest, ChecksumMismatchNamesFileAndOffset) {
  REQUIRE_FIXTURES(dir);
  std::string bytes = ReadFile(*dir + "/binlog_connector_java/mysql-bin.checksum-crc32");
  // Damage one byte inside the second event (PREVIOUS_GTIDS at offset 123).
  DumpResult clean = DumpBytes(bytes, "mysql-bin.000001");
  ASSERT_TRUE(clean.status.ok()) << clean.status.ToString();
  bytes[130] ^= 0x01;
  DumpResult r = DumpBytes(bytes, "mysql-bin.000001");
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.code(), StatusCode::kCorruption);
  EXPECT_NE(r.status.message().find("file mysql-bin.000001: checksum mismatch in PREVIOUS_GTIDS "
                                    "event at offset 123"),
            std::string::npos)
      << r.status.message();
}

TEST(BinlogFixturesTest, TruncatedFileNamesTheCutEvent) {
  REQUIRE_FIXTURES(dir);
  std::string bytes = ReadFile(*dir + "/binlog_connector_java/mysql-bin.checksum-crc32");
  bytes.resize(200);
  DumpResult r = DumpBytes(bytes, "mysql-bin.000001");
  ASSERT_FALSE(r.status.ok());
  EXPECT_NE(r.status.message().find("file mysql-bin.000001 is truncated: the ANONYMOUS_GTID event "
                                    "at offset 154 declares 65 bytes but only 46 remain"),
            std::string::npos)
      << r.status.message();
}

}  // namespace
}  // namespace binlake
