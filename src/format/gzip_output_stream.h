#pragma once

#include <zlib.h>

#include <memory>
#include <string>

#include "common/output_stream.h"
#include "common/result.h"

namespace binlake {

// Gzip-compresses everything written to it into another stream (a standard .gz member that
// gunzip, DuckDB and Athena read). Finish() writes the trailer; without it the output is
// incomplete. Tell() counts compressed bytes written downstream so far. Not thread-safe.
class GzipOutputStream : public OutputStream {
 public:
  // `out` must outlive this stream. level: 1 (fast) .. 9 (small).
  static Result<std::unique_ptr<GzipOutputStream>> Create(OutputStream* out, int level = 6);
  ~GzipOutputStream() override;

  Status Write(std::string_view data) override;
  uint64_t Tell() const override { return written_; }
  // Flushes the compressor and writes the gzip trailer. REQUIRES: called at most once.
  Status Finish();

 private:
  explicit GzipOutputStream(OutputStream* out) : out_(out) {}
  Status Deflate(std::string_view data, int flush);

  OutputStream* out_;
  z_stream zs_{};
  bool initialized_ = false;
  uint64_t written_ = 0;
  std::string buffer_;
};

}  // namespace binlake
