// parquet_write_bench: ParquetWriter throughput on a mixed 10-column table.
// Usage: parquet_write_bench [--rows N] [--out-dir DIR]
// Writes DIR/bench_zstd.parquet and DIR/bench_snappy.parquet and prints one JSON object on
// its last line: rows/s and MB/s (PLAIN-equivalent value bytes per second) per codec, from
// wall-clock time, plus rows per CPU-second (the machine may be shared).
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "format/parquet_writer.h"

namespace binlake {
namespace {

class FileOutputStream : public OutputStream {
 public:
  explicit FileOutputStream(FILE* f) : f_(f) {}
  Status Write(std::string_view data) override {
    if (std::fwrite(data.data(), 1, data.size(), f_) != data.size()) {
      return UnavailableError("bench: write failed");
    }
    offset_ += data.size();
    return Status::OK();
  }
  uint64_t Tell() const override { return offset_; }

 private:
  FILE* f_;
  uint64_t offset_ = 0;
};

Column Col(const char* name, LogicalType t, bool nullable, int precision = 0, int scale = 0) {
  Column c;
  c.name = name;
  c.type = t;
  c.nullable = nullable;
  c.precision = precision;
  c.scale = scale;
  c.field_id = 0;
  return c;
}

std::vector<Column> Schema() {
  std::vector<Column> cols = {
      Col("id", LogicalType::kInt64, false),
      Col("customer_id", LogicalType::kInt32, false),
      Col("amount", LogicalType::kDecimal, true, 12, 2),
      Col("price", LogicalType::kDouble, true),
      Col("quantity", LogicalType::kInt16, false),
      Col("status", LogicalType::kEnum, false),
      Col("name", LogicalType::kString, true),
      Col("created_at", LogicalType::kDateTime, false, 0, 6),
      Col("updated_at", LogicalType::kTimestamp, true, 0, 6),
      Col("note", LogicalType::kString, true),
  };
  cols[5].elements = {"new", "paid", "shipped", "delivered", "cancelled"};
  for (size_t i = 0; i < cols.size(); ++i) cols[i].field_id = static_cast<int32_t>(i + 1);
  return cols;
}

void AppendNumber(uint64_t x, std::string* out) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof(buf), x);
  out->append(buf, res.ptr);
}

// Fills row in place for row number i (deterministic), reusing its strings' capacity.
// Returns the PLAIN-equivalent bytes of the row's values.
uint64_t FillRow(uint64_t i, std::mt19937_64& rng, Row* row) {
  static const char* kStatus[] = {"new", "paid", "shipped", "delivered", "cancelled"};
  const uint64_t r = rng();
  Row& v = *row;
  v[0] = Value::Int(static_cast<int64_t>(i));
  v[1] = Value::Int(static_cast<int64_t>(r % 100000));
  uint64_t bytes = 8 + 4 + 8 + 8 + 4 + 8 + 8;
  if ((r >> 20) % 10 == 0) {
    v[2] = Value::Null();
  } else {
    const uint64_t cents = (r >> 8) % 10000000;
    if (v[2].kind() != Value::Kind::kDecimal) v[2] = Value::Decimal("");
    std::string* text = v[2].mutable_bytes();
    text->clear();
    AppendNumber(cents / 100, text);
    text->push_back('.');
    text->push_back(static_cast<char>('0' + cents % 100 / 10));
    text->push_back(static_cast<char>('0' + cents % 10));
  }
  v[3] = Value::Double(static_cast<double>((r >> 12) % 100000) / 7.0);
  v[4] = Value::Int(static_cast<int64_t>((r >> 30) % 50));
  const char* status = kStatus[(r >> 36) % 5];
  if (v[5].kind() != Value::Kind::kString) v[5] = Value::String("");
  v[5].mutable_bytes()->assign(status);
  bytes += 4 + std::strlen(status);
  if (v[6].kind() != Value::Kind::kString) v[6] = Value::String("");
  std::string* name = v[6].mutable_bytes();
  name->assign("customer-");
  AppendNumber(10000 + (r >> 40) % 20000, name);
  bytes += 4 + name->size();
  const int64_t secs = 1600000000 + static_cast<int64_t>(i / 4);
  DateTime dt{2024,
              static_cast<uint8_t>(1 + (i / 2600000) % 12),
              static_cast<uint8_t>(1 + (i / 86400) % 28),
              static_cast<uint8_t>((i / 3600) % 24),
              static_cast<uint8_t>((i / 60) % 60),
              static_cast<uint8_t>(i % 60),
              static_cast<uint32_t>(r % 1000000)};
  v[7] = Value::OfDateTime(dt);
  if ((r >> 44) % 5 == 0) {
    v[8] = Value::Null();
  } else {
    v[8] = Value::OfTimestamp(Timestamp{secs, static_cast<uint32_t>((r >> 4) % 1000000)});
  }
  if ((r >> 48) % 3 == 0) {
    v[9] = Value::Null();
  } else {
    if (v[9].kind() != Value::Kind::kString) v[9] = Value::String("");
    std::string* note = v[9].mutable_bytes();
    note->assign("order ");
    AppendNumber(i, note);
    note->append(" note ");
    AppendNumber(r >> 52, note);
    bytes += 4 + note->size();
  }
  return bytes;
}

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct Result1 {
  double cpu_seconds;
  double seconds;
  uint64_t file_bytes;
  uint64_t value_bytes;
};

Result1 RunOnce(ParquetCodec codec, uint64_t rows, const std::string& path) {
  ParquetOptions o;
  o.codec = codec;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    std::perror(path.c_str());
    std::exit(1);
  }
  std::setvbuf(f, nullptr, _IOFBF, 1 << 20);
  FileOutputStream out(f);
  auto w = ParquetWriter::Create(Schema(), o, &out);
  if (!w.ok()) {
    std::fprintf(stderr, "%s\n", w.status().ToString().c_str());
    std::exit(1);
  }
  std::mt19937_64 rng(42);
  Row row(10);
  uint64_t value_bytes = 0;
  const double cpu_start = CpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < rows; ++i) {
    value_bytes += FillRow(i, rng, &row);
    Status s = (*w)->Append(row);
    if (!s.ok()) {
      std::fprintf(stderr, "row %llu: %s\n", static_cast<unsigned long long>(i),
                   s.ToString().c_str());
      std::exit(1);
    }
  }
  Status s = (*w)->Finish();
  std::fflush(f);
  const auto end = std::chrono::steady_clock::now();
  const double cpu = CpuSeconds() - cpu_start;
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    std::exit(1);
  }
  const uint64_t size = out.Tell();
  std::fclose(f);
  return {cpu, std::chrono::duration<double>(end - start).count(), size, value_bytes};
}

}  // namespace
}  // namespace binlake

int main(int argc, char** argv) {
  uint64_t rows = 5'000'000;
  std::string dir = "/tmp";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--rows") == 0) rows = std::stoull(argv[i + 1]);
    if (std::strcmp(argv[i], "--out-dir") == 0) dir = argv[i + 1];
  }
  using binlake::ParquetCodec;
  const auto zstd = binlake::RunOnce(ParquetCodec::kZstd, rows, dir + "/bench_zstd.parquet");
  const auto snappy = binlake::RunOnce(ParquetCodec::kSnappy, rows, dir + "/bench_snappy.parquet");
  auto json = [&](const binlake::Result1& r) {
    char buf[320];
    std::snprintf(buf, sizeof(buf),
                  "{\"seconds\":%.3f,\"cpu_seconds\":%.3f,\"rows_per_s\":%.0f,"
                  "\"rows_per_cpu_s\":%.0f,\"mb_per_s\":%.1f,\"file_bytes\":%llu}",
                  r.seconds, r.cpu_seconds, rows / r.seconds, rows / r.cpu_seconds,
                  r.value_bytes / r.seconds / 1e6, static_cast<unsigned long long>(r.file_bytes));
    return std::string(buf);
  };
  std::printf("{\"rows\":%llu,\"columns\":10,\"value_bytes\":%llu,\"zstd\":%s,\"snappy\":%s}\n",
              static_cast<unsigned long long>(rows),
              static_cast<unsigned long long>(zstd.value_bytes), json(zstd).c_str(),
              json(snappy).c_str());
  return 0;
}
