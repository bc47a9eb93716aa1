#include "binlog/row_image.h"

#include <gtest/gtest.h>

#include "common/byte_reader.h"

namespace binlake {

inline void PrintTo(const Value& v, std::ostream* os) { *os << v.DebugString(); }

namespace {

TableSchema Schema(std::vector<std::string> names) {
  TableSchema s;
  s.database = "shop";
  s.table = "orders";
  for (auto& n : names) {
    Column c;
    c.name = n;
    c.collation_id = 45;
    s.columns.push_back(c);
  }
  return s;
}

TEST(RowImageTest, NullsAndAbsentColumns) {
  TableSchema schema = Schema({"id", "name", "note", "qty"});
  std::vector<ColumnWire> wire = {{MysqlType::kLong, 0},
                                  {MysqlType::kVarchar, 20},
                                  {MysqlType::kVarchar, 20},
                                  {MysqlType::kShort, 0}};
  // All four present; "note" is NULL (bit 2 of the NULL bitmap).
  std::string bytes("\x04", 1);
  AppendLE(&bytes, 7, 4);
  bytes +=
      "\x03"
      "abc";
  AppendLE(&bytes, 0xfffe, 2);
  bytes += "TRAILER";
  ByteReader in(bytes);
  Row row;
  ASSERT_TRUE(DecodeRowImage(&in, wire, schema, "\x0f", {}, &row).ok());
  EXPECT_EQ(row, (Row{Value::Int(7), Value::String("abc"), Value::Null(), Value::Int(-2)}));
  EXPECT_EQ(in.Rest(), "TRAILER");

  // Only id and qty present (MINIMAL image): the NULL bitmap covers two columns.
  std::string minimal("\x02", 1);  // qty (second present column) is NULL
  AppendLE(&minimal, 9, 4);
  ByteReader in2(minimal);
  ASSERT_TRUE(DecodeRowImage(&in2, wire, schema, "\x09", {}, &row).ok());
  EXPECT_EQ(row, (Row{Value::Int(9), Value::Absent(), Value::Absent(), Value::Null()}));
  EXPECT_TRUE(in2.empty());
}

TEST(RowImageTest, ManyColumnsNullBitmapSpansBytes) {
  std::vector<std::string> names;
  std::vector<ColumnWire> wire;
  for (int i = 0; i < 10; ++i) {
    names.push_back("c" + std::to_string(i));
    wire.push_back({MysqlType::kTiny, 0});
  }
  TableSchema schema = Schema(names);
  std::string bytes("\x55\x02", 2);  // columns 0,2,4,6,9 NULL
  for (int i : {1, 3, 5, 7, 8}) bytes.push_back(static_cast<char>(i));
  ByteReader in(bytes);
  Row row;
  ASSERT_TRUE(DecodeRowImage(&in, wire, schema, "\xff\x03", {}, &row).ok());
  Row want = {Value::Null(), Value::Int(1), Value::Null(), Value::Int(3), Value::Null(),
              Value::Int(5), Value::Null(), Value::Int(7), Value::Int(8), Value::Null()};
  EXPECT_EQ(row, want);
}

TEST(RowImageTest, ErrorsNameTableColumnAndOffset) {
  TableSchema schema = Schema({"id", "name"});
  std::vector<ColumnWire> wire = {{MysqlType::kLong, 0}, {MysqlType::kVarchar, 20}};
  std::string bytes(
      "\x00\x01\x00\x00\x00\x09"
      "ab",
      8);  // name claims 9 bytes, has 2
  ByteReader in(bytes, 5000);
  Row row;
  Status s = DecodeRowImage(&in, wire, schema, "\x03", {}, &row);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("shop.orders"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("column name"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("offset 5005"), std::string::npos) << s.message();

  ByteReader empty("", 77);
  s = DecodeRowImage(&empty, wire, schema, "\x03", {}, &row);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("offset 77"), std::string::npos) << s.message();
}

TEST(RowImageTest, PartialJsonAppliesDiffToBeforeImage) {
  TableSchema schema = Schema({"id", "doc", "other"});
  std::vector<ColumnWire> wire = {
      {MysqlType::kLong, 0}, {MysqlType::kJson, 4}, {MysqlType::kJson, 4}};
  Row before = {Value::Int(1), Value::Json(R"({"a": 1})"), Value::Json("[]")};
  // doc: a diff REPLACE $.a = true; other: a full document (literal false).
  std::string diff("\x00\x03$.a\x02\x04\x01", 8);
  std::string bytes("\x00", 1);
  AppendLE(&bytes, 1, 4);
  AppendLE(&bytes, diff.size(), 4);
  bytes += diff;
  AppendLE(&bytes, 2, 4);
  bytes += "\x04\x02";
  RowImageOptions options;
  options.partial_json = true;
  options.partial_json_bits = "\x01";  // first JSON column only
  options.before = &before;
  ByteReader in(bytes);
  Row row;
  Status s = DecodeRowImage(&in, wire, schema, "\x07", options, &row);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(row, (Row{Value::Int(1), Value::Json(R"({"a": true})"), Value::Json("false")}));

  // Without a before-image value the diff cannot be applied: a clear error, not a guess.
  Row no_before = {Value::Int(1), Value::Absent(), Value::Json("[]")};
  options.before = &no_before;
  ByteReader in2(bytes);
  s = DecodeRowImage(&in2, wire, schema, "\x07", options, &row);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("binlog_row_image=FULL"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace binlake
