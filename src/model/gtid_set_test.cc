#include "model/gtid_set.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

constexpr char kA[] = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
constexpr char kB[] = "55778904-0299-11f1-b1b8-4ef0c4956feb";

TEST(GtidSetTest, ParsesAndPrintsMySqlSetsCanonically) {
  auto set = GtidSet::Parse(std::string(kB) + ":1-5:7,\n" + kA + ":3:1-2:4, " + kB + ":6");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->ToString(), std::string(kA) + ":1-4," + kB + ":1-7");
}

TEST(GtidSetTest, TaggedIntervalsPrintAfterUntagged) {
  auto set = GtidSet::Parse(std::string(kB) + ":MyTag:1-2:1-13");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  // An untagged interval after a tag belongs to the tag: MySQL's own grammar.
  EXPECT_EQ(set->ToString(), std::string(kB) + ":mytag:1-13");
  auto set2 = GtidSet::Parse(std::string(kB) + ":1-13:mytag:1-2");
  ASSERT_TRUE(set2.ok());
  EXPECT_EQ(set2->ToString(), std::string(kB) + ":1-13:mytag:1-2");
  Uuid b = *ParseUuid(kB);
  EXPECT_TRUE(set2->ContainsMySql(b, "mytag", 2));
  EXPECT_FALSE(set2->ContainsMySql(b, "mytag", 3));
  EXPECT_TRUE(set2->ContainsMySql(b, "", 13));
  EXPECT_FALSE(set2->ContainsMySql(b, "", 14));
}

TEST(GtidSetTest, AddMergesAdjacentIntervals) {
  GtidSet set;
  Uuid a = *ParseUuid(kA);
  ASSERT_TRUE(set.AddMySql(a, "", 3).ok());
  ASSERT_TRUE(set.AddMySql(a, "", 1).ok());
  EXPECT_EQ(set.ToString(), std::string(kA) + ":1:3");
  ASSERT_TRUE(set.AddMySql(a, "", 2).ok());
  EXPECT_EQ(set.ToString(), std::string(kA) + ":1-3");
  ASSERT_TRUE(set.AddInterval(a, "", 10, 20).ok());
  ASSERT_TRUE(set.AddInterval(a, "", 4, 9).ok());
  EXPECT_EQ(set.ToString(), std::string(kA) + ":1-20");
}

TEST(GtidSetTest, MergeAndContains) {
  auto x = *GtidSet::Parse(std::string(kA) + ":1-10");
  auto y = *GtidSet::Parse(std::string(kA) + ":5-12," + kB + ":1");
  EXPECT_FALSE(x.Contains(y));
  ASSERT_TRUE(x.Merge(y).ok());
  EXPECT_EQ(x.ToString(), std::string(kA) + ":1-12," + kB + ":1");
  EXPECT_TRUE(x.Contains(y));
  EXPECT_TRUE(x.Contains(GtidSet()));
}

TEST(GtidSetTest, ClassicBinaryRoundTrip) {
  auto set = *GtidSet::Parse(std::string(kA) + ":1-3:5");
  std::string bin = set.EncodeMySql();
  // count, uuid, n_intervals, [1,4), [5,6)
  ASSERT_EQ(bin.size(), 8u + 16 + 8 + 32);
  EXPECT_EQ(bin.substr(0, 8), std::string("\x01\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(static_cast<uint8_t>(bin[24]), 2);  // two intervals
  EXPECT_EQ(static_cast<uint8_t>(bin[32]), 1);
  EXPECT_EQ(static_cast<uint8_t>(bin[40]), 4);
  EXPECT_EQ(static_cast<uint8_t>(bin[48]), 5);
  EXPECT_EQ(static_cast<uint8_t>(bin[56]), 6);
  ByteReader in(bin);
  auto back = GtidSet::DecodeMySql(&in);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->ToString(), set.ToString());
  EXPECT_TRUE(in.empty());
}

TEST(GtidSetTest, TaggedBinaryRoundTrip) {
  auto set = *GtidSet::Parse(std::string(kB) + ":1-13:mytag:1-2");
  std::string bin = set.EncodeMySql();
  EXPECT_EQ(bin.substr(0, 8), std::string("\x01\x02\0\0\0\0\0\x01", 8));
  ByteReader in(bin);
  auto back = GtidSet::DecodeMySql(&in);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->ToString(), set.ToString());
}

TEST(GtidSetTest, MariaDbSets) {
  auto set = GtidSet::Parse("1-2-7, 0-1-100");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_TRUE(set->is_mariadb());
  EXPECT_EQ(set->ToString(), "0-1-100,1-2-7");
  EXPECT_TRUE(set->ContainsMariaDb({0, 5, 99}));
  EXPECT_FALSE(set->ContainsMariaDb({1, 2, 8}));
  ASSERT_TRUE(set->AddMariaDb({1, 3, 8}).ok());
  EXPECT_EQ(set->ToString(), "0-1-100,1-3-8");
  auto other = *GtidSet::Parse("0-1-50,2-1-1");
  ASSERT_TRUE(set->Merge(other).ok());
  EXPECT_EQ(set->ToString(), "0-1-100,1-3-8,2-1-1");
}

TEST(GtidSetTest, RejectsMixedFlavoursAndBadText) {
  auto mixed = GtidSet::Parse(std::string("0-1-2,") + kA + ":1");
  ASSERT_FALSE(mixed.ok());
  EXPECT_NE(mixed.status().message().find("MariaDB GTID set"), std::string::npos)
      << mixed.status().message();
  EXPECT_FALSE(GtidSet::Parse(std::string(kA) + ":0").ok());
  EXPECT_FALSE(GtidSet::Parse(std::string(kA) + ":5-3").ok());
  EXPECT_FALSE(GtidSet::Parse("not-a-uuid:1").ok());
  EXPECT_FALSE(GtidSet::Parse(std::string(kA) + ":Bad-Tag:1").ok());
}

TEST(GtidSetTest, VarlenIntegersMatchMySqlExamples) {
  // 65535 is 3 bytes: "00000111 11111111 11111011" big-endian in MySQL's documentation.
  std::string out;
  AppendVarlenUnsigned(&out, 65535);
  EXPECT_EQ(out, std::string("\xfb\xff\x07", 3));
  for (uint64_t v : std::initializer_list<uint64_t>{0, 1, 127, 128, 16383, 16384, (1ULL << 56) - 1,
                                                    1ULL << 56, UINT64_MAX}) {
    std::string buf;
    AppendVarlenUnsigned(&buf, v);
    ByteReader in(buf);
    auto back = ReadVarlenUnsigned(&in);
    ASSERT_TRUE(back.ok()) << v;
    EXPECT_EQ(*back, v);
    EXPECT_TRUE(in.empty()) << v;
  }
}

}  // namespace
}  // namespace binlake
