#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "format/parquet_metadata.h"
#include "format/parquet_options.h"
#include "model/table_schema.h"
#include "model/value.h"

namespace binlake {

// How a source table is stored as an Iceberg table (docs/iceberg.md, "Type mapping"): one
// Iceberg field per source column, its Iceberg type, and the Parquet column the data files
// hold. Values are converted where Iceberg has no type of the source's range (unsigned
// integers widen, DECIMAL above 38 digits becomes its exact text, GEOMETRY loses its SRID
// prefix to become plain WKB).
struct IcebergColumn {
  enum class Convert : uint8_t {
    kNone,
    kUnsignedToSigned,   // an unsigned value into a wider signed type
    kUnsignedToDecimal,  // BIGINT UNSIGNED, BIT(64) into decimal(20, 0)
    kDecimalToString,    // DECIMAL(p > 38) as exact text
    kJsonToString,
    kTimeToString,   // TIME as its canonical text (Iceberg's time stops at 24:00)
    kGeometryToWkb,  // strip MySQL's 4-byte SRID
  };
  int source_index = 0;  // index into TableSchema::columns
  Column file_column;    // what the Parquet writer writes (field_id = the Iceberg id)
  std::string type;      // Iceberg type: "int", "decimal(20, 0)", "timestamptz", ...
  bool required = false;
  Convert convert = Convert::kNone;
};

struct IcebergSchema {
  std::vector<IcebergColumn> columns;
  // Field ids of the key columns when every one of them is required (Iceberg forbids
  // optional identifier fields); else empty.
  std::vector<int32_t> identifier_ids;
  // Indexes into `columns` of the row identity binlake keys its index on: the key columns,
  // or every column for a table without a key.
  std::vector<int> key_columns;
};

// The Parquet layout of Iceberg data files: zstd, exact types, TIME as text, ENUM as STRING.
ParquetOptions IcebergParquetOptions();

// Maps a table whose columns carry field ids (Column::field_id > 0). kInvalidArgument naming
// the column when one has no id.
Result<IcebergSchema> MapIcebergSchema(const TableSchema& table);

// The Iceberg JSON of a schema ({"type":"struct","schema-id":..,"fields":[..]}).
std::string IcebergSchemaJson(const IcebergSchema& schema, int32_t schema_id);

// Converts a source row to the data file's row (one value per IcebergSchema column); the
// source's values are moved from.
Status ToIcebergRow(const IcebergSchema& schema, Row source, Row* out);
// Converts one source value for its column.
Status ToIcebergValue(const IcebergColumn& column, Value value, Value* out);

// Two's complement big-endian bytes without redundant sign bytes (Iceberg's decimal form).
std::string MinimalBigEndian(const std::string& be);

// Iceberg's single-value serialisation of a Parquet min/max statistic (PLAIN bytes) for a
// column, or false when the column gets no bound (types whose Parquet order differs).
bool IcebergBound(const IcebergColumn& column, const std::string& parquet_plain, std::string* out);

}  // namespace binlake
