#include "model/table_schema.h"

#include <strings.h>

namespace binlake {

std::string_view MysqlTypeName(MysqlType type) {
  switch (type) {
    case MysqlType::kDecimal:
      return "DECIMAL";
    case MysqlType::kTiny:
      return "TINY";
    case MysqlType::kShort:
      return "SHORT";
    case MysqlType::kLong:
      return "LONG";
    case MysqlType::kFloat:
      return "FLOAT";
    case MysqlType::kDouble:
      return "DOUBLE";
    case MysqlType::kNull:
      return "NULL";
    case MysqlType::kTimestamp:
      return "TIMESTAMP";
    case MysqlType::kLongLong:
      return "LONGLONG";
    case MysqlType::kInt24:
      return "INT24";
    case MysqlType::kDate:
      return "DATE";
    case MysqlType::kTime:
      return "TIME";
    case MysqlType::kDateTime:
      return "DATETIME";
    case MysqlType::kYear:
      return "YEAR";
    case MysqlType::kNewDate:
      return "NEWDATE";
    case MysqlType::kVarchar:
      return "VARCHAR";
    case MysqlType::kBit:
      return "BIT";
    case MysqlType::kTimestamp2:
      return "TIMESTAMP2";
    case MysqlType::kDateTime2:
      return "DATETIME2";
    case MysqlType::kTime2:
      return "TIME2";
    case MysqlType::kTypedArray:
      return "TYPED_ARRAY";
    case MysqlType::kVector:
      return "VECTOR";
    case MysqlType::kJson:
      return "JSON";
    case MysqlType::kNewDecimal:
      return "NEWDECIMAL";
    case MysqlType::kEnum:
      return "ENUM";
    case MysqlType::kSet:
      return "SET";
    case MysqlType::kTinyBlob:
      return "TINY_BLOB";
    case MysqlType::kMediumBlob:
      return "MEDIUM_BLOB";
    case MysqlType::kLongBlob:
      return "LONG_BLOB";
    case MysqlType::kBlob:
      return "BLOB";
    case MysqlType::kVarString:
      return "VAR_STRING";
    case MysqlType::kString:
      return "STRING";
    case MysqlType::kGeometry:
      return "GEOMETRY";
  }
  return "UNKNOWN";
}

std::string_view LogicalTypeName(LogicalType type) {
  switch (type) {
    case LogicalType::kInt8:
      return "int8";
    case LogicalType::kInt16:
      return "int16";
    case LogicalType::kInt24:
      return "int24";
    case LogicalType::kInt32:
      return "int32";
    case LogicalType::kInt64:
      return "int64";
    case LogicalType::kFloat:
      return "float";
    case LogicalType::kDouble:
      return "double";
    case LogicalType::kDecimal:
      return "decimal";
    case LogicalType::kBit:
      return "bit";
    case LogicalType::kYear:
      return "year";
    case LogicalType::kDate:
      return "date";
    case LogicalType::kTime:
      return "time";
    case LogicalType::kDateTime:
      return "datetime";
    case LogicalType::kTimestamp:
      return "timestamp";
    case LogicalType::kString:
      return "string";
    case LogicalType::kBinary:
      return "binary";
    case LogicalType::kEnum:
      return "enum";
    case LogicalType::kSet:
      return "set";
    case LogicalType::kJson:
      return "json";
    case LogicalType::kGeometry:
      return "geometry";
    case LogicalType::kVector:
      return "vector";
  }
  return "unknown";
}

int TableSchema::FindColumn(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    const std::string& c = columns[i].name;
    if (c.size() == name.size() && strncasecmp(c.data(), name.data(), c.size()) == 0) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace binlake
