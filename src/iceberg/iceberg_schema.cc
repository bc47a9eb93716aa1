#include "iceberg/iceberg_schema.h"

#include <nlohmann/json.hpp>

#include "format/parquet_schema.h"

namespace binlake {
namespace {

using Convert = IcebergColumn::Convert;

// Iceberg decimals hold at most 38 digits.
constexpr int kMaxIcebergDecimal = 38;

void AsDecimal20(IcebergColumn* c) {
  c->file_column.type = LogicalType::kDecimal;
  c->file_column.precision = 20;
  c->file_column.scale = 0;
  c->file_column.is_unsigned = false;
  c->type = "decimal(20, 0)";
  c->convert = Convert::kUnsignedToDecimal;
}

void AsSigned(IcebergColumn* c, LogicalType type, std::string iceberg_type) {
  if (c->file_column.is_unsigned) c->convert = Convert::kUnsignedToSigned;
  c->file_column.type = type;
  c->file_column.is_unsigned = false;
  c->type = std::move(iceberg_type);
}

Status MapColumn(const Column& source, IcebergColumn* c) {
  c->file_column = source;
  Column& f = c->file_column;
  switch (source.type) {
    case LogicalType::kInt8:
    case LogicalType::kInt16:
    case LogicalType::kInt24:
    case LogicalType::kYear:
      AsSigned(c, LogicalType::kInt32, "int");
      break;
    case LogicalType::kInt32:
      if (source.is_unsigned) {
        AsSigned(c, LogicalType::kInt64, "long");
      } else {
        AsSigned(c, LogicalType::kInt32, "int");
      }
      break;
    case LogicalType::kInt64:
      if (source.is_unsigned) {
        AsDecimal20(c);
      } else {
        c->type = "long";
      }
      break;
    case LogicalType::kBit:
      if (source.precision <= 1) {
        c->type = "boolean";
      } else if (source.precision < 64) {
        f.is_unsigned = true;
        AsSigned(c, LogicalType::kInt64, "long");
      } else {
        AsDecimal20(c);
      }
      break;
    case LogicalType::kFloat:
      c->type = "float";
      break;
    case LogicalType::kDouble:
      c->type = "double";
      break;
    case LogicalType::kDecimal:
      if (source.precision > kMaxIcebergDecimal) {
        f.type = LogicalType::kString;
        c->type = "string";
        c->convert = Convert::kDecimalToString;
      } else {
        c->type = fmt::format("decimal({}, {})", source.precision, source.scale);
      }
      break;
    case LogicalType::kDate:
      c->type = "date";
      break;
    case LogicalType::kDateTime:
      c->type = "timestamp";
      break;
    case LogicalType::kTimestamp:
      c->type = "timestamptz";
      break;
    case LogicalType::kTime:
      f.type = LogicalType::kString;
      c->type = "string";
      c->convert = Convert::kTimeToString;
      break;
    case LogicalType::kString:
    case LogicalType::kEnum:
    case LogicalType::kSet:
      c->type = "string";
      break;
    case LogicalType::kJson:
      f.type = LogicalType::kString;
      c->type = "string";
      c->convert = Convert::kJsonToString;
      break;
    case LogicalType::kGeometry:
      f.type = LogicalType::kBinary;
      c->type = "binary";
      c->convert = Convert::kGeometryToWkb;
      break;
    case LogicalType::kBinary:
    case LogicalType::kVector:
      f.type = LogicalType::kBinary;
      c->type = "binary";
      break;
  }
  ASSIGN_OR_RETURN(ParquetColumnPlan plan, PlanColumn(f, IcebergParquetOptions()));
  c->required = !plan.optional;
  return Status::OK();
}

}  // namespace

std::string MinimalBigEndian(const std::string& be) {
  size_t skip = 0;
  while (skip + 1 < be.size()) {
    uint8_t b = static_cast<uint8_t>(be[skip]);
    uint8_t next = static_cast<uint8_t>(be[skip + 1]);
    if ((b == 0x00 && !(next & 0x80)) || (b == 0xff && (next & 0x80))) {
      ++skip;
    } else {
      break;
    }
  }
  return be.substr(skip);
}

ParquetOptions IcebergParquetOptions() {
  ParquetOptions o;
  o.codec = ParquetCodec::kZstd;
  o.time_as_string = true;
  o.enum_as_string = true;
  o.timestamp_millis = false;
  o.zero_date = ZeroDateRule::kNull;
  // A row group's values are buffered while a file is written: keep that modest.
  o.row_group_bytes = 32ull << 20;
  return o;
}

Result<IcebergSchema> MapIcebergSchema(const TableSchema& table) {
  IcebergSchema s;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const Column& source = table.columns[i];
    if (source.field_id <= 0) {
      return InternalError("table {} column '{}' has no field id", table.QualifiedName(),
                           source.name);
    }
    IcebergColumn c;
    c.source_index = static_cast<int>(i);
    RETURN_IF_ERROR_CTX(MapColumn(source, &c), "table {}", table.QualifiedName());
    s.columns.push_back(std::move(c));
  }
  bool all_required = !table.key_columns.empty();
  for (int k : table.key_columns) {
    s.key_columns.push_back(k);
    const IcebergColumn& c = s.columns[static_cast<size_t>(k)];
    if (!c.required || c.type == "float" || c.type == "double") all_required = false;
  }
  if (all_required) {
    for (int k : table.key_columns) {
      s.identifier_ids.push_back(s.columns[static_cast<size_t>(k)].file_column.field_id);
    }
  }
  if (s.key_columns.empty()) {
    for (size_t i = 0; i < s.columns.size(); ++i) s.key_columns.push_back(static_cast<int>(i));
  }
  return s;
}

std::string IcebergSchemaJson(const IcebergSchema& schema, int32_t schema_id) {
  nlohmann::ordered_json fields = nlohmann::ordered_json::array();
  for (const auto& c : schema.columns) {
    fields.push_back({{"id", c.file_column.field_id},
                      {"name", c.file_column.name},
                      {"required", c.required},
                      {"type", c.type}});
  }
  nlohmann::ordered_json j{{"type", "struct"}, {"schema-id", schema_id}};
  if (!schema.identifier_ids.empty()) j["identifier-field-ids"] = schema.identifier_ids;
  j["fields"] = std::move(fields);
  return j.dump();
}

Status ToIcebergValue(const IcebergColumn& c, Value v, Value* out) {
  if (v.is_null() || v.is_absent()) {
    if (v.is_absent()) {
      return FailedPreconditionError(
          "column '{}' is missing from the binlog row image (binlog_row_image is not FULL): "
          "the Iceberg table needs whole rows; set binlog_row_image=FULL on the source",
          c.file_column.name);
    }
    *out = Value::Null();
    return Status::OK();
  }
  switch (c.convert) {
    case Convert::kNone:
      *out = std::move(v);
      break;
    case Convert::kUnsignedToSigned:
      *out = v.kind() == Value::Kind::kUInt ? Value::Int(static_cast<int64_t>(v.uint_value()))
                                            : std::move(v);
      break;
    case Convert::kUnsignedToDecimal:
      *out = v.kind() == Value::Kind::kUInt ? Value::Decimal(std::to_string(v.uint_value()))
                                            : std::move(v);
      break;
    case Convert::kDecimalToString:
    case Convert::kJsonToString:
      *out = Value::String(std::move(*v.mutable_bytes()));
      break;
    case Convert::kTimeToString:
      *out = v.kind() == Value::Kind::kTime
                 ? Value::String(FormatDuration(v.time(), c.file_column.scale))
                 : std::move(v);
      break;
    case Convert::kGeometryToWkb:
      *out = Value::Bytes(v.bytes().size() >= 4 ? v.bytes().substr(4) : v.bytes());
      break;
  }
  return Status::OK();
}

Status ToIcebergRow(const IcebergSchema& schema, Row source, Row* out) {
  out->resize(schema.columns.size());
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    const IcebergColumn& c = schema.columns[i];
    RETURN_IF_ERROR(
        ToIcebergValue(c, std::move(source[static_cast<size_t>(c.source_index)]), &(*out)[i]));
  }
  return Status::OK();
}

bool IcebergBound(const IcebergColumn& column, const std::string& plain, std::string* out) {
  const std::string& t = column.type;
  if (t.rfind("decimal", 0) == 0) {
    // INT32/INT64 decimals are little-endian in Parquet; fixed ones already big-endian.
    if (column.file_column.precision <= 18) {
      std::string be(plain.rbegin(), plain.rend());
      *out = MinimalBigEndian(be);
    } else {
      *out = MinimalBigEndian(plain);
    }
    return true;
  }
  // Every other type's Parquet PLAIN statistic is Iceberg's serialisation: little-endian
  // integers, floats, days and microseconds; UTF-8 and raw bytes.
  *out = plain;
  return true;
}

}  // namespace binlake
