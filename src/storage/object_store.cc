#include "storage/object_store.h"

#include <string>

namespace binlake {
namespace {

constexpr size_t kMaxKeyBytes = 1024;
constexpr std::string_view kReservedSegmentPrefix = ".binlake-tmp";

// Length of the UTF-8 sequence starting at s[i], or 0 when it is not well-formed.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len;
  uint32_t cp;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not valid UTF-8.
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
      (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    return 0;
  }
  return len;
}

// Shared rules for keys and prefixes. `what` is "key" or "prefix" for the message.
Status ValidatePath(std::string_view path, std::string_view what, bool allow_partial_tail) {
  if (path.size() > kMaxKeyBytes) {
    return InvalidArgumentError("object {} '{}...' is {} bytes long; the limit is {} bytes", what,
                                path.substr(0, 64), path.size(), kMaxKeyBytes);
  }
  for (size_t i = 0; i < path.size();) {
    unsigned char c = static_cast<unsigned char>(path[i]);
    if (c < 0x20 || c == 0x7F) {
      return InvalidArgumentError(
          "object {} '{}' contains control character 0x{:02x} at byte {}; keys must be "
          "printable UTF-8",
          what, path, c, i);
    }
    size_t n = Utf8SequenceLength(path, i);
    if (n == 0) {
      return InvalidArgumentError(
          "object {} '{}' is not valid UTF-8 at byte {}; keys must be UTF-8 text", what, path, i);
    }
    i += n;
  }
  if (!path.empty() && path.front() == '/') {
    return InvalidArgumentError(
        "object {} '{}' starts with '/'; keys are relative to the store root, drop the "
        "leading slash",
        what, path);
  }
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    bool last = end == std::string_view::npos;
    if (last) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment.empty() && !(last && allow_partial_tail)) {
      return InvalidArgumentError(
          "object {} '{}' has an empty path segment at byte {} ('//' or a trailing '/')", what,
          path, start);
    }
    if (segment == "." || segment == "..") {
      if (!(last && allow_partial_tail)) {
        return InvalidArgumentError(
            "object {} '{}' contains a '{}' segment; keys must not navigate directories", what,
            path, segment);
      }
    }
    if (segment.starts_with(kReservedSegmentPrefix)) {
      return InvalidArgumentError(
          "object {} '{}' has a segment starting with '{}', which is reserved for temporary "
          "files",
          what, path, kReservedSegmentPrefix);
    }
    if (last) break;
    start = end + 1;
  }
  return Status::OK();
}

}  // namespace

Status ValidateObjectKey(std::string_view key) {
  if (key.empty()) return InvalidArgumentError("object key is empty");
  return ValidatePath(key, "key", /*allow_partial_tail=*/false);
}

Status ValidateListPrefix(std::string_view prefix) {
  if (prefix.empty()) return Status::OK();
  return ValidatePath(prefix, "prefix", /*allow_partial_tail=*/true);
}

}  // namespace binlake
