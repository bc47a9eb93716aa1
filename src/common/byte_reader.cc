#include "common/byte_reader.h"

namespace binlake {

Status ByteReader::TruncatedError(size_t n) const {
  return CorruptionError("input ends early at offset {}: {} more bytes needed, {} left",
                         absolute_position(), n, remaining());
}

Result<std::string_view> ByteReader::NulTerminated() {
  const void* nul = std::memchr(data_ + pos_, 0, remaining());
  if (nul == nullptr) {
    return CorruptionError("missing NUL terminator for string at offset {}", absolute_position());
  }
  size_t n = static_cast<const uint8_t*>(nul) - (data_ + pos_);
  std::string_view v(reinterpret_cast<const char*>(data_ + pos_), n);
  pos_ += n + 1;
  return v;
}

Result<uint64_t> ByteReader::LengthEncodedInt() {
  uint64_t at = absolute_position();
  ASSIGN_OR_RETURN(uint8_t first, U8());
  if (first < 0xfb) return first;
  switch (first) {
    case 0xfc:
      return UintLE(2);
    case 0xfd:
      return UintLE(3);
    case 0xfe:
      return UintLE(8);
    default:
      return CorruptionError("invalid length-encoded integer prefix 0x{:02x} at offset {}", first,
                             at);
  }
}

Result<std::string_view> ByteReader::LengthEncodedString() {
  ASSIGN_OR_RETURN(uint64_t n, LengthEncodedInt());
  if (n > remaining()) return TruncatedError(n);
  return Bytes(static_cast<size_t>(n));
}

void AppendLE(std::string* out, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void AppendBE(std::string* out, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void AppendLengthEncodedInt(std::string* out, uint64_t v) {
  if (v < 0xfb) {
    out->push_back(static_cast<char>(v));
  } else if (v <= 0xffff) {
    out->push_back(static_cast<char>(0xfc));
    AppendLE(out, v, 2);
  } else if (v <= 0xffffff) {
    out->push_back(static_cast<char>(0xfd));
    AppendLE(out, v, 3);
  } else {
    out->push_back(static_cast<char>(0xfe));
    AppendLE(out, v, 8);
  }
}

void AppendLengthEncodedString(std::string* out, std::string_view s) {
  AppendLengthEncodedInt(out, s.size());
  out->append(s);
}

}  // namespace binlake
