#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace binlake {

// MySQL column type codes as they appear on the wire (enum_field_types).
enum class MysqlType : uint8_t {
  kDecimal = 0,
  kTiny = 1,
  kShort = 2,
  kLong = 3,
  kFloat = 4,
  kDouble = 5,
  kNull = 6,
  kTimestamp = 7,
  kLongLong = 8,
  kInt24 = 9,
  kDate = 10,
  kTime = 11,
  kDateTime = 12,
  kYear = 13,
  kNewDate = 14,
  kVarchar = 15,
  kBit = 16,
  kTimestamp2 = 17,
  kDateTime2 = 18,
  kTime2 = 19,
  kTypedArray = 20,
  kVector = 242,
  kJson = 245,
  kNewDecimal = 246,
  kEnum = 247,
  kSet = 248,
  kTinyBlob = 249,
  kMediumBlob = 250,
  kLongBlob = 251,
  kBlob = 252,
  kVarString = 253,
  kString = 254,
  kGeometry = 255,
};

std::string_view MysqlTypeName(MysqlType type);

// What a column holds, independent of how the binlog encodes it. Writers map these to
// CSV/JSON renderings and Parquet/Iceberg types (docs/type-mapping.md).
enum class LogicalType : uint8_t {
  kInt8,       // TINYINT
  kInt16,      // SMALLINT
  kInt24,      // MEDIUMINT
  kInt32,      // INT
  kInt64,      // BIGINT
  kFloat,      // FLOAT
  kDouble,     // DOUBLE
  kDecimal,    // DECIMAL(precision, scale)
  kBit,        // BIT(precision)
  kYear,       // YEAR
  kDate,       // DATE
  kTime,       // TIME(fsp): a signed duration, -838:59:59.000000 .. 838:59:59.000000
  kDateTime,   // DATETIME(fsp): wall-clock, no time zone
  kTimestamp,  // TIMESTAMP(fsp): an instant, UTC
  kString,     // CHAR/VARCHAR/TEXT in a character charset (values converted to UTF-8)
  kBinary,     // BINARY/VARBINARY/BLOB and strings in the binary charset
  kEnum,
  kSet,
  kJson,
  kGeometry,  // MySQL internal geometry: 4-byte SRID + WKB
  kVector,    // MySQL VECTOR: little-endian float32 array
};

std::string_view LogicalTypeName(LogicalType type);

// Charset id 63 ("binary") marks binary strings in MySQL metadata.
inline constexpr uint16_t kBinaryCollationId = 63;

// One column of a source table.
struct Column {
  std::string name;
  LogicalType type = LogicalType::kString;
  // The real type (for MYSQL_TYPE_STRING columns, the type hidden in the metadata: ENUM,
  // SET or STRING).
  MysqlType mysql_type = MysqlType::kString;
  bool is_unsigned = false;
  bool nullable = true;
  // DECIMAL: digits; BIT: bits; CHAR/BINARY/VARCHAR: maximum length in bytes when known.
  int precision = 0;
  // DECIMAL: digits after the point; TIME/DATETIME/TIMESTAMP: fractional-second digits.
  int scale = 0;
  // Collation id of character columns (0 when unknown; 63 is binary).
  uint16_t collation_id = 0;
  // ENUM and SET: the member names in definition order (empty when unknown).
  std::vector<std::string> elements;
  // Stable id for Parquet/Iceberg field ids; 1-based, never reused within a table.
  int32_t field_id = 0;
  // Hidden from SELECT * (MySQL invisible columns, generated invisible primary keys).
  bool invisible = false;
};

// The shape of one source table at one point in the binlog. Immutable once published:
// shared as std::shared_ptr<const TableSchema> between the decoder and the writers, so a
// file being written keeps the schema it started with.
struct TableSchema {
  std::string database;
  std::string table;
  std::vector<Column> columns;
  // Indexes into columns of the primary key (or the chosen unique not-null key), in key order.
  // Empty when the table has no usable key.
  std::vector<int> key_columns;
  // Increases by one for every schema change of this table that binlake has seen.
  int64_t version = 1;

  std::string QualifiedName() const { return database + "." + table; }
  // Index of the column with this name (case-insensitive, as MySQL), or -1.
  int FindColumn(std::string_view name) const;
};

using TableSchemaPtr = std::shared_ptr<const TableSchema>;

}  // namespace binlake
