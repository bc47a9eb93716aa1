#include "format/csv_writer.h"

#include "format/gzip_output_stream.h"
#include "format/value_text.h"

namespace binlake {
namespace {
constexpr size_t kFlushBytes = 256 * 1024;
}  // namespace

CsvWriter::CsvWriter(std::vector<Column> columns, CsvOptions options, OutputStream* out)
    : columns_(std::move(columns)), options_(std::move(options)), out_(out) {}

CsvWriter::~CsvWriter() = default;

Result<std::unique_ptr<CsvWriter>> CsvWriter::Create(std::vector<Column> columns,
                                                     const CsvOptions& options, OutputStream* out) {
  if (options.delimiter.empty() || options.delimiter.find('"') != std::string::npos) {
    return InvalidArgumentError("CSV delimiter must be non-empty and contain no '\"'");
  }
  std::unique_ptr<GzipOutputStream> gz;
  OutputStream* target = out;
  if (options.gzip) {
    ASSIGN_OR_RETURN(gz, GzipOutputStream::Create(out, options.gzip_level));
    target = gz.get();
  }
  std::unique_ptr<CsvWriter> w(new CsvWriter(std::move(columns), options, target));
  w->gzip_ = std::move(gz);
  if (options.header) {
    for (size_t i = 0; i < w->columns_.size(); ++i) {
      if (i > 0) w->buffer_.append(options.delimiter);
      w->AppendField(w->columns_[i].name);
    }
    w->buffer_.append(options.row_delimiter);
  }
  return w;
}

void CsvWriter::AppendField(std::string_view text) {
  // A value equal to the NULL marker (by default: the empty string) is quoted so that a
  // reader can tell it from NULL.
  bool quote = text == options_.null_value ||
               text.find_first_of("\"\r\n") != std::string_view::npos ||
               text.find(options_.delimiter) != std::string_view::npos ||
               text.find(options_.row_delimiter) != std::string_view::npos;
  if (!quote) {
    buffer_.append(text);
    return;
  }
  buffer_.push_back('"');
  for (char c : text) {
    if (c == '"') buffer_.push_back('"');
    buffer_.push_back(c);
  }
  buffer_.push_back('"');
}

Status CsvWriter::Append(const Row& row) {
  if (row.size() != columns_.size()) {
    return InvalidArgumentError("CSV row has {} values for {} columns", row.size(),
                                columns_.size());
  }
  for (size_t i = 0; i < row.size(); ++i) {
    if (i > 0) buffer_.append(options_.delimiter);
    const Value& v = row[i];
    if (v.is_null() || v.is_absent()) {
      buffer_.append(options_.null_value);
      continue;
    }
    scratch_.clear();
    AppendValueText(v, columns_[i], &scratch_);
    AppendField(scratch_);
  }
  buffer_.append(options_.row_delimiter);
  ++rows_;
  if (buffer_.size() >= kFlushBytes) return FlushBuffer();
  return Status::OK();
}

Status CsvWriter::FlushBuffer() {
  raw_bytes_ += buffer_.size();
  Status s = out_->Write(buffer_);
  buffer_.clear();
  return s;
}

uint64_t CsvWriter::EstimatedSize() const {
  // With gzip, the compressed size so far plus the pending text at a typical 4:1 ratio.
  if (gzip_) return gzip_->Tell() + buffer_.size() / 4;
  return raw_bytes_ + buffer_.size();
}

Status CsvWriter::Finish() {
  if (done_) return FailedPreconditionError("CSV writer already finished");
  done_ = true;
  RETURN_IF_ERROR(FlushBuffer());
  if (gzip_) RETURN_IF_ERROR(static_cast<GzipOutputStream*>(gzip_.get())->Finish());
  return Status::OK();
}

void CsvWriter::Abandon() {
  done_ = true;
  buffer_.clear();
}

}  // namespace binlake
