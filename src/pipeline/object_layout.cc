#include "pipeline/object_layout.h"

#include <fmt/format.h>

#include "model/value.h"

namespace binlake {

Result<int64_t> ParseUtcOffsetMs(std::string_view tz) {
  if (tz == "UTC" || tz == "Z" || tz == "utc" || tz == "GMT") return 0;
  std::string digits;
  int sign = 0;
  if (!tz.empty() && (tz[0] == '+' || tz[0] == '-')) sign = tz[0] == '-' ? -1 : 1;
  for (size_t i = 1; sign != 0 && i < tz.size(); ++i) {
    if (tz[i] == ':') continue;
    if (tz[i] < '0' || tz[i] > '9') sign = 0;
    digits.push_back(tz[i]);
  }
  if (sign == 0 || digits.size() != 4) {
    return InvalidArgumentError(
        "output.date_partition_timezone '{}' is not supported: use UTC or a fixed offset such "
        "as +09:00",
        tz);
  }
  int hours = std::stoi(digits.substr(0, 2)), minutes = std::stoi(digits.substr(2, 2));
  if (hours > 14 || minutes > 59) {
    return InvalidArgumentError("output.date_partition_timezone '{}' is out of range", tz);
  }
  return sign * (hours * 3600 + minutes * 60) * int64_t{1000};
}

namespace {

// cdc_path is a folder relative to the lake root (as DMS's CdcPath under BucketFolder).
Result<std::string> NormalizeCdcPath(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  std::string out;
  size_t start = 0;
  while (start < path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view segment = path.substr(start, slash - start);
    if (segment.empty() || segment == "." || segment == "..") {
      return InvalidArgumentError(
          "output.cdc_path '{}' has an empty, '.' or '..' folder; give a plain relative folder "
          "such as 'changes' or 'cdc/orders-db'",
          path);
    }
    if (start == 0 && segment == "_binlake") {
      return InvalidArgumentError(
          "output.cdc_path '{}' is inside _binlake/, where binlake keeps its checkpoints; choose "
          "another folder such as 'changes'",
          path);
    }
    if (!out.empty()) out += '/';
    out += segment;
    start = slash + 1;
  }
  return out;
}

}  // namespace

Result<ObjectLayout> ObjectLayout::Create(const OutputConfig& output) {
  ObjectLayout l;
  switch (output.format) {
    case OutputFormat::kCsv:
      l.extension_ = "csv";
      break;
    case OutputFormat::kJsonl:
      l.extension_ = "json";
      break;
    case OutputFormat::kParquet:
      l.extension_ = "parquet";
      break;
  }
  if (output.format != OutputFormat::kParquet && output.compression == Compression::kGzip) {
    l.extension_ += ".gz";
  }
  l.date_partition_ = output.date_partition_enabled;
  l.date_sequence_ = output.date_partition_sequence;
  const std::string& d = output.date_partition_delimiter;
  l.date_delimiter_ = d == "SLASH" ? "/" : d == "UNDERSCORE" ? "_" : d == "DASH" ? "-" : "";
  ASSIGN_OR_RETURN(l.tz_offset_ms_, ParseUtcOffsetMs(output.date_partition_timezone));
  ASSIGN_OR_RETURN(l.cdc_path_, NormalizeCdcPath(output.cdc_path));
  return l;
}

std::string ObjectLayout::FileName(int64_t window_ms, int part) const {
  Timestamp ts{window_ms / 1000, 0};
  DateTime t = TimestampToUtc(ts);
  std::string name = fmt::format("{:04d}{:02d}{:02d}-{:02d}{:02d}{:02d}{:03d}", t.year, t.month,
                                 t.day, t.hour, t.minute, t.second, window_ms % 1000);
  if (part > 1) name += fmt::format("-{:04d}", part);
  return name + "." + extension_;
}

std::string ObjectLayout::DateFolder(int64_t window_ms) const {
  DateTime t = TimestampToUtc(Timestamp{(window_ms + tz_offset_ms_) / 1000, 0});
  std::string y = fmt::format("{:04d}", t.year), m = fmt::format("{:02d}", t.month),
              dd = fmt::format("{:02d}", t.day), h = fmt::format("{:02d}", t.hour);
  const std::string& s = date_delimiter_;
  if (date_sequence_ == "YYYYMMDDHH") return y + s + m + s + dd + s + h;
  if (date_sequence_ == "YYYYMM") return y + s + m;
  if (date_sequence_ == "MMYYYYDD") return m + s + y + s + dd;
  if (date_sequence_ == "DDMMYYYY") return dd + s + m + s + y;
  return y + s + m + s + dd;
}

std::string ObjectLayout::CdcKey(const std::string& schema, const std::string& table,
                                 int64_t window_ms, int part) const {
  std::string key = cdc_path_.empty() ? "" : cdc_path_ + "/";
  key += schema + "/" + table + "/";
  if (date_partition_) key += DateFolder(window_ms) + "/";
  return key + FileName(window_ms, part);
}

std::string ObjectLayout::CdcPathKey(int64_t window_ms, int part) const {
  std::string key = cdc_path_ + "/";
  if (date_partition_) key += DateFolder(window_ms) + "/";
  // DMS's transaction files: CDC_TXN- and the time without the date/time dash.
  std::string name = FileName(window_ms, part);
  name.erase(8, 1);
  return key + "CDC_TXN-" + name;
}

std::string ObjectLayout::LoadKey(const std::string& schema, const std::string& table,
                                  uint32_t counter) const {
  return fmt::format("{}/{}/LOAD{:08X}.{}", schema, table, counter, extension_);
}

}  // namespace binlake
