#include "pipeline/retention_guard.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

TEST(RetentionGuardTest, WarnsAtHalfErrsPast80PercentAndRepeatsEveryTenMinutes) {
  RetentionGuard g(1000);
  EXPECT_EQ(g.Check(0, 1), 0);
  EXPECT_EQ(g.Check(499, 2), 0);
  EXPECT_EQ(g.Check(500, 3), 1);
  EXPECT_EQ(g.Check(600, 4), 0) << "said once";
  EXPECT_EQ(g.Check(800, 5), 2) << "a worse level is said at once";
  EXPECT_EQ(g.Check(900, 6), 0);
  EXPECT_EQ(g.Check(900, 6 + 600'000'000), 2) << "and again ten minutes later";
  EXPECT_EQ(g.Check(0, 7 + 600'000'000), 0);
  EXPECT_EQ(g.Check(500, 8 + 600'000'000), 1) << "after recovering, a new warning";
  RetentionGuard never(0);
  EXPECT_EQ(never.Check(1e9, 1), 0);
}

}  // namespace
}  // namespace binlake
