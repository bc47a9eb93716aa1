#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "model/table_schema.h"
#include "model/value.h"

namespace binlake {

// The row state's encoding of values: a kind byte, then fixed-width content or a 4-byte
// length and the bytes. Self-delimiting, so values concatenate into keys; two values are
// equal exactly when their encodings are (byte-for-byte: strings are not compared by
// collation).
void AppendStateValue(const Value& v, std::string* out);
// Reads one value from the front of *in and advances it.
Result<Value> ReadStateValue(std::string_view* in);

// A stored row: the column names it was written with (its shape), then its values.
struct StoredRow {
  std::vector<std::string> names;
  Row values;
  // The row as `schema`'s columns, matched by name (case-insensitive); a column the stored
  // row lacks (added since) is NULL.
  Row As(const TableSchema& schema) const;
  // The value of the column called `name`, or nullptr.
  const Value* Find(std::string_view name) const;
};

}  // namespace binlake
