#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/output_stream.h"
#include "common/result.h"
#include "format/row_writer.h"

namespace binlake {

// Where a column goes in a JSON-lines record.
enum class JsonPlace : uint8_t {
  kTop,   // a top-level key: {"op": "U", ...}
  kData,  // inside "data": the row (after-image; before-image for deletes)
  kOld,   // inside "old": the before-image of an update
};

struct JsonLinesOptions {
  // One entry per column; empty means every column goes to kData.
  std::vector<JsonPlace> places;
  bool gzip = false;
  int gzip_level = 6;
};

// One JSON object per line. Columns go to the top level, to "data" or to "old" per
// options.places, keyed by column name, in column order. A NULL value is null; an absent
// value (a column missing from a MINIMAL row image, or the "old" columns of a row that is
// not an update) is left out, and an "old" object whose values are all absent is left out
// entirely. Values as format/value_text.h's AppendValueJson. Not thread-safe.
class JsonLinesWriter : public RowWriter {
 public:
  // `out` must outlive the writer.
  static Result<std::unique_ptr<JsonLinesWriter>> Create(std::vector<Column> columns,
                                                         const JsonLinesOptions& options,
                                                         OutputStream* out);
  ~JsonLinesWriter() override;

  Status Append(const Row& row) override;
  uint64_t rows() const override { return rows_; }
  uint64_t EstimatedSize() const override;
  Status Finish() override;
  void Abandon() override;

 private:
  JsonLinesWriter(std::vector<Column> columns, std::vector<JsonPlace> places, OutputStream* out);
  void AppendObject(const Row& row, JsonPlace place);
  Status FlushBuffer();

  const std::vector<Column> columns_;
  const std::vector<JsonPlace> places_;
  std::vector<std::string> quoted_names_;  // "\"name\":" per column, escaped once
  OutputStream* const out_;
  std::unique_ptr<OutputStream> gzip_;
  std::string buffer_;
  uint64_t rows_ = 0;
  uint64_t raw_bytes_ = 0;
  bool done_ = false;
};

}  // namespace binlake
