#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "format/parquet_options.h"
#include "format/thrift_compact_writer.h"
#include "model/table_schema.h"

namespace binlake {

// Parquet physical types (parquet.thrift Type).
enum class ParquetType : uint8_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

// How min/max statistics compare values of a column (LogicalTypes.md sort orders).
enum class StatsOrder : uint8_t { kSigned, kUnsigned, kFloat, kBytes, kSignedBytes };

// How a model Value becomes the column's physical value.
enum class Conversion : uint8_t {
  kBool,    // BIT(1)
  kInt32,   // signed integers and YEAR in INT32
  kUInt32,  // unsigned integers up to 32 bits in INT32 (bit pattern)
  kInt64,   // BIGINT
  kUInt64,  // BIGINT UNSIGNED and BIT(n > 1) in INT64 (bit pattern)
  kFloat,
  kDouble,
  kDecimalInt32,
  kDecimalInt64,
  kDecimalFixed,
  kDecimalString,  // DECIMAL wider than 38 digits as its canonical text
  kDate,           // days since 1970-01-01
  kDateTime,       // wall clock as if UTC, micros or millis
  kTimestamp,      // instant, micros or millis
  kTimeMicros,     // signed duration in micros
  kTimeString,     // canonical TIME text
  kString,         // UTF-8 text
  kEnumOrSet,      // names; a numeric index/bitmask is mapped through Column.elements
  kJson,
  kBytes,
};

// How one model Column is stored in Parquet: physical and logical type, repetition, the
// conversion of values, and the statistics order. Built once per file by PlanColumn.
struct ParquetColumnPlan {
  Column column;
  ParquetType type = ParquetType::kByteArray;
  int type_length = 0;  // FIXED_LEN_BYTE_ARRAY width
  bool optional = true;
  Conversion conversion = Conversion::kBytes;
  StatsOrder order = StatsOrder::kBytes;
  bool millis = false;        // kDateTime / kTimestamp unit
  bool enum_logical = false;  // ENUM logical type (else STRING)
  // Bounds for integer conversions (inclusive), checked on every value.
  int64_t min_int = 0;
  int64_t max_int = 0;
  uint64_t max_uint = 0;
};

// Maps a column to its Parquet layout, or kInvalidArgument/kUnimplemented naming the column
// when the column cannot be written (e.g. DECIMAL precision 0 or above 76).
Result<ParquetColumnPlan> PlanColumn(const Column& column, const ParquetOptions& options);

// Appends the SchemaElement of `plan` (a leaf under the root) to a Thrift list being written.
void WriteSchemaElement(const ParquetColumnPlan& plan, ThriftCompactWriter* w);

}  // namespace binlake
