#include "format/thrift_compact_writer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace binlake {
namespace {

using T = ThriftCompactWriter::Type;

std::vector<int> Bytes(const std::string& s) {
  std::vector<int> v;
  for (unsigned char c : s) v.push_back(c);
  return v;
}

TEST(ThriftCompactWriterTest, ShortAndLongFieldHeaders) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();
  w.I32Field(1, 2);        // delta 1, i32: 0x15; zigzag(2) = 4
  w.I64Field(3, -1);       // delta 2, i64: 0x26; zigzag(-1) = 1
  w.BinaryField(4, "ab");  // delta 1, binary: 0x18; length 2
  w.BoolField(5, true);    // 0x11: the type carries the value
  w.BoolField(6, false);   // 0x12
  w.I32Field(20, 300);     // delta 14: 0xE5; zigzag(300) = 600 = varint d8 04
  w.I32Field(40, 0);       // delta 20 > 15: long form 0x05, zigzag(40) = 80, then 0
  w.EndStruct();
  EXPECT_EQ(Bytes(out), (std::vector<int>{0x15, 0x04, 0x26, 0x01, 0x18, 0x02, 'a', 'b', 0x11, 0x12,
                                          0xE5, 0xD8, 0x04, 0x05, 0x50, 0x00, 0x00}));
}

TEST(ThriftCompactWriterTest, NestedStructRestoresFieldIds) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();
  w.StructField(1);  // 0x1C
  w.BeginStruct();
  w.I32Field(1, 1);  // inner ids restart at 0: 0x15 0x02
  w.EndStruct();     // 0x00
  w.I32Field(2, 1);  // outer continues from 1: delta 1 -> 0x15
  w.ByteField(3, -1);
  w.I16Field(4, -2);
  w.EndStruct();
  EXPECT_EQ(Bytes(out),
            (std::vector<int>{0x1C, 0x15, 0x02, 0x00, 0x15, 0x02, 0x13, 0xFF, 0x14, 0x03, 0x00}));
}

TEST(ThriftCompactWriterTest, Lists) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();
  w.ListField(1, T::kI32, 3);  // 0x19, then size 3 << 4 | i32 = 0x35
  w.I32(1);
  w.I32(-1);
  w.I32(2);
  w.ListField(2, T::kBinary, 20);  // 20 >= 15: 0xF8 then varint 20
  for (int i = 0; i < 20; ++i) w.Binary("");
  w.ListField(3, T::kStruct, 1);  // 0x1C
  w.BeginStruct();
  w.EndStruct();
  w.EndStruct();
  std::vector<int> want = {0x19, 0x35, 0x02, 0x01, 0x04, 0x19, 0xF8, 0x14};
  for (int i = 0; i < 20; ++i) want.push_back(0x00);
  want.insert(want.end(), {0x19, 0x1C, 0x00, 0x00});
  EXPECT_EQ(Bytes(out), want);
}

TEST(ThriftCompactWriterTest, LargeVarints) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();
  w.I64Field(1, int64_t{1} << 40);  // zigzag 2^41: seven-bit groups 0 x5, then 0x40
  w.I64Field(2, INT64_MIN);         // zigzag: all ones -> ten bytes
  w.EndStruct();
  EXPECT_EQ(Bytes(out),
            (std::vector<int>{0x16, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0x16, 0xFF, 0xFF, 0xFF,
                              0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00}));
}

}  // namespace
}  // namespace binlake
