#include "mysql/sql_text.h"

#include <gtest/gtest.h>

namespace binlake::sql {
namespace {

TEST(SqlTextTest, QuoteIdentifier) {
  EXPECT_EQ(QuoteIdentifier("orders"), "`orders`");
  EXPECT_EQ(QuoteIdentifier("a`b"), "`a``b`");
  EXPECT_EQ(QuoteIdentifier(""), "``");
  EXPECT_EQ(QualifiedName("shop", "order items"), "`shop`.`order items`");
}

TEST(SqlTextTest, QuoteString) {
  EXPECT_EQ(QuoteString("plain"), "'plain'");
  EXPECT_EQ(QuoteString(std::string("a\0b", 3)), "'a\\0b'");
  EXPECT_EQ(QuoteString("it's \"x\"\\\n\r\x1a"), "'it\\'s \\\"x\\\"\\\\\\n\\r\\Z'");
  EXPECT_EQ(QuoteString("\xC3\xA9"), "'\xC3\xA9'");
}

TEST(SqlTextTest, HexLiteral) {
  EXPECT_EQ(HexLiteral("ab", "utf8mb4"), "_utf8mb4 X'6162'");
  EXPECT_EQ(HexLiteral(std::string("\x00\xff", 2), ""), "X'00FF'");
  EXPECT_EQ(HexLiteral("", "utf8mb4"), "_utf8mb4 ''");
  EXPECT_EQ(HexLiteral("", ""), "''");
}

}  // namespace
}  // namespace binlake::sql
