// Tests of the canonical value text, the CSV and JSON-lines writers, and gzip output.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>

#include "format/csv_writer.h"
#include "format/gzip_output_stream.h"
#include "format/jsonl_writer.h"
#include "format/value_text.h"

namespace binlake {
namespace {

Column Col(std::string name, LogicalType type, int scale = 0) {
  Column c;
  c.name = std::move(name);
  c.type = type;
  c.scale = scale;
  return c;
}

std::string Text(const Value& v, const Column& c) {
  std::string out;
  AppendValueText(v, c, &out);
  return out;
}

std::string Json(const Value& v, const Column& c) {
  std::string out;
  AppendValueJson(v, c, &out);
  return out;
}

std::string Gunzip(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[4096];
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
  } while (rc == Z_OK);
  EXPECT_EQ(rc, Z_STREAM_END) << "gzip stream incomplete";
  inflateEnd(&zs);
  return out;
}

TEST(ValueTextTest, CanonicalForms) {
  Column i = Col("i", LogicalType::kInt64);
  EXPECT_EQ(Text(Value::Int(INT64_MIN), i), "-9223372036854775808");
  EXPECT_EQ(Text(Value::UInt(UINT64_MAX), i), "18446744073709551615");
  Column d = Col("d", LogicalType::kDouble);
  EXPECT_EQ(Text(Value::Double(-0.0), d), "-0");
  EXPECT_EQ(Text(Value::Double(0.1), d), "0.1");
  EXPECT_EQ(Text(Value::Double(1.7976931348623157e308), d), "1.7976931348623157e+308");
  EXPECT_EQ(Text(Value::Float(3.4028235e38f), d), "3.4028235e+38");
  EXPECT_EQ(Text(Value::Decimal("-0.000000000000000000000000000001"), d),
            "-0.000000000000000000000000000001");
  EXPECT_EQ(Text(Value::OfTime({true, 838, 59, 59, 0}), Col("t", LogicalType::kTime, 6)),
            "-838:59:59.000000");
  EXPECT_EQ(Text(Value::OfDateTime({0, 0, 0, 0, 0, 0, 0}), Col("dt", LogicalType::kDateTime)),
            "0000-00-00 00:00:00");
  EXPECT_EQ(Text(Value::OfTimestamp({1700000000, 123000}), Col("ts", LogicalType::kTimestamp, 3)),
            "2023-11-14 22:13:20.123");
  EXPECT_EQ(Text(Value::Bytes(std::string("\x00\xff\x10", 3)), Col("b", LogicalType::kBinary)),
            "00FF10");
  EXPECT_EQ(Text(Value::String("h\xc3\xa9"), Col("s", LogicalType::kString)), "h\xc3\xa9");
}

TEST(ValueTextTest, JsonForms) {
  Column s = Col("s", LogicalType::kString);
  EXPECT_EQ(Json(Value::Null(), s), "null");
  EXPECT_EQ(Json(Value::String("a\"b\n"), s), "\"a\\\"b\\n\"");
  EXPECT_EQ(Json(Value::Int(-5), s), "-5");
  EXPECT_EQ(Json(Value::Decimal("12.50"), s), "\"12.50\"");
  EXPECT_EQ(Json(Value::Json("{\"a\": [1]}"), s), "\"{\\\"a\\\": [1]}\"");
  EXPECT_EQ(Json(Value::OfDate({2024, 2, 29}), s), "\"2024-02-29\"");
  EXPECT_EQ(Json(Value::Bytes("\x01"), s), "\"01\"");
}

Column Scaled(LogicalType type, int fsp) { return Col("c", type, fsp); }

// Every fsp a column can have, and the clamping of out-of-range scales.
TEST(ValueTextTest, DateTimeFractionDigits) {
  const DateTime dt{2024, 2, 29, 23, 59, 58, 999999};
  const char* kWant[] = {"2024-02-29 23:59:58",       "2024-02-29 23:59:58.9",
                         "2024-02-29 23:59:58.99",    "2024-02-29 23:59:58.999",
                         "2024-02-29 23:59:58.9999",  "2024-02-29 23:59:58.99999",
                         "2024-02-29 23:59:58.999999"};
  for (int fsp = 0; fsp <= 6; ++fsp) {
    EXPECT_EQ(Text(Value::OfDateTime(dt), Scaled(LogicalType::kDateTime, fsp)), kWant[fsp]);
  }
  EXPECT_EQ(Text(Value::OfDateTime(dt), Scaled(LogicalType::kDateTime, 9)), kWant[6]);
  EXPECT_EQ(Text(Value::OfDateTime(dt), Scaled(LogicalType::kDateTime, -1)), kWant[0]);
  const DateTime small{1, 1, 1, 0, 0, 0, 1};
  EXPECT_EQ(Text(Value::OfDateTime(small), Scaled(LogicalType::kDateTime, 6)),
            "0001-01-01 00:00:00.000001");
  EXPECT_EQ(Text(Value::OfDateTime(small), Scaled(LogicalType::kDateTime, 5)),
            "0001-01-01 00:00:00.00000");
  const DateTime mid{1999, 12, 31, 9, 5, 7, 120034};
  EXPECT_EQ(Text(Value::OfDateTime(mid), Scaled(LogicalType::kDateTime, 4)),
            "1999-12-31 09:05:07.1200");
  EXPECT_EQ(Text(Value::OfDateTime(mid), Scaled(LogicalType::kDateTime, 6)),
            "1999-12-31 09:05:07.120034");
}

TEST(ValueTextTest, ZeroAndBoundaryDates) {
  Column date = Col("d", LogicalType::kDate);
  EXPECT_EQ(Text(Value::OfDate({0, 0, 0}), date), "0000-00-00");
  EXPECT_EQ(Text(Value::OfDate({2024, 0, 0}), date), "2024-00-00");
  EXPECT_EQ(Text(Value::OfDate({2024, 7, 0}), date), "2024-07-00");
  EXPECT_EQ(Text(Value::OfDate({0, 1, 1}), date), "0000-01-01");
  EXPECT_EQ(Text(Value::OfDate({9999, 12, 31}), date), "9999-12-31");
  EXPECT_EQ(Text(Value::OfDate({42, 3, 4}), date), "0042-03-04");
  for (int fsp = 0; fsp <= 6; ++fsp) {
    std::string zero = "0000-00-00 00:00:00";
    if (fsp > 0) zero += "." + std::string(static_cast<size_t>(fsp), '0');
    EXPECT_EQ(Text(Value::OfDateTime({0, 0, 0, 0, 0, 0, 0}), Scaled(LogicalType::kDateTime, fsp)),
              zero);
    EXPECT_EQ(Text(Value::OfTimestamp({0, 0}), Scaled(LogicalType::kTimestamp, fsp)), zero);
  }
  EXPECT_EQ(Text(Value::OfDateTime({9999, 12, 31, 23, 59, 59, 999999}),
                 Scaled(LogicalType::kDateTime, 6)),
            "9999-12-31 23:59:59.999999");
  EXPECT_EQ(Text(Value::OfDateTime({0, 1, 1, 0, 0, 0, 0}), Scaled(LogicalType::kDateTime, 0)),
            "0000-01-01 00:00:00");
}

TEST(ValueTextTest, Timestamps) {
  Column ts6 = Scaled(LogicalType::kTimestamp, 6);
  // Not the zero timestamp: only seconds == 0 && micros == 0 is.
  EXPECT_EQ(Text(Value::OfTimestamp({0, 5}), ts6), "1970-01-01 00:00:00.000005");
  EXPECT_EQ(Text(Value::OfTimestamp({1, 0}), Scaled(LogicalType::kTimestamp, 0)),
            "1970-01-01 00:00:01");
  EXPECT_EQ(Text(Value::OfTimestamp({-1, 999999}), ts6), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(Text(Value::OfTimestamp({2147483647, 999999}), ts6), "2038-01-19 03:14:07.999999");
  EXPECT_EQ(Text(Value::OfTimestamp({951782400, 0}), Scaled(LogicalType::kTimestamp, 2)),
            "2000-02-29 00:00:00.00");
  EXPECT_EQ(Text(Value::OfTimestamp({253402300799, 0}), Scaled(LogicalType::kTimestamp, 1)),
            "9999-12-31 23:59:59.0");
}

TEST(ValueTextTest, Durations) {
  Column t0 = Scaled(LogicalType::kTime, 0);
  Column t6 = Scaled(LogicalType::kTime, 6);
  EXPECT_EQ(Text(Value::OfTime({false, 0, 0, 0, 0}), t0), "00:00:00");
  EXPECT_EQ(Text(Value::OfTime({false, 0, 0, 0, 0}), t6), "00:00:00.000000");
  EXPECT_EQ(Text(Value::OfTime({true, 0, 0, 1, 0}), t0), "-00:00:01");
  EXPECT_EQ(Text(Value::OfTime({true, 0, 0, 0, 1}), t6), "-00:00:00.000001");
  EXPECT_EQ(Text(Value::OfTime({true, 838, 59, 59, 999999}), t6), "-838:59:59.999999");
  EXPECT_EQ(Text(Value::OfTime({false, 838, 59, 59, 999999}), Scaled(LogicalType::kTime, 3)),
            "838:59:59.999");
  EXPECT_EQ(Text(Value::OfTime({false, 9, 8, 7, 60}), Scaled(LogicalType::kTime, 5)),
            "09:08:07.00006");
  EXPECT_EQ(Text(Value::OfTime({false, 99, 1, 2, 0}), t0), "99:01:02");
  EXPECT_EQ(Text(Value::OfTime({false, 100, 1, 2, 0}), t0), "100:01:02");
  EXPECT_EQ(Text(Value::OfTime({true, 4294967295u, 0, 0, 0}), t0), "-4294967295:00:00");
  for (int fsp = 0; fsp <= 6; ++fsp) {
    std::string want = "-12:34:56";
    if (fsp > 0) want += "." + std::string("123456", static_cast<size_t>(fsp));
    EXPECT_EQ(Text(Value::OfTime({true, 12, 34, 56, 123456}), Scaled(LogicalType::kTime, fsp)),
              want);
  }
}

// Parts the binlog decoder never produces still get value.h's canonical text.
TEST(ValueTextTest, OutOfRangePartsMatchModelFormatting) {
  EXPECT_EQ(Text(Value::OfDate({10000, 1, 1}), Col("d", LogicalType::kDate)), "10000-01-01");
  EXPECT_EQ(Text(Value::OfDate({-1, 1, 1}), Col("d", LogicalType::kDate)), "-001-01-01");
  EXPECT_EQ(Text(Value::OfDateTime({2024, 200, 1, 0, 0, 0, 0}), Scaled(LogicalType::kDateTime, 0)),
            "2024-200-01 00:00:00");
  EXPECT_EQ(
      Text(Value::OfDateTime({2024, 1, 1, 0, 0, 0, 1234567}), Scaled(LogicalType::kDateTime, 6)),
      FormatDateTime({2024, 1, 1, 0, 0, 0, 1234567}, 6));
  EXPECT_EQ(Text(Value::OfTime({false, 1, 200, 0, 0}), Scaled(LogicalType::kTime, 0)), "01:200:00");
}

// The hand-written digits agree with value.h's Format* over a sweep of every part.
TEST(ValueTextTest, TemporalsAgreeWithModelFormatting) {
  const uint32_t kMicros[] = {0, 1, 9, 10, 99999, 100000, 500001, 999999};
  const int32_t kYears[] = {0, 1, 9, 10, 99, 100, 999, 1000, 1970, 2038, 9999};
  for (int fsp = 0; fsp <= 6; ++fsp) {
    for (int32_t y : kYears) {
      for (uint8_t part : {0, 1, 9, 10, 12, 31, 59, 99}) {
        for (uint32_t us : kMicros) {
          DateTime dt{y, part, part, static_cast<uint8_t>(part % 24), part, part, us};
          ASSERT_EQ(Text(Value::OfDateTime(dt), Scaled(LogicalType::kDateTime, fsp)),
                    FormatDateTime(dt, fsp));
          Duration t{part % 2 == 1, static_cast<uint32_t>(y) % 839, part, part, us};
          ASSERT_EQ(Text(Value::OfTime(t), Scaled(LogicalType::kTime, fsp)),
                    FormatDuration(t, fsp));
        }
        Date d{y, part, part};
        ASSERT_EQ(Text(Value::OfDate(d), Col("d", LogicalType::kDate)), FormatDate(d));
      }
    }
    for (int64_t s = -86400LL * 800; s < 86400LL * 365 * 80; s += 86400 * 37 + 3607) {
      Timestamp ts{s, static_cast<uint32_t>(s % 1000000 + 1000000) % 1000000};
      ASSERT_EQ(Text(Value::OfTimestamp(ts), Scaled(LogicalType::kTimestamp, fsp)),
                FormatTimestamp(ts, fsp));
    }
  }
}

TEST(ValueTextTest, IntegersAndFloats) {
  Column c = Col("n", LogicalType::kInt64);
  EXPECT_EQ(Text(Value::Int(0), c), "0");
  EXPECT_EQ(Text(Value::Int(-1), c), "-1");
  EXPECT_EQ(Text(Value::Int(INT64_MAX), c), "9223372036854775807");
  EXPECT_EQ(Text(Value::UInt(0), c), "0");
  EXPECT_EQ(Text(Value::Double(1e15), c), "1000000000000000");
  EXPECT_EQ(Text(Value::Double(1e16), c), "1e+16");
  EXPECT_EQ(Text(Value::Double(1e-7), c), "1e-07");
  EXPECT_EQ(Text(Value::Double(5e-324), c), "5e-324");
  EXPECT_EQ(Text(Value::Double(-HUGE_VAL), c), "-inf");
  EXPECT_EQ(Text(Value::Double(std::nan("")), c), "nan");
  EXPECT_EQ(Text(Value::Float(0.1f), c), "0.1");
  EXPECT_EQ(Text(Value::Float(-1.5e-7f), c), "-1.5e-07");
}

// The CSV writer relies on kNonTextValueBytes to skip its quoting scan.
TEST(ValueTextTest, NonTextKindsWriteOnlyTheDeclaredBytes) {
  const std::vector<Value> values = {
      Value::Int(INT64_MIN),
      Value::UInt(UINT64_MAX),
      Value::Double(-1.7976931348623157e308),
      Value::Double(-std::nan("")),
      Value::Double(-HUGE_VAL),
      Value::Float(-1.5e-7f),
      Value::OfDate({-1, 200, 0}),
      Value::OfTime({true, 4294967295u, 200, 59, 1234567}),
      Value::OfDateTime({99999, 12, 31, 23, 59, 59, 999999}),
      Value::OfTimestamp({-62167219200, 1}),
      Value::Bytes(std::string("\x00\x9a\xff\xbc\xde", 5)),
  };
  for (const Value& v : values) {
    std::string text = Text(v, Scaled(LogicalType::kDateTime, 6));
    EXPECT_EQ(text.find_first_not_of(kNonTextValueBytes), std::string::npos)
        << v.DebugString() << " -> " << text;
  }
}

std::string WriteCsv(const CsvOptions& opt, const std::vector<Column>& cols,
                     const std::vector<Row>& rows) {
  StringOutputStream out;
  auto w = CsvWriter::Create(cols, opt, &out);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  if (!w.ok()) return "";
  for (const Row& r : rows) EXPECT_TRUE((*w)->Append(r).ok());
  EXPECT_TRUE((*w)->Finish().ok());
  return out.data();
}

TEST(CsvWriterTest, MultiByteDelimiters) {
  CsvOptions opt;
  opt.delimiter = "||";
  opt.row_delimiter = "#$";
  opt.header = true;
  std::vector<Column> cols = {Col("a|b", LogicalType::kString), Col("a||b", LogicalType::kString)};
  std::vector<Row> rows = {
      {Value::String("a|b"), Value::String("a||b")},  // only the whole delimiter counts
      {Value::String("x#y"), Value::String("x#$y")},  // and the whole row delimiter
      {Value::String("$#"), Value::String("ends|")},  // a prefix at the end is plain
      {Value::String("q\"q"), Value::String("cr\rlf\n")}, {Value::String(""), Value::Null()},
      {Value::String("||"), Value::String("#$")},
  };
  EXPECT_EQ(WriteCsv(opt, cols, rows),
            "a|b||\"a||b\"#$"
            "a|b||\"a||b\"#$"
            "x#y||\"x#$y\"#$"
            "$#||ends|#$"
            "\"q\"\"q\"||\"cr\rlf\n\"#$"
            "\"\"||#$"
            "\"||\"||\"#$\"#$");
}

TEST(CsvWriterTest, AbsentValuesTakeTheNoSupValue) {
  std::vector<Column> cols = {Col("a", LogicalType::kInt32), Col("b", LogicalType::kString)};
  std::vector<Row> rows = {{Value::Int(1), Value::Absent()}, {Value::Int(2), Value::Null()}};
  CsvOptions opt;
  EXPECT_EQ(WriteCsv(opt, cols, rows), "1,\n2,\n");
  opt.no_sup_value = "NOSUP";
  EXPECT_EQ(WriteCsv(opt, cols, rows), "1,NOSUP\n2,\n");
  // A value that reads like the marker is quoted, text or not.
  rows = {{Value::Int(3), Value::String("NOSUP")}};
  EXPECT_EQ(WriteCsv(opt, cols, rows), "3,\"NOSUP\"\n");
  opt.no_sup_value = "7";
  rows = {{Value::Int(7), Value::Absent()}};
  EXPECT_EQ(WriteCsv(opt, cols, rows), "\"7\",7\n");
}

TEST(CsvWriterTest, QuotesInsideAreDoubled) {
  std::vector<Column> cols = {Col("s", LogicalType::kString)};
  std::vector<Row> rows = {{Value::String("\"")},      {Value::String("\"\"")},
                           {Value::String("a\"b\"c")}, {Value::String("\"start")},
                           {Value::String("end\"")},   {Value::Json("{\"k\":\"v\"}")}};
  EXPECT_EQ(WriteCsv(CsvOptions{}, cols, rows),
            "\"\"\"\"\n"
            "\"\"\"\"\"\"\n"
            "\"a\"\"b\"\"c\"\n"
            "\"\"\"start\"\n"
            "\"end\"\"\"\n"
            "\"{\"\"k\"\":\"\"v\"\"}\"\n");
}

TEST(CsvWriterTest, NonTextValuesAreQuotedWhenTheyMustBe) {
  std::vector<Column> cols = {Col("i", LogicalType::kInt64), Col("t", LogicalType::kTime, 2),
                              Col("dt", LogicalType::kDateTime), Col("b", LogicalType::kBinary),
                              Col("d", LogicalType::kDecimal)};
  Row row = {Value::Int(-10), Value::OfTime({true, 1, 2, 3, 450000}),
             Value::OfDateTime({2024, 1, 2, 3, 4, 5, 0}), Value::Bytes(""), Value::Decimal("0.50")};
  CsvOptions plain;
  EXPECT_EQ(WriteCsv(plain, cols, {row}), "-10,-01:02:03.45,2024-01-02 03:04:05,\"\",0.50\n");
  CsvOptions space;
  space.delimiter = " ";
  EXPECT_EQ(WriteCsv(space, cols, {row}), "-10 -01:02:03.45 \"2024-01-02 03:04:05\" \"\" 0.50\n");
  CsvOptions digit;
  digit.delimiter = "0";
  EXPECT_EQ(WriteCsv(digit, cols, {row}),
            "\"-10\"0\"-01:02:03.45\"0\"2024-01-02 03:04:05\"0\"\"0\"0.50\"\n");
  CsvOptions colons;
  colons.delimiter = "::";
  EXPECT_EQ(WriteCsv(colons, cols, {row}), "-10::-01:02:03.45::2024-01-02 03:04:05::\"\"::0.50\n");
  CsvOptions marker;
  marker.null_value = "-10";
  Row with_null = row;
  with_null[4] = Value::Null();
  EXPECT_EQ(WriteCsv(marker, cols, {with_null}), "\"-10\",-01:02:03.45,2024-01-02 03:04:05,,-10\n");
  CsvOptions hex_marker;
  hex_marker.null_value = "00FF";
  EXPECT_EQ(
      WriteCsv(hex_marker, {Col("b", LogicalType::kBinary)},
               {{Value::Bytes(std::string("\x00\xff", 2))}, {Value::Null()}, {Value::Bytes("")}}),
      "\"00FF\"\n00FF\n\n");
}

TEST(CsvWriterTest, EmptyRowDelimiterQuotesEveryField) {
  CsvOptions opt;
  opt.row_delimiter = "";
  opt.header = true;
  EXPECT_EQ(WriteCsv(opt, {Col("a", LogicalType::kInt32), Col("b", LogicalType::kString)},
                     {{Value::Int(1), Value::String("x")}, {Value::Null(), Value::String("")}}),
            "\"a\",\"b\"\"1\",\"x\",\"\"");
}

TEST(CsvWriterTest, HeaderNamesAreQuotedLikeValues) {
  CsvOptions opt;
  opt.header = true;
  opt.null_value = "id";
  EXPECT_EQ(WriteCsv(opt,
                     {Col("id", LogicalType::kInt32), Col("a,b", LogicalType::kInt32),
                      Col("", LogicalType::kInt32)},
                     {}),
            "\"id\",\"a,b\",\n");
}

// The quoting rule in its plainest form, as the reference for random fields.
std::string ReferenceCsvField(std::string_view text, const CsvOptions& opt) {
  bool quote = text == opt.null_value || text.find_first_of("\"\r\n") != std::string_view::npos ||
               text.find(opt.delimiter) != std::string_view::npos ||
               text.find(opt.row_delimiter) != std::string_view::npos;
  if (!quote) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

TEST(CsvWriterTest, RandomFieldsMatchTheQuotingRule) {
  const std::vector<std::vector<std::string>> kOptions = {
      {",", "\n", ""},     {"|", "\r\n", "NULL"}, {"ab", "ba", "a"},
      {"\t", "\n", "\\N"}, {"--", "\n", ""},      {"x", "xy", "xx"},
  };
  const char kAlphabet[] = "ab,|-\t\"\r\nxyN\\";
  uint32_t seed = 12345;
  auto next = [&seed] { return (seed = seed * 1103515245u + 12345u) >> 16; };
  for (const auto& o : kOptions) {
    CsvOptions opt;
    opt.delimiter = o[0];
    opt.row_delimiter = o[1];
    opt.null_value = o[2];
    std::vector<Row> rows;
    std::string want;
    for (int r = 0; r < 300; ++r) {
      Row row;
      for (int c = 0; c < 3; ++c) {
        std::string s;
        size_t len = next() % 6;
        for (size_t k = 0; k < len; ++k) s += kAlphabet[next() % (sizeof kAlphabet - 1)];
        if (c > 0) want += opt.delimiter;
        want += ReferenceCsvField(s, opt);
        row.push_back(Value::String(std::move(s)));
      }
      want += opt.row_delimiter;
      rows.push_back(std::move(row));
    }
    std::vector<Column> cols(3, Col("s", LogicalType::kString));
    EXPECT_EQ(WriteCsv(opt, cols, rows), want) << "delimiter '" << o[0] << "'";
  }
}

TEST(CsvWriterTest, QuotingAndNullVersusEmpty) {
  StringOutputStream out;
  CsvOptions opt;
  opt.header = true;
  auto w = CsvWriter::Create({Col("Op", LogicalType::kString), Col("id", LogicalType::kInt32),
                              Col("note", LogicalType::kString)},
                             opt, &out);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Append({Value::String("I"), Value::Int(1), Value::String("")}).ok());
  ASSERT_TRUE((*w)->Append({Value::String("U"), Value::Int(2), Value::Null()}).ok());
  ASSERT_TRUE((*w)->Append({Value::String("D"), Value::Int(3), Value::String("a,\"b\"\nc")}).ok());
  EXPECT_EQ((*w)->rows(), 3u);
  ASSERT_TRUE((*w)->Finish().ok());
  EXPECT_EQ(out.data(),
            "Op,id,note\n"
            "I,1,\"\"\n"
            "U,2,\n"
            "D,3,\"a,\"\"b\"\"\nc\"\n");
  EXPECT_FALSE((*w)->Finish().ok()) << "second Finish must be refused";
}

TEST(CsvWriterTest, CustomDelimiterAndNullMarker) {
  StringOutputStream out;
  CsvOptions opt;
  opt.delimiter = "|";
  opt.row_delimiter = "\r\n";
  opt.null_value = "NULL";
  auto w = CsvWriter::Create({Col("a", LogicalType::kString), Col("b", LogicalType::kString)}, opt,
                             &out);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append({Value::Null(), Value::String("NULL")}).ok());
  ASSERT_TRUE((*w)->Append({Value::String(""), Value::String("x|y")}).ok());
  ASSERT_TRUE((*w)->Finish().ok());
  EXPECT_EQ(out.data(), "NULL|\"NULL\"\r\n|\"x|y\"\r\n");
  StringOutputStream bad;
  opt.delimiter = "";
  EXPECT_FALSE(CsvWriter::Create({}, opt, &bad).ok());
}

TEST(CsvWriterTest, RowWidthMismatchIsAnError) {
  StringOutputStream out;
  auto w = CsvWriter::Create({Col("a", LogicalType::kInt32)}, CsvOptions{}, &out);
  Status s = (*w)->Append({Value::Int(1), Value::Int(2)});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
}

TEST(CsvWriterTest, GzipRoundTrip) {
  StringOutputStream out;
  CsvOptions opt;
  opt.gzip = true;
  auto w = CsvWriter::Create({Col("id", LogicalType::kInt64), Col("s", LogicalType::kString)}, opt,
                             &out);
  ASSERT_TRUE(w.ok());
  std::string expected;
  for (int i = 0; i < 50000; ++i) {
    ASSERT_TRUE((*w)->Append({Value::Int(i), Value::String("row " + std::to_string(i))}).ok());
    expected += std::to_string(i) + ",row " + std::to_string(i) + "\n";
  }
  ASSERT_TRUE((*w)->Finish().ok());
  EXPECT_EQ(out.data().substr(0, 2), "\x1f\x8b");
  EXPECT_EQ(Gunzip(out.data()), expected);
  EXPECT_LT(out.data().size(), expected.size() / 3);
}

TEST(JsonLinesWriterTest, PlacesAndAbsentValues) {
  StringOutputStream out;
  std::vector<Column> cols = {Col("op", LogicalType::kString), Col("id", LogicalType::kInt32),
                              Col("name", LogicalType::kString), Col("id", LogicalType::kInt32),
                              Col("name", LogicalType::kString)};
  JsonLinesOptions opt;
  opt.places = {JsonPlace::kTop, JsonPlace::kData, JsonPlace::kData, JsonPlace::kOld,
                JsonPlace::kOld};
  auto w = JsonLinesWriter::Create(cols, opt, &out);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Append({Value::String("I"), Value::Int(1), Value::String("a"), Value::Absent(),
                            Value::Absent()})
                  .ok());
  ASSERT_TRUE((*w)->Append({Value::String("U"), Value::Int(1), Value::Null(), Value::Int(1),
                            Value::String("a")})
                  .ok());
  ASSERT_TRUE((*w)->Append({Value::String("U"), Value::Int(2), Value::Absent(), Value::Int(2),
                            Value::Absent()})
                  .ok());
  ASSERT_TRUE((*w)->Finish().ok());
  EXPECT_EQ(out.data(),
            "{\"op\":\"I\",\"data\":{\"id\":1,\"name\":\"a\"}}\n"
            "{\"op\":\"U\",\"data\":{\"id\":1,\"name\":null},\"old\":{\"id\":1,\"name\":\"a\"}}\n"
            "{\"op\":\"U\",\"data\":{\"id\":2},\"old\":{\"id\":2}}\n");
}

TEST(JsonLinesWriterTest, LayoutMustMatchColumns) {
  StringOutputStream out;
  JsonLinesOptions opt;
  opt.places = {JsonPlace::kTop};
  EXPECT_FALSE(JsonLinesWriter::Create({}, opt, &out).ok());
}

}  // namespace
}  // namespace binlake
