#include "binlog/charset.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

std::string Utf8(Charset cs, std::string_view in) {
  auto r = ToUtf8(cs, in);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : "<error>";
}

TEST(CharsetTest, CollationIds) {
  EXPECT_EQ(CharsetOfCollation(63), Charset::kBinary);
  EXPECT_EQ(CharsetOfCollation(8), Charset::kLatin1);   // latin1_swedish_ci
  EXPECT_EQ(CharsetOfCollation(47), Charset::kLatin1);  // latin1_bin
  EXPECT_EQ(CharsetOfCollation(33), Charset::kUtf8);    // utf8mb3_general_ci
  EXPECT_EQ(CharsetOfCollation(45), Charset::kUtf8);    // utf8mb4_general_ci
  EXPECT_EQ(CharsetOfCollation(255), Charset::kUtf8);   // utf8mb4_0900_ai_ci (MySQL 8)
  EXPECT_EQ(CharsetOfCollation(309), Charset::kUtf8);   // utf8mb4_0900_bin
  EXPECT_EQ(CharsetOfCollation(11), Charset::kAscii);
  EXPECT_EQ(CharsetOfCollation(35), Charset::kUcs2);
  EXPECT_EQ(CharsetOfCollation(54), Charset::kUtf16);
  EXPECT_EQ(CharsetOfCollation(56), Charset::kUtf16le);
  EXPECT_EQ(CharsetOfCollation(60), Charset::kUtf32);
  EXPECT_EQ(CharsetOfCollation(28), Charset::kOther);     // gbk
  EXPECT_EQ(CharsetOfCollation(1032), Charset::kLatin1);  // MariaDB latin1_swedish_nopad_ci
  EXPECT_EQ(CharsetOfCollation(1069), Charset::kUtf8);    // MariaDB utf8mb4_general_nopad_ci
  EXPECT_EQ(CharsetOfCollation(2304), Charset::kUtf8);    // MariaDB utf8mb4_uca1400_ai_ci
  EXPECT_EQ(CharsetOfCollation(2048), Charset::kUtf8);    // MariaDB utf8mb3_uca1400_ai_ci
  EXPECT_EQ(CharsetOfCollation(2560), Charset::kUcs2);    // MariaDB ucs2_uca1400_ai_ci
  EXPECT_EQ(CharsetOfCollation(3075), Charset::kUtf32);   // MariaDB utf32_uca1400_as_cs
  EXPECT_EQ(CharsetOfCollation(17), Charset::kUnknown);
  EXPECT_EQ(CharsetOfCollation(4000), Charset::kUnknown);
  EXPECT_EQ(CollationCharsetName(28), "gbk");
  EXPECT_EQ(CollationCharsetName(17), "unknown");
}

TEST(CharsetTest, Latin1IsCp1252WithMysqlGaps) {
  EXPECT_EQ(Utf8(Charset::kLatin1, "caf\xe9"), "caf\xc3\xa9");
  EXPECT_EQ(Utf8(Charset::kLatin1, "\x80"), "\xe2\x82\xac");  // euro sign
  EXPECT_EQ(Utf8(Charset::kLatin1, "\x9f"), "\xc5\xb8");      // Y with diaeresis
  EXPECT_EQ(Utf8(Charset::kLatin1, "\x81\x8d\x8f\x90\x9d"),
            "\xc2\x81\xc2\x8d\xc2\x8f\xc2\x90\xc2\x9d");  // undefined in cp1252: C1 controls
  EXPECT_EQ(Utf8(Charset::kLatin1, "\xff"), "\xc3\xbf");
  EXPECT_EQ(Utf8(Charset::kLatin1, std::string_view("a\0b", 3)), std::string("a\0b", 3));
}

TEST(CharsetTest, WideCharsets) {
  EXPECT_EQ(Utf8(Charset::kUcs2, std::string_view("\x00\x41\x20\xac", 4)), "A\xe2\x82\xac");
  EXPECT_EQ(Utf8(Charset::kUtf16, std::string_view("\xd8\x3d\xde\x00", 4)),
            "\xf0\x9f\x98\x80");  // U+1F600
  EXPECT_EQ(Utf8(Charset::kUtf16le, std::string_view("\x3d\xd8\x00\xde", 4)), "\xf0\x9f\x98\x80");
  EXPECT_EQ(Utf8(Charset::kUtf32, std::string_view("\x00\x01\xf6\x00\x00\x00\x00\x7a", 8)),
            "\xf0\x9f\x98\x80z");
  EXPECT_EQ(ToUtf8(Charset::kUtf16, std::string_view("\xdc\x00", 2)).status().code(),
            StatusCode::kCorruption);
  EXPECT_EQ(ToUtf8(Charset::kUcs2, std::string_view("\x00", 1)).status().code(),
            StatusCode::kCorruption);
  EXPECT_EQ(ToUtf8(Charset::kOther, "x").status().code(), StatusCode::kUnimplemented);
}

TEST(CharsetTest, AsciiAndUtf8) {
  EXPECT_EQ(Utf8(Charset::kAscii, "plain"), "plain");
  EXPECT_EQ(Utf8(Charset::kUtf8, "\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");
}

}  // namespace
}  // namespace binlake
