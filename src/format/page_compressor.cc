#include "format/page_compressor.h"

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

namespace binlake {

Result<std::unique_ptr<PageCompressor>> PageCompressor::Create(ParquetCodec codec, int zstd_level) {
  std::unique_ptr<PageCompressor> c(new PageCompressor(codec, zstd_level));
  if (codec == ParquetCodec::kZstd) {
    if (zstd_level < 1 || zstd_level > ZSTD_maxCLevel()) {
      return InvalidArgumentError("Parquet zstd level {} is out of range; use 1..{}", zstd_level,
                                  ZSTD_maxCLevel());
    }
    c->zstd_ctx_ = ZSTD_createCCtx();
    if (c->zstd_ctx_ == nullptr) return ResourceExhaustedError("cannot allocate a zstd context");
  } else if (codec == ParquetCodec::kGzip) {
    auto* z = new z_stream{};
    // windowBits 15 + 16: a gzip header and trailer around the deflate stream.
    if (deflateInit2(z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
      delete z;
      return ResourceExhaustedError("cannot initialise zlib for gzip compression");
    }
    c->zlib_ = z;
  }
  return c;
}

PageCompressor::~PageCompressor() {
  if (zstd_ctx_ != nullptr) ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(zstd_ctx_));
  if (zlib_ != nullptr) {
    deflateEnd(static_cast<z_stream*>(zlib_));
    delete static_cast<z_stream*>(zlib_);
  }
}

int32_t PageCompressor::ThriftCodec() const {
  switch (codec_) {
    case ParquetCodec::kNone:
      return 0;
    case ParquetCodec::kSnappy:
      return 1;
    case ParquetCodec::kGzip:
      return 2;
    case ParquetCodec::kZstd:
      return 6;
  }
  return 0;
}

Status PageCompressor::Compress(std::string_view in, std::string* out) {
  switch (codec_) {
    case ParquetCodec::kNone:
      out->assign(in);
      return Status::OK();
    case ParquetCodec::kSnappy: {
      out->resize(snappy::MaxCompressedLength(in.size()));
      size_t n = 0;
      snappy::RawCompress(in.data(), in.size(), out->data(), &n);
      out->resize(n);
      return Status::OK();
    }
    case ParquetCodec::kZstd: {
      out->resize(ZSTD_compressBound(in.size()));
      const size_t n = ZSTD_compressCCtx(static_cast<ZSTD_CCtx*>(zstd_ctx_), out->data(),
                                         out->size(), in.data(), in.size(), zstd_level_);
      if (ZSTD_isError(n)) {
        return InternalError("zstd compression of a {}-byte Parquet page failed: {}", in.size(),
                             ZSTD_getErrorName(n));
      }
      out->resize(n);
      return Status::OK();
    }
    case ParquetCodec::kGzip: {
      auto* z = static_cast<z_stream*>(zlib_);
      if (deflateReset(z) != Z_OK) return InternalError("zlib deflateReset failed");
      out->resize(deflateBound(z, in.size()) + 32);
      z->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      z->avail_in = static_cast<uInt>(in.size());
      z->next_out = reinterpret_cast<Bytef*>(out->data());
      z->avail_out = static_cast<uInt>(out->size());
      const int rc = deflate(z, Z_FINISH);
      if (rc != Z_STREAM_END) {
        return InternalError("gzip compression of a {}-byte Parquet page failed (zlib {})",
                             in.size(), rc);
      }
      out->resize(out->size() - z->avail_out);
      return Status::OK();
    }
  }
  return InternalError("unknown Parquet codec");
}

}  // namespace binlake
