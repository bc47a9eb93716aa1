#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace binlake {

// Compression applied to every Parquet page (the DMS setting CompressionType / Parquet codec).
enum class ParquetCodec : uint8_t { kNone, kSnappy, kGzip, kZstd };

// What a DATE, DATETIME or TIMESTAMP that is not a real calendar instant becomes. MySQL keeps
// zero dates ('0000-00-00', '2024-00-00' with NO_ZERO_IN_DATE off) and, with
// ALLOW_INVALID_DATES, days past the end of the month ('2023-02-30'); Parquet's DATE and
// TIMESTAMP cannot hold them.
enum class ZeroDateRule : uint8_t {
  // Written as NULL. Such columns are always OPTIONAL in the Parquet schema, even when the
  // MySQL column is NOT NULL, because NOT NULL columns are where zero dates usually live.
  kNull,
  // Written as 1970-01-01 00:00:00 (DATE 0 / TIMESTAMP 0).
  kEpoch,
  // Append fails with kInvalidArgument naming the column and the value.
  kError,
};

// How the writer lays out a Parquet file. Defaults follow what DMS writes, with exact types.
struct ParquetOptions {
  // Page compression. Snappy is DMS's default for Parquet.
  ParquetCodec codec = ParquetCodec::kSnappy;
  // zstd level (1..22) when codec is kZstd.
  int zstd_level = 3;
  // A row group is closed once its values would take this many bytes uncompressed (PLAIN
  // size), or once it holds row_group_rows rows, whichever comes first.
  uint64_t row_group_bytes = 128ull << 20;
  uint64_t row_group_rows = 1'000'000;
  // A data page is closed once its values take about this many bytes before compression.
  uint64_t page_bytes = 1ull << 20;
  // Dictionary-encode columns (RLE_DICTIONARY data pages after one PLAIN dictionary page).
  // BOOLEAN columns never are, and a chunk whose first 16384 values are more than 7/8
  // distinct (keys, instants, free text) writes the rest of its pages PLAIN.
  bool dictionary = true;
  // Once a column chunk's dictionary exceeds this many PLAIN bytes, the rest of that chunk is
  // written PLAIN (the pages written so far keep the dictionary). Each row group starts over.
  uint64_t dictionary_page_bytes = 1ull << 20;
  // Column statistics (min, max, null count) in every data page header and column chunk
  // (DMS EnableStatistics). Readers use them to skip pages and row groups; without them the
  // file is a little smaller. The chunk statistics are still computed for callers that read
  // them from the row group metadata (Iceberg manifests).
  bool statistics = true;
  // DATETIME and TIMESTAMP in microseconds, or in milliseconds (truncated towards negative
  // infinity) as DMS's ParquetTimestampInMillisecond.
  bool timestamp_millis = false;
  // TIME as its canonical text '[-]HH:MM:SS[.ffffff]' (as DMS does; MySQL TIME is a signed
  // duration up to 838 hours, which Parquet's TIME cannot express), or as TIME(MICROS) INT64
  // holding the signed duration in microseconds.
  bool time_as_string = true;
  // DECIMAL wider than 38 digits as its exact text (BYTE_ARRAY STRING), or as the DECIMAL
  // logical type on FIXED_LEN_BYTE_ARRAY. Both are valid Parquet, but engines built on
  // 128-bit decimals (Spark, Athena, Trino, pandas/Arrow's decimal128, DuckDB) refuse or
  // misread the wide ones: DuckDB 1.x returns a DOUBLE off by a factor of 2^32.
  bool wide_decimal_as_string = true;
  // ENUM as BYTE_ARRAY with the ENUM logical type, or as plain STRING.
  bool enum_as_string = false;
  ZeroDateRule zero_date = ZeroDateRule::kNull;
  // Written to FileMetaData.created_by. Readers parse "<app> version <x.y.z> (build <h>)"
  // to decide which statistics to trust, so keep that shape.
  std::string created_by = "binlake version 0.1.0 (build 0)";
  // FileMetaData.key_value_metadata, in order (Iceberg writes its schema as "iceberg.schema").
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
};

}  // namespace binlake
