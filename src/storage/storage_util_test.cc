#include "storage/storage_util.h"

#include <gtest/gtest.h>

#include "storage/object_store.h"

namespace binlake {
namespace {

TEST(StorageUtilTest, Digests) {
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Md5Raw("hello").size(), 16u);
}

TEST(StorageUtilTest, UriEncode) {
  EXPECT_EQ(UriEncode("a/b c=d", true), "a/b%20c%3Dd");
  EXPECT_EQ(UriEncode("a/b c=d", false), "a%2Fb%20c%3Dd");
  EXPECT_EQ(UriEncode("AZaz09-_.~+*%", false), "AZaz09-_.~%2B%2A%25");
  EXPECT_EQ(UriEncode("caf\xC3\xA9", true), "caf%C3%A9");
}

TEST(StorageUtilTest, ParseIso8601) {
  EXPECT_EQ(*ParseIso8601Micros("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseIso8601Micros("2026-11-22T17:25:39.123Z"), 1795368339123000);
  EXPECT_EQ(*ParseIso8601Micros("2000-02-29T23:59:59.000001Z"), 951868799000001);
  EXPECT_FALSE(ParseIso8601Micros("2026-11-22 17:25:39Z").ok());
  EXPECT_FALSE(ParseIso8601Micros("2026-11-22T17:25:39").ok());
}

TEST(StorageUtilTest, ParseHttpDate) {
  EXPECT_EQ(*ParseHttpDateMicros("Sun, 22 Nov 2026 17:25:39 GMT"), 1795368339000000);
  EXPECT_EQ(*ParseHttpDateMicros("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_FALSE(ParseHttpDateMicros("Sun, 22 Foo 2026 17:25:39 GMT").ok());
  EXPECT_FALSE(ParseHttpDateMicros("2026-11-22").ok());
}

TEST(ObjectKeyTest, RulesAndMessages) {
  EXPECT_TRUE(ValidateObjectKey("a").ok());
  EXPECT_TRUE(ValidateObjectKey("schema/table/20261122-164500123.parquet").ok());
  EXPECT_TRUE(ValidateObjectKey("a/.hidden/..x/x..").ok());
  EXPECT_TRUE(ValidateObjectKey("\xF0\x9F\x98\x80").ok());
  EXPECT_EQ(ValidateObjectKey("").message(), "object key is empty");
  EXPECT_NE(ValidateObjectKey("/a").message().find("starts with '/'"), std::string::npos);
  EXPECT_NE(ValidateObjectKey("a//b").message().find("empty path segment at byte 2"),
            std::string::npos);
  EXPECT_NE(ValidateObjectKey("a/..").message().find("'..' segment"), std::string::npos);
  EXPECT_NE(ValidateObjectKey("a\x01").message().find("control character 0x01 at byte 1"),
            std::string::npos);
  EXPECT_FALSE(ValidateObjectKey("\xC0\xAF").ok());      // overlong '/'
  EXPECT_FALSE(ValidateObjectKey("\xED\xA0\x80").ok());  // surrogate
  EXPECT_FALSE(ValidateObjectKey(std::string(1025, 'a')).ok());
  EXPECT_TRUE(ValidateObjectKey(std::string(1024, 'a')).ok());
}

TEST(ObjectKeyTest, PrefixRules) {
  EXPECT_TRUE(ValidateListPrefix("").ok());
  EXPECT_TRUE(ValidateListPrefix("a/").ok());
  EXPECT_TRUE(ValidateListPrefix("a/b").ok());
  EXPECT_TRUE(ValidateListPrefix("a/.").ok());  // partial: matches "a/.x"
  EXPECT_FALSE(ValidateListPrefix("/a").ok());
  EXPECT_FALSE(ValidateListPrefix("a//").ok());
  EXPECT_FALSE(ValidateListPrefix("../a").ok());
}

}  // namespace
}  // namespace binlake
