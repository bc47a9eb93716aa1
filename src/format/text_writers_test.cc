// Tests of the canonical value text, the CSV and JSON-lines writers, and gzip output.
#include <gtest/gtest.h>
#include <zlib.h>

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
