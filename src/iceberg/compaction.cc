// IcebergTable::Compact: rewrites small and delete-heavy data files into target-size files.

#include <algorithm>
#include <cstring>
#include <set>

#include "common/civil_time.h"
#include "common/logging.h"
#include "format/parquet_reader.h"
#include "iceberg/iceberg_table.h"
#include "iceberg/table_files.h"

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
std::string WithScale(std::string unscaled, int scale) {
  if (scale <= 0) return unscaled;
  bool negative = !unscaled.empty() && unscaled[0] == '-';
  std::string digits = negative ? unscaled.substr(1) : unscaled;
  if (digits.size() <= static_cast<size_t>(scale)) {
    digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
  }
  digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  return negative ? "-" + digits : digits;
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
      return Value::Decimal(WithScale(std::move(unscaled), plan.column.scale));
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

Result<bool> IcebergTable::Compact() {
  if (!loaded_ || schema_.columns.empty() || has_pending()) return false;
  const TableMetadata::Json* snapshot = loaded_->metadata.CurrentSnapshot();
  if (!snapshot) return false;
  ASSIGN_OR_RETURN(std::vector<ManifestFile> manifests, ReadSnapshotManifests(store_, *snapshot));
  std::vector<ManifestEntry> data, deletes;
  for (const ManifestFile& m : manifests) {
    ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries, ReadManifestEntries(store_, m));
    for (ManifestEntry& e : entries) {
      if (e.status == EntryStatus::kDeleted) continue;
      if (e.file.partitioned || m.spec_id != 0) return false;  // not a table binlake lays out
      e.status = EntryStatus::kExisting;
      (e.file.content == FileContent::kData ? data : deletes).push_back(std::move(e));
    }
  }
  // Candidates: delete-heavy files first, then small ones, within the byte budget.
  const uint64_t small = options_.target_file_size / 4;
  std::vector<size_t> heavy, tiny;
  for (size_t i = 0; i < data.size(); ++i) {
    const DataFile& f = data[i].file;
    std::optional<uint32_t> n = index_.FindFile(f.path);
    if (!n || f.record_count <= 0) continue;
    double deleted = 1.0 - static_cast<double>(index_.LiveRows(*n)) / f.record_count;
    if (deleted > options_.compact_delete_ratio) {
      heavy.push_back(i);
    } else if (static_cast<uint64_t>(f.file_size) < small) {
      tiny.push_back(i);
    }
  }
  if (heavy.empty() && tiny.size() < static_cast<size_t>(options_.compact_min_files)) return false;
  std::vector<size_t> chosen;
  uint64_t bytes = 0;
  for (const auto* group : {&heavy, &tiny}) {
    for (size_t i : *group) {
      if (!chosen.empty() && bytes + data[i].file.file_size > options_.compact_max_bytes) break;
      chosen.push_back(i);
      bytes += static_cast<uint64_t>(data[i].file.file_size);
    }
  }
  if (chosen.size() < 2 && heavy.empty()) return false;

  const std::string data_prefix = options_.table_key + "/data/";
  const std::string meta_prefix = options_.table_key + "/metadata/";
  TableMetadata metadata = loaded_->metadata;
  const int32_t schema_id = metadata.current_schema_id();
  const std::string schema_json = metadata.CurrentSchema()->dump();
  const int64_t snapshot_id = NewSnapshotId();
  const int64_t sequence = metadata.next_sequence_number();

  // The live rows of the chosen files, one file at a time, streamed into the new files; the
  // key, old place and new place of each row are kept for the index.
  DataFileWriter out(store_, schema_, schema_json, options_.target_file_size,
                     [&] { return data_prefix + NewFileName("data") + ".parquet"; });
  std::vector<std::string> keys;
  std::vector<RowLocation> from;
  std::vector<std::pair<size_t, int64_t>> at;
  std::set<std::string> rewritten;
  size_t rows = 0;
  for (size_t i : chosen) {
    const DataFile& f = data[i].file;
    rewritten.insert(f.path);
    uint32_t file = *index_.FindFile(f.path);
    ASSIGN_OR_RETURN(std::string content, GetByUri(store_, f.path));
    ASSIGN_OR_RETURN(std::unique_ptr<ParquetReader> reader, ParquetReader::Open(content, f.path));
    std::vector<std::string> file_keys;
    RETURN_IF_ERROR(ReadFileKeys(schema_, *reader, f.path, &file_keys));
    std::vector<bool> live(file_keys.size(), false);
    std::vector<RowLocation> found;
    for (size_t r = 0; r < file_keys.size(); ++r) {
      RETURN_IF_ERROR(index_.Find(file_keys[r], &found));
      for (const RowLocation& l : found) {
        if (l.file == file && l.pos == static_cast<int64_t>(r)) live[r] = true;
      }
    }
    // Row group by row group, column by column (a column added after the file was written
    // stays NULL), so memory holds one row group's values.
    size_t base = 0;
    for (size_t g = 0; g < reader->num_row_groups(); ++g) {
      std::vector<std::vector<std::optional<std::string>>> values(schema_.columns.size());
      std::vector<ParquetType> physical(schema_.columns.size(), ParquetType::kByteArray);
      size_t group_rows = 0;
      for (size_t c = 0; c < schema_.columns.size(); ++c) {
        int col = reader->FindByFieldId(schema_.columns[c].file_column.field_id);
        if (col < 0) continue;
        RETURN_IF_ERROR(reader->ReadColumnGroup(col, g, &values[c]));
        physical[c] = reader->columns()[static_cast<size_t>(col)].type;
        group_rows = values[c].size();
      }
      Row row(schema_.columns.size());
      for (size_t r = 0; r < group_rows; ++r) {
        const size_t pos = base + r;
        if (pos >= live.size() || !live[pos]) continue;
        for (size_t c = 0; c < schema_.columns.size(); ++c) {
          if (values[c].empty()) {
            row[c] = Value::Null();
          } else {
            ASSIGN_OR_RETURN(row[c], PhysicalToValue(plans_[c], physical[c], values[c][r]));
          }
        }
        at.emplace_back();
        RETURN_IF_ERROR(out.Append(row, &at.back()));
        keys.push_back(file_keys[pos]);
        from.push_back(RowLocation{file, static_cast<int64_t>(pos)});
        ++rows;
      }
      base += group_rows;
    }
  }
  RETURN_IF_ERROR(out.Finish());
  std::vector<WrittenFile> written = std::move(out.files());
  std::vector<ManifestEntry> kept_data, kept_deletes;
  int64_t removed_deletes = 0;
  for (ManifestEntry& e : data) {
    if (!rewritten.count(e.file.path)) kept_data.push_back(std::move(e));
  }
  for (const WrittenFile& f : written) {
    ManifestEntry e;
    e.status = EntryStatus::kAdded;
    e.snapshot_id = snapshot_id;
    e.file = f.file;
    kept_data.push_back(std::move(e));
  }
  for (ManifestEntry& e : deletes) {
    if (e.file.referenced_data_file && rewritten.count(*e.file.referenced_data_file)) {
      ++removed_deletes;
    } else {
      kept_deletes.push_back(std::move(e));
    }
  }
  std::vector<ManifestFile> new_manifests;
  if (!kept_data.empty()) {
    ASSIGN_OR_RETURN(ManifestFile m,
                     PutManifest(store_, meta_prefix + NewFileName("data") + "-m0.avro", kept_data,
                                 false, schema_json, schema_id, snapshot_id, sequence));
    new_manifests.push_back(std::move(m));
  }
  if (!kept_deletes.empty()) {
    ASSIGN_OR_RETURN(
        ManifestFile m,
        PutManifest(store_, meta_prefix + NewFileName("deletes") + "-m0.avro", kept_deletes, true,
                    schema_json, schema_id, snapshot_id, sequence));
    new_manifests.push_back(std::move(m));
  }
  std::map<std::string, std::string> summary = CommittedSummary();
  for (const char* k : {"added-data-files", "added-records", "added-delete-files",
                        "added-position-delete-files", "added-position-deletes"}) {
    summary.erase(k);
  }
  summary["operation"] = "replace";
  summary["added-data-files"] = std::to_string(written.size());
  summary["deleted-data-files"] = std::to_string(chosen.size());
  summary["removed-delete-files"] = std::to_string(removed_deletes);
  summary["added-records"] = std::to_string(rows);
  Status published =
      Publish(std::move(metadata), snapshot_id, sequence, new_manifests, std::move(summary));
  if (published.code() == StatusCode::kAborted) {
    LOG_INFO("iceberg table {}: compaction met another commit; it is dropped", options_.table_key);
    RETURN_IF_ERROR(Load());
    return false;
  }
  RETURN_IF_ERROR(published);
  std::vector<uint32_t> numbers;
  for (const WrittenFile& f : written) numbers.push_back(index_.FileNumber(f.file.path));
  for (size_t i = 0; i < rows; ++i) {
    RETURN_IF_ERROR(index_.Remove(keys[i], from[i]));
    RETURN_IF_ERROR(index_.Add(keys[i], RowLocation{numbers[at[i].first], at[i].second}));
  }
  LOG_INFO("iceberg table {}: compacted {} files ({} live rows) into {}", options_.table_key,
           chosen.size(), rows, written.size());
  return true;
}

}  // namespace binlake
