#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace binlake {

// MySQL's binary DECIMAL (NEWDECIMAL) format: base-10^9 groups of 4 bytes, big-endian, with
// leftover digits in 1-4 bytes, the sign carried by flipping the top bit (and all bits for
// negatives). Free functions; thread-safe.

// Bytes a DECIMAL(precision, scale) value takes in a row image.
// REQUIRES: 0 < precision <= 65 (MariaDB/MySQL limit), 0 <= scale <= precision.
int DecimalBinarySize(int precision, int scale);

// Exact text of a binary DECIMAL: optional '-', integer digits without leading zeros (at
// least one), and, when scale > 0, '.' and exactly `scale` fraction digits. Zero prints as
// "0" / "0.00" (never "-0"). kCorruption when `bytes` has the wrong size or a group holds
// more than nine digits.
Result<std::string> DecodeDecimal(std::string_view bytes, int precision, int scale);

}  // namespace binlake
