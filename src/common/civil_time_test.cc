#include "common/civil_time.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

TEST(CivilTimeTest, KnownDays) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1, 1, 1), -719162);
  EXPECT_EQ(DaysFromCivil(9999, 12, 31), 2932896);
}

TEST(CivilTimeTest, RoundTripEveryDayFromYear1To9999) {
  int64_t expected = DaysFromCivil(1, 1, 1);
  for (int64_t days = expected; days <= DaysFromCivil(9999, 12, 31); ++days) {
    int64_t y;
    unsigned m, d;
    CivilFromDays(days, &y, &m, &d);
    ASSERT_EQ(DaysFromCivil(y, m, d), days) << y << "-" << m << "-" << d;
  }
}

}  // namespace
}  // namespace binlake
