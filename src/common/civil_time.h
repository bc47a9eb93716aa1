#pragma once

#include <cstdint>

namespace binlake {

// Days since 1970-01-01 of a proleptic Gregorian civil date (negative before 1970).
// REQUIRES: 1 <= month <= 12, 1 <= day <= 31.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

// The civil date of a day count since 1970-01-01 (the inverse of DaysFromCivil).
void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day);

}  // namespace binlake
