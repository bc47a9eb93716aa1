#include "pipeline/chunk_reader.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

TEST(ChunkReaderTest, KeyConditionsInExpandedForm) {
  EXPECT_EQ(KeyCondition({"`id`"}, {"5"}, true), "((`id` > 5))");
  EXPECT_EQ(KeyCondition({"`id`"}, {"5"}, false), "((`id` <= 5))");
  EXPECT_EQ(KeyCondition({"`a`", "`b`"}, {"1", "'x'"}, true),
            "((`a` > 1) OR (`a` = 1 AND `b` > 'x'))");
  EXPECT_EQ(KeyCondition({"`a`", "`b`", "`c`"}, {"1", "2", "3"}, false),
            "((`a` < 1) OR (`a` = 1 AND `b` < 2) OR (`a` = 1 AND `b` = 2 AND `c` <= 3))");
}

TEST(ChunkReaderTest, RowKeysDistinguishKindsAndValues) {
  TableSchema t;
  Column id;
  id.name = "id";
  id.type = LogicalType::kInt64;
  Column s;
  s.name = "s";
  s.type = LogicalType::kString;
  t.columns = {id, s};
  Row a = {Value::Int(1), Value::String("x")};
  Row b = {Value::Int(1), Value::String("y")};
  Row c = {Value::Int(11), Value::String("")};
  EXPECT_EQ(RowKey(a, t, {0}), RowKey(b, t, {0}));
  EXPECT_NE(RowKey(a, t, {0, 1}), RowKey(b, t, {0, 1}));
  EXPECT_NE(RowKey(a, t, {0}), RowKey(c, t, {0}));
  // "1" + "1x" must not collide with "11" + "x".
  Row d = {Value::Int(1), Value::String("1x")};
  Row e = {Value::Int(11), Value::String("x")};
  EXPECT_NE(RowKey(d, t, {0, 1}), RowKey(e, t, {0, 1}));
}

}  // namespace
}  // namespace binlake
