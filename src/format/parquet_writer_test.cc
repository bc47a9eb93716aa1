#include "format/parquet_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "format/parquet_reader.h"

namespace binlake {
namespace {

Column Col(std::string name, LogicalType type, bool nullable = true) {
  Column c;
  c.name = std::move(name);
  c.type = type;
  c.nullable = nullable;
  return c;
}

uint32_t FooterLength(const std::string& file) {
  const size_t p = file.size() - 8;
  uint32_t n = 0;
  for (int i = 0; i < 4; ++i)
    n |= static_cast<uint32_t>(static_cast<uint8_t>(file[p + i])) << (8 * i);
  return n;
}

TEST(ParquetWriterTest, FramesFileWithMagicAndFooterLength) {
  StringOutputStream out;
  auto w = ParquetWriter::Create({Col("id", LogicalType::kInt64, false)}, ParquetOptions(), &out);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Append({Value::Int(7)}).ok());
  ASSERT_TRUE((*w)->Finish().ok());
  const std::string& f = out.data();
  ASSERT_GT(f.size(), 12u);
  EXPECT_EQ(f.substr(0, 4), "PAR1");
  EXPECT_EQ(f.substr(f.size() - 4), "PAR1");
  EXPECT_LT(FooterLength(f), f.size() - 12);
  EXPECT_EQ((*w)->rows(), 1u);
}

TEST(ParquetWriterTest, EmptyFileIsMagicFooterMagic) {
  StringOutputStream out;
  auto w = ParquetWriter::Create({Col("id", LogicalType::kInt32)}, ParquetOptions(), &out);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Finish().ok());
  const std::string& f = out.data();
  EXPECT_EQ(f.substr(0, 4), "PAR1");
  EXPECT_EQ(FooterLength(f), f.size() - 12);
}

TEST(ParquetWriterTest, WrongKindNamesColumnAndLeavesWriterUsable) {
  StringOutputStream out;
  auto w = ParquetWriter::Create(
      {Col("id", LogicalType::kInt32, false), Col("created", LogicalType::kDateTime)},
      ParquetOptions(), &out);
  ASSERT_TRUE(w.ok());
  Status s = (*w)->Append({Value::Int(1), Value::String("2024-01-01")});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "column 'created' (datetime) cannot hold a STRING value ('2024-01-01'); the row does "
            "not match the column list the file was opened with");
  EXPECT_EQ((*w)->rows(), 0u);
  EXPECT_TRUE((*w)->Append({Value::Int(2), Value::Null()}).ok());
  EXPECT_TRUE((*w)->Finish().ok());
  EXPECT_EQ((*w)->rows(), 1u);
}

TEST(ParquetWriterTest, RejectsNullInRequiredAbsentAndOutOfRange) {
  StringOutputStream out;
  Column tiny = Col("t", LogicalType::kInt8);
  Column utiny = Col("u", LogicalType::kInt8);
  utiny.is_unsigned = true;
  auto w = ParquetWriter::Create({Col("id", LogicalType::kInt32, false), tiny, utiny},
                                 ParquetOptions(), &out);
  ASSERT_TRUE(w.ok());
  Status s = (*w)->Append({Value::Null(), Value::Int(1), Value::UInt(1)});
  EXPECT_EQ(s.message(),
            "column 'id' is NOT NULL but the row has NULL; the table schema the file was opened "
            "with is out of date");
  s = (*w)->Append({Value::Int(1), Value::Absent(), Value::UInt(1)});
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << "a source setting: exit code 1";
  EXPECT_NE(s.message().find("column 't' is absent"), std::string::npos) << s.message();
  s = (*w)->Append({Value::Int(1), Value::Int(128), Value::UInt(1)});
  EXPECT_NE(s.message().find("column 't' (int8) cannot hold 128: out of the column's range"),
            std::string::npos)
      << s.message();
  s = (*w)->Append({Value::Int(1), Value::Int(-128), Value::UInt(256)});
  EXPECT_NE(s.message().find("column 'u' (int8 unsigned) cannot hold 256u"), std::string::npos)
      << s.message();
  s = (*w)->Append({Value::Int(1), Value::Int(-128), Value::Int(-1)});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  s = (*w)->Append({Value::Int(1)});
  EXPECT_EQ(s.message(), "row has 1 values but the Parquet file has 3 columns");
  EXPECT_TRUE((*w)->Append({Value::Int(1), Value::Int(-128), Value::UInt(255)}).ok());
  EXPECT_EQ((*w)->rows(), 1u);
}

TEST(ParquetWriterTest, ZeroDateRuleError) {
  StringOutputStream out;
  ParquetOptions o;
  o.zero_date = ZeroDateRule::kError;
  auto w = ParquetWriter::Create({Col("d", LogicalType::kDate, false)}, o, &out);
  ASSERT_TRUE(w.ok());
  Status s = (*w)->Append({Value::OfDate(Date{0, 0, 0})});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("column 'd' (date) holds 0000-00-00, which is not a real date"),
            std::string::npos)
      << s.message();
  EXPECT_FALSE((*w)->Append({Value::OfDate(Date{2023, 2, 29})}).ok());
  EXPECT_TRUE((*w)->Append({Value::OfDate(Date{2024, 2, 29})}).ok());
}

TEST(ParquetWriterTest, RejectsUnwritableColumns) {
  StringOutputStream out;
  Column d = Col("amount", LogicalType::kDecimal);
  d.precision = 80;
  auto w = ParquetWriter::Create({d}, ParquetOptions(), &out);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("column 'amount': DECIMAL(80,0)"), std::string::npos);
  ParquetOptions bad;
  bad.codec = ParquetCodec::kZstd;
  bad.zstd_level = 99;
  EXPECT_FALSE(ParquetWriter::Create({Col("x", LogicalType::kInt32)}, bad, &out).ok());
}

TEST(ParquetWriterTest, EstimatedSizeGrowsWithData) {
  StringOutputStream out;
  auto w = ParquetWriter::Create({Col("s", LogicalType::kString)}, ParquetOptions(), &out);
  ASSERT_TRUE(w.ok());
  const uint64_t empty = (*w)->EstimatedSize();
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE((*w)->Append({Value::String("value-" + std::to_string(i))}).ok());
  }
  EXPECT_GT((*w)->EstimatedSize(), empty + 1000 * 4);
}

size_t Occurrences(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) {
    ++n;
  }
  return n;
}

TEST(ParquetWriterTest, StatisticsCanBeLeftOut) {
  // One distinct value: the dictionary page holds it once; with statistics, each data page
  // header and the column chunk hold it again as min and max.
  std::string with, without;
  for (bool statistics : {true, false}) {
    StringOutputStream out;
    ParquetOptions o;
    o.codec = ParquetCodec::kNone;
    o.statistics = statistics;
    auto w = ParquetWriter::Create({Col("s", LogicalType::kString)}, o, &out);
    ASSERT_TRUE(w.ok());
    for (int i = 0; i < 10; ++i) ASSERT_TRUE((*w)->Append({Value::String("marker-value")}).ok());
    ASSERT_TRUE((*w)->Finish().ok());
    (statistics ? with : without) = out.data();
  }
  EXPECT_EQ(Occurrences(with, "marker-value"), 5u);
  EXPECT_EQ(Occurrences(without, "marker-value"), 1u);
  EXPECT_LT(without.size(), with.size());
  Result<std::unique_ptr<ParquetReader>> r = ParquetReader::Open(without, "without");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::optional<std::string>> values;
  ASSERT_TRUE((*r)->ReadColumn(0, &values).ok());
  ASSERT_EQ(values.size(), 10u);
  EXPECT_EQ(values[9], "marker-value");
}

TEST(ParquetReaderTest, ReadsALargeFileRowGroupByRowGroupFromItsTail) {
  StringOutputStream out;
  ParquetOptions o;
  o.codec = ParquetCodec::kZstd;
  o.row_group_rows = 100;
  auto w = ParquetWriter::Create({Col("id", LogicalType::kInt64), Col("s", LogicalType::kString)},
                                 o, &out);
  ASSERT_TRUE(w.ok());
  for (int i = 0; i < 350; ++i) {
    ASSERT_TRUE(
        (*w)->Append({Value::Int(i * 7 - 1000),
                      i % 5 == 0 ? Value::Null() : Value::String("row " + std::to_string(i))})
            .ok());
  }
  ASSERT_TRUE((*w)->Finish().ok());
  const std::string file = out.data();
  auto whole = ParquetReader::Open(file, "whole");
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();

  // Exactly the footer and its trailer, as a ranged read fetches it.
  auto footer = ParquetReader::FooterLength(file.substr(file.size() - 8), "t");
  ASSERT_TRUE(footer.ok());
  EXPECT_EQ(*footer, FooterLength(file));
  auto tail = ParquetReader::OpenTail(file.substr(file.size() - *footer - 8), file.size(), "t");
  ASSERT_TRUE(tail.ok()) << tail.status().ToString();
  ASSERT_EQ((*tail)->num_row_groups(), 4u);
  EXPECT_EQ((*tail)->num_rows(), 350);
  std::vector<std::optional<std::string>> got, want;
  // Before its bytes are loaded a row group cannot be read.
  EXPECT_EQ((*tail)->ReadColumnGroup(0, 1, &got).code(), StatusCode::kFailedPrecondition);
  for (size_t g = 0; g < 4; ++g) {
    const auto [offset, length] = (*tail)->RowGroupSpan(g);
    ASSERT_GE(offset, 4u);
    ASSERT_LE(offset + length, file.size());
    EXPECT_FALSE((*tail)->LoadRowGroup(g, file.substr(offset, length - 1)).ok());
    ASSERT_TRUE((*tail)->LoadRowGroup(g, file.substr(offset, length)).ok());
    for (int c = 0; c < 2; ++c) {
      ASSERT_TRUE((*tail)->ReadColumnGroup(c, g, &got).ok());
      ASSERT_TRUE((*whole)->ReadColumnGroup(c, g, &want).ok());
      EXPECT_EQ(got, want) << "column " << c << ", row group " << g;
      EXPECT_EQ(got.size(), g < 3 ? 100u : 50u);
    }
    // Only the loaded group is held.
    if (g > 0) {
      EXPECT_FALSE((*tail)->ReadColumnGroup(0, g - 1, &got).ok());
    }
  }
  EXPECT_EQ((*tail)->LoadRowGroup(4, "").code(), StatusCode::kInvalidArgument);
  // A tail shorter than the footer, or a file that is not Parquet, is refused by name.
  auto short_tail = ParquetReader::OpenTail(file.substr(file.size() - 20), file.size(), "short");
  EXPECT_EQ(short_tail.status().code(), StatusCode::kCorruption);
  EXPECT_NE(short_tail.status().message().find("short"), std::string::npos);
  auto not_parquet = ParquetReader::FooterLength("12345678", "junk");
  EXPECT_EQ(not_parquet.status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace binlake

namespace binlake {
namespace {

// Found by iceberg_fuzzer: a data page header declaring an uncompressed size of 2^63 or more
// (a negative int32 read as size_t) made the reader resize a string past max_size, and the
// process died of an uncaught std::length_error. It is refused as damage now.
std::string TestData(const char* name) {
  std::filesystem::path p = std::filesystem::path(__FILE__).parent_path() / "testdata" / name;
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(ParquetReaderTest, APageSizeOutOfRangeIsRefusedNotThrown) {
  std::string bytes = TestData("page-size-out-of-range.parquet");
  ASSERT_FALSE(bytes.empty());
  Result<std::unique_ptr<ParquetReader>> r = ParquetReader::Open(bytes, "damaged.parquet");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  bool refused = false;
  for (size_t c = 0; c < (*r)->columns().size(); ++c) {
    std::vector<std::optional<std::string>> values;
    Status s = (*r)->ReadColumn(static_cast<int>(c), &values);
    if (!s.ok()) {
      EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
      EXPECT_NE(s.message().find("damaged.parquet"), std::string::npos) << s.message();
      refused = true;
    }
  }
  EXPECT_TRUE(refused);
}

// Found by iceberg_fuzzer: a footer map whose entry count ran far past the bytes left, with
// boolean keys and values (read as taking no bytes), looped for as long as the count said.
TEST(ParquetReaderTest, AThriftMapCountPastTheEndIsRefusedAtOnce) {
  std::string bytes = TestData("thrift-map-count-past-end.parquet");
  ASSERT_FALSE(bytes.empty());
  Result<std::unique_ptr<ParquetReader>> r = ParquetReader::Open(bytes, "damaged.parquet");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << r.status().ToString();
}

}  // namespace
}  // namespace binlake
