#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "format/parquet_options.h"

namespace binlake {

// Compresses Parquet page bodies with one codec: snappy (raw snappy blocks), zstd (frames),
// gzip (RFC 1952 members, as Parquet's GZIP codec) or none. Keeps its codec context between
// calls so pages do not allocate one each.
//
// Owned by one ParquetWriter. Not thread-safe.
class PageCompressor {
 public:
  static Result<std::unique_ptr<PageCompressor>> Create(ParquetCodec codec, int zstd_level);
  ~PageCompressor();

  ParquetCodec codec() const { return codec_; }
  // The parquet.thrift CompressionCodec id.
  int32_t ThriftCodec() const;

  // Replaces *out with the compressed form of in. REQUIRES: codec() != kNone.
  Status Compress(std::string_view in, std::string* out);

 private:
  PageCompressor(ParquetCodec codec, int zstd_level) : codec_(codec), zstd_level_(zstd_level) {}

  ParquetCodec codec_;
  int zstd_level_;
  void* zstd_ctx_ = nullptr;  // ZSTD_CCtx*
  void* zlib_ = nullptr;      // z_stream*
};

}  // namespace binlake
