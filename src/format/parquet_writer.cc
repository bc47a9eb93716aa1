#include "format/parquet_writer.h"

#include <string_view>

namespace binlake {
namespace {

constexpr std::string_view kMagic = "PAR1";
// Footer bytes per column per row group, for EstimatedSize (chunk metadata with statistics).
constexpr uint64_t kFooterBytesPerChunk = 96;

}  // namespace

Result<std::unique_ptr<RowWriter>> ParquetWriter::Create(std::vector<Column> columns,
                                                         const ParquetOptions& options,
                                                         OutputStream* out) {
  ASSIGN_OR_RETURN(std::unique_ptr<ParquetWriter> w, Open(std::move(columns), options, out));
  return std::unique_ptr<RowWriter>(std::move(w));
}

Result<std::unique_ptr<ParquetWriter>> ParquetWriter::Open(std::vector<Column> columns,
                                                           const ParquetOptions& options,
                                                           OutputStream* out) {
  if (columns.empty()) {
    return InvalidArgumentError("a Parquet file needs at least one column; none were given");
  }
  if (options.page_bytes == 0 || options.row_group_bytes == 0 || options.row_group_rows == 0) {
    return InvalidArgumentError(
        "Parquet page_bytes, row_group_bytes and row_group_rows must be positive (got {}, {}, "
        "{})",
        options.page_bytes, options.row_group_bytes, options.row_group_rows);
  }
  std::unique_ptr<ParquetWriter> w(new ParquetWriter(options, out));
  w->plans_.reserve(columns.size());
  for (Column& c : columns) {
    ASSIGN_OR_RETURN(ParquetColumnPlan plan, PlanColumn(c, options));
    w->plans_.push_back(std::move(plan));
  }
  ASSIGN_OR_RETURN(w->compressor_, PageCompressor::Create(options.codec, options.zstd_level));
  for (const ParquetColumnPlan& plan : w->plans_) {
    w->encoders_.push_back(ColumnEncoder::Make(&plan, &w->options_, w->compressor_.get()));
  }
  return w;
}

Status ParquetWriter::EnsureMagic() {
  if (started_) return Status::OK();
  started_ = true;
  return out_->Write(kMagic);
}

Status ParquetWriter::Append(const Row& row) {
  if (done_) return FailedPreconditionError("Parquet writer: Append after Finish or Abandon");
  if (!failed_.ok()) return failed_;
  if (row.size() != encoders_.size()) {
    return InvalidArgumentError("row has {} values but the Parquet file has {} columns", row.size(),
                                encoders_.size());
  }
  // Stage every value first so that a bad value leaves the file untouched.
  for (size_t i = 0; i < row.size(); ++i) RETURN_IF_ERROR(encoders_[i]->Stage(row[i]));
  uint64_t group_bytes = 0;
  for (auto& e : encoders_) {
    Status s = e->Commit();
    if (!s.ok()) {
      failed_ = s;
      return s;
    }
    group_bytes += e->chunk_value_bytes();
  }
  ++rows_;
  ++row_group_rows_;
  if (row_group_rows_ >= options_.row_group_rows || group_bytes >= options_.row_group_bytes) {
    Status s = FlushRowGroup();
    if (!s.ok()) failed_ = s;
    return s;
  }
  return Status::OK();
}

Status ParquetWriter::FlushRowGroup() {
  if (row_group_rows_ == 0) return Status::OK();
  RETURN_IF_ERROR(EnsureMagic());
  RowGroupMeta rg;
  rg.num_rows = static_cast<int64_t>(row_group_rows_);
  rg.file_offset = static_cast<int64_t>(out_->Tell());
  for (auto& e : encoders_) {
    RETURN_IF_ERROR(e->FinishChunk());
    const int64_t offset = static_cast<int64_t>(out_->Tell());
    RETURN_IF_ERROR(out_->Write(e->dictionary_page()));
    RETURN_IF_ERROR(out_->Write(e->data_pages()));
    ColumnChunkMeta m = e->TakeChunk(offset);
    rg.total_byte_size += m.total_uncompressed_size;
    rg.total_compressed_size += m.total_compressed_size;
    rg.columns.push_back(std::move(m));
  }
  row_groups_.push_back(std::move(rg));
  row_group_rows_ = 0;
  return Status::OK();
}

uint64_t ParquetWriter::EstimatedSize() const {
  uint64_t size = started_ ? out_->Tell() : kMagic.size();
  for (const auto& e : encoders_) size += e->EstimatedChunkBytes();
  size += (row_groups_.size() + 1) * encoders_.size() * kFooterBytesPerChunk + 8;
  return size;
}

Status ParquetWriter::Finish() {
  if (done_) return FailedPreconditionError("Parquet writer: Finish after Finish or Abandon");
  done_ = true;
  if (!failed_.ok()) return failed_;
  RETURN_IF_ERROR(FlushRowGroup());
  RETURN_IF_ERROR(EnsureMagic());
  std::string footer;
  WriteFileMetaData(plans_, row_groups_, static_cast<int64_t>(rows_), options_.created_by,
                    options_.key_value_metadata, options_.statistics, &footer);
  const uint32_t n = static_cast<uint32_t>(footer.size());
  for (int i = 0; i < 4; ++i) footer.push_back(static_cast<char>(n >> (8 * i)));
  footer.append(kMagic);
  return out_->Write(footer);
}

void ParquetWriter::Abandon() { done_ = true; }

}  // namespace binlake
