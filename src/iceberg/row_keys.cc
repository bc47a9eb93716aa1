// Canonical row keys and reading them from data and position-delete files (key_index.h).

#include <algorithm>
#include <cstring>
#include <map>

#include "format/parquet_reader.h"
#include "format/parquet_value_converter.h"
#include "iceberg/key_index.h"
#include "iceberg/table_files.h"

namespace binlake {
namespace {

constexpr int32_t kDeleteFilePathId = 2147483546;
constexpr int32_t kDeletePosId = 2147483545;

bool IsDecimal(const IcebergColumn& c) { return c.type.rfind("decimal", 0) == 0; }

template <typename T>
std::string LittleEndian(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}

}  // namespace

void AppendCanonicalKeyPart(const IcebergColumn& column, ParquetType physical,
                            const std::optional<std::string>& plain, std::string* key) {
  if (!plain) {
    key->push_back('\0');
    return;
  }
  std::string v;
  if (IsDecimal(column)) {
    if (physical == ParquetType::kInt32 || physical == ParquetType::kInt64) {
      int64_t x = 0;
      if (physical == ParquetType::kInt32) {
        int32_t y;
        std::memcpy(&y, plain->data(), 4);
        x = y;
      } else {
        std::memcpy(&x, plain->data(), 8);
      }
      std::string be(8, '\0');
      for (int i = 0; i < 8; ++i) be[static_cast<size_t>(i)] = static_cast<char>(x >> (56 - 8 * i));
      v = MinimalBigEndian(be);
    } else {
      v = MinimalBigEndian(*plain);
    }
  } else if (physical == ParquetType::kInt32 && plain->size() == 4) {
    int32_t y;
    std::memcpy(&y, plain->data(), 4);
    v = LittleEndian<int64_t>(y);
  } else if (physical == ParquetType::kFloat && plain->size() == 4) {
    float f;
    std::memcpy(&f, plain->data(), 4);
    v = LittleEndian<double>(f);
  } else {
    v = *plain;
  }
  key->push_back('\1');
  uint32_t n = static_cast<uint32_t>(v.size());
  key->append(reinterpret_cast<const char*>(&n), 4);
  key->append(v);
}

Result<std::vector<ParquetColumnPlan>> IcebergPlans(const IcebergSchema& schema) {
  std::vector<ParquetColumnPlan> plans;
  ParquetOptions options = IcebergParquetOptions();
  for (const IcebergColumn& c : schema.columns) {
    ASSIGN_OR_RETURN(ParquetColumnPlan p, PlanColumn(c.file_column, options));
    plans.push_back(std::move(p));
  }
  return plans;
}

Result<std::string> CanonicalKey(const IcebergSchema& schema,
                                 const std::vector<ParquetColumnPlan>& plans, const Row& row) {
  std::string key;
  const ZeroDateRule rule = IcebergParquetOptions().zero_date;
  std::string scratch;
  for (int k : schema.key_columns) {
    const ParquetColumnPlan& plan = plans[static_cast<size_t>(k)];
    const IcebergColumn& column = schema.columns[static_cast<size_t>(k)];
    const Value& v = row[static_cast<size_t>(k)];
    std::optional<std::string> plain;
    if (!v.is_null()) {
      bool is_null = false;
      switch (plan.type) {
        case ParquetType::kBoolean: {
          bool b;
          RETURN_IF_ERROR(ConvertToBool(plan, v, &b));
          plain = std::string(1, b ? '\1' : '\0');
          break;
        }
        case ParquetType::kInt32: {
          int32_t x;
          RETURN_IF_ERROR(ConvertToInt32(plan, rule, v, &x, &is_null));
          plain = LittleEndian(x);
          break;
        }
        case ParquetType::kInt64: {
          int64_t x;
          RETURN_IF_ERROR(ConvertToInt64(plan, rule, v, &x, &is_null));
          plain = LittleEndian(x);
          break;
        }
        case ParquetType::kFloat: {
          float x;
          RETURN_IF_ERROR(ConvertToFloat(plan, v, &x));
          plain = LittleEndian(x);
          break;
        }
        case ParquetType::kDouble: {
          double x;
          RETURN_IF_ERROR(ConvertToDouble(plan, v, &x));
          plain = LittleEndian(x);
          break;
        }
        default: {
          std::string_view b;
          RETURN_IF_ERROR(ConvertToBytes(plan, v, &scratch, &b));
          plain = std::string(b);
          break;
        }
      }
      if (is_null) plain.reset();
    }
    AppendCanonicalKeyPart(column, plan.type, plain, &key);
  }
  return key;
}

Status ReadGroupKeys(const IcebergSchema& schema, const ParquetReader& reader, size_t group,
                     const std::string& path, std::vector<std::string>* keys) {
  const size_t rows = reader.RowGroupRows(group);
  keys->assign(rows, std::string());
  std::vector<std::optional<std::string>> values;
  for (int k : schema.key_columns) {
    const IcebergColumn& column = schema.columns[static_cast<size_t>(k)];
    int at = reader.FindByFieldId(column.file_column.field_id);
    ParquetType physical = ParquetType::kByteArray;
    if (at >= 0) {
      RETURN_IF_ERROR(reader.ReadColumnGroup(at, group, &values));
      if (values.size() != rows) {
        return CorruptionError("{}: column '{}' has {} values for {} rows in row group {}", path,
                               column.file_column.name, values.size(), rows, group);
      }
      physical = reader.columns()[static_cast<size_t>(at)].type;
    } else {
      values.assign(rows, std::nullopt);
    }
    for (size_t r = 0; r < rows; ++r) {
      AppendCanonicalKeyPart(column, physical, values[r], &(*keys)[r]);
    }
  }
  return Status::OK();
}

Status IndexDataFile(const IcebergSchema& schema, StoredParquetFile* file, const std::string& path,
                     const std::vector<int64_t>& deleted, KeyIndex* index) {
  const uint32_t number = index->FileNumber(path);
  std::vector<std::string> keys;
  auto gone = deleted.begin();
  int64_t base = 0;
  for (size_t g = 0; g < file->num_row_groups(); ++g) {
    RETURN_IF_ERROR(file->Load(g));
    RETURN_IF_ERROR(ReadGroupKeys(schema, file->reader(), g, path, &keys));
    for (size_t r = 0; r < keys.size(); ++r) {
      const int64_t pos = base + static_cast<int64_t>(r);
      while (gone != deleted.end() && *gone < pos) ++gone;
      if (gone != deleted.end() && *gone == pos) continue;
      RETURN_IF_ERROR(index->Add(keys[r], RowLocation{number, pos}));
    }
    base += static_cast<int64_t>(keys.size());
  }
  return Status::OK();
}

Status ReadPositionDeletes(std::string_view bytes, const std::string& path,
                           std::map<std::string, std::vector<int64_t>>* out) {
  ASSIGN_OR_RETURN(std::unique_ptr<ParquetReader> reader, ParquetReader::Open(bytes, path));
  int path_col = reader->FindByFieldId(kDeleteFilePathId);
  if (path_col < 0) path_col = reader->FindByName("file_path");
  int pos_col = reader->FindByFieldId(kDeletePosId);
  if (pos_col < 0) pos_col = reader->FindByName("pos");
  if (path_col < 0 || pos_col < 0) {
    return CorruptionError("{} is not a position delete file (no file_path and pos columns)", path);
  }
  std::vector<std::optional<std::string>> paths, positions;
  RETURN_IF_ERROR(reader->ReadColumn(path_col, &paths));
  RETURN_IF_ERROR(reader->ReadColumn(pos_col, &positions));
  if (paths.size() != positions.size()) {
    return CorruptionError("{}: file_path and pos columns differ in length", path);
  }
  for (size_t i = 0; i < paths.size(); ++i) {
    if (!paths[i] || !positions[i] || positions[i]->size() != 8) {
      return CorruptionError("{}: row {} has a NULL or malformed file_path/pos", path, i);
    }
    int64_t pos;
    std::memcpy(&pos, positions[i]->data(), 8);
    (*out)[*paths[i]].push_back(pos);
  }
  return Status::OK();
}

}  // namespace binlake
