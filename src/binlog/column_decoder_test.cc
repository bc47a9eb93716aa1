#include "binlog/column_decoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "common/byte_reader.h"

namespace binlake {

// gtest prints Values readably.
inline void PrintTo(const Value& v, std::ostream* os) { *os << v.DebugString(); }

namespace {

Column Col(std::string name, bool is_unsigned = false, uint16_t collation = 45) {
  Column c;
  c.name = std::move(name);
  c.is_unsigned = is_unsigned;
  c.collation_id = collation;
  return c;
}

// Decodes `bytes` as one value and checks that exactly all bytes were consumed.
Value Decode(MysqlType type, uint16_t metadata, const Column& column, std::string_view bytes) {
  ByteReader in(bytes);
  Value v = Value::Absent();
  Status s = DecodeColumnValue(&in, ColumnWire{type, metadata}, column, &v);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(in.remaining(), 0u) << "bytes left over";
  return v;
}

Status DecodeError(MysqlType type, uint16_t metadata, const Column& column,
                   std::string_view bytes) {
  ByteReader in(bytes, 1000);
  Value v;
  return DecodeColumnValue(&in, ColumnWire{type, metadata}, column, &v);
}

std::string LE(uint64_t v, int n) {
  std::string s;
  AppendLE(&s, v, n);
  return s;
}
std::string BE(uint64_t v, int n) {
  std::string s;
  AppendBE(&s, v, n);
  return s;
}

TEST(ColumnDecoderTest, Integers) {
  Column s = Col("i");
  Column u = Col("u", true);
  EXPECT_EQ(Decode(MysqlType::kTiny, 0, s, "\x80"), Value::Int(-128));
  EXPECT_EQ(Decode(MysqlType::kTiny, 0, s, "\x7f"), Value::Int(127));
  EXPECT_EQ(Decode(MysqlType::kTiny, 0, u, "\xff"), Value::UInt(255));
  EXPECT_EQ(Decode(MysqlType::kShort, 0, s, LE(0x8000, 2)), Value::Int(-32768));
  EXPECT_EQ(Decode(MysqlType::kShort, 0, u, LE(0xffff, 2)), Value::UInt(65535));
  EXPECT_EQ(Decode(MysqlType::kInt24, 0, s, LE(0x800000, 3)), Value::Int(-8388608));
  EXPECT_EQ(Decode(MysqlType::kInt24, 0, s, LE(0x7fffff, 3)), Value::Int(8388607));
  EXPECT_EQ(Decode(MysqlType::kInt24, 0, s, LE(0xffffff, 3)), Value::Int(-1));
  EXPECT_EQ(Decode(MysqlType::kInt24, 0, u, LE(0xffffff, 3)), Value::UInt(16777215));
  EXPECT_EQ(Decode(MysqlType::kLong, 0, s, LE(0x80000000, 4)), Value::Int(-2147483648LL));
  EXPECT_EQ(Decode(MysqlType::kLong, 0, u, LE(0xffffffff, 4)), Value::UInt(4294967295u));
  EXPECT_EQ(Decode(MysqlType::kLongLong, 0, s, LE(0x8000000000000000ULL, 8)),
            Value::Int(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(Decode(MysqlType::kLongLong, 0, s, LE(0x7fffffffffffffffULL, 8)),
            Value::Int(std::numeric_limits<int64_t>::max()));
  EXPECT_EQ(Decode(MysqlType::kLongLong, 0, u, LE(~0ULL, 8)), Value::UInt(~0ULL));
}

TEST(ColumnDecoderTest, FloatingPointBitExact) {
  Column c = Col("f");
  float f = -0.0f;
  std::string fb(4, '\0');
  std::memcpy(fb.data(), &f, 4);
  Value v = Decode(MysqlType::kFloat, 4, c, fb);
  ASSERT_EQ(v.kind(), Value::Kind::kFloat);
  EXPECT_TRUE(std::signbit(v.float_value()));
  EXPECT_EQ(v, Value::Float(-0.0f));
  EXPECT_NE(v, Value::Float(0.0f));
  double d = 1.7976931348623157e308;
  std::string db(8, '\0');
  std::memcpy(db.data(), &d, 8);
  EXPECT_EQ(Decode(MysqlType::kDouble, 8, c, db), Value::Double(1.7976931348623157e308));
  d = 4.9e-324;
  std::memcpy(db.data(), &d, 8);
  EXPECT_EQ(Decode(MysqlType::kDouble, 8, c, db), Value::Double(4.9e-324));
}

TEST(ColumnDecoderTest, YearAndBit) {
  Column c = Col("y", true);
  EXPECT_EQ(Decode(MysqlType::kYear, 0, c, std::string(1, '\0')), Value::Int(0));
  EXPECT_EQ(Decode(MysqlType::kYear, 0, c, "\x01"), Value::Int(1901));
  EXPECT_EQ(Decode(MysqlType::kYear, 0, c, "\xff"), Value::Int(2155));
  // BIT metadata: low byte bits % 8, high byte full bytes.
  EXPECT_EQ(Decode(MysqlType::kBit, 0x0001, c, "\x01"), Value::UInt(1));          // BIT(1)
  EXPECT_EQ(Decode(MysqlType::kBit, 0x0100, c, "\xa5"), Value::UInt(0xa5));       // BIT(8)
  EXPECT_EQ(Decode(MysqlType::kBit, 0x0102, c, "\x02\x01"), Value::UInt(0x201));  // BIT(10)
  EXPECT_EQ(Decode(MysqlType::kBit, 0x0800, c, std::string(8, '\xff')), Value::UInt(~0ULL));
  EXPECT_EQ(Decode(MysqlType::kBit, 0x0800, c, BE(0x0102030405060708ULL, 8)),
            Value::UInt(0x0102030405060708ULL));
}

TEST(ColumnDecoderTest, NewDecimal) {
  Column c = Col("d");
  // DECIMAL(14,4): metadata precision << 8 | scale.
  EXPECT_EQ(Decode(MysqlType::kNewDecimal, (14 << 8) | 4, c,
                   std::string("\x7e\xf2\x04\xc7\x2d\xfb\x2d", 7)),
            Value::Decimal("-1234567890.1234"));
  Status s = DecodeError(MysqlType::kNewDecimal, (14 << 8) | 4, c, "\x7e\xf2");
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("column d"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("offset 1000"), std::string::npos) << s.message();
}

TEST(ColumnDecoderTest, Date) {
  Column c = Col("dt");
  auto date = [](int y, int m, int d) { return LE((y << 9) | (m << 5) | d, 3); };
  EXPECT_EQ(Decode(MysqlType::kDate, 0, c, date(2024, 2, 29)), Value::OfDate({2024, 2, 29}));
  EXPECT_EQ(Decode(MysqlType::kDate, 0, c, date(0, 0, 0)), Value::OfDate({0, 0, 0}));
  EXPECT_EQ(Decode(MysqlType::kDate, 0, c, date(2024, 0, 15)), Value::OfDate({2024, 0, 15}));
  EXPECT_EQ(Decode(MysqlType::kDate, 0, c, date(9999, 12, 31)), Value::OfDate({9999, 12, 31}));
  EXPECT_EQ(Decode(MysqlType::kNewDate, 0, c, date(1000, 1, 1)), Value::OfDate({1000, 1, 1}));
}

// The server's packed TIME: ((hour << 12 | minute << 6 | second) << 24) + micros, negated
// for negative values.
int64_t PackTime(bool neg, int64_t h, int64_t m, int64_t s, int64_t us) {
  int64_t v = (((h << 12) | (m << 6) | s) << 24) + us;
  return neg ? -v : v;
}

// TIME2 bytes for a packed value, following the server's encoder (integer part via arithmetic
// shift, fraction via C remainder, truncated to the stored precision).
std::string Time2(int64_t nr, int fsp) {
  int64_t int_part = nr >> 24;
  int64_t frac = nr % (int64_t{1} << 24);
  switch (fsp) {
    case 0:
      return BE(static_cast<uint64_t>(0x800000 + int_part), 3);
    case 1:
    case 2:
      return BE(static_cast<uint64_t>(0x800000 + int_part), 3) +
             std::string(1, static_cast<char>(static_cast<int8_t>(frac / 10000)));
    case 3:
    case 4:
      return BE(static_cast<uint64_t>(0x800000 + int_part), 3) +
             BE(static_cast<uint16_t>(static_cast<int16_t>(frac / 100)), 2);
    default:
      return BE(static_cast<uint64_t>(nr + 0x800000000000LL), 6);
  }
}

TEST(ColumnDecoderTest, Time2AllPrecisions) {
  Column c = Col("t");
  struct Case {
    bool neg;
    uint32_t h, m, s, us;
  };
  const Case cases[] = {
      {false, 0, 0, 0, 0},        {true, 838, 59, 59, 0},  {false, 838, 59, 59, 0},
      {true, 0, 0, 0, 500000},    {true, 0, 0, 1, 500000}, {false, 12, 34, 56, 789012},
      {true, 12, 34, 56, 789012}, {true, 1, 0, 0, 10000},  {false, 23, 59, 59, 990000}};
  for (int fsp = 0; fsp <= 6; ++fsp) {
    uint32_t unit = fsp == 0 ? 1000000 : fsp <= 2 ? 10000 : fsp <= 4 ? 100 : 1;
    for (const Case& k : cases) {
      // Truncate the fraction to what the precision can hold (0 for fsp 0).
      uint32_t us = fsp == 0 ? 0 : k.us / unit * unit;
      if (fsp == 1 || fsp == 3 || fsp == 5) us = us / (unit * 10) * (unit * 10);
      bool neg = k.neg && (k.h || k.m || k.s || us);
      int64_t nr = PackTime(neg, k.h, k.m, k.s, us);
      SCOPED_TRACE(testing::Message() << "fsp " << fsp << " packed " << nr);
      Duration want{neg, k.h, static_cast<uint8_t>(k.m), static_cast<uint8_t>(k.s), us};
      EXPECT_EQ(Decode(MysqlType::kTime2, static_cast<uint16_t>(fsp), c, Time2(nr, fsp)),
                Value::OfTime(want));
    }
  }
  // -838:59:59.000000 and -00:00:00.5 with literal bytes.
  EXPECT_EQ(Decode(MysqlType::kTime2, 6, c, std::string("\x4b\x91\x05\x00\x00\x00", 6)),
            Value::OfTime({true, 838, 59, 59, 0}));
  EXPECT_EQ(Decode(MysqlType::kTime2, 1, c, std::string("\x7f\xff\xff\xce", 4)),
            Value::OfTime({true, 0, 0, 0, 500000}));
  EXPECT_EQ(
      FormatDuration(
          Decode(MysqlType::kTime2, 6, c, std::string("\x4b\x91\x05\x00\x00\x00", 6)).time(), 6),
      "-838:59:59.000000");
}

std::string DateTime2(int y, int mo, int d, int h, int mi, int s, uint32_t us, int fsp) {
  uint64_t ymd = (static_cast<uint64_t>(y * 13 + mo) << 5) | static_cast<uint64_t>(d);
  uint64_t hms = static_cast<uint64_t>((h << 12) | (mi << 6) | s);
  std::string out = BE(((ymd << 17) | hms) + 0x8000000000ULL, 5);
  if (fsp > 0) {
    int n = (fsp + 1) / 2;
    uint32_t unit = fsp <= 2 ? 10000 : fsp <= 4 ? 100 : 1;
    out += BE(us / unit, n);
  }
  return out;
}

TEST(ColumnDecoderTest, DateTime2AllPrecisions) {
  Column c = Col("dt");
  for (int fsp = 0; fsp <= 6; ++fsp) {
    SCOPED_TRACE(fsp);
    uint32_t us = fsp == 0 ? 0 : fsp <= 2 ? 120000 : fsp <= 4 ? 123400 : 123456;
    EXPECT_EQ(Decode(MysqlType::kDateTime2, static_cast<uint16_t>(fsp), c,
                     DateTime2(2024, 2, 29, 23, 59, 58, us, fsp)),
              Value::OfDateTime({2024, 2, 29, 23, 59, 58, us}));
    EXPECT_EQ(Decode(MysqlType::kDateTime2, static_cast<uint16_t>(fsp), c,
                     DateTime2(0, 0, 0, 0, 0, 0, 0, fsp)),
              Value::OfDateTime({0, 0, 0, 0, 0, 0, 0}));
  }
  EXPECT_EQ(Decode(MysqlType::kDateTime2, 6, c, DateTime2(9999, 12, 31, 23, 59, 59, 999999, 6)),
            Value::OfDateTime({9999, 12, 31, 23, 59, 59, 999999}));
  EXPECT_EQ(Decode(MysqlType::kDateTime2, 0, c, DateTime2(2024, 0, 15, 1, 2, 3, 0, 0)),
            Value::OfDateTime({2024, 0, 15, 1, 2, 3, 0}));
}

TEST(ColumnDecoderTest, Timestamp2AllPrecisions) {
  Column c = Col("ts");
  for (int fsp = 0; fsp <= 6; ++fsp) {
    SCOPED_TRACE(fsp);
    uint32_t us = fsp == 0 ? 0 : fsp <= 2 ? 990000 : fsp <= 4 ? 999900 : 999999;
    std::string bytes = BE(2147483647, 4);
    if (fsp > 0) {
      uint32_t unit = fsp <= 2 ? 10000 : fsp <= 4 ? 100 : 1;
      bytes += BE(us / unit, (fsp + 1) / 2);
    }
    EXPECT_EQ(Decode(MysqlType::kTimestamp2, static_cast<uint16_t>(fsp), c, bytes),
              Value::OfTimestamp({2147483647, us}));
  }
  EXPECT_EQ(Decode(MysqlType::kTimestamp2, 0, c, BE(0, 4)), Value::OfTimestamp({0, 0}));
  EXPECT_EQ(Decode(MysqlType::kTimestamp2, 3, c, BE(1, 4) + BE(5, 2)),
            Value::OfTimestamp({1, 500}));
}

TEST(ColumnDecoderTest, OldTemporalTypes) {
  Column c = Col("old");
  EXPECT_EQ(Decode(MysqlType::kTime, 0, c, LE(8385959, 3)), Value::OfTime({false, 838, 59, 59, 0}));
  EXPECT_EQ(Decode(MysqlType::kTime, 0, c, LE(static_cast<uint32_t>(-8385959) & 0xffffff, 3)),
            Value::OfTime({true, 838, 59, 59, 0}));
  EXPECT_EQ(Decode(MysqlType::kDateTime, 0, c, LE(20240229235958ULL, 8)),
            Value::OfDateTime({2024, 2, 29, 23, 59, 58, 0}));
  EXPECT_EQ(Decode(MysqlType::kDateTime, 0, c, LE(0, 8)), Value::OfDateTime({0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Decode(MysqlType::kTimestamp, 0, c, LE(1700000000, 4)),
            Value::OfTimestamp({1700000000, 0}));
  EXPECT_EQ(DecodeError(MysqlType::kDateTime, 3, c, LE(0, 8)).code(), StatusCode::kUnimplemented);
}

TEST(ColumnDecoderTest, Varchar) {
  Column utf8 = Col("v", false, 45);
  EXPECT_EQ(Decode(MysqlType::kVarchar, 40, utf8, "\x04\xf0\x9f\x98\x80"),
            Value::String("\xf0\x9f\x98\x80"));
  EXPECT_EQ(Decode(MysqlType::kVarchar, 40, utf8, std::string(1, '\0')), Value::String(""));
  // Max length > 255 bytes: two-byte length prefix.
  EXPECT_EQ(Decode(MysqlType::kVarchar, 1020, utf8, LE(3, 2) + "abc"), Value::String("abc"));
  Column latin1 = Col("l", false, 8);
  EXPECT_EQ(Decode(MysqlType::kVarchar, 10, latin1,
                   "\x04"
                   "caf\xe9"),
            Value::String("caf\xc3\xa9"));
  Column bin = Col("b", false, 63);
  EXPECT_EQ(Decode(MysqlType::kVarchar, 10, bin, std::string("\x03\x00\x01\x00", 4)),
            Value::Bytes(std::string("\x00\x01\x00", 3)));
  Column unknown = Col("x", false, 0);
  EXPECT_EQ(Decode(MysqlType::kVarchar, 10, unknown, "\x02hi"), Value::Bytes("hi"));
  Column gbk = Col("g", false, 28);
  Status s = DecodeError(MysqlType::kVarchar, 10, gbk, "\x02hi");
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented);
  EXPECT_NE(s.message().find("gbk"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("column g"), std::string::npos) << s.message();
}

TEST(ColumnDecoderTest, CharAndBinary) {
  // CHAR(10) utf8mb4 = 40 bytes: metadata (0xfe << 8) | 40.
  Column c = Col("c", false, 45);
  EXPECT_EQ(Decode(MysqlType::kString, 0xfe28, c, "\x02hi"), Value::String("hi"));
  // CHAR(255) utf8mb4 = 1020 bytes: the high bits of the length ride in the type byte
  // (0xfe ^ ((1020 & 0x300) >> 4) = 0xce), and the length prefix is 2 bytes.
  uint16_t md = static_cast<uint16_t>((0xce << 8) | (1020 & 0xff));
  ColumnWire wire{MysqlType::kString, md};
  EXPECT_EQ(RealType(wire), MysqlType::kString);
  Column described = c;
  DescribeColumn(wire, &described);
  EXPECT_EQ(described.precision, 1020);
  EXPECT_EQ(Decode(MysqlType::kString, md, c, LE(300, 2) + std::string(300, 'x')),
            Value::String(std::string(300, 'x')));
  // BINARY(4): the binlog drops trailing zero bytes; the value is padded back.
  Column b = Col("b", false, 63);
  EXPECT_EQ(Decode(MysqlType::kString, 0xfe04, b, std::string("\x02\x61\x00", 3)),
            Value::Bytes(std::string("a\0\0\0", 4)));
  EXPECT_EQ(Decode(MysqlType::kString, 0xfe04, b, std::string(1, '\0')),
            Value::Bytes(std::string(4, '\0')));
  EXPECT_EQ(Decode(MysqlType::kString, 0xfe04, b, "\x04wxyz"), Value::Bytes("wxyz"));
  EXPECT_EQ(DecodeError(MysqlType::kString, 0xfe04, b, "\x05vwxyz").code(),
            StatusCode::kCorruption);
}

TEST(ColumnDecoderTest, EnumAndSet) {
  Column e = Col("e");
  e.elements = {"small", "medium", "large"};
  // ENUM hidden in STRING metadata: (0xf7 << 8) | pack length.
  EXPECT_EQ(RealType({MysqlType::kString, 0xf701}), MysqlType::kEnum);
  EXPECT_EQ(Decode(MysqlType::kString, 0xf701, e, "\x02"), Value::String("medium"));
  EXPECT_EQ(Decode(MysqlType::kString, 0xf701, e, std::string(1, '\0')), Value::String(""));
  EXPECT_EQ(DecodeError(MysqlType::kString, 0xf701, e, "\x04").code(), StatusCode::kCorruption);
  Column e2 = Col("e2");
  EXPECT_EQ(Decode(MysqlType::kString, 0xf702, e2, LE(300, 2)), Value::UInt(300));
  Column s = Col("s");
  s.elements = {"a", "b", "c"};
  EXPECT_EQ(RealType({MysqlType::kString, 0xf801}), MysqlType::kSet);
  EXPECT_EQ(Decode(MysqlType::kString, 0xf801, s, "\x05"), Value::String("a,c"));
  EXPECT_EQ(Decode(MysqlType::kString, 0xf801, s, std::string(1, '\0')), Value::String(""));
  EXPECT_EQ(DecodeError(MysqlType::kString, 0xf801, s, "\x08").code(), StatusCode::kCorruption);
  Column s64 = Col("s64");
  EXPECT_EQ(Decode(MysqlType::kString, 0xf808, s64, LE(~0ULL, 8)), Value::UInt(~0ULL));
  // Member names in latin1 come out as UTF-8.
  Column l = Col("l", false, 8);
  l.elements = {"caf\xe9"};
  EXPECT_EQ(Decode(MysqlType::kString, 0xf701, l, "\x01"), Value::String("caf\xc3\xa9"));
}

TEST(ColumnDecoderTest, BlobTextGeometryVector) {
  Column text = Col("t", false, 45);
  Column blob = Col("b", false, 63);
  EXPECT_EQ(Decode(MysqlType::kBlob, 1, text,
                   "\x03"
                   "abc"),
            Value::String("abc"));
  EXPECT_EQ(Decode(MysqlType::kBlob, 2, blob, LE(2, 2) + std::string("\x00\xff", 2)),
            Value::Bytes(std::string("\x00\xff", 2)));
  EXPECT_EQ(Decode(MysqlType::kBlob, 3, blob, LE(1, 3) + "z"), Value::Bytes("z"));
  EXPECT_EQ(Decode(MysqlType::kBlob, 4, text, LE(0, 4)), Value::String(""));
  std::string big(5 << 20, 'q');
  EXPECT_EQ(Decode(MysqlType::kBlob, 4, blob, LE(big.size(), 4) + big), Value::Bytes(big));
  std::string wkb("\x00\x00\x00\x00\x01\x01\x00\x00\x00", 9);
  wkb += std::string(16, '\x00');
  EXPECT_EQ(Decode(MysqlType::kGeometry, 4, Col("g", false, 63), LE(wkb.size(), 4) + wkb),
            Value::Bytes(wkb));
  std::string vec(8, '\0');
  float f[2] = {1.5f, -2.0f};
  std::memcpy(vec.data(), f, 8);
  EXPECT_EQ(Decode(MysqlType::kVector, 4, Col("v", false, 63), LE(8, 4) + vec), Value::Bytes(vec));
  Status s = DecodeError(MysqlType::kBlob, 4, blob, LE(10, 4) + "abc");
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("column b"), std::string::npos) << s.message();
}

TEST(ColumnDecoderTest, JsonColumn) {
  // A MySQL JSON column: 4-byte length then binary JSON (here the literal true).
  EXPECT_EQ(Decode(MysqlType::kJson, 4, Col("j", false, 63), LE(2, 4) + "\x04\x01"),
            Value::Json("true"));
  EXPECT_EQ(Decode(MysqlType::kJson, 4, Col("j", false, 63), LE(0, 4)), Value::Json("null"));
}

TEST(ColumnDecoderTest, DescribeColumn) {
  Column c;
  DescribeColumn({MysqlType::kNewDecimal, (65 << 8) | 30}, &c);
  EXPECT_EQ(c.type, LogicalType::kDecimal);
  EXPECT_EQ(c.precision, 65);
  EXPECT_EQ(c.scale, 30);
  DescribeColumn({MysqlType::kTime2, 4}, &c);
  EXPECT_EQ(c.type, LogicalType::kTime);
  EXPECT_EQ(c.scale, 4);
  DescribeColumn({MysqlType::kBit, 0x0102}, &c);
  EXPECT_EQ(c.type, LogicalType::kBit);
  EXPECT_EQ(c.precision, 10);
  Column e;
  DescribeColumn({MysqlType::kString, 0xf802}, &e);
  EXPECT_EQ(e.mysql_type, MysqlType::kSet);
  EXPECT_EQ(e.type, LogicalType::kSet);
  Column b;
  b.collation_id = 63;
  DescribeColumn({MysqlType::kVarchar, 300}, &b);
  EXPECT_EQ(b.type, LogicalType::kBinary);
  EXPECT_EQ(b.precision, 300);
  Column unknown_charset;  // collation 0: values stay bytes, so the column is binary
  DescribeColumn({MysqlType::kBlob, 2}, &unknown_charset);
  EXPECT_EQ(unknown_charset.type, LogicalType::kBinary);
  Column text;
  text.collation_id = 8;
  DescribeColumn({MysqlType::kBlob, 2}, &text);
  EXPECT_EQ(text.type, LogicalType::kString);
  EXPECT_EQ(StringMaxLength(0), 0);
  EXPECT_EQ(StringMaxLength(0xfe28), 40);
  EXPECT_EQ(StringMaxLength(0xce00 | (1020 & 0xff)), 1020);
  Column ts;
  DescribeColumn({MysqlType::kTimestamp2, 6}, &ts);
  EXPECT_EQ(ts.type, LogicalType::kTimestamp);
  EXPECT_EQ(ts.scale, 6);
}

// Random bytes under every type and metadata shape: an error or a value, never a crash or a
// read past the input.
TEST(ColumnDecoderTest, RandomInputNeverCrashes) {
  const MysqlType types[] = {
      MysqlType::kTiny,       MysqlType::kShort,      MysqlType::kInt24,     MysqlType::kLong,
      MysqlType::kLongLong,   MysqlType::kFloat,      MysqlType::kDouble,    MysqlType::kYear,
      MysqlType::kBit,        MysqlType::kNewDecimal, MysqlType::kDate,      MysqlType::kTime,
      MysqlType::kDateTime,   MysqlType::kTimestamp,  MysqlType::kTime2,     MysqlType::kDateTime2,
      MysqlType::kTimestamp2, MysqlType::kVarchar,    MysqlType::kString,    MysqlType::kBlob,
      MysqlType::kJson,       MysqlType::kGeometry,   MysqlType::kVector,    MysqlType::kDecimal,
      MysqlType::kEnum,       MysqlType::kSet,        MysqlType::kVarString, MysqlType::kNull};
  uint32_t seed = 777;
  auto next = [&]() { return seed = seed * 1103515245u + 12345u; };
  Column columns[4] = {Col("a", false, 45), Col("b", true, 63), Col("c", false, 8),
                       Col("d", false, 54)};
  columns[0].elements = {"x", "y"};
  for (int i = 0; i < 50000; ++i) {
    std::string bytes(next() % 24, '\0');
    for (char& c : bytes) c = static_cast<char>(next() >> 16);
    uint16_t md = static_cast<uint16_t>(next() >> 8);
    if (i % 2) md &= 0xff0f;  // plausible lengths and precisions more often
    ByteReader in(bytes);
    Value v;
    Status s = DecodeColumnValue(&in, {types[i % std::size(types)], md}, columns[i % 4], &v);
    ASSERT_LE(in.position(), bytes.size());
    if (!s.ok()) {
      ASSERT_FALSE(s.message().empty());
    }
  }
}

}  // namespace
}  // namespace binlake
