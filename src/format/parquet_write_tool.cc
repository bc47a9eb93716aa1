// parquet_write_tool: writes one Parquet file with ParquetWriter from a line-based spec on
// stdin, so tests in other languages can drive the writer. Usage:
//   parquet_write_tool OUT.parquet < spec
// Spec lines (fields separated by TAB):
//   opt  NAME VALUE     codec none|snappy|gzip|zstd, zstd_level, row_group_bytes,
//                       row_group_rows, page_bytes, dictionary 0|1, dictionary_page_bytes,
//                       timestamp_millis 0|1, time_as_string 0|1, enum_as_string 0|1,
//                       wide_decimal_as_string 0|1,
//                       zero_date null|epoch|error, created_by TEXT
//   col  NAME TYPE NULLABLE UNSIGNED PRECISION SCALE FIELD_ID ELEMENTS
//        TYPE is a LogicalTypeName (int8 ... vector); ELEMENTS '-' or hex names joined by ','
//   row  VALUE...       N (NULL), A (absent), i:INT, u:UINT, f:HEXBITS32, d:HEXBITS64,
//                       dec:TEXT, date:Y-M-D, time:[-]H:M:S:MICROS, dt:Y-M-D-H-M-S-MICROS,
//                       ts:SECONDS:MICROS, s:HEX (string), b:HEX (bytes), j:HEX (json)
// Exit status 0 on success; 2 with the writer's message on stderr when a row is rejected.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "common/output_stream.h"
#include "format/parquet_writer.h"

namespace binlake {
namespace {

class FileOutputStream : public OutputStream {
 public:
  explicit FileOutputStream(FILE* f) : f_(f) {}
  Status Write(std::string_view data) override {
    if (std::fwrite(data.data(), 1, data.size(), f_) != data.size()) {
      return UnavailableError("write failed");
    }
    offset_ += data.size();
    return Status::OK();
  }
  uint64_t Tell() const override { return offset_; }

 private:
  FILE* f_;
  uint64_t offset_ = 0;
};

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  if (!s.empty() && s.back() == sep) out.push_back("");
  return out;
}

std::string Unhex(const std::string& h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16)));
  }
  return out;
}

bool ParseType(const std::string& name, LogicalType* t) {
  for (int i = 0; i <= static_cast<int>(LogicalType::kVector); ++i) {
    if (LogicalTypeName(static_cast<LogicalType>(i)) == name) {
      *t = static_cast<LogicalType>(i);
      return true;
    }
  }
  return false;
}

Value ParseValue(const std::string& f) {
  if (f == "N") return Value::Null();
  if (f == "A") return Value::Absent();
  const size_t colon = f.find(':');
  const std::string tag = f.substr(0, colon);
  const std::string body = f.substr(colon + 1);
  if (tag == "i") return Value::Int(std::stoll(body));
  if (tag == "u") return Value::UInt(std::stoull(body));
  if (tag == "f") {
    const uint32_t bits = static_cast<uint32_t>(std::stoul(body, nullptr, 16));
    float v;
    std::memcpy(&v, &bits, 4);
    return Value::Float(v);
  }
  if (tag == "d") {
    const uint64_t bits = std::stoull(body, nullptr, 16);
    double v;
    std::memcpy(&v, &bits, 8);
    return Value::Double(v);
  }
  if (tag == "dec") return Value::Decimal(body);
  if (tag == "date") {
    auto p = Split(body, '-');
    return Value::OfDate(Date{std::stoi(p[0]), static_cast<uint8_t>(std::stoi(p[1])),
                              static_cast<uint8_t>(std::stoi(p[2]))});
  }
  if (tag == "time") {
    Duration d{};
    std::string b = body;
    if (!b.empty() && b[0] == '-') {
      d.negative = true;
      b = b.substr(1);
    }
    auto p = Split(b, ':');
    d.hours = static_cast<uint32_t>(std::stoul(p[0]));
    d.minutes = static_cast<uint8_t>(std::stoi(p[1]));
    d.seconds = static_cast<uint8_t>(std::stoi(p[2]));
    d.micros = static_cast<uint32_t>(std::stoul(p[3]));
    return Value::OfTime(d);
  }
  if (tag == "dt") {
    auto p = Split(body, '-');
    return Value::OfDateTime(
        DateTime{std::stoi(p[0]), static_cast<uint8_t>(std::stoi(p[1])),
                 static_cast<uint8_t>(std::stoi(p[2])), static_cast<uint8_t>(std::stoi(p[3])),
                 static_cast<uint8_t>(std::stoi(p[4])), static_cast<uint8_t>(std::stoi(p[5])),
                 static_cast<uint32_t>(std::stoul(p[6]))});
  }
  if (tag == "ts") {
    auto p = Split(body, ':');
    return Value::OfTimestamp(Timestamp{std::stoll(p[0]), static_cast<uint32_t>(std::stoul(p[1]))});
  }
  if (tag == "s") return Value::String(Unhex(body));
  if (tag == "b") return Value::Bytes(Unhex(body));
  if (tag == "j") return Value::Json(Unhex(body));
  std::fprintf(stderr, "parquet_write_tool: unknown value '%s'\n", f.c_str());
  std::exit(64);
}

bool SetOption(ParquetOptions* o, const std::string& name, const std::string& v) {
  if (name == "codec") {
    if (v == "none")
      o->codec = ParquetCodec::kNone;
    else if (v == "snappy")
      o->codec = ParquetCodec::kSnappy;
    else if (v == "gzip")
      o->codec = ParquetCodec::kGzip;
    else if (v == "zstd")
      o->codec = ParquetCodec::kZstd;
    else
      return false;
  } else if (name == "zstd_level") {
    o->zstd_level = std::stoi(v);
  } else if (name == "row_group_bytes") {
    o->row_group_bytes = std::stoull(v);
  } else if (name == "row_group_rows") {
    o->row_group_rows = std::stoull(v);
  } else if (name == "page_bytes") {
    o->page_bytes = std::stoull(v);
  } else if (name == "dictionary") {
    o->dictionary = v == "1";
  } else if (name == "dictionary_page_bytes") {
    o->dictionary_page_bytes = std::stoull(v);
  } else if (name == "timestamp_millis") {
    o->timestamp_millis = v == "1";
  } else if (name == "time_as_string") {
    o->time_as_string = v == "1";
  } else if (name == "wide_decimal_as_string") {
    o->wide_decimal_as_string = v == "1";
  } else if (name == "enum_as_string") {
    o->enum_as_string = v == "1";
  } else if (name == "zero_date") {
    if (v == "null")
      o->zero_date = ZeroDateRule::kNull;
    else if (v == "epoch")
      o->zero_date = ZeroDateRule::kEpoch;
    else if (v == "error")
      o->zero_date = ZeroDateRule::kError;
    else
      return false;
  } else if (name == "created_by") {
    o->created_by = v;
  } else {
    return false;
  }
  return true;
}

int Run(const char* path) {
  ParquetOptions options;
  std::vector<Column> columns;
  std::vector<Row> rows;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    auto f = Split(line, '\t');
    if (f[0] == "opt" && f.size() == 3) {
      if (!SetOption(&options, f[1], f[2])) {
        std::fprintf(stderr, "parquet_write_tool: bad option %s=%s\n", f[1].c_str(), f[2].c_str());
        return 64;
      }
    } else if (f[0] == "col" && f.size() == 9) {
      Column c;
      c.name = f[1];
      if (!ParseType(f[2], &c.type)) {
        std::fprintf(stderr, "parquet_write_tool: unknown type %s\n", f[2].c_str());
        return 64;
      }
      c.nullable = f[3] == "1";
      c.is_unsigned = f[4] == "1";
      c.precision = std::stoi(f[5]);
      c.scale = std::stoi(f[6]);
      c.field_id = std::stoi(f[7]);
      if (f[8] != "-") {
        for (const std::string& h : Split(f[8], ',')) c.elements.push_back(Unhex(h));
      }
      columns.push_back(std::move(c));
    } else if (f[0] == "row") {
      Row r;
      for (size_t i = 1; i < f.size(); ++i) r.push_back(ParseValue(f[i]));
      rows.push_back(std::move(r));
    } else {
      std::fprintf(stderr, "parquet_write_tool: bad line: %s\n", line.c_str());
      return 64;
    }
  }
  FILE* file = std::fopen(path, "wb");
  if (file == nullptr) {
    std::perror(path);
    return 1;
  }
  FileOutputStream out(file);
  auto writer = ParquetWriter::Create(columns, options, &out);
  if (!writer.ok()) {
    std::fprintf(stderr, "%s\n", writer.status().ToString().c_str());
    return 2;
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    Status s = (*writer)->Append(rows[i]);
    if (!s.ok()) {
      std::fprintf(stderr, "row %zu: %s\n", i, s.ToString().c_str());
      return 2;
    }
  }
  Status s = (*writer)->Finish();
  std::fclose(file);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 2;
  }
  return 0;
}

}  // namespace
}  // namespace binlake

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: parquet_write_tool OUT.parquet < spec\n");
    return 64;
  }
  return binlake::Run(argv[1]);
}
