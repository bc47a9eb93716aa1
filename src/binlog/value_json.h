#pragma once

#include <string>
#include <string_view>

#include "model/table_schema.h"
#include "model/value.h"

namespace binlake {

// JSON renderings used by `binlake binlog dump` (one JSON object per line). Exact:
//   NULL -> null; integers -> JSON numbers (all 64 bits); FLOAT/DOUBLE -> shortest
//   round-trip number; DECIMAL -> string with its exact text ("-12.340"); temporal values
//   -> strings in model/value.h's canonical forms with the column's fractional digits;
//   text -> JSON string; binary (BINARY/BLOB/GEOMETRY/VECTOR) -> string of lowercase hex
//   digits, two per byte; JSON columns -> the document itself, embedded.
// Absent values (MINIMAL row images) are not rendered: callers omit the key.

// Appends s as a JSON string literal (quotes, escapes; bytes that are not valid UTF-8 become
// U+FFFD so the output stays valid JSON).
void AppendJsonString(std::string_view s, std::string* out);
void AppendJsonValue(const Value& value, const Column& column, std::string* out);
// {"name": value, ...} over the row's non-absent columns.
void AppendJsonRow(const Row& row, const TableSchema& schema, std::string* out);

}  // namespace binlake
