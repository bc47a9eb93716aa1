#include "iceberg/avro.h"

#include <gtest/gtest.h>

#include <string>

namespace binlake {
namespace {

TEST(AvroSchemaTest, NamedTypesAreReusedButARecordHoldingItselfIsRefused) {
  // A fixed type defined once and referred to by name: fine.
  auto ok = AvroSchema::Parse(R"({"type": "record", "name": "r", "fields": [
      {"name": "a", "type": {"type": "fixed", "name": "f16", "size": 16}},
      {"name": "b", "type": "f16"}]})");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ((*ok)->fields[1].type, (*ok)->fields[0].type);
  // Found by iceberg_fuzzer: a record whose field names the record itself made a cycle of
  // shared pointers that was never freed (LeakSanitizer).
  auto self = AvroSchema::Parse(R"({"type": "record", "name": "node", "fields": [
      {"name": "next", "type": ["null", "node"]}]})");
  ASSERT_FALSE(self.ok());
  EXPECT_NE(self.status().message().find("Avro record 'node' refers to itself"), std::string::npos)
      << self.status().message();
  // After the record is complete, a later field may refer to it by name.
  auto later = AvroSchema::Parse(R"({"type": "record", "name": "outer", "fields": [
      {"name": "x", "type": {"type": "record", "name": "inner", "fields": [
          {"name": "v", "type": "int"}]}},
      {"name": "y", "type": "inner"}]})");
  EXPECT_TRUE(later.ok()) << later.status().ToString();
}

TEST(AvroFileTest, ABlockCountOfInt64MinIsRefused) {
  // Found by iceberg_fuzzer: a negative count means "a byte size follows", and negating
  // INT64_MIN is undefined. Zigzag 0xff..ff01 is INT64_MIN.
  std::string bytes = std::string("Obj\x01", 4) + std::string(9, '\xff') + '\x01';
  auto file = ReadAvroFile(bytes, "damaged.avro");
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("block count out of range"), std::string::npos)
      << file.status().message();
}

}  // namespace
}  // namespace binlake
