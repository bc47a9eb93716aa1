#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/output_stream.h"
#include "common/result.h"
#include "format/row_writer.h"

namespace binlake {

// Options of the CSV writer; names follow the DMS S3 target settings.
struct CsvOptions {
  std::string delimiter = ",";       // CsvDelimiter
  std::string row_delimiter = "\n";  // CsvRowDelimiter
  // CsvNullValue. Empty: NULL is an empty unquoted field and an empty string is written as
  // "" so the two stay distinguishable. A string equal to a non-empty null_value is quoted.
  std::string null_value;
  bool header = false;  // AddColumnName: a first line with the column names
  // CsvNoSupValue (with UseCsvNoSupValue): written for a value the row image does not carry
  // (Value::Absent); unset: such a value is written as null_value. A value equal to it is
  // quoted.
  std::optional<std::string> no_sup_value;
  bool gzip = false;  // CompressionType GZIP
  int gzip_level = 6;
};

// RFC 4180 CSV: a field is quoted when it holds the delimiter, the row delimiter, a quote, CR
// or LF, when it is empty (so that it differs from NULL), or when it equals the null marker;
// quotes inside are doubled. (An empty row delimiter quotes every field.) Values use the
// canonical text of format/value_text.h. Not thread-safe.
class CsvWriter : public RowWriter {
 public:
  // `out` must outlive the writer.
  static Result<std::unique_ptr<CsvWriter>> Create(std::vector<Column> columns,
                                                   const CsvOptions& options, OutputStream* out);
  ~CsvWriter() override;

  Status Append(const Row& row) override;
  uint64_t rows() const override { return rows_; }
  uint64_t EstimatedSize() const override;
  Status Finish() override;
  void Abandon() override;

 private:
  CsvWriter(std::vector<Column> columns, CsvOptions options, OutputStream* out);
  // Classes of bytes in quote_class_; a byte may be in several.
  enum : uint8_t {
    kQuoteAlways = 1,        // '"', CR, LF, a one-byte delimiter or row delimiter
    kDelimiterStart = 2,     // first byte of a longer delimiter
    kRowDelimiterStart = 4,  // first byte of a longer row delimiter
  };

  bool NeedsQuotes(std::string_view text) const;
  void AppendQuoted(std::string_view text);
  void AppendField(std::string_view text);
  void AppendValue(const Value& value, const Column& column);
  Status FlushBuffer();

  const std::vector<Column> columns_;
  const CsvOptions options_;
  OutputStream* const out_;  // the stream bytes go to: out or the gzip wrapper
  // Which bytes may make a field need quotes: one table lookup per byte instead of one
  // scan per delimiter and marker.
  uint8_t quote_class_[256] = {};
  bool quote_all_ = false;  // empty row delimiter: it "occurs" in every field
  // No byte of value_text.h's kNonTextValueBytes needs quotes: numbers, temporals and hex
  // are quoted only when equal to the NULL marker.
  bool non_text_plain_ = false;
  std::unique_ptr<OutputStream> gzip_;
  std::string buffer_;
  std::string scratch_;
  uint64_t rows_ = 0;
  uint64_t raw_bytes_ = 0;  // uncompressed bytes produced
  bool done_ = false;
};

}  // namespace binlake
