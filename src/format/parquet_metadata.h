#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "format/parquet_schema.h"

namespace binlake {

// The parts of parquet.thrift that binlake writes, as plain structs, and their serialisation
// in the Thrift compact protocol: page headers and the file footer (FileMetaData).

// parquet.thrift Encoding ids.
inline constexpr int32_t kEncodingPlain = 0;
inline constexpr int32_t kEncodingRle = 3;
inline constexpr int32_t kEncodingRleDictionary = 8;

// Min/max already PLAIN-encoded (byte arrays without their length prefix).
struct ParquetStatistics {
  int64_t null_count = 0;
  bool has_min_max = false;
  std::string min;
  std::string max;
};

struct ColumnChunkMeta {
  ParquetType type = ParquetType::kByteArray;
  std::vector<int32_t> encodings;
  std::string path;  // the column name (flat schema)
  int32_t codec = 0;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;  // page headers included
  int64_t total_compressed_size = 0;    // page headers included
  int64_t data_page_offset = 0;
  int64_t dictionary_page_offset = -1;  // -1: no dictionary page
  ParquetStatistics stats;
};

struct RowGroupMeta {
  std::vector<ColumnChunkMeta> columns;
  int64_t num_rows = 0;
  int64_t total_byte_size = 0;  // uncompressed
  int64_t total_compressed_size = 0;
  int64_t file_offset = 0;
};

// Appends a PageHeader for a v1 data page (levels RLE) to *out; `stats` null: none written.
void WriteDataPageHeader(int32_t uncompressed_size, int32_t compressed_size, int32_t num_values,
                         int32_t encoding, const ParquetStatistics* stats, std::string* out);
// Appends a PageHeader for a PLAIN dictionary page to *out.
void WriteDictionaryPageHeader(int32_t uncompressed_size, int32_t compressed_size,
                               int32_t num_values, std::string* out);
// Appends the FileMetaData of a flat schema (root + one leaf per plan) to *out. Without
// `statistics`, the column chunks' statistics are left out.
void WriteFileMetaData(const std::vector<ParquetColumnPlan>& columns,
                       const std::vector<RowGroupMeta>& row_groups, int64_t num_rows,
                       const std::string& created_by,
                       const std::vector<std::pair<std::string, std::string>>& key_values,
                       bool statistics, std::string* out);

}  // namespace binlake
