#include "format/column_encoder.h"

#include <limits>

#include "format/typed_column_encoders.h"

namespace binlake {

std::unique_ptr<ColumnEncoder> ColumnEncoder::Make(const ParquetColumnPlan* plan,
                                                   const ParquetOptions* options,
                                                   PageCompressor* compressor) {
  switch (plan->type) {
    case ParquetType::kBoolean:
      return std::make_unique<BoolColumnEncoder>(plan, options, compressor);
    case ParquetType::kInt32:
      return std::make_unique<NumericColumnEncoder<int32_t>>(plan, options, compressor);
    case ParquetType::kInt64:
      return std::make_unique<NumericColumnEncoder<int64_t>>(plan, options, compressor);
    case ParquetType::kFloat:
      return std::make_unique<NumericColumnEncoder<float>>(plan, options, compressor);
    case ParquetType::kDouble:
      return std::make_unique<NumericColumnEncoder<double>>(plan, options, compressor);
    case ParquetType::kByteArray:
    case ParquetType::kFixedLenByteArray:
      return std::make_unique<ByteArrayColumnEncoder>(plan, options, compressor);
  }
  return nullptr;
}

ColumnEncoder::ColumnEncoder(const ParquetColumnPlan* plan, const ParquetOptions* options,
                             PageCompressor* compressor)
    : plan_(plan), options_(options), compressor_(compressor), def_levels_(1, &levels_) {}

Status ColumnEncoder::StageNull(const Value& v) {
  if (v.is_absent()) {
    // A source setting, not binlake's configuration: exit code 1, not 2.
    return FailedPreconditionError(
        "column '{}' is absent from the row image (binlog_row_image=MINIMAL or NOBLOB) and "
        "no earlier image filled it in; set binlog_row_image=FULL on the source",
        plan_->column.name);
  }
  if (!plan_->optional) {
    return InvalidArgumentError(
        "column '{}' is NOT NULL but the row has NULL; the table schema the file was opened "
        "with is out of date",
        plan_->column.name);
  }
  staged_null_ = true;
  return Status::OK();
}

Status ColumnEncoder::Compress(const std::string& body, const std::string** compressed) {
  if (compressor_->codec() == ParquetCodec::kNone) {
    *compressed = &body;
    return Status::OK();
  }
  RETURN_IF_ERROR_CTX(compressor_->Compress(body, &compressed_), "column '{}'", plan_->column.name);
  *compressed = &compressed_;
  return Status::OK();
}

Status ColumnEncoder::ClosePage() {
  body_.clear();
  if (plan_->optional) {
    def_levels_.Flush();
    const uint32_t n = static_cast<uint32_t>(levels_.size());
    for (int i = 0; i < 4; ++i) body_.push_back(static_cast<char>(n >> (8 * i)));
    body_.append(levels_);
    levels_.clear();
    def_levels_.Reset(1, &levels_);
  }
  const int32_t encoding = TakePageValues(&body_);
  if (encoding == kEncodingPlain) {
    used_plain_ = true;
  } else {
    used_dictionary_ = true;
  }
  ParquetStatistics stats;
  stats.null_count = page_nulls_;
  TakePageStats(&stats);
  if (body_.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return InvalidArgumentError(
        "column '{}': one Parquet page would hold {} bytes, more than 2 GiB; a single value "
        "this large cannot be written to Parquet",
        plan_->column.name, body_.size());
  }
  const std::string* compressed = nullptr;
  RETURN_IF_ERROR(Compress(body_, &compressed));
  header_.clear();
  WriteDataPageHeader(static_cast<int32_t>(body_.size()), static_cast<int32_t>(compressed->size()),
                      static_cast<int32_t>(page_rows_), encoding,
                      options_->statistics ? &stats : nullptr, &header_);
  data_pages_.append(header_);
  data_pages_.append(*compressed);
  chunk_uncompressed_ += header_.size() + body_.size();
  chunk_compressed_ += header_.size() + compressed->size();
  chunk_rows_ += page_rows_;
  chunk_stats_.null_count += page_nulls_;
  page_rows_ = 0;
  page_nulls_ = 0;
  return Status::OK();
}

Status ColumnEncoder::FinishChunk() {
  if (page_rows_ > 0) RETURN_IF_ERROR(ClosePage());
  dictionary_page_.clear();
  body_.clear();
  const int32_t entries = TakeDictionary(&body_);
  if (entries > 0) {
    const std::string* compressed = nullptr;
    RETURN_IF_ERROR(Compress(body_, &compressed));
    WriteDictionaryPageHeader(static_cast<int32_t>(body_.size()),
                              static_cast<int32_t>(compressed->size()), entries, &dictionary_page_);
    const size_t header_size = dictionary_page_.size();
    dictionary_page_.append(*compressed);
    chunk_uncompressed_ += header_size + body_.size();
    chunk_compressed_ += dictionary_page_.size();
  }
  TakeChunkStats(&chunk_stats_);
  return Status::OK();
}

ColumnChunkMeta ColumnEncoder::TakeChunk(int64_t chunk_offset) {
  ColumnChunkMeta m;
  m.type = plan_->type;
  // Sorted by id: PLAIN (0, also the dictionary page's), RLE (3, levels), RLE_DICTIONARY (8).
  if (used_plain_ || !dictionary_page_.empty()) m.encodings.push_back(kEncodingPlain);
  if (plan_->optional) m.encodings.push_back(kEncodingRle);
  if (used_dictionary_) m.encodings.push_back(kEncodingRleDictionary);
  m.path = plan_->column.name;
  m.codec = compressor_->ThriftCodec();
  m.num_values = chunk_rows_;
  m.total_uncompressed_size = chunk_uncompressed_;
  m.total_compressed_size = chunk_compressed_;
  if (!dictionary_page_.empty()) m.dictionary_page_offset = chunk_offset;
  m.data_page_offset = chunk_offset + static_cast<int64_t>(dictionary_page_.size());
  m.stats = std::move(chunk_stats_);

  chunk_stats_ = ParquetStatistics();
  data_pages_.clear();
  dictionary_page_.clear();
  chunk_rows_ = 0;
  chunk_uncompressed_ = 0;
  chunk_compressed_ = 0;
  chunk_value_bytes_ = 0;
  used_plain_ = false;
  used_dictionary_ = false;
  return m;
}

}  // namespace binlake
