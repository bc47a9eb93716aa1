#include "binlog/information_schema_resolver.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

TEST(ParseEnumSetMembersTest, QuotesAndEscapes) {
  auto m = ParseEnumSetMembers(R"(enum('a','b''c','d\\e','f,g','','x\ny'))");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(*m, (std::vector<std::string>{"a", "b'c", "d\\e", "f,g", "", "x\ny"}));
}

TEST(ParseEnumSetMembersTest, Set) {
  auto m = ParseEnumSetMembers("set('x','y z')");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(*m, (std::vector<std::string>{"x", "y z"}));
}

TEST(ParseEnumSetMembersTest, Utf8MembersStayBytes) {
  auto m = ParseEnumSetMembers("enum('\xc3\xa9t\xc3\xa9','\xf0\x9f\x98\x80')");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(*m, (std::vector<std::string>{"\xc3\xa9t\xc3\xa9", "\xf0\x9f\x98\x80"}));
}

TEST(ParseEnumSetMembersTest, RejectsWhatIsNotAMemberList) {
  EXPECT_EQ(ParseEnumSetMembers("int(11)").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseEnumSetMembers("enum('a'").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseEnumSetMembers("enum('a)").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseEnumSetMembers("enum(a)").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseEnumSetMembers("enum('a';'b')").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace binlake
