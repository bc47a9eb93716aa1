#include "format/gzip_output_stream.h"

namespace binlake {

Result<std::unique_ptr<GzipOutputStream>> GzipOutputStream::Create(OutputStream* out, int level) {
  std::unique_ptr<GzipOutputStream> s(new GzipOutputStream(out));
  // windowBits 15 + 16 selects the gzip wrapper.
  if (deflateInit2(&s->zs_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return InternalError("zlib deflateInit2 failed (level {})", level);
  }
  s->initialized_ = true;
  s->buffer_.resize(64 * 1024);
  return s;
}

GzipOutputStream::~GzipOutputStream() {
  if (initialized_) deflateEnd(&zs_);
}

Status GzipOutputStream::Deflate(std::string_view data, int flush) {
  zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs_.avail_in = static_cast<uInt>(data.size());
  while (true) {
    zs_.next_out = reinterpret_cast<Bytef*>(buffer_.data());
    zs_.avail_out = static_cast<uInt>(buffer_.size());
    int rc = deflate(&zs_, flush);
    if (rc == Z_STREAM_ERROR) return InternalError("zlib deflate failed");
    size_t produced = buffer_.size() - zs_.avail_out;
    if (produced > 0) {
      RETURN_IF_ERROR(out_->Write(std::string_view(buffer_.data(), produced)));
      written_ += produced;
    }
    if (flush == Z_FINISH ? rc == Z_STREAM_END : (zs_.avail_in == 0 && zs_.avail_out != 0)) {
      return Status::OK();
    }
  }
}

Status GzipOutputStream::Write(std::string_view data) {
  // zlib takes uInt lengths: feed very large writes in pieces.
  constexpr size_t kChunk = 1u << 30;
  while (!data.empty()) {
    size_t n = std::min(data.size(), kChunk);
    RETURN_IF_ERROR(Deflate(data.substr(0, n), Z_NO_FLUSH));
    data.remove_prefix(n);
  }
  return Status::OK();
}

Status GzipOutputStream::Finish() { return Deflate(std::string_view(), Z_FINISH); }

}  // namespace binlake
