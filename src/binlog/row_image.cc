#include "binlog/row_image.h"

#include "binlog/column_decoder.h"
#include "binlog/json_binary.h"

namespace binlake {
namespace {

bool BitSet(std::string_view bits, size_t i) {
  return i / 8 < bits.size() && (static_cast<uint8_t>(bits[i / 8]) >> (i % 8)) & 1;
}

}  // namespace

MysqlType RealType(const ColumnWire& wire) {
  if (wire.type != MysqlType::kString && wire.type != MysqlType::kVarString) return wire.type;
  if (wire.metadata == 0) return wire.type;
  // CHAR longer than 255 bytes borrows bits 4-5 of the type byte for the length's high bits;
  // the real type byte always has both set (0xf7 ENUM, 0xf8 SET, 0xfe STRING).
  uint8_t b0 = static_cast<uint8_t>(wire.metadata >> 8);
  b0 |= 0x30;
  switch (static_cast<MysqlType>(b0)) {
    case MysqlType::kEnum:
    case MysqlType::kSet:
    case MysqlType::kString:
      return static_cast<MysqlType>(b0);
    default:
      return wire.type;
  }
}

int StringMaxLength(uint16_t metadata) {
  if (metadata == 0) return 0;
  // Lengths over 255 keep their bits 8-9 in bits 4-5 of the type byte, inverted.
  uint8_t b0 = static_cast<uint8_t>(metadata >> 8);
  return (((b0 & 0x30) ^ 0x30) << 4) | (metadata & 0xff);
}

void DescribeColumn(const ColumnWire& wire, Column* column) {
  MysqlType real = RealType(wire);
  column->mysql_type = real;
  uint16_t md = wire.metadata;
  // Without a collation (no charset metadata and none supplied) text and binary strings look
  // alike; their values are kept as bytes, so the column is described as binary.
  bool binary = column->collation_id == kBinaryCollationId || column->collation_id == 0;
  switch (real) {
    case MysqlType::kTiny:
      column->type = LogicalType::kInt8;
      break;
    case MysqlType::kShort:
      column->type = LogicalType::kInt16;
      break;
    case MysqlType::kInt24:
      column->type = LogicalType::kInt24;
      break;
    case MysqlType::kLong:
      column->type = LogicalType::kInt32;
      break;
    case MysqlType::kLongLong:
      column->type = LogicalType::kInt64;
      break;
    case MysqlType::kFloat:
      column->type = LogicalType::kFloat;
      break;
    case MysqlType::kDouble:
      column->type = LogicalType::kDouble;
      break;
    case MysqlType::kNewDecimal:
    case MysqlType::kDecimal:
      column->type = LogicalType::kDecimal;
      column->precision = md >> 8;
      column->scale = md & 0xff;
      break;
    case MysqlType::kBit:
      column->type = LogicalType::kBit;
      column->precision = (md >> 8) * 8 + (md & 0xff);
      break;
    case MysqlType::kYear:
      column->type = LogicalType::kYear;
      break;
    case MysqlType::kDate:
    case MysqlType::kNewDate:
      column->type = LogicalType::kDate;
      break;
    case MysqlType::kTime:
      column->type = LogicalType::kTime;
      column->scale = 0;
      break;
    case MysqlType::kTime2:
      column->type = LogicalType::kTime;
      column->scale = md;
      break;
    case MysqlType::kDateTime:
      column->type = LogicalType::kDateTime;
      column->scale = 0;
      break;
    case MysqlType::kDateTime2:
      column->type = LogicalType::kDateTime;
      column->scale = md;
      break;
    case MysqlType::kTimestamp:
      column->type = LogicalType::kTimestamp;
      column->scale = 0;
      break;
    case MysqlType::kTimestamp2:
      column->type = LogicalType::kTimestamp;
      column->scale = md;
      break;
    case MysqlType::kEnum:
      column->type = LogicalType::kEnum;
      break;
    case MysqlType::kSet:
      column->type = LogicalType::kSet;
      break;
    case MysqlType::kString:
      column->type = binary ? LogicalType::kBinary : LogicalType::kString;
      column->precision = StringMaxLength(md);
      break;
    case MysqlType::kVarchar:
    case MysqlType::kVarString:
      column->type = binary ? LogicalType::kBinary : LogicalType::kString;
      column->precision = md;
      break;
    case MysqlType::kTinyBlob:
    case MysqlType::kMediumBlob:
    case MysqlType::kLongBlob:
    case MysqlType::kBlob:
      column->type = binary ? LogicalType::kBinary : LogicalType::kString;
      break;
    case MysqlType::kJson:
      column->type = LogicalType::kJson;
      break;
    case MysqlType::kGeometry:
      column->type = LogicalType::kGeometry;
      break;
    case MysqlType::kVector:
      column->type = LogicalType::kVector;
      break;
    default:
      column->type = LogicalType::kBinary;
      break;
  }
}

Status DecodeRowImage(ByteReader* in, const std::vector<ColumnWire>& wire,
                      const TableSchema& schema, std::string_view present_bitmap,
                      const RowImageOptions& options, Row* out) {
  size_t n = wire.size();
  if (schema.columns.size() != n) {
    return InternalError("table {}: TABLE_MAP declares {} columns but the schema has {}",
                         schema.QualifiedName(), n, schema.columns.size());
  }
  size_t present = 0;
  for (size_t i = 0; i < n; ++i) present += BitSet(present_bitmap, i) ? 1 : 0;
  uint64_t bitmap_at = in->absolute_position();
  auto null_bits = in->Bytes((present + 7) / 8);
  if (!null_bits.ok()) {
    return CorruptionError("table {}: row image NULL bitmap at offset {} is cut short: {}",
                           schema.QualifiedName(), bitmap_at, null_bits.status().message());
  }
  out->clear();
  out->resize(n);
  size_t k = 0;       // index among present columns
  size_t json_k = 0;  // index among JSON columns (for partial_json_bits)
  for (size_t i = 0; i < n; ++i) {
    const Column& column = schema.columns[i];
    bool is_json = RealType(wire[i]) == MysqlType::kJson;
    bool partial = false;
    if (is_json) {
      partial = options.partial_json && BitSet(options.partial_json_bits, json_k);
      ++json_k;
    }
    if (!BitSet(present_bitmap, i)) {
      (*out)[i] = Value::Absent();
      continue;
    }
    bool is_null = BitSet(*null_bits, k++);
    if (is_null) {
      (*out)[i] = Value::Null();
      continue;
    }
    uint64_t at = in->absolute_position();
    if (partial) {
      auto diff = ReadLengthPrefixed(in, wire[i], column);
      if (!diff.ok()) {
        return std::move(diff).status().Context(fmt::format(
            "table {} column {}: JSON diff at offset {}", schema.QualifiedName(), column.name, at));
      }
      const Value* before =
          options.before != nullptr && options.before->size() > i ? &(*options.before)[i] : nullptr;
      if (before == nullptr || before->kind() != Value::Kind::kJson) {
        return FailedPreconditionError(
            "table {} column {}: partial JSON update at offset {} is a diff against a "
            "before-image value the row event does not carry (before is {}); on the source set "
            "binlog_row_image=FULL, or binlog_row_value_options='' so JSON updates are logged "
            "whole",
            schema.QualifiedName(), column.name, at,
            before == nullptr ? std::string("missing") : before->DebugString());
      }
      auto text = ApplyJsonDiff(before->bytes(), *diff);
      if (!text.ok()) {
        return std::move(text).status().Context(fmt::format(
            "table {} column {}: JSON diff at offset {}", schema.QualifiedName(), column.name, at));
      }
      (*out)[i] = Value::Json(std::move(*text));
      continue;
    }
    Status s = DecodeColumnValue(in, wire[i], column, &(*out)[i]);
    if (!s.ok()) return s.Context(fmt::format("table {}", schema.QualifiedName()));
  }
  return Status::OK();
}

}  // namespace binlake
