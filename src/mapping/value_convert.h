#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "model/table_schema.h"
#include "model/value.h"

namespace binlake {

// Value conversions for table-mapping rules: filter literals, change-data-type and
// add-column. Every conversion is exact or fails; none rounds or wraps.

// "-0012.3400" -> "-12.34"; "0.0" -> "0". nullopt unless [+-]digits[.digits] (or .digits).
std::optional<std::string> NormalizeDecimal(std::string_view text);
// Three-way numeric comparison of two decimal texts (any form NormalizeDecimal accepts).
int CompareDecimal(std::string_view a, std::string_view b);
// The decimal text of an integer or DECIMAL value (other kinds: their debug text).
std::string DecimalText(const Value& value);
std::optional<double> ParseDouble(std::string_view text);

// 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS[.f...]' (or with 'T').
std::optional<DateTime> ParseDateTimeText(std::string_view text);
// '[-]H...H:MM:SS[.f...]'.
std::optional<Duration> ParseDurationText(std::string_view text);
// A code that orders date-times as their fields do (zero dates included).
int64_t InstantCode(const DateTime& dt);
int64_t DurationMicros(const Duration& t);
// A DATE (at midnight), DATETIME or TIMESTAMP (in UTC) value as a date-time.
DateTime AsDateTime(const Value& value);

// The column a DMS data-type names: string / wstring / clob / nclob (text), bytes / blob,
// date, time, datetime, int1..int8, uint1..uint8, numeric(precision, scale), real4, real8.
// `length` bounds strings; `precision`/`scale` shape numeric (and datetime's fraction).
// An error lists the types binlake writes (boolean has no column type here: use int1).
Result<Column> DmsColumnType(std::string_view type, int length, int precision, int scale);

// `value` of column `from` as a value of column `to`. Errors (kInvalidArgument) say why the
// value does not fit: out of range, digits lost, not a number / date, not UTF-8.
Result<Value> ConvertValue(const Value& value, const Column& from, const Column& to);

}  // namespace binlake
