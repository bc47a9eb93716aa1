#include "format/parquet_schema.h"

#include <limits>

#include "format/decimal_encoding.h"

namespace binlake {
namespace {

// The widest decimal that fits 128 bits, the limit of most engines' decimal type.
constexpr int kMaxDecimal128Digits = 38;

// parquet.thrift ConvertedType.
enum ConvertedType : int32_t {
  kUtf8 = 0,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
  kJson = 19,
};

void SetIntPlan(ParquetColumnPlan* p, int bits, bool is_unsigned) {
  p->type = bits == 64 ? ParquetType::kInt64 : ParquetType::kInt32;
  p->order = is_unsigned ? StatsOrder::kUnsigned : StatsOrder::kSigned;
  if (is_unsigned) {
    p->conversion = bits == 64 ? Conversion::kUInt64 : Conversion::kUInt32;
    p->max_uint = bits == 64 ? std::numeric_limits<uint64_t>::max() : (uint64_t{1} << bits) - 1;
  } else {
    p->conversion = bits == 64 ? Conversion::kInt64 : Conversion::kInt32;
    p->min_int = bits == 64 ? std::numeric_limits<int64_t>::min() : -(int64_t{1} << (bits - 1));
    p->max_int = bits == 64 ? std::numeric_limits<int64_t>::max() : (int64_t{1} << (bits - 1)) - 1;
  }
}

// Parquet's INT logical type has widths 8/16/32/64; MEDIUMINT (24 bits) is stored as 32.
int StoredIntBits(LogicalType t) {
  switch (t) {
    case LogicalType::kInt8:
      return 8;
    case LogicalType::kInt16:
      return 16;
    case LogicalType::kInt64:
      return 64;
    default:
      return 32;
  }
}

int SourceIntBits(LogicalType t) { return t == LogicalType::kInt24 ? 24 : StoredIntBits(t); }

}  // namespace

Result<ParquetColumnPlan> PlanColumn(const Column& column, const ParquetOptions& options) {
  ParquetColumnPlan p;
  p.column = column;
  p.optional = column.nullable;
  switch (column.type) {
    case LogicalType::kInt8:
    case LogicalType::kInt16:
    case LogicalType::kInt24:
    case LogicalType::kInt32:
    case LogicalType::kInt64:
      SetIntPlan(&p, StoredIntBits(column.type), column.is_unsigned);
      if (SourceIntBits(column.type) == 24) {
        if (column.is_unsigned) {
          p.max_uint = (uint64_t{1} << 24) - 1;
        } else {
          p.min_int = -(int64_t{1} << 23);
          p.max_int = (int64_t{1} << 23) - 1;
        }
      }
      break;
    case LogicalType::kYear:
      SetIntPlan(&p, 16, false);
      break;
    case LogicalType::kBit:
      if (column.precision <= 1) {
        p.type = ParquetType::kBoolean;
        p.conversion = Conversion::kBool;
        p.order = StatsOrder::kUnsigned;
      } else {
        if (column.precision > 64) {
          return InvalidArgumentError("column '{}': BIT({}) is wider than 64 bits", column.name,
                                      column.precision);
        }
        SetIntPlan(&p, 64, true);
        if (column.precision < 64) p.max_uint = (uint64_t{1} << column.precision) - 1;
      }
      break;
    case LogicalType::kFloat:
      p.type = ParquetType::kFloat;
      p.conversion = Conversion::kFloat;
      p.order = StatsOrder::kFloat;
      break;
    case LogicalType::kDouble:
      p.type = ParquetType::kDouble;
      p.conversion = Conversion::kDouble;
      p.order = StatsOrder::kFloat;
      break;
    case LogicalType::kDecimal:
      if (column.precision < 1 || column.precision > 76 || column.scale < 0 ||
          column.scale > column.precision) {
        return InvalidArgumentError(
            "column '{}': DECIMAL({},{}) cannot be written to Parquet (precision must be 1..76 "
            "and scale 0..precision); check the table definition",
            column.name, column.precision, column.scale);
      }
      if (column.precision > kMaxDecimal128Digits && options.wide_decimal_as_string) {
        p.type = ParquetType::kByteArray;
        p.conversion = Conversion::kDecimalString;
        p.order = StatsOrder::kBytes;
      } else if (column.precision <= 9) {
        p.type = ParquetType::kInt32;
        p.conversion = Conversion::kDecimalInt32;
        p.order = StatsOrder::kSigned;
      } else if (column.precision <= 18) {
        p.type = ParquetType::kInt64;
        p.conversion = Conversion::kDecimalInt64;
        p.order = StatsOrder::kSigned;
      } else {
        p.type = ParquetType::kFixedLenByteArray;
        p.type_length = DecimalFixedWidth(column.precision);
        p.conversion = Conversion::kDecimalFixed;
        p.order = StatsOrder::kSignedBytes;
      }
      break;
    case LogicalType::kDate:
      p.type = ParquetType::kInt32;
      p.conversion = Conversion::kDate;
      p.order = StatsOrder::kSigned;
      break;
    case LogicalType::kDateTime:
    case LogicalType::kTimestamp:
      p.type = ParquetType::kInt64;
      p.conversion =
          column.type == LogicalType::kDateTime ? Conversion::kDateTime : Conversion::kTimestamp;
      p.order = StatsOrder::kSigned;
      p.millis = options.timestamp_millis;
      break;
    case LogicalType::kTime:
      if (options.time_as_string) {
        p.type = ParquetType::kByteArray;
        p.conversion = Conversion::kTimeString;
        p.order = StatsOrder::kBytes;
      } else {
        p.type = ParquetType::kInt64;
        p.conversion = Conversion::kTimeMicros;
        p.order = StatsOrder::kSigned;
      }
      break;
    case LogicalType::kString:
      p.conversion = Conversion::kString;
      break;
    case LogicalType::kEnum:
    case LogicalType::kSet:
      p.conversion = Conversion::kEnumOrSet;
      p.enum_logical = column.type == LogicalType::kEnum && !options.enum_as_string;
      break;
    case LogicalType::kJson:
      p.conversion = Conversion::kJson;
      break;
    case LogicalType::kBinary:
    case LogicalType::kGeometry:
    case LogicalType::kVector:
      p.conversion = Conversion::kBytes;
      break;
  }
  const bool calendar = p.conversion == Conversion::kDate ||
                        p.conversion == Conversion::kDateTime ||
                        p.conversion == Conversion::kTimestamp;
  if (calendar && options.zero_date == ZeroDateRule::kNull) p.optional = true;
  return p;
}

namespace {

// LogicalType union members (parquet.thrift field ids).
void IntLogical(ThriftCompactWriter* w, int bits, bool is_signed) {
  w->StructField(10);
  w->BeginStruct();
  w->ByteField(1, static_cast<int8_t>(bits));
  w->BoolField(2, is_signed);
  w->EndStruct();
}

void EmptyLogical(ThriftCompactWriter* w, int16_t id) {
  w->StructField(id);
  w->BeginStruct();
  w->EndStruct();
}

void TimeLogical(ThriftCompactWriter* w, int16_t id, bool utc, bool millis) {
  w->StructField(id);
  w->BeginStruct();
  w->BoolField(1, utc);
  w->StructField(2);  // TimeUnit union: 1 MILLIS, 2 MICROS
  w->BeginStruct();
  EmptyLogical(w, millis ? 1 : 2);
  w->EndStruct();
  w->EndStruct();
}

}  // namespace

void WriteSchemaElement(const ParquetColumnPlan& p, ThriftCompactWriter* w) {
  const Column& c = p.column;
  int32_t converted = -1;
  bool decimal = false;
  switch (p.conversion) {
    case Conversion::kInt32:
    case Conversion::kUInt32:
    case Conversion::kInt64:
    case Conversion::kUInt64: {
      const bool is_unsigned =
          p.conversion == Conversion::kUInt32 || p.conversion == Conversion::kUInt64;
      int bits = c.type == LogicalType::kYear ? 16 : StoredIntBits(c.type);
      if (c.type == LogicalType::kBit) bits = 64;
      static constexpr int32_t kSigned[] = {kInt8, kInt16, kInt32, kInt64};
      static constexpr int32_t kUnsigned[] = {kUint8, kUint16, kUint32, kUint64};
      const int idx = bits == 8 ? 0 : bits == 16 ? 1 : bits == 32 ? 2 : 3;
      converted = is_unsigned ? kUnsigned[idx] : kSigned[idx];
      break;
    }
    case Conversion::kDecimalInt32:
    case Conversion::kDecimalInt64:
    case Conversion::kDecimalFixed:
      converted = kDecimal;
      decimal = true;
      break;
    case Conversion::kDate:
      converted = kDate;
      break;
    case Conversion::kTimestamp:
      converted = p.millis ? kTimestampMillis : kTimestampMicros;
      break;
    case Conversion::kTimeMicros:
      converted = kTimeMicros;
      break;
    case Conversion::kTimeString:
    case Conversion::kDecimalString:
    case Conversion::kString:
      converted = kUtf8;
      break;
    case Conversion::kEnumOrSet:
      converted = p.enum_logical ? kEnum : kUtf8;
      break;
    case Conversion::kJson:
      converted = kJson;
      break;
    default:
      break;
  }
  w->BeginStruct();
  w->I32Field(1, static_cast<int32_t>(p.type));
  if (p.type == ParquetType::kFixedLenByteArray) w->I32Field(2, p.type_length);
  w->I32Field(3, p.optional ? 1 : 0);  // FieldRepetitionType OPTIONAL / REQUIRED
  w->BinaryField(4, c.name);
  if (converted >= 0) w->I32Field(6, converted);
  if (decimal) {
    w->I32Field(7, c.scale);
    w->I32Field(8, c.precision);
  }
  if (c.field_id > 0) w->I32Field(9, c.field_id);
  // LogicalType (field 10) is a union: exactly one member.
  switch (p.conversion) {
    case Conversion::kInt32:
    case Conversion::kUInt32:
    case Conversion::kInt64:
    case Conversion::kUInt64: {
      int bits = c.type == LogicalType::kYear ? 16 : StoredIntBits(c.type);
      if (c.type == LogicalType::kBit) bits = 64;
      w->StructField(10);
      w->BeginStruct();
      IntLogical(w, bits,
                 !(p.conversion == Conversion::kUInt32 || p.conversion == Conversion::kUInt64));
      w->EndStruct();
      break;
    }
    case Conversion::kDecimalInt32:
    case Conversion::kDecimalInt64:
    case Conversion::kDecimalFixed:
      w->StructField(10);
      w->BeginStruct();
      w->StructField(5);
      w->BeginStruct();
      w->I32Field(1, c.scale);
      w->I32Field(2, c.precision);
      w->EndStruct();
      w->EndStruct();
      break;
    case Conversion::kDate:
      w->StructField(10);
      w->BeginStruct();
      EmptyLogical(w, 6);
      w->EndStruct();
      break;
    case Conversion::kDateTime:
    case Conversion::kTimestamp:
      w->StructField(10);
      w->BeginStruct();
      TimeLogical(w, 8, p.conversion == Conversion::kTimestamp, p.millis);
      w->EndStruct();
      break;
    case Conversion::kTimeMicros:
      w->StructField(10);
      w->BeginStruct();
      TimeLogical(w, 7, false, false);
      w->EndStruct();
      break;
    case Conversion::kTimeString:
    case Conversion::kDecimalString:
    case Conversion::kString:
    case Conversion::kEnumOrSet:
    case Conversion::kJson: {
      int16_t member = 1;  // STRING
      if (converted == kEnum) member = 4;
      if (converted == kJson) member = 12;
      w->StructField(10);
      w->BeginStruct();
      EmptyLogical(w, member);
      w->EndStruct();
      break;
    }
    default:
      break;
  }
  w->EndStruct();
}

}  // namespace binlake
