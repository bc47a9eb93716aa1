#include "common/clock.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

TEST(ClockTest, SystemClockIsPlausible) {
  Clock* c = Clock::System();
  int64_t now = c->NowMicros();
  EXPECT_GT(now, 1'600'000'000'000'000);  // after 2020
  int64_t a = c->MonotonicMicros();
  c->SleepForMicros(1000);
  EXPECT_GE(c->MonotonicMicros() - a, 1000);
}

TEST(ClockTest, ManualClockMovesOnlyWhenTold) {
  ManualClock c(5);
  EXPECT_EQ(c.NowMicros(), 5);
  c.Advance(10);
  EXPECT_EQ(c.NowMicros(), 15);
  c.SleepForMicros(5);
  EXPECT_EQ(c.MonotonicMicros(), 20);
  c.Set(100);
  EXPECT_EQ(c.NowMicros(), 100);
}

}  // namespace
}  // namespace binlake
