#include "common/byte_reader.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

TEST(ByteReaderTest, LittleAndBigEndian) {
  std::string buf("\x01\x02\x03\x04\x05\x06\x07\x08\x09", 9);
  ByteReader r(buf);
  EXPECT_EQ(*r.U8(), 0x01);
  EXPECT_EQ(*r.U16LE(), 0x0302);
  EXPECT_EQ(*r.U24LE(), 0x060504u);
  EXPECT_EQ(*r.UintBE(3), 0x070809u);
  EXPECT_TRUE(r.empty());
  ByteReader r2(buf);
  EXPECT_EQ(*r2.U64LE(), 0x0807060504030201ull);
  EXPECT_EQ(r2.remaining(), 1u);
}

TEST(ByteReaderTest, TruncationNamesAbsoluteOffset) {
  std::string buf("\x01\x02", 2);
  ByteReader r(buf, 1000);
  ASSERT_TRUE(r.U8().ok());
  Result<uint32_t> v = r.U32LE();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kCorruption);
  EXPECT_NE(v.status().message().find("offset 1001"), std::string::npos) << v.status().message();
  EXPECT_EQ(r.position(), 1u) << "a failed read consumes nothing";
}

TEST(ByteReaderTest, LengthEncoded) {
  std::string buf;
  for (uint64_t v : {0ull, 250ull, 251ull, 65535ull, 65536ull, 16777215ull, 16777216ull,
                     0xffffffffffffffffull}) {
    AppendLengthEncodedInt(&buf, v);
  }
  AppendLengthEncodedString(&buf, "hello");
  ByteReader r(buf);
  for (uint64_t v : {0ull, 250ull, 251ull, 65535ull, 65536ull, 16777215ull, 16777216ull,
                     0xffffffffffffffffull}) {
    EXPECT_EQ(*r.LengthEncodedInt(), v);
  }
  EXPECT_EQ(*r.LengthEncodedString(), "hello");
  EXPECT_TRUE(r.empty());
}

TEST(ByteReaderTest, LengthEncodedErrors) {
  std::string bad("\xfb", 1);
  EXPECT_EQ(ByteReader(bad).LengthEncodedInt().status().code(), StatusCode::kCorruption);
  std::string too_long(
      "\x05"
      "abc",
      4);
  EXPECT_FALSE(ByteReader(too_long).LengthEncodedString().ok());
}

TEST(ByteReaderTest, NulTerminated) {
  std::string buf("abc\0def", 7);
  ByteReader r(buf);
  EXPECT_EQ(*r.NulTerminated(), "abc");
  EXPECT_FALSE(r.NulTerminated().ok());
  EXPECT_EQ(r.Rest(), "def");
}

TEST(ByteReaderTest, AppendRoundTrip) {
  std::string out;
  AppendLE(&out, 0x112233, 3);
  AppendBE(&out, 0x112233, 3);
  EXPECT_EQ(out, std::string("\x33\x22\x11\x11\x22\x33", 6));
}

}  // namespace
}  // namespace binlake
