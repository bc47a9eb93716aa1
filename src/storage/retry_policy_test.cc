#include "storage/retry_policy.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace binlake {
namespace {

TEST(RetryPolicyTest, CapDoublesUpToTheMaximum) {
  // random % (cap + 1) with the largest random value shows each cap exactly.
  const uint64_t r = UINT64_MAX;
  EXPECT_EQ(FullJitterBackoffMicros(1, 100, 1000, r), int64_t(UINT64_MAX % 101));   // cap 100
  EXPECT_EQ(FullJitterBackoffMicros(4, 100, 1000, r), int64_t(UINT64_MAX % 801));   // cap 800
  EXPECT_EQ(FullJitterBackoffMicros(5, 100, 1000, r), int64_t(UINT64_MAX % 1001));  // capped
  EXPECT_EQ(FullJitterBackoffMicros(200, 100, 1000, r), int64_t(UINT64_MAX % 1001));
  EXPECT_EQ(FullJitterBackoffMicros(1, 100, 1000, 12345), 12345 % 101);
  EXPECT_EQ(FullJitterBackoffMicros(3, 100, 1000, 400), 400);  // cap 400 includes 400
  EXPECT_EQ(FullJitterBackoffMicros(3, 100, 1000, 401), 0);
}

TEST(RetryPolicyTest, DegenerateInputsGiveNoWait) {
  EXPECT_EQ(FullJitterBackoffMicros(0, 100, 1000, 50), 0);
  EXPECT_EQ(FullJitterBackoffMicros(1, 0, 1000, 50), 0);
  EXPECT_EQ(FullJitterBackoffMicros(1, 100, 0, 50), 0);
}

TEST(RetryPolicyTest, RandomNumbersDiffer) {
  uint64_t a = RandomU64(), b = RandomU64(), c = RandomU64();
  EXPECT_FALSE(a == b && b == c);
}

}  // namespace
}  // namespace binlake
