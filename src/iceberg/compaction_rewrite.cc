// RewriteDataFiles: the file-copying half of a compaction (see compaction_rewrite.h).

#include "iceberg/compaction_rewrite.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>

#include "common/civil_time.h"
#include "format/parquet_reader.h"
#include "iceberg/key_index.h"

namespace binlake {
namespace {

int64_t ReadInt(ParquetType physical, const std::string& b) {
  if (physical == ParquetType::kInt32) {
    int32_t v;
    std::memcpy(&v, b.data(), 4);
    return v;
  }
  int64_t v;
  std::memcpy(&v, b.data(), 8);
  return v;
}

// Unscaled decimal text from big-endian two's complement bytes (at most 16: 38 digits).
std::string BigEndianDecimal(const std::string& be) {
  __int128 v = (!be.empty() && (static_cast<uint8_t>(be[0]) & 0x80)) ? -1 : 0;
  for (char c : be) v = (v << 8) | static_cast<uint8_t>(c);
  bool negative = v < 0;
  unsigned __int128 u =
      negative ? static_cast<unsigned __int128>(-(v + 1)) + 1 : static_cast<unsigned __int128>(v);
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  } while (u != 0);
  if (negative) digits.push_back('-');
  return std::string(digits.rbegin(), digits.rend());
}

// "-12345" with scale 2 → "-123.45".
std::string WithScale(const std::string& unscaled, int scale) {
  if (scale <= 0) return unscaled;
  const bool negative = !unscaled.empty() && unscaled.front() == '-';
  const std::string_view digits = std::string_view(unscaled).substr(negative ? 1 : 0);
  const auto places = static_cast<size_t>(scale);
  std::string out = negative ? "-" : "";
  if (digits.size() <= places) {
    out += "0.";
    out.append(places - digits.size(), '0');
    out += digits;
  } else {
    out += digits.substr(0, digits.size() - places);
    out += '.';
    out += digits.substr(digits.size() - places);
  }
  return out;
}

// The model Value of a physical Parquet value of an Iceberg data-file column (the inverse of
// the writer's conversion), so rows can be written again.
Result<Value> PhysicalToValue(const ParquetColumnPlan& plan, ParquetType physical,
                              const std::optional<std::string>& b) {
  if (!b) return Value::Null();
  switch (plan.conversion) {
    case Conversion::kBool:
      return Value::UInt((*b)[0] != 0 ? 1 : 0);
    case Conversion::kInt32:
    case Conversion::kInt64:
      return Value::Int(ReadInt(physical, *b));
    case Conversion::kFloat:
    case Conversion::kDouble: {
      double d;
      if (physical == ParquetType::kFloat) {
        float f;
        std::memcpy(&f, b->data(), 4);
        d = f;
      } else {
        std::memcpy(&d, b->data(), 8);
      }
      return plan.conversion == Conversion::kFloat ? Value::Float(static_cast<float>(d))
                                                   : Value::Double(d);
    }
    case Conversion::kDecimalInt32:
    case Conversion::kDecimalInt64:
    case Conversion::kDecimalFixed: {
      std::string unscaled = physical == ParquetType::kInt32 || physical == ParquetType::kInt64
                                 ? std::to_string(ReadInt(physical, *b))
                                 : BigEndianDecimal(*b);
      return Value::Decimal(WithScale(unscaled, plan.column.scale));
    }
    case Conversion::kDate: {
      int64_t y;
      unsigned m, d;
      CivilFromDays(ReadInt(physical, *b), &y, &m, &d);
      return Value::OfDate(
          Date{static_cast<int32_t>(y), static_cast<uint8_t>(m), static_cast<uint8_t>(d)});
    }
    case Conversion::kDateTime:
    case Conversion::kTimestamp: {
      int64_t micros = ReadInt(physical, *b);
      int64_t seconds = micros >= 0 ? micros / 1000000 : -((-micros + 999999) / 1000000);
      uint32_t frac = static_cast<uint32_t>(micros - seconds * 1000000);
      if (plan.conversion == Conversion::kTimestamp) {
        return Value::OfTimestamp(Timestamp{seconds, frac});
      }
      int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
      int64_t rest = seconds - days * 86400;
      int64_t y;
      unsigned m, d;
      CivilFromDays(days, &y, &m, &d);
      return Value::OfDateTime(DateTime{static_cast<int32_t>(y), static_cast<uint8_t>(m),
                                        static_cast<uint8_t>(d), static_cast<uint8_t>(rest / 3600),
                                        static_cast<uint8_t>(rest % 3600 / 60),
                                        static_cast<uint8_t>(rest % 60), frac});
    }
    case Conversion::kString:
    case Conversion::kEnumOrSet:
    case Conversion::kJson:
    case Conversion::kTimeString:
      return Value::String(*b);
    case Conversion::kBytes:
      return Value::Bytes(*b);
    default:
      return UnimplementedError("column '{}': compaction cannot rewrite its values",
                                plan.column.name);
  }
}

}  // namespace

Result<RewriteOutput> RewriteDataFiles(const RewriteInput& input) {
  RewriteOutput out;
  ASSIGN_OR_RETURN(out.moved, RowKeyLog::Create(input.scratch_dir, "compaction"));
  // Positions the snapshot deletes, per data file.
  std::map<std::string, std::vector<int64_t>> deleted;
  for (const std::string& uri : input.delete_files) {
    ASSIGN_OR_RETURN(std::string bytes, GetByUri(input.store, uri));
    RETURN_IF_ERROR(ReadPositionDeletes(bytes, uri, &deleted));
  }
  DataFileWriter writer(input.store, input.schema, input.schema_json, input.target_file_size,
                        input.row_group_bytes, input.new_data_key);
  const size_t columns = input.schema.columns.size();
  std::vector<std::string> keys;
  std::vector<std::vector<std::optional<std::string>>> values(columns);
  Row row(columns);
  for (size_t i = 0; i < input.files.size(); ++i) {
    const std::string& path = input.files[i];
    std::optional<uint64_t> size;
    if (i < input.file_sizes.size() && input.file_sizes[i] > 0) size = input.file_sizes[i];
    ASSIGN_OR_RETURN(StoredParquetFile file, StoredParquetFile::Open(input.store, path, size));
    const ParquetReader& reader = file.reader();
    std::vector<int64_t>& gone = deleted[path];
    std::sort(gone.begin(), gone.end());
    auto next_gone = gone.begin();
    // Row group by row group, column by column (a column added after the file was written
    // stays NULL).
    int64_t base = 0;
    for (size_t g = 0; g < file.num_row_groups(); ++g) {
      if (input.cancel && input.cancel->load()) {
        writer.Abort();
        return CancelledError("compaction stopped");
      }
      RETURN_IF_ERROR(file.Load(g));
      RETURN_IF_ERROR(ReadGroupKeys(input.schema, reader, g, path, &keys));
      const size_t group_rows = keys.size();
      std::vector<ParquetType> physical(columns, ParquetType::kByteArray);
      for (size_t c = 0; c < columns; ++c) {
        values[c].clear();
        int col = reader.FindByFieldId(input.schema.columns[c].file_column.field_id);
        if (col < 0) continue;
        RETURN_IF_ERROR(reader.ReadColumnGroup(col, g, &values[c]));
        physical[c] = reader.columns()[static_cast<size_t>(col)].type;
        if (values[c].size() != group_rows) {
          return CorruptionError("{}: row group {} has {} values of column '{}' for {} rows", path,
                                 g, values[c].size(), input.schema.columns[c].file_column.name,
                                 group_rows);
        }
      }
      for (size_t r = 0; r < group_rows; ++r) {
        const int64_t pos = base + static_cast<int64_t>(r);
        while (next_gone != gone.end() && *next_gone < pos) ++next_gone;
        if (next_gone != gone.end() && *next_gone == pos) continue;
        for (size_t c = 0; c < columns; ++c) {
          if (values[c].empty()) {
            row[c] = Value::Null();
          } else {
            ASSIGN_OR_RETURN(row[c], PhysicalToValue(input.plans[c], physical[c], values[c][r]));
          }
        }
        std::pair<size_t, int64_t> at;
        RETURN_IF_ERROR(writer.Append(row, &at));
        RETURN_IF_ERROR(out.moved->Append(keys[r], {static_cast<uint32_t>(at.first), at.second},
                                          {static_cast<uint32_t>(i), pos}));
      }
      base += static_cast<int64_t>(group_rows);
    }
  }
  RETURN_IF_ERROR(writer.Finish());
  out.written = std::move(writer.files());
  return out;
}

}  // namespace binlake
