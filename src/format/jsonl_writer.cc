#include "format/jsonl_writer.h"

#include "common/logging.h"
#include "format/gzip_output_stream.h"
#include "format/value_text.h"

namespace binlake {
namespace {
constexpr size_t kFlushBytes = 256 * 1024;
}  // namespace

JsonLinesWriter::JsonLinesWriter(std::vector<Column> columns, std::vector<JsonPlace> places,
                                 OutputStream* out)
    : columns_(std::move(columns)), places_(std::move(places)), out_(out) {
  for (const Column& c : columns_) {
    std::string q = "\"";
    AppendJsonEscaped(&q, c.name);
    q += "\":";
    quoted_names_.push_back(std::move(q));
  }
}

JsonLinesWriter::~JsonLinesWriter() = default;

Result<std::unique_ptr<JsonLinesWriter>> JsonLinesWriter::Create(std::vector<Column> columns,
                                                                 const JsonLinesOptions& options,
                                                                 OutputStream* out) {
  std::vector<JsonPlace> places = options.places;
  if (places.empty()) places.assign(columns.size(), JsonPlace::kData);
  if (places.size() != columns.size()) {
    return InvalidArgumentError("JSON lines layout names {} places for {} columns", places.size(),
                                columns.size());
  }
  std::unique_ptr<GzipOutputStream> gz;
  OutputStream* target = out;
  if (options.gzip) {
    ASSIGN_OR_RETURN(gz, GzipOutputStream::Create(out, options.gzip_level));
    target = gz.get();
  }
  std::unique_ptr<JsonLinesWriter> w(
      new JsonLinesWriter(std::move(columns), std::move(places), target));
  w->gzip_ = std::move(gz);
  return w;
}

void JsonLinesWriter::AppendObject(const Row& row, JsonPlace place) {
  bool first = true;
  for (size_t i = 0; i < row.size(); ++i) {
    if (places_[i] != place || row[i].is_absent()) continue;
    if (!first) buffer_.push_back(',');
    first = false;
    buffer_.append(quoted_names_[i]);
    AppendValueJson(row[i], columns_[i], &buffer_);
  }
}

Status JsonLinesWriter::Append(const Row& row) {
  if (row.size() != columns_.size()) {
    return InvalidArgumentError("JSON row has {} values for {} columns", row.size(),
                                columns_.size());
  }
  bool has_data = false, has_old = false;
  for (size_t i = 0; i < row.size(); ++i) {
    has_data |= places_[i] == JsonPlace::kData;
    has_old |= places_[i] == JsonPlace::kOld && !row[i].is_absent();
  }
  buffer_.push_back('{');
  AppendObject(row, JsonPlace::kTop);
  bool need_comma = buffer_.back() != '{';
  if (has_data) {
    if (need_comma) buffer_.push_back(',');
    buffer_.append("\"data\":{");
    AppendObject(row, JsonPlace::kData);
    buffer_.push_back('}');
    need_comma = true;
  }
  if (has_old) {
    if (need_comma) buffer_.push_back(',');
    buffer_.append("\"old\":{");
    AppendObject(row, JsonPlace::kOld);
    buffer_.push_back('}');
  }
  buffer_.append("}\n");
  ++rows_;
  if (buffer_.size() >= kFlushBytes) return FlushBuffer();
  return Status::OK();
}

Status JsonLinesWriter::FlushBuffer() {
  raw_bytes_ += buffer_.size();
  Status s = out_->Write(buffer_);
  buffer_.clear();
  return s;
}

uint64_t JsonLinesWriter::EstimatedSize() const {
  if (gzip_) return gzip_->Tell() + buffer_.size() / 4;
  return raw_bytes_ + buffer_.size();
}

Status JsonLinesWriter::Finish() {
  if (done_) return FailedPreconditionError("JSON lines writer already finished");
  done_ = true;
  RETURN_IF_ERROR(FlushBuffer());
  if (gzip_) RETURN_IF_ERROR(static_cast<GzipOutputStream*>(gzip_.get())->Finish());
  return Status::OK();
}

void JsonLinesWriter::Abandon() {
  done_ = true;
  buffer_.clear();
}

}  // namespace binlake
