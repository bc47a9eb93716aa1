#include "binlog/decimal.h"

#include <gtest/gtest.h>

#include <string>

namespace binlake {
namespace {

constexpr int kDigitBytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};

// Encodes decimal text into MySQL's binary DECIMAL, written from the format description
// (groups of nine digits, leftover digits first for the integer part and last for the
// fraction, big-endian, sign bit flipped, negatives inverted).
std::string Encode(const std::string& text, int precision, int scale) {
  bool negative = !text.empty() && text[0] == '-';
  std::string t = negative ? text.substr(1) : text;
  size_t dot = t.find('.');
  std::string ip = t.substr(0, dot);
  std::string fp = dot == std::string::npos ? "" : t.substr(dot + 1);
  int intg = precision - scale;
  if (intg == 0 && ip == "0") ip.clear();
  ip = std::string(static_cast<size_t>(intg) - ip.size(), '0') + ip;
  fp += std::string(static_cast<size_t>(scale) - fp.size(), '0');
  std::string out;
  auto put = [&](const std::string& digits) {
    int n = kDigitBytes[digits.size()];
    uint32_t v = digits.empty() ? 0 : static_cast<uint32_t>(std::stoul(digits));
    for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  size_t lead = static_cast<size_t>(intg % 9);
  if (lead > 0) put(ip.substr(0, lead));
  for (size_t i = lead; i < ip.size(); i += 9) put(ip.substr(i, 9));
  size_t full = static_cast<size_t>(scale / 9) * 9;
  for (size_t i = 0; i < full; i += 9) put(fp.substr(i, 9));
  if (scale % 9 > 0) put(fp.substr(full));
  out[0] = static_cast<char>(out[0] ^ 0x80);
  if (negative) {
    for (char& c : out) c = static_cast<char>(~c);
  }
  return out;
}

std::string Decode(const std::string& bytes, int p, int s) {
  auto r = DecodeDecimal(bytes, p, s);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : "<error>";
}

TEST(DecimalTest, DocumentedExample) {
  // DECIMAL(14,4) 1234567890.1234 and its negation, as MySQL's decimal.c documents them.
  std::string pos("\x81\x0d\xfb\x38\xd2\x04\xd2", 7);
  std::string neg("\x7e\xf2\x04\xc7\x2d\xfb\x2d", 7);
  EXPECT_EQ(DecimalBinarySize(14, 4), 7);
  EXPECT_EQ(Decode(pos, 14, 4), "1234567890.1234");
  EXPECT_EQ(Decode(neg, 14, 4), "-1234567890.1234");
  EXPECT_EQ(Encode("1234567890.1234", 14, 4), pos);
  EXPECT_EQ(Encode("-1234567890.1234", 14, 4), neg);
}

TEST(DecimalTest, Sizes) {
  EXPECT_EQ(DecimalBinarySize(65, 30), 30);  // 35 int digits: 3 + 4*3 + ... = 16 + 14
  EXPECT_EQ(DecimalBinarySize(10, 0), 5);
  EXPECT_EQ(DecimalBinarySize(9, 0), 4);
  EXPECT_EQ(DecimalBinarySize(1, 0), 1);
  EXPECT_EQ(DecimalBinarySize(1, 1), 1);
  EXPECT_EQ(DecimalBinarySize(18, 9), 8);
}

TEST(DecimalTest, Extremes65_30) {
  std::string max = std::string(35, '9') + "." + std::string(30, '9');
  std::string min = "-" + max;
  std::string tiny = "0." + std::string(29, '0') + "1";
  EXPECT_EQ(Decode(Encode(max, 65, 30), 65, 30), max);
  EXPECT_EQ(Decode(Encode(min, 65, 30), 65, 30), min);
  EXPECT_EQ(Decode(Encode(tiny, 65, 30), 65, 30), tiny);
  EXPECT_EQ(Decode(Encode("-" + tiny, 65, 30), 65, 30), "-" + tiny);
  EXPECT_EQ(Decode(Encode("0", 65, 30), 65, 30), "0." + std::string(30, '0'));
}

TEST(DecimalTest, ZeroNeverNegative) {
  // A negative zero (sign bit clear, all digits zero) prints as plain zero.
  std::string negzero = Encode("0.00", 5, 2);
  for (char& c : negzero) c = static_cast<char>(~c);
  EXPECT_EQ(Decode(negzero, 5, 2), "0.00");
  EXPECT_EQ(Decode(Encode("0", 10, 0), 10, 0), "0");
}

TEST(DecimalTest, EveryLeftoverWidth) {
  // Integer and fraction leftovers of 0..8 digits, max and min values and a mixed value.
  for (int intg = 0; intg <= 20; ++intg) {
    for (int scale = 0; scale <= 20; ++scale) {
      int precision = intg + scale;
      if (precision == 0 || precision > 65 || scale > 30) continue;
      std::string ip = intg == 0 ? "0" : std::string(static_cast<size_t>(intg), '9');
      std::string fp(static_cast<size_t>(scale), '9');
      std::string max = scale ? ip + "." + fp : ip;
      SCOPED_TRACE(testing::Message() << "DECIMAL(" << precision << "," << scale << ")");
      ASSERT_EQ(static_cast<int>(Encode(max, precision, scale).size()),
                DecimalBinarySize(precision, scale));
      EXPECT_EQ(Decode(Encode(max, precision, scale), precision, scale), max);
      EXPECT_EQ(Decode(Encode("-" + max, precision, scale), precision, scale), "-" + max);
      std::string mixed_i = intg == 0 ? "0" : "1" + std::string(static_cast<size_t>(intg - 1), '0');
      std::string mixed_f;
      for (int i = 0; i < scale; ++i) mixed_f.push_back(static_cast<char>('0' + (i * 7 + 3) % 10));
      std::string mixed = scale ? mixed_i + "." + mixed_f : mixed_i;
      EXPECT_EQ(Decode(Encode("-" + mixed, precision, scale), precision, scale), "-" + mixed);
    }
  }
}

TEST(DecimalTest, PrecisionWithoutScale) {
  EXPECT_EQ(Decode(Encode("-42", 2, 0), 2, 0), "-42");
  EXPECT_EQ(Decode(Encode("123456789012345678", 18, 0), 18, 0), "123456789012345678");
  EXPECT_EQ(Decode(Encode("7", 65, 0), 65, 0), "7");
  EXPECT_EQ(Decode(Encode("0.5", 1, 1), 1, 1), "0.5");
  EXPECT_EQ(Decode(Encode("-0.05", 2, 2), 2, 2), "-0.05");
  EXPECT_EQ(Decode(Encode("12.340", 10, 3), 10, 3), "12.340");
}

TEST(DecimalTest, Corruption) {
  std::string good = Encode("1.5", 3, 1);
  EXPECT_EQ(DecodeDecimal(good.substr(1), 3, 1).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeDecimal(good, 66, 1).status().code(), StatusCode::kCorruption);
  // A 9-digit group holding 1,000,000,000 is not a valid group.
  std::string bad("\x80\x00\x00\x00\x00", 5);  // DECIMAL(10,0): 1 leftover digit + 1 group
  bad[1] = '\x3b';
  bad[2] = '\x9a';
  bad[3] = '\xca';
  bad[4] = '\x00';
  EXPECT_EQ(DecodeDecimal(bad, 10, 0).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace binlake
