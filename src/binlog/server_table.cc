#include "binlog/server_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>

#include "binlog/column_decoder.h"
#include "binlog/information_schema_resolver.h"
#include "common/civil_time.h"
#include "mysql/sql_text.h"

namespace binlake {
namespace {

std::string_view Text(const std::optional<std::string>& v) {
  return v ? std::string_view(*v) : std::string_view();
}

int64_t Number(const std::optional<std::string>& v) {
  return v ? std::strtoll(v->c_str(), nullptr, 10) : 0;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool IsBinaryType(std::string_view t) {
  return t == "binary" || t == "varbinary" || t == "tinyblob" || t == "blob" || t == "mediumblob" ||
         t == "longblob";
}

bool IsSpatial(std::string_view t) {
  return t == "geometry" || t == "point" || t == "linestring" || t == "polygon" ||
         t == "multipoint" || t == "multilinestring" || t == "multipolygon" ||
         t == "geometrycollection" || t == "geomcollection";
}

uint16_t Md(int hi, int lo) { return static_cast<uint16_t>(((hi & 0xff) << 8) | (lo & 0xff)); }

// The TABLE_MAP type byte and metadata of a column, from its information_schema row.
Result<ColumnWire> WireOf(std::string_view data_type, std::string_view column_type,
                          int64_t octet_length, int64_t precision, int64_t scale, int64_t fsp,
                          size_t members) {
  using T = MysqlType;
  if (data_type == "tinyint") return ColumnWire{T::kTiny, 0};
  if (data_type == "smallint") return ColumnWire{T::kShort, 0};
  if (data_type == "mediumint") return ColumnWire{T::kInt24, 0};
  if (data_type == "int" || data_type == "integer") return ColumnWire{T::kLong, 0};
  if (data_type == "bigint") return ColumnWire{T::kLongLong, 0};
  if (data_type == "float") return ColumnWire{T::kFloat, 4};
  if (data_type == "double" || data_type == "real") return ColumnWire{T::kDouble, 8};
  if (data_type == "decimal" || data_type == "numeric") {
    return ColumnWire{T::kNewDecimal, Md(static_cast<int>(precision), static_cast<int>(scale))};
  }
  if (data_type == "bit") {
    return ColumnWire{T::kBit,
                      Md(static_cast<int>(precision / 8), static_cast<int>(precision % 8))};
  }
  if (data_type == "year") return ColumnWire{T::kYear, 0};
  if (data_type == "date") return ColumnWire{T::kDate, 0};
  if (data_type == "time") return ColumnWire{T::kTime2, static_cast<uint16_t>(fsp)};
  if (data_type == "datetime") return ColumnWire{T::kDateTime2, static_cast<uint16_t>(fsp)};
  if (data_type == "timestamp") return ColumnWire{T::kTimestamp2, static_cast<uint16_t>(fsp)};
  if (data_type == "char" || data_type == "binary") {
    // CHAR keeps bits 8-9 of its byte length in bits 4-5 of the type byte, inverted.
    int len = static_cast<int>(octet_length);
    int type_byte = 0xfe ^ (((len >> 8) & 0x3) << 4);
    return ColumnWire{T::kString, Md(type_byte, len & 0xff)};
  }
  if (data_type == "enum") return ColumnWire{T::kString, Md(0xf7, members > 255 ? 2 : 1)};
  if (data_type == "set") {
    int bytes = static_cast<int>((members + 7) / 8);
    return ColumnWire{T::kString, Md(0xf8, bytes > 4 ? 8 : bytes)};
  }
  if (data_type == "varchar" || data_type == "varbinary") {
    return ColumnWire{T::kVarchar, static_cast<uint16_t>(octet_length)};
  }
  if (data_type == "tinytext" || data_type == "tinyblob") return ColumnWire{T::kBlob, 1};
  if (data_type == "text" || data_type == "blob") return ColumnWire{T::kBlob, 2};
  if (data_type == "mediumtext" || data_type == "mediumblob") return ColumnWire{T::kBlob, 3};
  if (data_type == "longtext" || data_type == "longblob") return ColumnWire{T::kBlob, 4};
  if (data_type == "json") return ColumnWire{T::kJson, 4};
  if (IsSpatial(data_type)) return ColumnWire{T::kGeometry, 4};
  if (data_type == "vector") return ColumnWire{T::kVector, 4};
  return UnimplementedError("type '{}' is not one binlake can read", column_type);
}

Status BadText(const Column& column, std::string_view text) {
  return CorruptionError("column {} ({}): the server's value '{}' is not one of its type",
                         column.name, LogicalTypeName(column.type), text.substr(0, 64));
}

template <typename T>
bool ParseNumber(std::string_view s, T* out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// "12", "838" ... : digits only.
bool Digits(std::string_view s, uint32_t* out) {
  if (s.empty() || s.size() > 9) return false;
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  *out = v;
  return true;
}

// ".123" after seconds: fraction digits scaled to microseconds.
bool Micros(std::string_view s, uint32_t* out) {
  *out = 0;
  if (s.empty()) return true;
  if (s[0] != '.' || s.size() > 7) return false;
  uint32_t v = 0;
  if (!Digits(s.substr(1), &v)) return false;
  for (size_t i = s.size() - 1; i < 6; ++i) v *= 10;
  *out = v;
  return true;
}

bool ParseDate(std::string_view s, Date* d) {
  uint32_t y, m, day;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!Digits(s.substr(0, 4), &y) || !Digits(s.substr(5, 2), &m) || !Digits(s.substr(8, 2), &day)) {
    return false;
  }
  *d = Date{static_cast<int32_t>(y), static_cast<uint8_t>(m), static_cast<uint8_t>(day)};
  return true;
}

bool ParseDateTime(std::string_view s, DateTime* dt) {
  Date d;
  uint32_t h, mi, sec, us;
  if (s.size() < 19 || s[10] != ' ' || s[13] != ':' || s[16] != ':') return false;
  if (!ParseDate(s.substr(0, 10), &d) || !Digits(s.substr(11, 2), &h) ||
      !Digits(s.substr(14, 2), &mi) || !Digits(s.substr(17, 2), &sec) ||
      !Micros(s.substr(19), &us)) {
    return false;
  }
  *dt = DateTime{d.year,
                 d.month,
                 d.day,
                 static_cast<uint8_t>(h),
                 static_cast<uint8_t>(mi),
                 static_cast<uint8_t>(sec),
                 us};
  return true;
}

bool ParseTime(std::string_view s, Duration* t) {
  bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  size_t c1 = s.find(':');
  if (c1 == std::string_view::npos || s.size() < c1 + 6 || s[c1 + 3] != ':') return false;
  uint32_t h, m, sec, us;
  if (!Digits(s.substr(0, c1), &h) || !Digits(s.substr(c1 + 1, 2), &m) ||
      !Digits(s.substr(c1 + 4, 2), &sec) || !Micros(s.substr(c1 + 6), &us)) {
    return false;
  }
  *t = Duration{negative, h, static_cast<uint8_t>(m), static_cast<uint8_t>(sec), us};
  return true;
}

}  // namespace

Result<ServerTable> DescribeServerTable(Connection* connection, std::string_view database,
                                        std::string_view table) {
  std::string schema = sql::QuoteString(database);
  std::string name_literal = sql::QuoteString(table);
  ASSIGN_OR_RETURN(
      QueryResult columns,
      connection->Query(fmt::format(
          "SELECT c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE, c.IS_NULLABLE, co.ID, c.EXTRA, "
          "c.CHARACTER_SET_NAME, c.CHARACTER_OCTET_LENGTH, c.NUMERIC_PRECISION, "
          "c.NUMERIC_SCALE, c.DATETIME_PRECISION "
          "FROM information_schema.COLUMNS c LEFT JOIN information_schema.COLLATIONS co "
          "ON co.COLLATION_NAME = c.COLLATION_NAME "
          "WHERE c.TABLE_SCHEMA = {} AND c.TABLE_NAME = {} ORDER BY c.ORDINAL_POSITION",
          schema, name_literal)));
  std::string name = fmt::format("{}.{}", database, table);
  if (columns.rows.empty()) {
    return NotFoundError("table {} does not exist on {} (any more)", name, connection->peer());
  }
  ServerTable out;
  out.database = std::string(database);
  out.table = std::string(table);
  for (const auto& row : columns.rows) {
    Column c;
    c.name = std::string(Text(row[0]));
    std::string data_type(Text(row[1]));
    std::transform(data_type.begin(), data_type.end(), data_type.begin(), ::tolower);
    std::string_view column_type = Text(row[2]);
    c.is_unsigned = column_type.find(" unsigned") != std::string_view::npos;
    c.nullable = Text(row[3]) == "YES";
    std::string charset(Text(row[6]));
    // Spatial values are bytes; the binlog's column metadata says so with the binary
    // collation (63), like binary strings.
    if (IsBinaryType(data_type) || IsSpatial(data_type)) {
      c.collation_id = kBinaryCollationId;
      charset = "binary";
    } else if (row[4]) {
      c.collation_id = static_cast<uint16_t>(std::strtoul(row[4]->c_str(), nullptr, 10));
    }
    if (StartsWith(column_type, "enum(") || StartsWith(column_type, "set(")) {
      Result<std::vector<std::string>> members = ParseEnumSetMembers(column_type);
      if (!members.ok()) {
        return members.status().Context(
            fmt::format("column {} of {} in information_schema", c.name, name));
      }
      c.elements = std::move(members).value();
    }
    std::string extra(Text(row[5]));
    std::transform(extra.begin(), extra.end(), extra.begin(), ::toupper);
    c.invisible = extra.find("INVISIBLE") != std::string::npos;
    Result<ColumnWire> wire = WireOf(data_type, column_type, Number(row[7]), Number(row[8]),
                                     Number(row[9]), Number(row[10]), c.elements.size());
    if (!wire.ok()) return wire.status().Context(fmt::format("column {} of {}", c.name, name));
    out.wires.push_back(*wire);
    out.charsets.push_back(std::move(charset));
    out.resolved.columns.push_back(std::move(c));
  }

  ASSIGN_OR_RETURN(
      QueryResult keys,
      connection->Query(fmt::format("SELECT INDEX_NAME, COLUMN_NAME, NON_UNIQUE FROM "
                                    "information_schema.STATISTICS WHERE TABLE_SCHEMA = {} AND "
                                    "TABLE_NAME = {} ORDER BY INDEX_NAME, SEQ_IN_INDEX",
                                    schema, name_literal)));
  // Unique indexes by name, in key order; PRIMARY wins, else the first whose columns are all
  // NOT NULL (a unique index over NULLable columns does not identify rows).
  std::vector<Column>& cols = out.resolved.columns;
  std::map<std::string, std::vector<int>> unique;
  for (const auto& row : keys.rows) {
    if (Text(row[2]) != "0") continue;
    int column = -1;
    for (size_t i = 0; i < cols.size(); ++i) {
      if (cols[i].name == Text(row[1])) column = static_cast<int>(i);
    }
    unique[std::string(Text(row[0]))].push_back(column);
  }
  auto usable = [&](const std::vector<int>& k) {
    return std::all_of(k.begin(), k.end(), [&](int i) { return i >= 0 && !cols[i].nullable; });
  };
  if (auto it = unique.find("PRIMARY"); it != unique.end() && usable(it->second)) {
    out.resolved.key_columns = it->second;
  } else {
    for (const auto& [index, k] : unique) {
      if (usable(k)) {
        out.resolved.key_columns = k;
        break;
      }
    }
  }
  return out;
}

TableSchemaPtr ServerTableSchema(const ServerTable& t) {
  auto schema = std::make_shared<TableSchema>();
  schema->database = t.database;
  schema->table = t.table;
  schema->columns = t.resolved.columns;
  for (size_t i = 0; i < schema->columns.size(); ++i) {
    DescribeColumn(t.wires[i], &schema->columns[i]);
  }
  schema->key_columns = t.resolved.key_columns;
  return schema;
}

std::string SelectExpression(const Column& column) {
  std::string name = sql::QuoteIdentifier(column.name);
  switch (column.type) {
    case LogicalType::kFloat:
      return fmt::format("CAST({} AS DOUBLE)", name);
    case LogicalType::kBit:
    case LogicalType::kEnum:
    case LogicalType::kSet:
      return fmt::format("({} + 0)", name);
    default:
      return name;
  }
}

Status ParseSelectedValue(const Column& column, std::optional<std::string_view> text, Value* out) {
  if (!text) {
    *out = Value::Null();
    return Status::OK();
  }
  std::string_view s = *text;
  switch (column.type) {
    case LogicalType::kInt8:
    case LogicalType::kInt16:
    case LogicalType::kInt24:
    case LogicalType::kInt32:
    case LogicalType::kInt64:
    case LogicalType::kYear: {
      if (column.is_unsigned) {
        uint64_t v;
        if (!ParseNumber(s, &v)) return BadText(column, s);
        *out = Value::UInt(v);
      } else {
        int64_t v;
        if (!ParseNumber(s, &v)) return BadText(column, s);
        *out = Value::Int(v);
      }
      return Status::OK();
    }
    case LogicalType::kBit: {
      uint64_t v;
      if (!ParseNumber(s, &v)) return BadText(column, s);
      *out = Value::UInt(v);
      return Status::OK();
    }
    case LogicalType::kFloat:
    case LogicalType::kDouble: {
      std::string z(s);
      char* end = nullptr;
      double v = std::strtod(z.c_str(), &end);
      if (end != z.c_str() + z.size()) return BadText(column, s);
      *out = column.type == LogicalType::kFloat ? Value::Float(static_cast<float>(v))
                                                : Value::Double(v);
      return Status::OK();
    }
    case LogicalType::kDecimal:
      *out = Value::Decimal(std::string(s));
      return Status::OK();
    case LogicalType::kDate: {
      Date d;
      if (!ParseDate(s, &d)) return BadText(column, s);
      *out = Value::OfDate(d);
      return Status::OK();
    }
    case LogicalType::kTime: {
      Duration t;
      if (!ParseTime(s, &t)) return BadText(column, s);
      *out = Value::OfTime(t);
      return Status::OK();
    }
    case LogicalType::kDateTime: {
      DateTime dt;
      if (!ParseDateTime(s, &dt)) return BadText(column, s);
      *out = Value::OfDateTime(dt);
      return Status::OK();
    }
    case LogicalType::kTimestamp: {
      DateTime dt;
      if (!ParseDateTime(s, &dt)) return BadText(column, s);
      if (dt.year == 0 && dt.month == 0 && dt.day == 0) {
        *out = Value::OfTimestamp(Timestamp{0, 0});  // the zero timestamp
        return Status::OK();
      }
      int64_t days = DaysFromCivil(dt.year, dt.month, dt.day);
      int64_t seconds = days * 86400 + dt.hour * 3600 + dt.minute * 60 + dt.second;
      *out = Value::OfTimestamp(Timestamp{seconds, dt.micros});
      return Status::OK();
    }
    case LogicalType::kEnum:
    case LogicalType::kSet: {
      uint64_t v;
      if (!ParseNumber(s, &v)) return BadText(column, s);
      return column.type == LogicalType::kEnum ? EnumValue(v, column, out)
                                               : SetValue(v, column, out);
    }
    case LogicalType::kString:
    case LogicalType::kBinary:
      return TextValue(s, column, out);
    case LogicalType::kJson:
      *out = Value::Json(std::string(s));
      return Status::OK();
    case LogicalType::kGeometry:
    case LogicalType::kVector:
      *out = Value::Bytes(std::string(s));
      return Status::OK();
  }
  return BadText(column, s);
}

bool ChunkableKeyColumn(const Column& column) {
  switch (column.type) {
    case LogicalType::kInt8:
    case LogicalType::kInt16:
    case LogicalType::kInt24:
    case LogicalType::kInt32:
    case LogicalType::kInt64:
    case LogicalType::kYear:
    case LogicalType::kDecimal:
    case LogicalType::kDate:
    case LogicalType::kTime:
    case LogicalType::kDateTime:
    case LogicalType::kTimestamp:
    case LogicalType::kString:
    case LogicalType::kBinary:
      return true;
    default:
      return false;
  }
}

std::string KeyLiteral(const Column& column, std::string_view charset, std::string_view raw) {
  switch (column.type) {
    case LogicalType::kString:
    case LogicalType::kBinary:
      return sql::HexLiteral(raw, charset == "binary" ? "" : charset);
    case LogicalType::kDate:
    case LogicalType::kTime:
    case LogicalType::kDateTime:
    case LogicalType::kTimestamp:
      return sql::QuoteString(raw);
    default:
      return std::string(raw);
  }
}

}  // namespace binlake
