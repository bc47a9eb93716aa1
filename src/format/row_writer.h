#pragma once

#include <cstdint>
#include <vector>

#include "common/output_stream.h"
#include "common/status.h"
#include "model/table_schema.h"
#include "model/value.h"

namespace binlake {

// Writes rows that all share one column layout as one file of one format (CSV, JSON lines,
// Parquet) into an OutputStream. The caller builds the column list (for the change log:
// Op, timestamp and sequence columns first, then the table's columns) and owns the stream.
//
// Lifecycle (as leveldb's TableBuilder): any number of Append calls, then exactly one of
// Finish (the file is complete in the stream) or Abandon (the caller will discard the
// stream). Buffering formats (Parquet) may write nothing until a row group fills or Finish.
// Not thread-safe.
class RowWriter {
 public:
  virtual ~RowWriter() = default;

  // REQUIRES: row.size() equals the number of columns; Finish/Abandon not called yet.
  // A value of the wrong kind for its column is kInvalidArgument naming the column.
  virtual Status Append(const Row& row) = 0;

  // Rows appended so far.
  virtual uint64_t rows() const = 0;

  // Bytes the file would have if finished now (buffered data included; may be an estimate
  // for compressed buffers). Used for MaxFileSize / CdcMinFileSize decisions.
  virtual uint64_t EstimatedSize() const = 0;

  // Writes everything still buffered plus any footer. REQUIRES: not finished or abandoned.
  virtual Status Finish() = 0;

  // Stops writing; nothing more goes to the stream. REQUIRES: not finished or abandoned.
  virtual void Abandon() = 0;
};

}  // namespace binlake
