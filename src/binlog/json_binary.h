#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace binlake {

// MySQL's binary JSON (the storage format of JSON columns, sql/json_binary.cc) and the
// binlog's JSON partial-update diffs (sql/json_diff.cc). Free functions; thread-safe.

// The JSON text MySQL prints for a binary JSON document (SELECT of a JSON column): ", " and
// ": " separators, object keys in stored order, doubles in MySQL's shortest form, opaque
// values rendered as MySQL does (DATE/TIME/DATETIME as quoted strings, DECIMAL as a
// number, other opaque types as "base64:typeNN:..."). An empty input is JSON null (MySQL
// writes it for a JSON NULL-ish empty value). kCorruption on malformed input.
Result<std::string> JsonBinaryToText(std::string_view binary);

// A JSON double as MySQL prints it: shortest round-trip digits, plain notation for decimal
// exponents -15..15 (e.g. 0.001, 123.5, 100000000000000.0), else 1.5e20 / 1e-16; ".0"
// appended when the text would read as an integer.
std::string FormatJsonDouble(double d);

// Applies a binlog JSON diff vector (the after-image bytes of a JSON column in a
// PARTIAL_UPDATE_ROWS event) to `before_text` (JSON text as JsonBinaryToText prints it) and
// returns the resulting text. kCorruption when the diff is malformed or names a path the
// document does not have.
Result<std::string> ApplyJsonDiff(std::string_view before_text, std::string_view diff);

}  // namespace binlake
