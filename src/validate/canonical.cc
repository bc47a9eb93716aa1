#include "validate/canonical.h"

#include <fmt/format.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "format/parquet_reader.h"
#include "format/parquet_writer.h"
#include "iceberg/iceberg_schema.h"
#include "pipeline/change_rows.h"
#include "pipeline/writer_factory.h"

namespace binlake::validate {
namespace {

void AppendField(const std::optional<std::string>* value, bool absent, std::string* out) {
  if (absent) {
    out->push_back('A');
  } else if (!*value) {
    out->push_back('N');
  } else {
    out->push_back('V');
    uint32_t n = static_cast<uint32_t>((*value)->size());
    out->append(reinterpret_cast<const char*>(&n), 4);
    out->append(**value);
  }
}

bool Utf8Printable(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size() || (n == 1 && c < 0x20)) return false;
    for (int k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    }
    i += n;
  }
  return true;
}

}  // namespace

bool SplitCanonical(std::string_view row, std::vector<CanonicalField>* out) {
  out->clear();
  size_t i = 0;
  while (i < row.size()) {
    CanonicalField f;
    f.tag = row[i++];
    if (f.tag == 'V') {
      if (i + 4 > row.size()) return false;
      uint32_t n = 0;
      std::memcpy(&n, row.data() + i, 4);
      i += 4;
      if (i + n > row.size()) return false;
      f.value = row.substr(i, n);
      i += n;
    } else if (f.tag != 'A' && f.tag != 'N') {
      return false;
    }
    out->push_back(f);
  }
  return true;
}

std::vector<size_t> DifferingColumns(std::string_view a, std::string_view b) {
  std::vector<CanonicalField> x, y;
  std::vector<size_t> out;
  if (!SplitCanonical(a, &x) || !SplitCanonical(b, &y) || x.size() != y.size()) {
    for (size_t i = 0; i < std::max(x.size(), y.size()); ++i) out.push_back(i);
    return out;
  }
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i].tag == 'A' || y[i].tag == 'A') continue;
    if (x[i].tag != y[i].tag || x[i].value != y[i].value) out.push_back(i);
  }
  return out;
}

std::string DisplayField(const CanonicalField& f) {
  if (f.tag == 'A') return "(absent)";
  if (f.tag == 'N') return "NULL";
  if (Utf8Printable(f.value)) return "'" + std::string(f.value) + "'";
  std::string hex = "0x";
  for (unsigned char c : f.value) hex += fmt::format("{:02x}", c);
  return hex;
}

std::string Canonicalizer::Display(size_t column, const CanonicalField& f) const {
  if (f.tag != 'V' || column >= table_->columns.size()) return DisplayField(f);
  const Column& c = table_->columns[column];
  std::string_view v = f.value;
  const bool numeric = c.type == LogicalType::kInt8 || c.type == LogicalType::kInt16 ||
                       c.type == LogicalType::kInt24 || c.type == LogicalType::kInt32 ||
                       c.type == LogicalType::kInt64 || c.type == LogicalType::kFloat ||
                       c.type == LogicalType::kDouble || c.type == LogicalType::kDecimal ||
                       c.type == LogicalType::kYear;
  if (text()) {
    std::string shown(v);
    if (output_.format == OutputFormat::kJsonl) {
      nlohmann::json j = nlohmann::json::parse(shown, nullptr, false);
      if (!j.is_string()) return shown;  // a number, or JSON as the column held it
      shown = j.get<std::string>();
    }
    return numeric ? shown : "'" + shown + "'";
  }
  auto integer = [&]() -> std::optional<int64_t> {
    if (v.size() == 4) {
      int32_t n;
      std::memcpy(&n, v.data(), 4);
      return n;
    }
    if (v.size() == 8) {
      int64_t n;
      std::memcpy(&n, v.data(), 8);
      return n;
    }
    return std::nullopt;
  };
  switch (c.type) {
    case LogicalType::kInt8:
    case LogicalType::kInt16:
    case LogicalType::kInt24:
    case LogicalType::kInt32:
    case LogicalType::kInt64:
    case LogicalType::kYear:
      if (auto n = integer()) {
        // Unsigned BIGINT values past INT64_MAX keep their bits in a signed INT64.
        if (c.is_unsigned && v.size() == 8) return std::to_string(static_cast<uint64_t>(*n));
        return std::to_string(*n);
      }
      break;
    case LogicalType::kDecimal:
      if (auto n = integer()) {
        const bool negative = *n < 0;
        std::string digits =
            std::to_string(negative ? 0 - static_cast<uint64_t>(*n) : static_cast<uint64_t>(*n));
        if (c.scale > 0) {
          if (digits.size() <= static_cast<size_t>(c.scale)) {
            digits.insert(0, static_cast<size_t>(c.scale) + 1 - digits.size(), '0');
          }
          digits.insert(digits.size() - static_cast<size_t>(c.scale), ".");
        }
        return (negative ? "-" : "") + digits;
      }
      break;
    case LogicalType::kFloat:
    case LogicalType::kDouble:
      if (v.size() == 4) {
        float x;
        std::memcpy(&x, v.data(), 4);
        return fmt::format("{}", x);
      }
      if (v.size() == 8) {
        double x;
        std::memcpy(&x, v.data(), 8);
        return fmt::format("{}", x);
      }
      break;
    default:
      break;
  }
  return DisplayField(f);
}

std::string Canonicalizer::DisplayKey(std::string_view key) const {
  std::vector<CanonicalField> fields;
  if (!SplitCanonical(key, &fields) || fields.size() != key_.size()) return "(malformed key)";
  std::string out = "(";
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ", ";
    out += table_->columns[key_[i]].name + "=" + Display(key_[i], fields[i]);
  }
  return out + ")";
}

Result<std::unique_ptr<Canonicalizer>> Canonicalizer::ForChangeLog(TableSchemaPtr table,
                                                                   const OutputConfig& output) {
  std::unique_ptr<Canonicalizer> c(new Canonicalizer());
  c->table_ = std::move(table);
  c->output_ = output;
  c->key_ = c->table_->key_columns;
  if (c->key_.empty()) {
    for (size_t i = 0; i < c->table_->columns.size(); ++i) c->key_.push_back(static_cast<int>(i));
  }
  return c;
}

Result<std::unique_ptr<Canonicalizer>> Canonicalizer::ForIceberg(
    TableSchemaPtr table, const std::map<std::string, int32_t>& field_ids,
    std::string soft_delete_column) {
  std::unique_ptr<Canonicalizer> c(new Canonicalizer());
  auto copy = std::make_shared<TableSchema>(*table);
  int32_t spare = 1 << 30;  // ids no lake file has, for columns the lake table lacks
  for (Column& col : copy->columns) {
    auto it = field_ids.find(col.name);
    c->field_ids_.push_back(it == field_ids.end() ? 0 : it->second);
    col.field_id = it == field_ids.end() ? spare++ : it->second;
  }
  c->table_ = std::move(copy);
  c->iceberg_ = true;
  c->soft_delete_column_ = std::move(soft_delete_column);
  if (auto it = field_ids.find(c->soft_delete_column_);
      !c->soft_delete_column_.empty() && it != field_ids.end()) {
    c->soft_delete_id_ = it->second;
  }
  c->key_ = c->table_->key_columns;
  if (c->key_.empty()) {
    for (size_t i = 0; i < c->table_->columns.size(); ++i) c->key_.push_back(static_cast<int>(i));
  }
  return c;
}

Result<std::string> Canonicalizer::WriteFile(std::vector<Row>* rows) {
  StringOutputStream out;
  if (!iceberg_) {
    OutputConfig o = output_;
    o.add_column_name = false;  // read back by position
    o.compression = o.format == OutputFormat::kParquet ? o.compression : Compression::kNone;
    ASSIGN_OR_RETURN(std::unique_ptr<RowWriter> w, NewRowWriter(o, table_->columns, {}, &out));
    for (const Row& r : *rows) RETURN_IF_ERROR(w->Append(r));
    RETURN_IF_ERROR(w->Finish());
    return out.Release();
  }
  ASSIGN_OR_RETURN(IcebergSchema schema, MapIcebergSchema(*table_));
  std::vector<Column> columns;
  for (const IcebergColumn& c : schema.columns) {
    columns.push_back(c.file_column);
    columns.back().nullable = !c.required;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ParquetWriter> w,
                   ParquetWriter::Open(columns, IcebergParquetOptions(), &out));
  Row converted;
  for (Row& r : *rows) {
    RETURN_IF_ERROR(ToIcebergRow(schema, std::move(r), &converted));
    RETURN_IF_ERROR(w->Append(converted));
  }
  RETURN_IF_ERROR(w->Finish());
  return out.Release();
}

Status Canonicalizer::Convert(std::vector<Row>* rows, std::vector<CanonicalRow>* out) {
  out->clear();
  if (rows->empty()) return Status::OK();
  const size_t n = rows->size();
  ASSIGN_OR_RETURN(std::string file, WriteFile(rows));
  rows->clear();
  // The written file has every column: read it as a lake file (no deletes, no Op).
  out->reserve(n);
  auto keep = [&](char, CanonicalRow&& row) {
    out->push_back(std::move(row));
    return Status::OK();
  };
  if (!text()) return ReadParquet(file, "validate (source rows)", {}, keep);
  std::vector<std::string> names;
  for (const Column& c : table_->columns) names.push_back(c.name);
  return ReadText(file, "validate (source rows)", names, false, keep);
}

Status Canonicalizer::ReadFile(std::string_view bytes, const std::string& origin,
                               const std::vector<int64_t>& deleted,
                               const std::function<Status(char op, CanonicalRow&& row)>& on_row,
                               bool load) {
  if (!text()) return ReadParquet(bytes, origin, deleted, on_row);
  std::vector<std::string> names;
  const ChangeRowShape shape(output_, table_, load);
  for (const Column& c : shape.columns()) names.push_back(c.name);
  return ReadText(bytes, origin, names, output_.add_column_name, on_row);
}

Status Canonicalizer::ReadParquet(
    std::string_view bytes, const std::string& origin, const std::vector<int64_t>& deleted,
    const std::function<Status(char op, CanonicalRow&& row)>& on_row) {
  ASSIGN_OR_RETURN(std::unique_ptr<ParquetReader> reader, ParquetReader::Open(bytes, origin));
  const size_t ncols = table_->columns.size();
  std::vector<int> index(ncols, -1);
  for (size_t i = 0; i < ncols; ++i) {
    index[i] = iceberg_ ? (field_ids_[i] ? reader->FindByFieldId(field_ids_[i]) : -1)
                        : reader->FindByName(table_->columns[i].name);
    // A file written by Convert for a column the lake table lacks: its spare field id.
    if (iceberg_ && index[i] < 0 && !field_ids_[i]) {
      index[i] = reader->FindByFieldId(table_->columns[i].field_id);
    }
  }
  const int op_index = iceberg_ ? -1 : reader->FindByName("Op");
  const int soft_index = soft_delete_id_ ? reader->FindByFieldId(soft_delete_id_) : -1;
  // Column by column, so that a row group costs one column's values plus the encoded rows.
  std::vector<std::optional<std::string>> values, ops, soft;
  std::vector<std::string> rows, keys;
  static const std::optional<std::string> kNull;
  auto append = [&](int column, std::vector<std::string>* out, size_t g) -> Status {
    const bool absent = index[column] < 0;
    if (!absent) RETURN_IF_ERROR(reader->ReadColumnGroup(index[column], g, &values));
    for (size_t r = 0; r < out->size(); ++r) {
      // Iceberg: a column the file predates reads as NULL; the change log has it absent.
      AppendField(absent ? &kNull : &values[r], absent && !iceberg_, &(*out)[r]);
    }
    return Status::OK();
  };
  int64_t position = 0;
  size_t next_deleted = 0;
  for (size_t g = 0; g < reader->num_row_groups(); ++g) {
    size_t n = reader->RowGroupRows(g);
    rows.assign(n, std::string());
    keys.assign(n, std::string());
    for (int k : key_) {
      if (index[k] < 0) {
        return CorruptionError("{}: the key column {} is missing", origin, table_->columns[k].name);
      }
      RETURN_IF_ERROR(append(k, &keys, g));
    }
    for (size_t i = 0; i < ncols; ++i) RETURN_IF_ERROR(append(static_cast<int>(i), &rows, g));
    values.clear();
    if (op_index >= 0) RETURN_IF_ERROR(reader->ReadColumnGroup(op_index, g, &ops));
    if (soft_index >= 0) RETURN_IF_ERROR(reader->ReadColumnGroup(soft_index, g, &soft));
    for (size_t r = 0; r < n; ++r, ++position) {
      while (next_deleted < deleted.size() && deleted[next_deleted] < position) ++next_deleted;
      if (next_deleted < deleted.size() && deleted[next_deleted] == position) continue;
      if (soft_index >= 0 && soft[r] && *soft[r] == std::string(1, '\1')) continue;
      char op = 'I';
      if (op_index >= 0 && ops[r] && !ops[r]->empty()) op = (*ops[r])[0];
      RETURN_IF_ERROR(on_row(op, CanonicalRow{std::move(keys[r]), std::move(rows[r])}));
    }
  }
  return Status::OK();
}

}  // namespace binlake::validate
