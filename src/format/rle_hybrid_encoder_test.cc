#include "format/rle_hybrid_encoder.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace binlake {
namespace {

std::vector<int> Bytes(const std::string& s) {
  std::vector<int> v;
  for (unsigned char c : s) v.push_back(c);
  return v;
}

std::string Encode(int width, const std::vector<uint32_t>& values) {
  std::string out;
  RleHybridEncoder enc(width, &out);
  for (uint32_t v : values) enc.Put(v);
  enc.Flush();
  return out;
}

// An independent reader of the hybrid format (Encodings.md), for round trips.
std::vector<uint32_t> Decode(int width, const std::string& in, size_t count) {
  std::vector<uint32_t> out;
  size_t pos = 0;
  auto varint = [&] {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const uint8_t b = static_cast<uint8_t>(in.at(pos++));
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
  };
  while (out.size() < count) {
    const uint64_t header = varint();
    if (header & 1) {
      const size_t n = (header >> 1) * 8;
      for (size_t i = 0; i < n; ++i) {
        uint32_t v = 0;
        for (int b = 0; b < width; ++b) {
          const size_t bit = i * width + b;
          const uint8_t byte = static_cast<uint8_t>(in.at(pos + bit / 8));
          v |= static_cast<uint32_t>((byte >> (bit % 8)) & 1) << b;
        }
        if (out.size() < count) out.push_back(v);
      }
      pos += (header >> 1) * width;
    } else {
      uint32_t v = 0;
      for (int b = 0; b < (width + 7) / 8; ++b) {
        v |= static_cast<uint32_t>(static_cast<uint8_t>(in.at(pos++))) << (8 * b);
      }
      out.insert(out.end(), header >> 1, v);
    }
  }
  EXPECT_EQ(pos, in.size()) << "trailing bytes";
  return out;
}

TEST(RleHybridEncoderTest, LongRunIsRle) {
  // 10 ones: header 10 << 1 = 0x14, value in one byte.
  EXPECT_EQ(Bytes(Encode(1, std::vector<uint32_t>(10, 1))), (std::vector<int>{0x14, 0x01}));
  // Width 9 stores the run value in two little-endian bytes.
  EXPECT_EQ(Bytes(Encode(9, std::vector<uint32_t>(300, 257))),
            (std::vector<int>{0xD8, 0x04, 0x01, 0x01}));
}

TEST(RleHybridEncoderTest, BitPackedGroups) {
  // Alternating bits: one literal group (header 1 << 1 | 1), LSB first -> 0b10101010.
  EXPECT_EQ(Bytes(Encode(1, {0, 1, 0, 1, 0, 1, 0, 1})), (std::vector<int>{0x03, 0xAA}));
  // The example of Encodings.md: 0..7 in 3 bits.
  EXPECT_EQ(Bytes(Encode(3, {0, 1, 2, 3, 4, 5, 6, 7})), (std::vector<int>{0x03, 0x88, 0xC6, 0xFA}));
  // A short tail is padded to a full group (8 values of 2 bits: 2 bytes).
  EXPECT_EQ(Bytes(Encode(2, {3})), (std::vector<int>{0x03, 0x03, 0x00}));
}

TEST(RleHybridEncoderTest, LiteralGroupThenRun) {
  std::vector<uint32_t> v = {1, 2, 3, 4, 4, 4, 4, 4};
  v.insert(v.end(), 8, 4);
  EXPECT_EQ(Bytes(Encode(3, v)), (std::vector<int>{0x03, 0xD1, 0x48, 0x92, 0x10, 0x04}));
}

TEST(RleHybridEncoderTest, BitWidthFor) {
  EXPECT_EQ(RleHybridEncoder::BitWidthFor(0), 1);
  EXPECT_EQ(RleHybridEncoder::BitWidthFor(1), 1);
  EXPECT_EQ(RleHybridEncoder::BitWidthFor(2), 2);
  EXPECT_EQ(RleHybridEncoder::BitWidthFor(255), 8);
  EXPECT_EQ(RleHybridEncoder::BitWidthFor(256), 9);
  EXPECT_EQ(RleHybridEncoder::BitWidthFor(0xFFFFFFFFu), 32);
}

TEST(RleHybridEncoderTest, RandomRunsRoundTrip) {
  const uint32_t seed = 20261122;
  std::mt19937 rng(seed);
  for (int trial = 0; trial < 300; ++trial) {
    const int width = 1 + static_cast<int>(rng() % 20);
    const uint32_t max = width == 32 ? 0xFFFFFFFFu : (1u << width) - 1;
    std::vector<uint32_t> values;
    const size_t n = rng() % 500;
    while (values.size() < n) {
      const uint32_t v = rng() % (max + 1ull);
      const size_t run = (rng() % 4 == 0) ? rng() % 40 : 1;
      values.insert(values.end(), run, v);
    }
    const std::string enc = Encode(width, values);
    ASSERT_EQ(Decode(width, enc, values.size()), values)
        << "seed " << seed << " trial " << trial << " width " << width;
  }
}

}  // namespace
}  // namespace binlake
