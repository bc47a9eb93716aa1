#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/output_stream.h"
#include "common/result.h"
#include "format/column_encoder.h"
#include "format/page_compressor.h"
#include "format/parquet_metadata.h"
#include "format/parquet_options.h"
#include "format/parquet_schema.h"
#include "format/row_writer.h"

namespace binlake {

// A RowWriter producing one Parquet file (format 2 logical types, v1 data pages) with a flat
// schema: one leaf per Column, OPTIONAL or REQUIRED per Column.nullable, field_id from
// Column.field_id. Types are mapped exactly (docs/type-mapping.md).
//
// Rows are buffered one row group at a time (at most ParquetOptions::row_group_bytes of
// values); a full row group is written to the stream as column chunks, and Finish writes the
// last row group and the footer. Memory is therefore bounded by the row group size.
//
// The stream is borrowed and must outlive the writer. Not thread-safe.
class ParquetWriter final : public RowWriter {
 public:
  // Fails with kInvalidArgument naming the column when a column cannot be written (e.g.
  // DECIMAL precision above 76) or the options are out of range.
  static Result<std::unique_ptr<RowWriter>> Create(std::vector<Column> columns,
                                                   const ParquetOptions& options,
                                                   OutputStream* out);

  // The same, typed: for callers that read the file's metadata after Finish.
  static Result<std::unique_ptr<ParquetWriter>> Open(std::vector<Column> columns,
                                                     const ParquetOptions& options,
                                                     OutputStream* out);

  Status Append(const Row& row) override;
  uint64_t rows() const override { return rows_; }
  uint64_t EstimatedSize() const override;
  Status Finish() override;
  void Abandon() override;

  // What Finish wrote: each row group's column chunks (sizes, counts, PLAIN min/max), in
  // column order. REQUIRES: Finish succeeded.
  const std::vector<RowGroupMeta>& row_groups() const { return row_groups_; }

 private:
  ParquetWriter(const ParquetOptions& options, OutputStream* out) : options_(options), out_(out) {}

  Status EnsureMagic();
  Status FlushRowGroup();

  // Constant after construction. plans_ is sized once: encoders point into it.
  const ParquetOptions options_;
  OutputStream* const out_;
  std::vector<ParquetColumnPlan> plans_;
  std::unique_ptr<PageCompressor> compressor_;
  std::vector<std::unique_ptr<ColumnEncoder>> encoders_;

  bool started_ = false;  // magic written
  bool done_ = false;     // finished or abandoned
  Status failed_;         // a stream error makes the writer unusable
  uint64_t rows_ = 0;
  uint64_t row_group_rows_ = 0;
  std::vector<RowGroupMeta> row_groups_;
};

}  // namespace binlake
