#include "format/decimal_encoding.h"

#include <gtest/gtest.h>

#include <string>

namespace binlake {
namespace {

std::string Hex(const std::string& s) {
  static const char* kDigits = "0123456789abcdef";
  std::string h;
  for (unsigned char c : s) {
    h.push_back(kDigits[c >> 4]);
    h.push_back(kDigits[c & 15]);
  }
  return h;
}

std::string Fixed(std::string_view text, int precision, int scale) {
  std::string out(DecimalFixedWidth(precision), '\0');
  Status s = DecimalToFixed(text, precision, scale, static_cast<int>(out.size()), out.data());
  EXPECT_TRUE(s.ok()) << s.ToString();
  return Hex(out);
}

TEST(DecimalEncodingTest, Int64) {
  EXPECT_EQ(*DecimalToInt64("-12.340", 5, 3), -12340);
  EXPECT_EQ(*DecimalToInt64("12.34", 5, 3), 12340);  // padded to the scale
  EXPECT_EQ(*DecimalToInt64("1.2300", 5, 2), 123);   // extra zeros are exact
  EXPECT_EQ(*DecimalToInt64("0", 1, 0), 0);
  EXPECT_EQ(*DecimalToInt64("-0.00", 3, 2), 0);
  EXPECT_EQ(*DecimalToInt64("+7", 1, 0), 7);
  EXPECT_EQ(*DecimalToInt64(".5", 1, 1), 5);
  EXPECT_EQ(*DecimalToInt64("999999999999999999", 18, 0), 999999999999999999);
  EXPECT_EQ(*DecimalToInt64("-999999999.999999999", 18, 9), -999999999999999999);
  EXPECT_EQ(*DecimalToInt64("000123.4", 4, 1), 1234);  // leading zeros are not digits
}

TEST(DecimalEncodingTest, Int64Errors) {
  auto r = DecimalToInt64("1.235", 5, 2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "decimal value '1.235' does not fit DECIMAL(5,2): more fraction digits than the "
            "scale (it would be rounded)");
  EXPECT_FALSE(DecimalToInt64("123456", 5, 0).ok());
  EXPECT_FALSE(DecimalToInt64("1000", 5, 2).ok());  // 100000 unscaled: 6 digits
  EXPECT_FALSE(DecimalToInt64("abc", 5, 2).ok());
  EXPECT_FALSE(DecimalToInt64("", 5, 2).ok());
  EXPECT_FALSE(DecimalToInt64("-", 5, 2).ok());
  EXPECT_FALSE(DecimalToInt64("1e5", 9, 0).ok());
  EXPECT_FALSE(DecimalToInt64("1.2.3", 9, 2).ok());
}

TEST(DecimalEncodingTest, FixedWidth) {
  EXPECT_EQ(DecimalFixedWidth(1), 1);
  EXPECT_EQ(DecimalFixedWidth(2), 1);  // 99 < 127
  EXPECT_EQ(DecimalFixedWidth(3), 2);
  EXPECT_EQ(DecimalFixedWidth(18), 8);
  EXPECT_EQ(DecimalFixedWidth(19), 9);
  EXPECT_EQ(DecimalFixedWidth(38), 16);
  EXPECT_EQ(DecimalFixedWidth(39), 17);
  EXPECT_EQ(DecimalFixedWidth(65), 28);
  EXPECT_EQ(DecimalFixedWidth(76), 32);
}

TEST(DecimalEncodingTest, FixedBigEndianTwosComplement) {
  EXPECT_EQ(Fixed("-1", 20, 0), "ffffffffffffffffff");
  EXPECT_EQ(Fixed("1", 20, 0), "000000000000000001");
  EXPECT_EQ(Fixed("-12345678901234567890.5", 21, 1), "f94eb1607ed0c993c7");
  EXPECT_EQ(Fixed(std::string(65, '9'), 65, 0),
            "00f316271c7fc3908a8bef464e3945ef7a253609ffffffffffffffff");
  EXPECT_EQ(Fixed("-" + std::string(35, '9') + "." + std::string(30, '9'), 65, 30),
            "ff0ce9d8e3803c6f757410b9b1c6ba1085dac9f60000000000000001");
  EXPECT_EQ(Fixed("-1234567890123456789012345678901234567.8", 38, 1),
            "f6b64f090ffdccec3bb66faf21c70cb2");
  EXPECT_EQ(Fixed("0.000", 30, 3), std::string(26, '0'));
}

TEST(DecimalEncodingTest, FixedRejectsOverflow) {
  std::string out(DecimalFixedWidth(20), '\0');
  EXPECT_FALSE(DecimalToFixed(std::string(21, '9'), 20, 0, 9, out.data()).ok());
}

std::string Text(std::string_view text, int precision, int scale) {
  std::string out;
  Status s = DecimalToText(text, precision, scale, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

TEST(DecimalEncodingTest, TextAsMySqlPrintsIt) {
  EXPECT_EQ(Text("0", 65, 30), "0." + std::string(30, '0'));
  EXPECT_EQ(Text("-0.000", 10, 3), "0.000");
  EXPECT_EQ(Text("+1.5", 10, 3), "1.500");
  EXPECT_EQ(Text("0.05", 10, 3), "0.050");
  EXPECT_EQ(Text(".5", 10, 3), "0.500");
  EXPECT_EQ(Text("007", 10, 0), "7");
  EXPECT_EQ(Text("-12.340", 10, 3), "-12.340");
  EXPECT_EQ(Text("0.000000000000000000000000000001", 65, 30), "0.000000000000000000000000000001");
  const std::string nines = std::string(35, '9') + "." + std::string(30, '9');
  EXPECT_EQ(Text("-" + nines, 65, 30), "-" + nines);
  EXPECT_EQ(Text(std::string(65, '9'), 65, 0), std::string(65, '9'));
  std::string out;
  EXPECT_FALSE(DecimalToText(std::string(36, '9'), 65, 30, &out).ok());
  EXPECT_FALSE(DecimalToText("1.25", 10, 1, &out).ok());
  EXPECT_FALSE(DecimalToText("1e5", 10, 1, &out).ok());
}

}  // namespace
}  // namespace binlake
