#include "model/value.h"

#include <gtest/gtest.h>

#include "model/change.h"
#include "model/table_schema.h"

namespace binlake {
namespace {

TEST(ValueTest, KindsAndEquality) {
  EXPECT_TRUE(Value().is_null());
  EXPECT_TRUE(Value::Absent().is_absent());
  EXPECT_EQ(Value::Int(-5), Value::Int(-5));
  EXPECT_NE(Value::Int(5), Value::UInt(5));
  EXPECT_NE(Value::String("a"), Value::Bytes("a"));
  EXPECT_EQ(Value::Decimal("1.50").bytes(), "1.50");
  // -0.0 and 0.0 are different values: bitwise comparison.
  EXPECT_NE(Value::Double(-0.0), Value::Double(0.0));
  EXPECT_EQ(Value::Bytes(std::string("\0\1", 2)).DebugString(), "0x0001");
}

TEST(ValueTest, FormatTemporal) {
  EXPECT_EQ(FormatDate({0, 0, 0}), "0000-00-00");
  EXPECT_EQ(FormatDate({2024, 2, 29}), "2024-02-29");
  EXPECT_EQ(FormatDuration({true, 838, 59, 59, 0}, 0), "-838:59:59");
  EXPECT_EQ(FormatDuration({true, 0, 0, 0, 500000}, 6), "-00:00:00.500000");
  EXPECT_EQ(FormatDuration({false, 1, 2, 3, 450000}, 2), "01:02:03.45");
  EXPECT_EQ(FormatDateTime({9999, 12, 31, 23, 59, 59, 999999}, 6), "9999-12-31 23:59:59.999999");
  EXPECT_EQ(FormatDateTime({2024, 1, 2, 3, 4, 5, 120000}, 3), "2024-01-02 03:04:05.120");
}

TEST(ValueTest, TimestampToUtc) {
  EXPECT_EQ(FormatTimestamp({0, 0}, 0), "0000-00-00 00:00:00");
  EXPECT_EQ(FormatTimestamp({1, 0}, 0), "1970-01-01 00:00:01");
  EXPECT_EQ(FormatTimestamp({2147483647, 999999}, 6), "2038-01-19 03:14:07.999999");
  EXPECT_EQ(FormatTimestamp({951782400, 0}, 0), "2000-02-29 00:00:00");
  EXPECT_EQ(FormatTimestamp({1709164800 + 86399, 0}, 0), "2024-02-29 23:59:59");
}

TEST(TableSchemaTest, FindColumnIsCaseInsensitive) {
  TableSchema t;
  t.columns.resize(2);
  t.columns[0].name = "id";
  t.columns[1].name = "Name";
  EXPECT_EQ(t.FindColumn("NAME"), 1);
  EXPECT_EQ(t.FindColumn("missing"), -1);
}

TEST(ChangeTest, OpLettersAndPositions) {
  EXPECT_EQ(OpLetter(Op::kInsert), 'I');
  EXPECT_EQ(OpLetter(Op::kUpdate), 'U');
  EXPECT_EQ(OpLetter(Op::kDelete), 'D');
  BinlogPosition a{"bin.000001", 500}, b{"bin.000002", 4};
  EXPECT_LT(a, b);
  EXPECT_EQ(a.ToString(), "bin.000001:500");
}

}  // namespace
}  // namespace binlake
