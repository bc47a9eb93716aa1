#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

// Small encoding, hashing and time helpers shared by the storage backends.
namespace binlake {

// Lower-case hex of the MD5 / SHA-256 digest of `data`.
std::string Md5Hex(std::string_view data);
std::string Sha256Hex(std::string_view data);
// The raw 16-byte MD5 digest.
std::string Md5Raw(std::string_view data);

// Lower-case hex of arbitrary bytes.
std::string HexEncode(std::string_view bytes);

// RFC 3986 percent-encoding as S3 SigV4 wants it: unreserved characters (A-Z a-z 0-9 - _ . ~)
// stay, everything else becomes %XX (upper-case hex) byte by byte; '/' stays when
// `keep_slash` (object paths), and is encoded otherwise (query values).
std::string UriEncode(std::string_view s, bool keep_slash);

// Parses "2026-11-22T17:25:39.123Z" (ISO 8601, UTC, optional fraction) into microseconds
// since the epoch.
Result<int64_t> ParseIso8601Micros(std::string_view text);
// Parses an HTTP date "Sun, 22 Nov 2026 17:25:39 GMT" (RFC 7231 IMF-fixdate).
Result<int64_t> ParseHttpDateMicros(std::string_view text);

}  // namespace binlake
