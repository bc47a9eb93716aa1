#pragma once

#include <string>

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
void AppendValueText(const Value& value, const Column& column, std::string* out);

// Appends the value as a JSON value: integers and floats as JSON numbers, everything else
// (decimals included, for exactness) as a JSON string of the canonical text; NULL as null.
// REQUIRES: !value.is_absent().
void AppendValueJson(const Value& value, const Column& column, std::string* out);

// Uppercase hex of raw bytes.
void AppendHex(std::string_view bytes, std::string* out);

}  // namespace binlake
