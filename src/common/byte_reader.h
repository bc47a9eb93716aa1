#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/result.h"

namespace binlake {

// Unchecked loads from raw memory. REQUIRES: the caller has checked that enough bytes exist.
inline uint64_t LoadLE(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
inline uint64_t LoadBE(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}
inline uint16_t LoadLE16(const uint8_t* p) { return static_cast<uint16_t>(LoadLE(p, 2)); }
inline uint32_t LoadLE32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);  // x86 and aarch64 Linux are little-endian
  return v;
}
inline uint64_t LoadLE64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// ByteReader walks a byte buffer it does not own, with bounds checks on every read. A read
// past the end returns kCorruption naming the absolute offset (base_offset + position), so a
// decoder can report where in a file or stream the input ended early.
//
// The buffer must outlive the reader and every string_view it returns. Thread-compatible.
class ByteReader {
 public:
  explicit ByteReader(std::string_view data, uint64_t base_offset = 0)
      : data_(reinterpret_cast<const uint8_t*>(data.data())),
        size_(data.size()),
        base_offset_(base_offset) {}

  size_t position() const { return pos_; }
  size_t size() const { return size_; }
  size_t remaining() const { return size_ - pos_; }
  bool empty() const { return pos_ == size_; }
  uint64_t absolute_position() const { return base_offset_ + pos_; }
  const uint8_t* current() const { return data_ + pos_; }

  // kCorruption unless n more bytes are available.
  Status Need(size_t n) const {
    if (n <= remaining()) return Status::OK();
    return TruncatedError(n);
  }
  Status Skip(size_t n) {
    RETURN_IF_ERROR(Need(n));
    pos_ += n;
    return Status::OK();
  }

  Result<uint8_t> U8() {
    RETURN_IF_ERROR(Need(1));
    return data_[pos_++];
  }
  Result<uint16_t> U16LE() { return Fixed<uint16_t>(2, false); }
  Result<uint32_t> U24LE() { return Fixed<uint32_t>(3, false); }
  Result<uint32_t> U32LE() { return Fixed<uint32_t>(4, false); }
  Result<uint64_t> U48LE() { return Fixed<uint64_t>(6, false); }
  Result<uint64_t> U64LE() { return Fixed<uint64_t>(8, false); }
  // n in [0, 8]
  Result<uint64_t> UintLE(int n) { return Fixed<uint64_t>(n, false); }
  Result<uint64_t> UintBE(int n) { return Fixed<uint64_t>(n, true); }

  Result<std::string_view> Bytes(size_t n) {
    RETURN_IF_ERROR(Need(n));
    std::string_view v(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return v;
  }
  // Everything not read yet.
  std::string_view Rest() {
    std::string_view v(reinterpret_cast<const char*>(data_ + pos_), remaining());
    pos_ = size_;
    return v;
  }
  // Bytes up to a NUL, which is consumed and not returned.
  Result<std::string_view> NulTerminated();

  // MySQL length-encoded integer (0xfb..0xfe prefixes). 0xfb (NULL in result rows) is
  // reported as kCorruption here; result-set parsers check for it first.
  Result<uint64_t> LengthEncodedInt();
  Result<std::string_view> LengthEncodedString();

 private:
  template <typename T>
  Result<T> Fixed(int n, bool big_endian) {
    RETURN_IF_ERROR(Need(static_cast<size_t>(n)));
    uint64_t v = big_endian ? LoadBE(data_ + pos_, n) : LoadLE(data_ + pos_, n);
    pos_ += static_cast<size_t>(n);
    return static_cast<T>(v);
  }
  Status TruncatedError(size_t n) const;

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  uint64_t base_offset_;
};

// Appending little/big-endian integers and MySQL length-encoded values to a std::string.
void AppendLE(std::string* out, uint64_t v, int n);
void AppendBE(std::string* out, uint64_t v, int n);
void AppendLengthEncodedInt(std::string* out, uint64_t v);
void AppendLengthEncodedString(std::string* out, std::string_view s);

}  // namespace binlake
