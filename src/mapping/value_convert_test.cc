#include "mapping/value_convert.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

Column Type(std::string_view t, int length = 0, int precision = 0, int scale = 0) {
  Result<Column> c = DmsColumnType(t, length, precision, scale);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return *c;
}

Column Source(LogicalType t, bool is_unsigned = false, int precision = 0, int scale = 0) {
  Column c;
  c.name = "c";
  c.type = t;
  c.is_unsigned = is_unsigned;
  c.precision = precision;
  c.scale = scale;
  return c;
}

TEST(ValueConvertTest, DecimalsNormaliseAndCompareExactly) {
  EXPECT_EQ(*NormalizeDecimal("-0012.3400"), "-12.34");
  EXPECT_EQ(*NormalizeDecimal("-0.000"), "0");
  EXPECT_EQ(*NormalizeDecimal(".5"), "0.5");
  EXPECT_FALSE(NormalizeDecimal("1e5"));
  EXPECT_FALSE(NormalizeDecimal("-"));
  EXPECT_FALSE(NormalizeDecimal("12a"));
  EXPECT_EQ(CompareDecimal("99999999999999999999999.000000001", "99999999999999999999999"), 1);
  EXPECT_EQ(CompareDecimal("-2", "-10"), 1);
  EXPECT_EQ(CompareDecimal("-0.0", "0"), 0);
  EXPECT_EQ(CompareDecimal("18446744073709551615", "18446744073709551614.9"), 1);
}

TEST(ValueConvertTest, IntegersConvertOnlyWhenTheyFit) {
  Column from = Source(LogicalType::kInt64);
  EXPECT_EQ(*ConvertValue(Value::Int(127), from, Type("int1")), Value::Int(127));
  EXPECT_FALSE(ConvertValue(Value::Int(128), from, Type("int1")).ok());
  EXPECT_FALSE(ConvertValue(Value::Int(-1), from, Type("uint4")).ok());
  EXPECT_EQ(*ConvertValue(Value::Int(-32768), from, Type("int2")), Value::Int(-32768));
  Column text = Source(LogicalType::kString);
  EXPECT_EQ(*ConvertValue(Value::String("18446744073709551615"), text, Type("uint8")),
            Value::UInt(18446744073709551615ull));
  EXPECT_FALSE(ConvertValue(Value::String("18446744073709551616"), text, Type("uint8")).ok());
  EXPECT_FALSE(ConvertValue(Value::String("1.5"), text, Type("int8")).ok());
  EXPECT_EQ(*ConvertValue(Value::String("-9223372036854775808"), text, Type("int8")),
            Value::Int(INT64_MIN));
}

TEST(ValueConvertTest, NumericKeepsEveryDigitOrFails) {
  Column dec = Source(LogicalType::kDecimal, false, 10, 4);
  EXPECT_EQ(*ConvertValue(Value::Decimal("12.3400"), dec, Type("numeric", 0, 6, 2)),
            Value::Decimal("12.34"));
  EXPECT_FALSE(ConvertValue(Value::Decimal("12.3450"), dec, Type("numeric", 0, 6, 2)).ok());
  EXPECT_FALSE(ConvertValue(Value::Decimal("12345.0000"), dec, Type("numeric", 0, 6, 2)).ok());
  Column dbl = Source(LogicalType::kDouble);
  EXPECT_EQ(*ConvertValue(Value::Double(1.5e-7), dbl, Type("numeric", 0, 10, 8)),
            Value::Decimal("0.00000015"));
  EXPECT_EQ(*ConvertValue(Value::Int(-7), Source(LogicalType::kInt32), Type("numeric", 0, 5, 2)),
            Value::Decimal("-7.00"));
}

TEST(ValueConvertTest, TextAndTemporal) {
  Column i = Source(LogicalType::kInt32);
  EXPECT_EQ(*ConvertValue(Value::Int(-5), i, Type("string", 10)), Value::String("-5"));
  EXPECT_FALSE(
      ConvertValue(Value::String("héllo!"), Source(LogicalType::kString), Type("string", 5)).ok());
  EXPECT_EQ(*ConvertValue(Value::String("héllo"), Source(LogicalType::kString), Type("string", 5)),
            Value::String("héllo"));
  EXPECT_FALSE(
      ConvertValue(Value::Bytes("\xff"), Source(LogicalType::kBinary), Type("string")).ok());
  Column dt = Source(LogicalType::kDateTime, false, 0, 6);
  Value v = Value::OfDateTime(DateTime{2024, 2, 29, 23, 59, 58, 123456});
  EXPECT_EQ(*ConvertValue(v, dt, Type("string")), Value::String("2024-02-29 23:59:58.123456"));
  EXPECT_FALSE(ConvertValue(v, dt, Type("date")).ok());
  EXPECT_EQ(*ConvertValue(Value::String("2024-02-29"), Source(LogicalType::kString), Type("date")),
            Value::OfDate(Date{2024, 2, 29}));
  EXPECT_FALSE(
      ConvertValue(Value::String("yesterday"), Source(LogicalType::kString), Type("date")).ok());
  // A TIMESTAMP becomes its UTC wall-clock reading.
  Value ts = Value::OfTimestamp(Timestamp{86400, 5});
  EXPECT_EQ(*ConvertValue(ts, Source(LogicalType::kTimestamp, false, 0, 6), Type("datetime")),
            Value::OfDateTime(DateTime{1970, 1, 2, 0, 0, 0, 5}));
}

TEST(ValueConvertTest, TypesBinlakeDoesNotWriteAreRefusedWithAnAlternative) {
  Result<Column> b = DmsColumnType("boolean", 0, 0, 0);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("int1"), std::string::npos);
  EXPECT_FALSE(DmsColumnType("map", 0, 0, 0).ok());
  EXPECT_FALSE(DmsColumnType("numeric", 0, 70, 2).ok());
}

TEST(ValueConvertTest, DateTimeTextParses) {
  EXPECT_TRUE(ParseDateTimeText("2024-01-02"));
  EXPECT_TRUE(ParseDateTimeText("2024-01-02T03:04:05.5"));
  EXPECT_FALSE(ParseDateTimeText("2024-01-02 25:00:00"));
  EXPECT_FALSE(ParseDateTimeText("2024-01-02 03:04:05.1234567"));
  EXPECT_LT(InstantCode(*ParseDateTimeText("2024-01-02")),
            InstantCode(*ParseDateTimeText("2024-01-02 00:00:00.000001")));
  EXPECT_EQ(DurationMicros(*ParseDurationText("-838:59:59.000001")), -3020399000001);
}

}  // namespace
}  // namespace binlake
