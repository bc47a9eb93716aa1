#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"

namespace binlake {

// Converts exact decimal text (model Value kDecimal, e.g. "-12.340") into Parquet's
// DECIMAL(precision, scale) representations: the unscaled integer, as int32/int64 or as
// big-endian two's complement bytes. Never goes through floating point.
//
// Accepted text: optional '-' or '+', digits, optionally '.' and more digits. A text with
// fewer fraction digits than `scale` is padded with zeros; more fraction digits than
// `scale` are accepted only when the extra ones are zeros (anything else would round).
// Errors are kInvalidArgument and quote the text; callers add the column name.

// Unscaled value of `text` for DECIMAL(precision <= 18, scale).
Result<int64_t> DecimalToInt64(std::string_view text, int precision, int scale);

// Writes the unscaled value of `text` as `width` big-endian two's complement bytes to out.
// REQUIRES: width >= DecimalFixedWidth(precision); out has room for width bytes.
Status DecimalToFixed(std::string_view text, int precision, int scale, int width, char* out);

// Writes `text` as MySQL prints DECIMAL(precision, scale): an optional '-', the integer digits
// without leading zeros (a lone 0 when there are none), and with scale > 0 a '.' and exactly
// `scale` fraction digits. -0 becomes 0.
Status DecimalToText(std::string_view text, int precision, int scale, std::string* out);

// The fewest bytes whose two's complement range holds every DECIMAL(precision) value:
// ceil((precision * log2(10) + 1) / 8). REQUIRES: 1 <= precision <= 76.
int DecimalFixedWidth(int precision);

}  // namespace binlake
