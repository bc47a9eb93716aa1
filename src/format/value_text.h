#pragma once

#include <string>
#include <string_view>

#include "model/table_schema.h"
#include "model/value.h"

namespace binlake {

// The canonical text of a value, shared by the CSV and JSON-lines writers and by
// `binlake binlog dump` (docs/type-mapping.md):
//   integers, BIT, YEAR      decimal digits
//   FLOAT, DOUBLE            shortest text that reads back to the same bits ("-0" kept)
//   DECIMAL                  exact text with the column's scale ("-12.340")
//   DATE, TIME, DATETIME     value.h's Format* with the column's fractional digits
//   TIMESTAMP                "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC
//   strings, ENUM, SET, JSON the UTF-8 text itself
//   binary, GEOMETRY, VECTOR uppercase hex, as MySQL's HEX() (DMS reads hex-encoded binary)
// REQUIRES: !value.is_null() && !value.is_absent().
// Appends without temporary strings; in the text writers it runs once per value.
void AppendValueText(const Value& value, const Column& column, std::string* out);

// Every byte AppendValueText can write for the kinds that are not held as text (all but
// kDecimal, kString and kJson): digits, signs, separators, hex digits, "e", "inf", "nan".
// The CSV writer skips the quoting scan of such a value when none of these bytes can
// need quotes.
inline constexpr std::string_view kNonTextValueBytes = "0123456789+-.: ABCDEFaefin";

// Appends the value as a JSON value: integers and floats as JSON numbers, everything else
// (decimals included, for exactness) as a JSON string of the canonical text; NULL as null.
// REQUIRES: !value.is_absent().
void AppendValueJson(const Value& value, const Column& column, std::string* out);

// Uppercase hex of raw bytes.
void AppendHex(std::string_view bytes, std::string* out);

}  // namespace binlake
