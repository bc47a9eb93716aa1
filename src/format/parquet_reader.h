#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "format/parquet_schema.h"

namespace binlake {

// Reads columns of a flat Parquet file as physical values. binlake uses it to rebuild state
// from files in the lake (the Iceberg key index: key columns and row positions; position
// delete files), including files other engines wrote. It reads what common writers produce:
// v1 and v2 data pages, PLAIN and dictionary (PLAIN_DICTIONARY / RLE_DICTIONARY) encodings,
// RLE definition levels, and the snappy, gzip, zstd and uncompressed codecs; anything else is
// kUnimplemented naming the file, column and encoding. Nested columns are not read.
//
// Open borrows the whole file's bytes, which must outlive the reader. OpenTail reads a file
// too large to hold whole (a data file in an object store): it starts from the file's last
// bytes (the footer), and LoadRowGroup then gives it one row group's bytes at a time, fetched
// by the caller (RowGroupSpan says which). Not thread-safe.
class ParquetReader {
 public:
  struct ColumnInfo {
    std::string name;
    ParquetType type = ParquetType::kByteArray;
    int type_length = 0;
    bool optional = true;
    int32_t field_id = -1;  // -1: none
  };

  // Parses the footer. kCorruption naming `origin` for anything that is not Parquet.
  static Result<std::unique_ptr<ParquetReader>> Open(std::string_view file, std::string origin);
  // The footer's length from the file's last bytes (at least 8): the tail OpenTail needs is
  // that many bytes plus 8.
  static Result<uint32_t> FooterLength(std::string_view tail, const std::string& origin);
  // Opens a file of `file_size` bytes from its last bytes `tail` (the footer and the 8 bytes
  // after it, at least), which the reader keeps. Columns can be read once LoadRowGroup gave
  // their row group's bytes.
  static Result<std::unique_ptr<ParquetReader>> OpenTail(std::string tail, uint64_t file_size,
                                                         std::string origin);
  // The bytes [offset, offset + length) of the file that row group `group`'s column chunks
  // span ({0, 0} for a group the file lacks).
  std::pair<uint64_t, uint64_t> RowGroupSpan(size_t group) const;
  // Gives a reader opened by OpenTail the bytes RowGroupSpan(group) named (it keeps them,
  // dropping those of the previous row group).
  Status LoadRowGroup(size_t group, std::string bytes);

  int64_t num_rows() const { return num_rows_; }
  const std::vector<ColumnInfo>& columns() const { return columns_; }
  // Index of the top-level leaf with this Iceberg field id (or name), or -1.
  int FindByFieldId(int32_t field_id) const;
  int FindByName(std::string_view name) const;
  // The file's key-value metadata value for `key`, if any.
  std::optional<std::string> KeyValue(std::string_view key) const;

  // Every value of a column, row by row: nullopt for NULL, else the physical value as PLAIN
  // bytes (little-endian INT32/INT64/FLOAT/DOUBLE, one byte 0/1 for BOOLEAN, raw bytes
  // without length for BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY).
  Status ReadColumn(int column, std::vector<std::optional<std::string>>* out) const;
  // The same for one row group (memory: that group's values only).
  size_t num_row_groups() const { return row_groups_.size(); }
  size_t RowGroupRows(size_t group) const { return row_group_rows_[group]; }
  Status ReadColumnGroup(int column, size_t group,
                         std::vector<std::optional<std::string>>* out) const;

 private:
  struct Chunk {
    int64_t offset = 0;  // first page (dictionary page when there is one)
    int64_t size = 0;
    int64_t num_values = 0;
    int32_t codec = 0;
  };

  ParquetReader(std::string_view file, std::string origin)
      : file_(file), file_size_(file.size()), origin_(std::move(origin)) {}
  Status ParseFooter();
  Status ReadChunk(int column, const Chunk& chunk,
                   std::vector<std::optional<std::string>>* out) const;

  // The bytes the reader has: the whole file (Open), or the part of it from window_offset_ on
  // (OpenTail: the footer, then one row group's chunks), held in owned_.
  std::string_view file_;
  uint64_t file_size_ = 0;
  uint64_t window_offset_ = 0;
  std::string owned_;
  std::string origin_;
  int64_t num_rows_ = 0;
  std::vector<ColumnInfo> columns_;
  std::vector<std::vector<Chunk>> row_groups_;  // [row group][column]
  std::vector<size_t> row_group_rows_;
  std::vector<std::pair<std::string, std::string>> key_values_;
};

}  // namespace binlake
