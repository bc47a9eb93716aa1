#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/byte_reader.h"
#include "common/status.h"
#include "model/table_schema.h"
#include "model/value.h"

namespace binlake {

// How one column is encoded in row events, as TABLE_MAP declares it.
//
// `metadata` packs the column's TABLE_MAP metadata bytes (b0, b1 in event order) as the
// MySQL server reads them:
//   FLOAT, DOUBLE, BLOB family, GEOMETRY, JSON, VECTOR,
//   TIME2, DATETIME2, TIMESTAMP2                  b0 (one byte)
//   NEWDECIMAL                                    b0 << 8 | b1  (precision, scale)
//   STRING, VAR_STRING, ENUM, SET                 b0 << 8 | b1  (real type, length)
//   VARCHAR, BIT                                  b0 | b1 << 8  (little-endian)
//   every other type                              0
struct ColumnWire {
  MysqlType type;     // the type byte from TABLE_MAP (may be kString hiding ENUM/SET)
  uint16_t metadata;  // the per-column metadata from TABLE_MAP (0 when the type has none)
};

// The real type hidden in a kString/kVarString column's metadata (ENUM, SET or STRING);
// other types unchanged.
MysqlType RealType(const ColumnWire& wire);

// The maximum byte length of a kString/kVarString column (CHAR/BINARY), decoded from its
// metadata including the encoding of lengths over 255 bytes; 0 when metadata is 0.
int StringMaxLength(uint16_t metadata);

// Fills what a Column needs from wire info + optional metadata the caller has:
// sets column->mysql_type, column->type (LogicalType), precision/scale (DECIMAL
// precision/scale, fractional digits, BIT bits, max byte length). The caller has already
// set name, is_unsigned, nullable, collation_id, elements (ENUM/SET names). Character types
// with collation_id 0 (unknown) are described as kBinary: their values are kept as bytes.
void DescribeColumn(const ColumnWire& wire, Column* column);

// What the row event says about JSON partial updates for this image.
struct RowImageOptions {
  // PARTIAL_UPDATE_ROWS after-image: JSON columns whose bit is set in partial_json_bits
  // (one bit per JSON column, in column order, as the event's "partial_bits") carry a diff
  // against the before-image value instead of a full document.
  bool partial_json = false;
  std::string_view partial_json_bits;
  const Row* before = nullptr;  // the already-decoded before-image (for diffs)
};

// Decodes one row image starting at in->current(): the NULL bitmap (over present columns),
// then each present non-null column. present_bitmap has one bit per column (LSB first);
// absent columns become Value::Absent(). On success advances `in` past the image.
// Errors are kCorruption naming the column (schema.columns[i].name) and absolute offset.
// REQUIRES: wire.size() == schema.columns.size(); present_bitmap holds at least
// (wire.size() + 7) / 8 bytes.
Status DecodeRowImage(ByteReader* in, const std::vector<ColumnWire>& wire,
                      const TableSchema& schema, std::string_view present_bitmap,
                      const RowImageOptions& options, Row* out);

}  // namespace binlake
