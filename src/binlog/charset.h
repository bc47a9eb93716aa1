#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace binlake {

// Character sets binlake can convert to UTF-8, and the collation-id table of MySQL and
// MariaDB. Free functions; thread-safe.
enum class Charset : uint8_t {
  kUnknown,  // collation id not known: treated as an error by the decoder
  kBinary,   // 63: bytes, not text
  kUtf8,     // utf8mb3 and utf8mb4 (stored as UTF-8 already)
  kLatin1,   // MySQL latin1, which is Windows-1252 with 0x81 0x8d 0x8f 0x90 0x9d mapped 1:1
  kAscii,
  kUcs2,     // big-endian UCS-2
  kUtf16,    // big-endian UTF-16
  kUtf16le,  // little-endian UTF-16
  kUtf32,    // big-endian UTF-32
  kOther,    // a known charset binlake does not convert (e.g. gbk, sjis)
};

// The charset of a collation id (MySQL 5.7-9.x and MariaDB 10.x-11.x ids). Unknown ids
// give kUnknown.
Charset CharsetOfCollation(uint16_t collation_id);

// The charset's name ("latin1", "utf8mb4", ...) for messages; "unknown" when not known.
std::string_view CollationCharsetName(uint16_t collation_id);

// Converts text in `charset` to UTF-8. kCorruption when the input is not valid in that
// charset (e.g. a lone surrogate); kUnimplemented for kOther/kUnknown.
// REQUIRES: charset != kBinary.
Result<std::string> ToUtf8(Charset charset, std::string_view text);

// Appends the UTF-8 encoding of a code point (REQUIRES: cp <= 0x10FFFF).
void AppendUtf8(std::string* out, uint32_t cp);

}  // namespace binlake
