#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace binlake {

// A sequential byte sink. File-format writers (src/format) write through it without knowing
// where the bytes go; storage backends (src/storage) implement it for objects being
// uploaded. Whoever created the stream decides when the bytes become durable or are thrown
// away (ObjectWriter::Close / Abort); a stream has no Close of its own.
//
// Not thread-safe: one writer at a time.
class OutputStream {
 public:
  virtual ~OutputStream() = default;
  // Appends data. On error the stream is unusable; its owner aborts it.
  virtual Status Write(std::string_view data) = 0;
  // Total bytes accepted by Write so far (the offset of the next byte).
  virtual uint64_t Tell() const = 0;
};

// An OutputStream into a std::string it owns. For tests and small in-memory objects.
class StringOutputStream : public OutputStream {
 public:
  Status Write(std::string_view data) override {
    data_.append(data);
    return Status::OK();
  }
  uint64_t Tell() const override { return data_.size(); }
  const std::string& data() const { return data_; }
  std::string Release() { return std::move(data_); }

 private:
  std::string data_;
};

}  // namespace binlake
