#include "pipeline/replicator.h"

#include <gtest/gtest.h>

#include "binlog/replication_source.h"

namespace binlake {
namespace {

TEST(LakeServerIdTest, OneStableIdPerLakeInTheHostsRange) {
  uint32_t a = LakeServerId("file:///var/lib/binlake/shop");
  uint32_t b = LakeServerId("s3://lake/shop");
  EXPECT_EQ(a, LakeServerId("file:///var/lib/binlake/shop"));
  EXPECT_NE(a, b);
  EXPECT_NE(a, LakeServerId("file:///var/lib/binlake/shop2"));
  EXPECT_EQ(a & 0xFF000000u, DefaultServerId() & 0xFF000000u);
  EXPECT_EQ(b & 0xFF000000u, DefaultServerId() & 0xFF000000u);
  EXPECT_NE(a & 0xFF000000u, 0u);
}

}  // namespace
}  // namespace binlake
