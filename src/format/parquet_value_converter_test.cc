#include "format/parquet_value_converter.h"

#include <gtest/gtest.h>

#include <string>

namespace binlake {
namespace {

TEST(ParquetValueConverterTest, TimeTextMatchesCanonicalForm) {
  const Duration cases[] = {
      {true, 838, 59, 59, 0},  {false, 0, 0, 0, 1},     {false, 23, 5, 9, 999999},
      {true, 0, 0, 1, 500000}, {false, 100, 0, 0, 120}, {false, 7, 0, 0, 0},
  };
  std::string text;
  for (const Duration& d : cases) {
    for (int fsp = 0; fsp <= 6; ++fsp) {
      AppendTimeText(d, fsp, &text);
      EXPECT_EQ(text, FormatDuration(d, fsp)) << fsp;
    }
  }
  AppendTimeText({true, 838, 59, 59, 0}, 6, &text);
  EXPECT_EQ(text, "-838:59:59.000000");
}

TEST(ParquetValueConverterTest, DaysFromCivil) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1000, 1, 1), -354285);
  EXPECT_EQ(DaysFromCivil(9999, 12, 31), 2932896);
  EXPECT_EQ(DaysFromCivil(0, 1, 1), -719528);
}

TEST(ParquetValueConverterTest, IsRealDate) {
  EXPECT_TRUE(IsRealDate(2024, 2, 29));
  EXPECT_FALSE(IsRealDate(2023, 2, 29));
  EXPECT_FALSE(IsRealDate(1900, 2, 29));
  EXPECT_TRUE(IsRealDate(2000, 2, 29));
  EXPECT_FALSE(IsRealDate(2024, 0, 1));
  EXPECT_FALSE(IsRealDate(2024, 1, 0));
  EXPECT_FALSE(IsRealDate(2024, 4, 31));
  EXPECT_TRUE(IsRealDate(0, 1, 1));
}

}  // namespace
}  // namespace binlake
