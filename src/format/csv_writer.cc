#include "format/csv_writer.h"

#include "format/gzip_output_stream.h"
#include "format/value_text.h"

namespace binlake {
namespace {
constexpr size_t kFlushBytes = 256 * 1024;
}  // namespace

CsvWriter::CsvWriter(std::vector<Column> columns, CsvOptions options, OutputStream* out)
    : columns_(std::move(columns)), options_(std::move(options)), out_(out) {
  for (unsigned char c : {'"', '\r', '\n'}) quote_class_[c] |= kQuoteAlways;
  auto mark = [this](const std::string& delimiter, uint8_t start_class) {
    if (delimiter.empty()) return;
    auto first = static_cast<unsigned char>(delimiter[0]);
    quote_class_[first] |= delimiter.size() == 1 ? uint8_t{kQuoteAlways} : start_class;
  };
  mark(options_.delimiter, kDelimiterStart);
  mark(options_.row_delimiter, kRowDelimiterStart);
  quote_all_ = options_.row_delimiter.empty();
  non_text_plain_ = !quote_all_;
  for (unsigned char c : kNonTextValueBytes) non_text_plain_ &= quote_class_[c] == 0;
}

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

bool CsvWriter::NeedsQuotes(std::string_view text) const {
  // A value equal to the NULL marker (by default: the empty string) or to the no-sup marker is
  // quoted so that a reader can tell it from NULL or from a value the change did not carry.
  if (quote_all_ || text == options_.null_value) return true;
  if (options_.no_sup_value && text == *options_.no_sup_value) return true;
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t i = 0;
  // Most fields hold no byte of interest: test eight at a time with independent lookups,
  // and look closer only from a group that has one.
  for (; i + 8 <= text.size(); i += 8) {
    const unsigned char* b = bytes + i;
    if ((quote_class_[b[0]] | quote_class_[b[1]] | quote_class_[b[2]] | quote_class_[b[3]] |
         quote_class_[b[4]] | quote_class_[b[5]] | quote_class_[b[6]] | quote_class_[b[7]]) != 0) {
      break;
    }
  }
  for (; i < text.size(); ++i) {
    uint8_t c = quote_class_[bytes[i]];
    if (c == 0) continue;
    if (c & kQuoteAlways) return true;
    std::string_view rest = text.substr(i);
    if ((c & kDelimiterStart) && rest.starts_with(options_.delimiter)) return true;
    if ((c & kRowDelimiterStart) && rest.starts_with(options_.row_delimiter)) return true;
  }
  return false;
}

void CsvWriter::AppendQuoted(std::string_view text) {
  buffer_.push_back('"');
  for (size_t q; (q = text.find('"')) != std::string_view::npos; text.remove_prefix(q + 1)) {
    buffer_.append(text.data(), q + 1);
    buffer_.push_back('"');  // doubled
  }
  buffer_.append(text);
  buffer_.push_back('"');
}

void CsvWriter::AppendField(std::string_view text) {
  if (NeedsQuotes(text)) {
    AppendQuoted(text);
  } else {
    buffer_.append(text);
  }
}

void CsvWriter::AppendValue(const Value& v, const Column& column) {
  switch (v.kind()) {
    case Value::Kind::kString:
    case Value::Kind::kJson:
    case Value::Kind::kDecimal:
      AppendField(v.bytes());  // the canonical text is the bytes themselves
      return;
    default:
      break;
  }
  // Rendered in place; moved aside only in the rare case it needs quotes (a delimiter made
  // of digits or punctuation, or a NULL marker equal to a number).
  size_t start = buffer_.size();
  AppendValueText(v, column, &buffer_);
  std::string_view text(buffer_.data() + start, buffer_.size() - start);
  const bool marker =
      text == options_.null_value || (options_.no_sup_value && text == *options_.no_sup_value);
  if (non_text_plain_ ? !marker : !NeedsQuotes(text)) return;
  scratch_.assign(text);
  buffer_.resize(start);
  AppendQuoted(scratch_);
}

Status CsvWriter::Append(const Row& row) {
  if (row.size() != columns_.size()) {
    return InvalidArgumentError("CSV row has {} values for {} columns", row.size(),
                                columns_.size());
  }
  for (size_t i = 0; i < row.size(); ++i) {
    if (i > 0) buffer_.append(options_.delimiter);
    const Value& v = row[i];
    if (v.is_absent() && options_.no_sup_value) {
      buffer_.append(*options_.no_sup_value);
      continue;
    }
    if (v.is_null() || v.is_absent()) {
      buffer_.append(options_.null_value);
      continue;
    }
    AppendValue(v, columns_[i]);
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
