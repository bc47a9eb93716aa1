// Live check of column decoding against a real MariaDB: a table with every MariaDB column
// type gets edge values; the binlog FILE the server wrote is read from its directory and
// every decoded value must equal what SELECT returns for it.

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "binlog/binlog_file_reader.h"
#include "binlog/event_stream.h"
#include "binlog/transaction_assembler.h"
#include "model/change.h"
#include "tests/support/test_env.h"

namespace binlake {
namespace {

namespace fs = std::filesystem;

constexpr char kDatabase[] = "binlake_values_live";

// How a column's value is fetched by SELECT and rendered from a decoded Value for comparison.
enum class Render {
  kNumber,     // integers, BIT (+0), YEAR (+0): decimal text
  kFloat,      // CAST(col AS DOUBLE): compared as the float widened to double, bit-exact
  kDouble,     // compared bit-exact after parsing the server's text
  kDecimal,    // exact text
  kDate,       // text
  kTime,       // text with the column's fsp
  kDateTime,   // text with the column's fsp
  kTimestamp,  // text with the column's fsp, session time zone +00:00
  kTextHex,    // HEX(CONVERT(col USING utf8mb4)) vs hex of the decoded UTF-8
  kBytesHex,   // HEX(col) vs hex of the decoded bytes
  kSha256,     // SHA2(col, 256) vs SHA-256 of the decoded bytes (the 4 MB BLOB)
};

struct ColumnSpec {
  std::string name;
  std::string ddl;
  Render render;
  int fsp = 0;
};

const std::vector<ColumnSpec>& Columns() {
  static const std::vector<ColumnSpec> kColumns = {
      {"id", "INT NOT NULL PRIMARY KEY", Render::kNumber},
      {"ti", "TINYINT", Render::kNumber},
      {"tiu", "TINYINT UNSIGNED", Render::kNumber},
      {"si", "SMALLINT", Render::kNumber},
      {"siu", "SMALLINT UNSIGNED", Render::kNumber},
      {"mi", "MEDIUMINT", Render::kNumber},
      {"miu", "MEDIUMINT UNSIGNED", Render::kNumber},
      {"i", "INT", Render::kNumber},
      {"iu", "INT UNSIGNED", Render::kNumber},
      {"bi", "BIGINT", Render::kNumber},
      {"biu", "BIGINT UNSIGNED", Render::kNumber},
      {"f", "FLOAT", Render::kFloat},
      {"d", "DOUBLE", Render::kDouble},
      {"dec65", "DECIMAL(65,30)", Render::kDecimal},
      {"dec10", "DECIMAL(10,0)", Render::kDecimal},
      {"dec5", "DECIMAL(5,2)", Render::kDecimal},
      {"dec3", "DECIMAL(3,3)", Render::kDecimal},
      {"dec19", "DECIMAL(19,9)", Render::kDecimal},
      {"b1", "BIT(1)", Render::kNumber},
      {"b10", "BIT(10)", Render::kNumber},
      {"b64", "BIT(64)", Render::kNumber},
      {"y", "YEAR", Render::kNumber},
      {"dt", "DATE", Render::kDate},
      {"t0", "TIME", Render::kTime, 0},
      {"t1", "TIME(1)", Render::kTime, 1},
      {"t2", "TIME(2)", Render::kTime, 2},
      {"t3", "TIME(3)", Render::kTime, 3},
      {"t4", "TIME(4)", Render::kTime, 4},
      {"t5", "TIME(5)", Render::kTime, 5},
      {"t6", "TIME(6)", Render::kTime, 6},
      {"dt0", "DATETIME", Render::kDateTime, 0},
      {"dt1", "DATETIME(1)", Render::kDateTime, 1},
      {"dt2", "DATETIME(2)", Render::kDateTime, 2},
      {"dt3", "DATETIME(3)", Render::kDateTime, 3},
      {"dt4", "DATETIME(4)", Render::kDateTime, 4},
      {"dt5", "DATETIME(5)", Render::kDateTime, 5},
      {"dt6", "DATETIME(6)", Render::kDateTime, 6},
      {"ts0", "TIMESTAMP NULL DEFAULT NULL", Render::kTimestamp, 0},
      {"ts1", "TIMESTAMP(1) NULL DEFAULT NULL", Render::kTimestamp, 1},
      {"ts2", "TIMESTAMP(2) NULL DEFAULT NULL", Render::kTimestamp, 2},
      {"ts3", "TIMESTAMP(3) NULL DEFAULT NULL", Render::kTimestamp, 3},
      {"ts4", "TIMESTAMP(4) NULL DEFAULT NULL", Render::kTimestamp, 4},
      {"ts5", "TIMESTAMP(5) NULL DEFAULT NULL", Render::kTimestamp, 5},
      {"ts6", "TIMESTAMP(6) NULL DEFAULT NULL", Render::kTimestamp, 6},
      {"c10", "CHAR(10) CHARACTER SET utf8mb4", Render::kTextHex},
      {"c100", "CHAR(100) CHARACTER SET utf8mb4", Render::kTextHex},
      {"vc", "VARCHAR(300) CHARACTER SET utf8mb4", Render::kTextHex},
      {"vc3", "VARCHAR(20) CHARACTER SET utf8mb3", Render::kTextHex},
      {"l1", "VARCHAR(20) CHARACTER SET latin1", Render::kTextHex},
      {"cl1", "CHAR(8) CHARACTER SET latin1", Render::kTextHex},
      {"asci", "VARCHAR(10) CHARACTER SET ascii", Render::kTextHex},
      {"u2", "VARCHAR(10) CHARACTER SET ucs2", Render::kTextHex},
      {"u16", "VARCHAR(10) CHARACTER SET utf16", Render::kTextHex},
      {"u16le", "VARCHAR(10) CHARACTER SET utf16le", Render::kTextHex},
      {"u32", "VARCHAR(10) CHARACTER SET utf32", Render::kTextHex},
      {"bin8", "BINARY(8)", Render::kBytesHex},
      {"vbin", "VARBINARY(20)", Render::kBytesHex},
      {"tb", "TINYBLOB", Render::kBytesHex},
      {"bl", "BLOB", Render::kBytesHex},
      {"mb", "MEDIUMBLOB", Render::kBytesHex},
      {"lb", "LONGBLOB", Render::kSha256},
      {"tt", "TINYTEXT", Render::kTextHex},
      {"tx", "TEXT", Render::kTextHex},
      {"mt", "MEDIUMTEXT", Render::kTextHex},
      {"e", "ENUM('small','medium','large')", Render::kTextHex},
      {"s", "SET('x','y','z')", Render::kTextHex},
      {"j", "JSON", Render::kTextHex},
      {"g", "GEOMETRY", Render::kBytesHex},
  };
  return kColumns;
}

// The rows: id then one SQL literal per remaining column (in Columns() order).
std::vector<std::string> RowsSql() {
  std::string max65 = std::string(35, '9') + "." + std::string(30, '9');
  std::string emoji = "\xf0\x9f\x98\x80";
  std::vector<std::string> rows;
  // Row 1: maxima and positive edges.
  rows.push_back(
      "1, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, "
      "9223372036854775807, 18446744073709551615, 3.4028234e38, 1.7976931348623157e308, " +
      max65 +
      ", 9999999999, 999.99, 0.999, 9999999999.999999999, b'1', b'1111111111', "
      "b'1111111111111111111111111111111111111111111111111111111111111111', 2155, "
      "'9999-12-31', '838:59:59', '838:59:59.9', '838:59:59.99', '838:59:59.999', "
      "'838:59:59.9999', '838:59:59.99999', '838:59:59.999999', "
      "'9999-12-31 23:59:59', '9999-12-31 23:59:59.9', '9999-12-31 23:59:59.99', "
      "'9999-12-31 23:59:59.999', '9999-12-31 23:59:59.9999', '9999-12-31 23:59:59.99999', "
      "'9999-12-31 23:59:59.999999', '2038-01-19 03:14:07', '2038-01-19 03:14:07.9', "
      "'2038-01-19 03:14:07.99', '2038-01-19 03:14:07.999', '2038-01-19 03:14:07.9999', "
      "'2038-01-19 03:14:07.99999', '2038-01-19 03:14:07.999999', "
      "'h\xc3\xa9llo" +
      emoji + "', REPEAT('" + emoji +
      "', 100), REPEAT('\xc3\xa9', 300), "
      "'\xe2\x82\xac utf8mb3', _utf8mb4'caf\xc3\xa9 \xe2\x82\xac\xc5\xb8', "
      "_utf8mb4'\xc3\xbf\xc3\xa9', "
      "'plain', _utf8mb4'A\xe2\x82\xac', _utf8mb4'A" +
      emoji + "', _utf8mb4'\xc3\xa9" + emoji + "', _utf8mb4'z" + emoji +
      "', x'6162000000', x'0001000000', x'00ff', "
      "x'000102030405060708090a0b0c0d0e0f00', REPEAT(x'00ff', 40000), "
      "REPEAT('0123456789abcdef', 262144), 'tiny', REPEAT('text ', 2000), "
      "REPEAT('m\xc3\xa9', 50000), 'large', 'x,y,z', "
      "'{\"a\": [1, 2.5, \"x\"], \"b\": {\"c\": null}}', ST_GeomFromText('POINT(1 2)')");
  // Row 2: minima and negative edges.
  rows.push_back(
      "2, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0, -0.0, "
      "-0.0, -" +
      max65 +
      ", -9999999999, -999.99, -0.001, -0.000000001, b'0', b'0', b'0', 1901, '1000-01-01', "
      "'-838:59:59', '-838:59:59.0', '-838:59:59.00', '-838:59:59.000', '-838:59:59.0000', "
      "'-838:59:59.00000', '-838:59:59.000000', '1000-01-01 00:00:00', "
      "'1000-01-01 00:00:00.1', '1000-01-01 00:00:00.01', '1000-01-01 00:00:00.001', "
      "'1000-01-01 00:00:00.0001', '1000-01-01 00:00:00.00001', '1000-01-01 00:00:00.000001', "
      "'1970-01-01 00:00:01', '1970-01-01 00:00:01.1', '1970-01-01 00:00:01.01', "
      "'1970-01-01 00:00:01.001', '1970-01-01 00:00:01.0001', '1970-01-01 00:00:01.00001', "
      "'1970-01-01 00:00:01.000001', '', '', '', '', '', '', '', '', '', '', '', x'', x'', "
      "x'', x'', x'', '', '', '', '', 'small', '', '[]', "
      "ST_GeomFromText('LINESTRING(0 0, 1 1, 2 -2.5)')");
  // Row 3: zero dates, fractional negatives, small fractions.
  rows.push_back(
      "3, 0, 1, -1, 1, -1, 1, -1, 1, -1, 1, 1.5, 0.1, 0.000000000000000000000000000001, 0, "
      "0.00, 0.000, 0.5, b'1', b'1000000001', "
      "b'1000000000000000000000000000000000000000000000000000"
      "000000000001', 0, '0000-00-00', '-00:00:01', '-00:00:00.5', '-00:00:00.05', "
      "'-00:00:00.005', '-00:00:00.0005', '-00:00:00.00005', '-00:00:00.000005', "
      "'0000-00-00 00:00:00', '2024-00-15 10:20:30.5', '2024-02-29 23:59:59.12', "
      "'2024-02-00 00:00:00.123', '0000-00-00 00:00:00.0000', '2024-01-01 00:00:00.00001', "
      "'0000-00-00 00:00:00.000000', '0000-00-00 00:00:00', '0000-00-00 00:00:00.0', "
      "'2000-02-29 12:00:00.25', '2000-02-29 12:00:00.125', "
      "'2000-02-29 12:00:00.0625', '2000-02-29 12:00:00.03125', "
      "'2000-02-29 12:00:00.015625', 'a  ', ' b', 'trailing  ', 'x', 'sp ', 'x\t', '\\\\', "
      "NULL, NULL, NULL, NULL, x'00', x'00000000', NULL, x'00', x'', NULL, NULL, NULL, NULL, "
      "'medium', 'y', '\"str\"', NULL");
  // Row 4: NULL in every nullable column.
  std::string nulls = "4";
  for (size_t i = 1; i < Columns().size(); ++i) nulls += ", NULL";
  rows.push_back(nulls);
  return rows;
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

// Runs SQL through the mariadb client as the rig's admin, returns stdout (batch mode, no
// column names). Fails the test on a client error.
class Sql {
 public:
  explicit Sql(std::map<std::string, std::string> env) : env_(std::move(env)) {
    dir_ = testing::MakeTempDir("binlake_values_live_");
  }
  ~Sql() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string Run(const std::string& sql) {
    std::string in = dir_ + "/in.sql", out = dir_ + "/out.txt", err = dir_ + "/err.txt";
    std::ofstream(in, std::ios::binary) << sql;
    std::string cmd =
        "mariadb --no-defaults --batch --skip-column-names --default-character-set="
        "utf8mb4 --socket=" +
        ShellQuote(env_["MARIADB_SOCKET"]) + " --user=" + ShellQuote(env_["MARIADB_ADMIN_USER"]) +
        " --password=" + ShellQuote(env_["MARIADB_ADMIN_PASSWORD"]) + " <" + ShellQuote(in) + " >" +
        ShellQuote(out) + " 2>" + ShellQuote(err);
    int rc = std::system(cmd.c_str());
    std::stringstream o, e;
    o << std::ifstream(out, std::ios::binary).rdbuf();
    e << std::ifstream(err, std::ios::binary).rdbuf();
    EXPECT_EQ(rc, 0) << "mariadb client failed: " << e.str() << "\nSQL: " << sql.substr(0, 500);
    return o.str();
  }

 private:
  std::map<std::string, std::string> env_;
  std::string dir_;
};

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  std::string hex = Hex(std::string_view(reinterpret_cast<char*>(md), len));
  for (char& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return hex;
}

std::string SelectExpr(const ColumnSpec& c) {
  switch (c.render) {
    case Render::kNumber:
      return c.ddl.find("INT") != std::string::npos ? c.name : c.name + "+0";
    case Render::kFloat:
      return "CAST(" + c.name + " AS DOUBLE)";
    case Render::kTextHex:
      return "HEX(CONVERT(" + c.name + " USING utf8mb4))";
    case Render::kBytesHex:
      return "HEX(" + c.name + ")";
    case Render::kSha256:
      return "SHA2(" + c.name + ", 256)";
    default:
      return c.name;
  }
}

// The decoded value in the same text form SELECT gives; a mismatch in kind is reported.
std::string RenderDecoded(const ColumnSpec& c, const Value& v) {
  if (v.is_null()) return "NULL";
  switch (v.kind()) {
    case Value::Kind::kInt:
      return std::to_string(v.int_value());
    case Value::Kind::kUInt:
      return std::to_string(v.uint_value());
    case Value::Kind::kDecimal:
      return v.bytes();
    case Value::Kind::kDate:
      return FormatDate(v.date());
    case Value::Kind::kTime:
      return FormatDuration(v.time(), c.fsp);
    case Value::Kind::kDateTime:
      return FormatDateTime(v.datetime(), c.fsp);
    case Value::Kind::kTimestamp:
      return FormatTimestamp(v.timestamp(), c.fsp);
    case Value::Kind::kString:
    case Value::Kind::kBytes:
    case Value::Kind::kJson:
      return c.render == Render::kSha256 ? Sha256Hex(v.bytes()) : Hex(v.bytes());
    default:
      return "<" + v.DebugString() + ">";
  }
}

// Compares a floating value bit-exactly with the server's text.
void ExpectFloating(const ColumnSpec& c, const Value& v, const std::string& server, int id) {
  SCOPED_TRACE("id " + std::to_string(id) + " column " + c.name + " server " + server);
  if (server == "NULL") {
    EXPECT_TRUE(v.is_null()) << v.DebugString();
    return;
  }
  double want = std::strtod(server.c_str(), nullptr);
  double got;
  if (c.render == Render::kFloat) {
    ASSERT_EQ(v.kind(), Value::Kind::kFloat) << v.DebugString();
    got = static_cast<double>(v.float_value());
  } else {
    ASSERT_EQ(v.kind(), Value::Kind::kDouble) << v.DebugString();
    got = v.double_value();
  }
  EXPECT_EQ(std::memcmp(&want, &got, sizeof want), 0) << "decoded " << got;
  EXPECT_EQ(std::signbit(want), std::signbit(got));
}

// Keeps the row changes of kDatabase from transactions that start at or after `start` (the
// file may hold rows of earlier runs).
class CollectingSink : public ChangeSink {
 public:
  explicit CollectingSink(BinlogPosition start) : start_(std::move(start)) {}
  Status Begin(const TransactionBegin& begin) override {
    keep_ = !(begin.position < start_);
    return Status::OK();
  }
  Status Row(RowChange change) override {
    if (keep_ && change.table->database == kDatabase) rows.push_back(std::move(change));
    return Status::OK();
  }
  Status Schema(const SchemaChange&) override { return Status::OK(); }
  Status Commit(const TransactionEnd&) override { return Status::OK(); }
  void Discard() override {}
  std::vector<RowChange> rows;

 private:
  BinlogPosition start_;
  bool keep_ = false;
};

TEST(ValuesLiveTest, EveryMariaDbTypeMatchesSelect) {
  auto env = testing::LoadRigEnv("mariadb");
  if (!env) GTEST_SKIP() << testing::RigSkipReason("mariadb");
  Sql sql(*env);

  std::string ddl = std::string("DROP DATABASE IF EXISTS ") + kDatabase + "; CREATE DATABASE " +
                    kDatabase + "; CREATE TABLE " + kDatabase + ".t (";
  for (size_t i = 0; i < Columns().size(); ++i) {
    ddl += (i ? ", `" : "`") + Columns()[i].name + "` " + Columns()[i].ddl;
  }
  ddl += ") DEFAULT CHARSET=utf8mb4;";
  sql.Run(ddl);
  std::vector<std::string> status = Split(sql.Run("SHOW MASTER STATUS;"), '\t');
  ASSERT_GE(status.size(), 2u);
  std::string first_file = status[0];

  std::string select = "SET SESSION time_zone='+00:00'; SELECT ";
  for (size_t i = 0; i < Columns().size(); ++i) {
    select += (i ? ", " : "") + SelectExpr(Columns()[i]);
  }
  select += std::string(" FROM ") + kDatabase + ".t ORDER BY id;";

  std::string inserts = "SET SESSION sql_mode=''; SET SESSION time_zone='+00:00';\n";
  for (const std::string& row : RowsSql()) {
    inserts += std::string("INSERT INTO ") + kDatabase + ".t VALUES (" + row + ");\n";
  }
  sql.Run(inserts);
  // The server's view of each row, keyed by id.
  std::map<int, std::vector<std::string>> expected;
  for (const std::string& line : Split(sql.Run(select), '\n')) {
    if (line.empty()) continue;
    std::vector<std::string> fields = Split(line, '\t');
    ASSERT_EQ(fields.size(), Columns().size()) << line.substr(0, 300);
    expected[std::stoi(fields[0])] = fields;
  }
  ASSERT_EQ(expected.size(), 4u);
  std::vector<std::string> updated = expected[3];
  updated[1] = "5";

  // An update and a delete: before-images decode the same way.
  sql.Run(std::string("UPDATE ") + kDatabase + ".t SET ti = 5 WHERE id = 3; DELETE FROM " +
          kDatabase + ".t WHERE id = 4; FLUSH BINARY LOGS;");
  std::string last_file = Split(sql.Run("SHOW MASTER STATUS;"), '\t')[0];

  // Read every file from the one the inserts started in up to the one FLUSH closed.
  std::vector<std::string> files;
  for (const std::string& line : Split(sql.Run("SHOW BINARY LOGS;"), '\n')) {
    std::string name = Split(line, '\t')[0];
    if (!name.empty() && name >= first_file && name < last_file) files.push_back(name);
  }
  ASSERT_FALSE(files.empty()) << "no binlog files between " << first_file << " and " << last_file;
  CollectingSink sink(BinlogPosition{first_file, std::stoull(status[1])});
  for (const std::string& name : files) {
    std::string path = (*env)["MARIADB_BINLOG_DIR"] + "/" + name;
    auto reader = BinlogFileReader::Open(path);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EventStream stream(reader->get());
    AssemblerOptions options;
    options.binlog_file = name;
    TransactionAssembler assembler(&sink, options);
    while (true) {
      auto event = stream.Next();
      ASSERT_TRUE(event.ok()) << event.status().ToString();
      if (*event == nullptr) break;
      Status s = assembler.Consume(**event);
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
  }
  ASSERT_EQ(sink.rows.size(), 6u);  // 4 inserts, 1 update, 1 delete

  auto check = [&](const Row& row, const std::vector<std::string>& want) {
    ASSERT_EQ(row.size(), Columns().size());
    int id = static_cast<int>(row[0].int_value());
    for (size_t i = 0; i < Columns().size(); ++i) {
      const ColumnSpec& c = Columns()[i];
      if (c.render == Render::kFloat || c.render == Render::kDouble) {
        ExpectFloating(c, row[i], want[i], id);
        continue;
      }
      std::string got = RenderDecoded(c, row[i]);
      EXPECT_TRUE(got == want[i]) << "id " << id << " column " << c.name << " (" << c.ddl
                                  << "): decoded " << got.substr(0, 200) << " server "
                                  << want[i].substr(0, 200);
    }
  };
  const auto& r = sink.rows;
  for (int k = 0; k < 4; ++k) {
    ASSERT_EQ(r[k].op, Op::kInsert);
    check(r[k].after, expected[k + 1]);
  }
  ASSERT_EQ(r[4].op, Op::kUpdate);
  check(r[4].before, expected[3]);
  check(r[4].after, updated);
  ASSERT_EQ(r[5].op, Op::kDelete);
  check(r[5].before, expected[4]);

  // A few values stated outright, so the comparison cannot pass by both sides being empty.
  const Row& max = r[0].after;
  EXPECT_EQ(max[10], Value::UInt(18446744073709551615ULL));
  EXPECT_EQ(max[13], Value::Decimal(std::string(35, '9') + "." + std::string(30, '9')));
  EXPECT_EQ(max[29], Value::OfTime({false, 838, 59, 59, 999999}));
  EXPECT_EQ(r[1].after[29], Value::OfTime({true, 838, 59, 59, 0}));
  EXPECT_EQ(r[2].after[22], Value::OfDate({0, 0, 0}));
  EXPECT_EQ(r[2].after[24], Value::OfTime({true, 0, 0, 0, 500000}));
  EXPECT_EQ(max[55], Value::Bytes(std::string("ab\0\0\0\0\0\0", 8)));
  EXPECT_EQ(max[60].bytes().size(), 4u << 20);
  EXPECT_EQ(r[1].after[44], Value::String(""));
  EXPECT_EQ(r[3].after[44], Value::Null());
  sql.Run(std::string("DROP DATABASE ") + kDatabase + ";");
}

}  // namespace
}  // namespace binlake
