#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "format/page_compressor.h"
#include "format/parquet_metadata.h"
#include "format/parquet_options.h"
#include "format/parquet_schema.h"
#include "format/rle_hybrid_encoder.h"
#include "model/value.h"

namespace binlake {

// Builds one column chunk of a Parquet row group in memory: v1 data pages (definition levels
// RLE, values PLAIN or RLE_DICTIONARY), an optional dictionary page, page and chunk
// statistics. The ParquetWriter owns one encoder per column and writes the chunk's bytes
// when the row group closes; the encoder then starts the next chunk, reusing its buffers.
//
// Appending is two-phase so that a bad row changes nothing: Stage() converts and checks one
// value (it may point into the Value, which must stay alive until Commit), Commit() adds it.
//
// The plan, options and compressor are borrowed and must outlive the encoder.
// Not thread-safe.
class ColumnEncoder {
 public:
  static std::unique_ptr<ColumnEncoder> Make(const ParquetColumnPlan* plan,
                                             const ParquetOptions* options,
                                             PageCompressor* compressor);
  virtual ~ColumnEncoder() = default;

  // Converts v for this column. kInvalidArgument naming the column for a wrong kind, an
  // out-of-range value, NULL in a REQUIRED column, or an absent (MINIMAL image) value.
  virtual Status Stage(const Value& v) = 0;
  // Adds the value staged by the last successful Stage. May close a page.
  // REQUIRES: Stage succeeded since the last Commit.
  virtual Status Commit() = 0;

  // Closes the last page and builds the dictionary page. Afterwards dictionary_page() then
  // data_pages() are the chunk's bytes, in file order.
  Status FinishChunk();
  const std::string& dictionary_page() const { return dictionary_page_; }
  const std::string& data_pages() const { return data_pages_; }
  // The chunk's metadata given the file offset of its first byte; resets for the next chunk.
  // REQUIRES: FinishChunk succeeded.
  ColumnChunkMeta TakeChunk(int64_t chunk_offset);

  // PLAIN-encoded size of the values in the current chunk (the row group size measure).
  uint64_t chunk_value_bytes() const { return chunk_value_bytes_; }
  // Bytes this chunk would add to the file if finished now (pages so far plus an estimate for
  // the open page and the dictionary).
  uint64_t EstimatedChunkBytes() const {
    return data_pages_.size() + PageValueBytes() + DictionaryBytes();
  }

 protected:
  ColumnEncoder(const ParquetColumnPlan* plan, const ParquetOptions* options,
                PageCompressor* compressor);

  // Stage helpers for NULLs: ok for OPTIONAL columns, else kInvalidArgument.
  Status StageNull(const Value& v);
  // Level bookkeeping for one committed row.
  void CommitLevel(bool present) {
    if (plan_->optional) def_levels_.Put(present ? 1 : 0);
    ++page_rows_;
    if (!present) ++page_nulls_;
  }
  Status MaybeClosePage() {
    if (PageValueBytes() >= options_->page_bytes || page_rows_ >= kMaxPageRows) {
      return ClosePage();
    }
    return Status::OK();
  }
  Status ClosePage();
  int64_t page_rows() const { return page_rows_; }

  // Typed parts.
  // Bytes of the open page's values as they would be encoded (an estimate for dictionary
  // indices).
  virtual uint64_t PageValueBytes() const = 0;
  // PLAIN bytes of the chunk's dictionary so far (0 when none).
  virtual uint64_t DictionaryBytes() const = 0;
  // Appends the open page's values to *body and clears them; returns the encoding used.
  virtual int32_t TakePageValues(std::string* body) = 0;
  // Fills min/max of the open page (PLAIN-encoded), folds them into the chunk's, clears them.
  virtual void TakePageStats(ParquetStatistics* stats) = 0;
  // Fills the chunk's min/max and clears them.
  virtual void TakeChunkStats(ParquetStatistics* stats) = 0;
  // Appends the chunk's dictionary, PLAIN-encoded, to *out and clears it; returns its number
  // of entries (0: the chunk used no dictionary).
  virtual int32_t TakeDictionary(std::string* out) = 0;

  // A chunk whose first this-many dictionary-encoded values are more than 7/8 distinct
  // stops using its dictionary.
  static constexpr uint64_t kDictionaryProbeValues = 16384;
  static bool MostlyDistinct(uint64_t distinct) {
    return distinct * 8 > kDictionaryProbeValues * 7;
  }
  // Also closes a page with few value bytes (NULL runs, booleans, small dictionaries), so that
  // reaching one row never means decoding millions of levels.
  static constexpr int64_t kMaxPageRows = 1 << 17;

  const ParquetColumnPlan* plan_;
  const ParquetOptions* options_;
  bool staged_null_ = false;
  uint64_t chunk_value_bytes_ = 0;

 private:
  Status Compress(const std::string& body, const std::string** compressed);

  PageCompressor* compressor_;
  // Open page.
  std::string levels_;
  RleHybridEncoder def_levels_;
  int64_t page_rows_ = 0;
  int64_t page_nulls_ = 0;
  // Reused page buffers.
  std::string body_;
  std::string compressed_;
  std::string header_;
  // Current chunk.
  std::string data_pages_;
  std::string dictionary_page_;
  int64_t chunk_rows_ = 0;
  int64_t chunk_uncompressed_ = 0;
  int64_t chunk_compressed_ = 0;
  bool used_plain_ = false;
  bool used_dictionary_ = false;
  ParquetStatistics chunk_stats_;
};

}  // namespace binlake
