#include "binlog/server_table.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

Column Col(LogicalType type, bool is_unsigned = false, int scale = 0) {
  Column c;
  c.name = "c";
  c.type = type;
  c.is_unsigned = is_unsigned;
  c.scale = scale;
  c.collation_id = 45;  // utf8mb4
  return c;
}

Value Parse(const Column& c, std::string_view text) {
  Value v;
  Status s = ParseSelectedValue(c, text, &v);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return v;
}

TEST(ServerTableTest, IntegersAtTheirEdges) {
  EXPECT_EQ(Parse(Col(LogicalType::kInt64), "-9223372036854775808"), Value::Int(INT64_MIN));
  EXPECT_EQ(Parse(Col(LogicalType::kInt64, true), "18446744073709551615"), Value::UInt(UINT64_MAX));
  EXPECT_EQ(Parse(Col(LogicalType::kYear), "0"), Value::Int(0));
  EXPECT_EQ(Parse(Col(LogicalType::kBit), "18446744073709551615"), Value::UInt(UINT64_MAX));
  Value v;
  EXPECT_EQ(ParseSelectedValue(Col(LogicalType::kInt32), "12x", &v).code(),
            StatusCode::kCorruption);
}

TEST(ServerTableTest, FloatsRoundTripExactly) {
  // FLOAT is selected widened to DOUBLE, whose text round-trips; narrowing gives it back.
  EXPECT_EQ(Parse(Col(LogicalType::kFloat), "3.4028234663852886e38"),
            Value::Float(3.4028234663852886e38f));
  EXPECT_EQ(Parse(Col(LogicalType::kFloat), "1.401298464324817e-45"),
            Value::Float(1.401298464324817e-45f));
  EXPECT_EQ(Parse(Col(LogicalType::kDouble), "5e-324"), Value::Double(5e-324));
  EXPECT_EQ(Parse(Col(LogicalType::kDouble), "-1.7976931348623157e308"),
            Value::Double(-1.7976931348623157e308));
}

TEST(ServerTableTest, Temporals) {
  EXPECT_EQ(Parse(Col(LogicalType::kDate), "0000-00-00"), Value::OfDate(Date{0, 0, 0}));
  EXPECT_EQ(Parse(Col(LogicalType::kDate), "9999-12-31"), Value::OfDate(Date{9999, 12, 31}));
  EXPECT_EQ(Parse(Col(LogicalType::kTime, false, 6), "-838:59:59.999999"),
            Value::OfTime(Duration{true, 838, 59, 59, 999999}));
  EXPECT_EQ(Parse(Col(LogicalType::kTime, false, 2), "-00:00:00.01"),
            Value::OfTime(Duration{true, 0, 0, 0, 10000}));
  EXPECT_EQ(Parse(Col(LogicalType::kTime, false, 0), "12:34:56"),
            Value::OfTime(Duration{false, 12, 34, 56, 0}));
  EXPECT_EQ(Parse(Col(LogicalType::kDateTime, false, 3), "1000-01-01 00:00:00.001"),
            Value::OfDateTime(DateTime{1000, 1, 1, 0, 0, 0, 1000}));
  EXPECT_EQ(Parse(Col(LogicalType::kDateTime), "0000-00-00 00:00:00"),
            Value::OfDateTime(DateTime{0, 0, 0, 0, 0, 0, 0}));
  // TIMESTAMP text is UTC (the session's time_zone is +00:00).
  EXPECT_EQ(Parse(Col(LogicalType::kTimestamp, false, 6), "2038-01-19 03:14:07.999999"),
            Value::OfTimestamp(Timestamp{2147483647, 999999}));
  EXPECT_EQ(Parse(Col(LogicalType::kTimestamp), "1970-01-01 00:00:01"),
            Value::OfTimestamp(Timestamp{1, 0}));
  EXPECT_EQ(Parse(Col(LogicalType::kTimestamp), "0000-00-00 00:00:00"),
            Value::OfTimestamp(Timestamp{0, 0}));
  Value v;
  EXPECT_FALSE(ParseSelectedValue(Col(LogicalType::kDate), "2024-1-01", &v).ok());
  EXPECT_FALSE(ParseSelectedValue(Col(LogicalType::kTime), "12:34", &v).ok());
  EXPECT_FALSE(
      ParseSelectedValue(Col(LogicalType::kDateTime, false, 6), "2024-01-01 00:00:00.1234567", &v)
          .ok());
}

TEST(ServerTableTest, StringsEnumsAndSets) {
  Column latin1 = Col(LogicalType::kString);
  latin1.collation_id = 8;  // latin1_swedish_ci: bytes arrive in latin1
  EXPECT_EQ(Parse(latin1, "\xe9t\xe9"), Value::String("\xc3\xa9t\xc3\xa9"));
  Column bin = Col(LogicalType::kBinary);
  bin.collation_id = kBinaryCollationId;
  EXPECT_EQ(Parse(bin, std::string_view("\0\xff", 2)), Value::Bytes(std::string("\0\xff", 2)));
  Column e = Col(LogicalType::kEnum);
  e.elements = {"a", "b"};
  EXPECT_EQ(Parse(e, "2"), Value::String("b"));
  EXPECT_EQ(Parse(e, "0"), Value::String(""));
  Column s = Col(LogicalType::kSet);
  s.elements = {"x", "y", "z"};
  EXPECT_EQ(Parse(s, "5"), Value::String("x,z"));
  Value v;
  EXPECT_EQ(ParseSelectedValue(e, "3", &v).code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseSelectedValue(e, std::nullopt, &v).code(), StatusCode::kOk);
  EXPECT_EQ(v, Value::Null());
}

TEST(ServerTableTest, SelectExpressionsAndKeyLiterals) {
  Column f = Col(LogicalType::kFloat);
  f.name = "we`ird";
  EXPECT_EQ(SelectExpression(f), "CAST(`we``ird` AS DOUBLE)");
  EXPECT_EQ(SelectExpression(Col(LogicalType::kEnum)), "(`c` + 0)");
  EXPECT_EQ(SelectExpression(Col(LogicalType::kInt32)), "`c`");
  EXPECT_EQ(KeyLiteral(Col(LogicalType::kInt64), "", "-5"), "-5");
  EXPECT_EQ(KeyLiteral(Col(LogicalType::kString), "latin1", "a'b"), "_latin1 X'612762'");
  EXPECT_EQ(KeyLiteral(Col(LogicalType::kBinary), "binary", "\x01"), "X'01'");
  EXPECT_EQ(KeyLiteral(Col(LogicalType::kDateTime), "", "2024-01-01 00:00:00"),
            "'2024-01-01 00:00:00'");
  EXPECT_TRUE(ChunkableKeyColumn(Col(LogicalType::kDecimal)));
  EXPECT_FALSE(ChunkableKeyColumn(Col(LogicalType::kFloat)));
  EXPECT_FALSE(ChunkableKeyColumn(Col(LogicalType::kEnum)));
}

}  // namespace
}  // namespace binlake
