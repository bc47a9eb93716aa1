#pragma once

#include <string_view>

#include "binlog/row_image.h"
#include "common/byte_reader.h"
#include "common/status.h"
#include "model/table_schema.h"
#include "model/value.h"

namespace binlake {

// Decoding of one non-NULL column value from row-event bytes into the Value kind that
// model/value.h documents for the column's type. Stateless free functions; thread-safe.

// Decodes the value at in->current() and advances `in` past it. `column` supplies what the
// wire does not: signedness, collation (text → UTF-8), ENUM/SET names. Errors are
// kCorruption (bytes that cannot be this type) or kUnimplemented (a type or charset binlake
// does not decode), naming the column and the absolute offset.
Status DecodeColumnValue(ByteReader* in, const ColumnWire& wire, const Column& column, Value* out);

// For BLOB-family/JSON/GEOMETRY/VECTOR columns: reads the length prefix (metadata bytes wide)
// and returns the payload, advancing `in` past it.
Result<std::string_view> ReadLengthPrefixed(ByteReader* in, const ColumnWire& wire,
                                            const Column& column);

// The value of a character or binary string in the column's charset, as `raw` bytes: UTF-8
// text (kString) for character collations, bytes (kBytes) for binary ones or when the
// collation is unknown. kUnimplemented for a charset binlake does not convert.
Status TextValue(std::string_view raw, const Column& column, Value* out);

// ENUM index (1-based; 0 is the empty error member) and SET bitmask to their member names,
// or kUInt when the column's members are unknown. kCorruption when out of range.
Status EnumValue(uint64_t index, const Column& column, Value* out);
Status SetValue(uint64_t mask, const Column& column, Value* out);

}  // namespace binlake
