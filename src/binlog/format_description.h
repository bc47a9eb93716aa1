#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace binlake {

// The common header every v4 event starts with (19 bytes, little-endian).
struct EventHeader {
  uint32_t timestamp = 0;  // seconds since the epoch when the statement started
  uint8_t type = 0;
  uint32_t server_id = 0;
  uint32_t event_size = 0;  // header + body + checksum
  uint32_t log_pos = 0;     // end position of this event in the source's binlog (0: unknown)
  uint16_t flags = 0;
};

inline constexpr size_t kEventHeaderSize = 19;
// v1 (MySQL 3.23) headers stop after event_size.
inline constexpr size_t kEventHeaderSizeV1 = 13;
inline constexpr size_t kChecksumSize = 4;

// Parses the common header at the start of `event`. `offset` (where the event starts in its
// file or stream) only feeds error messages. `header_size` is 19, or 13 for binlog v1.
Result<EventHeader> ParseEventHeader(std::string_view event, uint64_t offset,
                                     size_t header_size = kEventHeaderSize);

enum class ChecksumAlgorithm : uint8_t { kOff = 0, kCrc32 = 1, kUndefined = 255 };

// FORMAT_DESCRIPTION (v4) or START_V3 (binlog v1/v3): how every later event of the file or
// stream is laid out. Value type.
struct FormatDescription {
  uint16_t binlog_version = 4;
  std::string server_version;  // "8.0.32", "10.5.15-MariaDB-log"
  uint32_t create_timestamp = 0;
  uint8_t header_length = kEventHeaderSize;
  // Post-header length of event type t at index t - 1, as the server declared them.
  std::string post_header_lengths;
  ChecksumAlgorithm checksum = ChecksumAlgorithm::kOff;

  // The declared post-header length of `type`, or `fallback` when the server did not declare
  // that type (events newer than the server's table, e.g. MariaDB's codes >= 160).
  uint8_t PostHeaderLength(uint8_t type, uint8_t fallback) const;
  bool IsMariaDb() const;
  // (major, minor, patch) parsed from server_version; zeros when unparsable.
  std::array<int, 3> VersionSplit() const;

  // True for the 5.1/5.2 development servers that numbered some events differently.
  bool UsesOldRowEventNumbers() const;
  // The type code today's numbering uses for a code this server wrote.
  uint8_t CurrentType(uint8_t type) const;

  // What a reader assumes before the first FORMAT_DESCRIPTION (or for a v1/v3 log).
  static FormatDescription ForVersion(uint16_t binlog_version);
};

// Decodes a whole FORMAT_DESCRIPTION event (header included). Verifies its own CRC32 when it
// declares one. `where` ("file binlog.000001") and `offset` name the event in errors.
Result<FormatDescription> ParseFormatDescription(std::string_view event, std::string_view where,
                                                 uint64_t offset);
// Decodes a START_V3 event (binlog v1 and v3 logs, MySQL 3.23 - 4.1).
Result<FormatDescription> ParseStartV3(std::string_view event, std::string_view where,
                                       uint64_t offset);

// kCorruption unless the last 4 bytes of `event` are the CRC32 of the bytes before them.
Status VerifyChecksum(std::string_view event, std::string_view where, uint64_t offset);

}  // namespace binlake
