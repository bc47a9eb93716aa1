#include "binlog/format_description.h"

#include <zlib.h>

#include <cstdlib>

#include "binlog/event_type.h"
#include "common/byte_reader.h"

namespace binlake {
namespace {

constexpr size_t kServerVersionLength = 50;

// Post-header lengths of binlog v1/v3, indexed by type - 1, for types 1..18; 0 elsewhere.
FormatDescription OldFormat(uint16_t version) {
  FormatDescription fd;
  fd.binlog_version = version;
  fd.header_length = version == 1 ? kEventHeaderSizeV1 : kEventHeaderSize;
  fd.post_header_lengths.assign(event_type::kExecuteLoadQuery, '\0');
  auto set = [&](uint8_t type, uint8_t len) { fd.post_header_lengths[type - 1] = char(len); };
  set(event_type::kStartV3, 2 + kServerVersionLength + 4);
  set(event_type::kQuery, 11);  // no status-variable block before v4
  set(event_type::kRotate, version == 1 ? 0 : 8);
  set(event_type::kLoad, 18);
  set(event_type::kCreateFile, 4);
  set(event_type::kAppendBlock, 4);
  set(event_type::kExecLoad, 4);
  set(event_type::kDeleteFile, 4);
  set(event_type::kNewLoad, 18);
  return fd;
}

}  // namespace

Result<EventHeader> ParseEventHeader(std::string_view event, uint64_t offset, size_t header_size) {
  if (event.size() < header_size) {
    return CorruptionError("event at offset {} is {} bytes, shorter than its {}-byte header",
                           offset, event.size(), header_size);
  }
  const uint8_t* p = reinterpret_cast<const uint8_t*>(event.data());
  EventHeader h;
  h.timestamp = LoadLE32(p);
  h.type = p[4];
  h.server_id = LoadLE32(p + 5);
  h.event_size = LoadLE32(p + 9);
  if (header_size >= kEventHeaderSize) {
    h.log_pos = LoadLE32(p + 13);
    h.flags = LoadLE16(p + 17);
  }
  return h;
}

uint8_t FormatDescription::PostHeaderLength(uint8_t type, uint8_t fallback) const {
  if (type >= 1 && type <= post_header_lengths.size()) {
    return static_cast<uint8_t>(post_header_lengths[type - 1]);
  }
  return fallback;
}

bool FormatDescription::IsMariaDb() const {
  return server_version.find("MariaDB") != std::string::npos;
}

std::array<int, 3> FormatDescription::VersionSplit() const {
  std::array<int, 3> v{0, 0, 0};
  const char* p = server_version.c_str();
  for (int i = 0; i < 3; ++i) {
    char* end = nullptr;
    long n = std::strtol(p, &end, 10);
    if (end == p) break;
    v[i] = static_cast<int>(n);
    p = end;
    if (*p != '.') break;
    ++p;
  }
  return v;
}

bool FormatDescription::UsesOldRowEventNumbers() const {
  // Development trees of 5.1/5.2 ("5.1.2-a_drop5p9", "5.2.2-a_drop6p13") numbered
  // TABLE_MAP, the pre-GA rows events, XID and the LOAD DATA query events differently.
  std::array<int, 3> v = VersionSplit();
  bool drop5 = v[0] == 5 && v[1] == 1 && v[2] >= 1 && v[2] <= 5 &&
               server_version.find("-a_drop5p") != std::string::npos;
  bool drop6 =
      v[0] == 5 && v[1] == 2 && v[2] <= 2 && server_version.find("-a_drop6p") != std::string::npos;
  return drop5 || drop6;
}

uint8_t FormatDescription::CurrentType(uint8_t type) const {
  if (!UsesOldRowEventNumbers()) return type;
  switch (type) {
    case 16:
      return event_type::kTableMap;
    case 17:
      return event_type::kWriteRowsV0;
    case 18:
      return event_type::kUpdateRowsV0;
    case 19:
      return event_type::kDeleteRowsV0;
    case 20:
      return event_type::kXid;
    case 21:
      return event_type::kBeginLoadQuery;
    case 22:
      return event_type::kExecuteLoadQuery;
    default:
      return type;
  }
}

FormatDescription FormatDescription::ForVersion(uint16_t binlog_version) {
  if (binlog_version < 4) return OldFormat(binlog_version);
  FormatDescription fd;
  fd.binlog_version = 4;
  return fd;
}

Status VerifyChecksum(std::string_view event, std::string_view where, uint64_t offset) {
  if (event.size() < kEventHeaderSize + kChecksumSize) {
    return CorruptionError("{}: event at offset {} is too short ({} bytes) to carry a checksum",
                           where, offset, event.size());
  }
  size_t n = event.size() - kChecksumSize;
  uint32_t expected = LoadLE32(reinterpret_cast<const uint8_t*>(event.data()) + n);
  const Bytef* p = reinterpret_cast<const Bytef*>(event.data());
  uint32_t actual;
  if (static_cast<uint8_t>(event[4]) == event_type::kFormatDescription) {
    // The server computes a FORMAT_DESCRIPTION's checksum with LOG_EVENT_BINLOG_IN_USE_F
    // clear, then sets and later clears that flag in place: checksum it as if clear.
    uint8_t flags[2] = {static_cast<uint8_t>(p[17] & ~kEventFlagBinlogInUse), p[18]};
    uLong crc = crc32(0L, p, 17);
    crc = crc32(crc, flags, 2);
    actual = static_cast<uint32_t>(crc32(crc, p + 19, static_cast<uInt>(n - 19)));
  } else {
    actual = static_cast<uint32_t>(crc32(0L, p, static_cast<uInt>(n)));
  }
  if (expected != actual) {
    uint8_t type = event.size() > 4 ? static_cast<uint8_t>(event[4]) : 0;
    return CorruptionError(
        "{}: checksum mismatch in {} event at offset {} (stored CRC32 {:08x}, computed {:08x}); "
        "the binlog is damaged at this position: restore it from the server or resume from "
        "another copy",
        where, EventTypeName(type), offset, expected, actual);
  }
  return Status::OK();
}

Result<FormatDescription> ParseFormatDescription(std::string_view event, std::string_view where,
                                                 uint64_t offset) {
  ByteReader in(event, offset);
  RETURN_IF_ERROR_CTX(in.Skip(kEventHeaderSize), "{}: FORMAT_DESCRIPTION", where);
  FormatDescription fd;
  auto parse = [&]() -> Status {
    ASSIGN_OR_RETURN(fd.binlog_version, in.U16LE());
    ASSIGN_OR_RETURN(std::string_view version, in.Bytes(kServerVersionLength));
    fd.server_version.assign(version.substr(0, version.find('\0')));
    ASSIGN_OR_RETURN(fd.create_timestamp, in.U32LE());
    ASSIGN_OR_RETURN(fd.header_length, in.U8());
    return Status::OK();
  };
  RETURN_IF_ERROR_CTX(parse(), "{}: FORMAT_DESCRIPTION at offset {}", where, offset);
  if (fd.binlog_version != 4) {
    return CorruptionError(
        "{}: FORMAT_DESCRIPTION at offset {} declares binlog version {}; only 4 "
        "uses this event",
        where, offset, fd.binlog_version);
  }
  if (fd.header_length < kEventHeaderSize) {
    return CorruptionError(
        "{}: FORMAT_DESCRIPTION at offset {} declares a {}-byte event header "
        "(at least 19 expected)",
        where, offset, fd.header_length);
  }
  // Servers that know checksums (MySQL >= 5.6.1, MariaDB >= 5.3) end the event with the
  // algorithm byte and a 4-byte checksum slot, present even when the algorithm is OFF.
  std::array<int, 3> v = fd.VersionSplit();
  bool has_alg =
      fd.IsMariaDb() ? v >= std::array<int, 3>{5, 3, 0} : v >= std::array<int, 3>{5, 6, 1};
  size_t tail = has_alg ? 1 + kChecksumSize : 0;
  if (in.remaining() < tail) {
    return CorruptionError("{}: FORMAT_DESCRIPTION at offset {} ends early", where, offset);
  }
  size_t table_size = in.remaining() - tail;
  fd.post_header_lengths.assign(in.Rest().substr(0, table_size));
  if (has_alg) {
    uint8_t alg = static_cast<uint8_t>(event[event.size() - tail]);
    fd.checksum = static_cast<ChecksumAlgorithm>(alg);
    if (fd.checksum == ChecksumAlgorithm::kCrc32) {
      RETURN_IF_ERROR(VerifyChecksum(event, where, offset));
    } else if (fd.checksum != ChecksumAlgorithm::kOff &&
               fd.checksum != ChecksumAlgorithm::kUndefined) {
      return UnimplementedError(
          "{}: FORMAT_DESCRIPTION at offset {} declares checksum algorithm "
          "{}; binlake knows NONE and CRC32 (set binlog_checksum=CRC32)",
          where, offset, alg);
    }
    if (fd.checksum == ChecksumAlgorithm::kUndefined) fd.checksum = ChecksumAlgorithm::kOff;
  }
  if (fd.post_header_lengths.empty()) {
    return CorruptionError("{}: FORMAT_DESCRIPTION at offset {} declares no event types", where,
                           offset);
  }
  if (fd.UsesOldRowEventNumbers()) {
    // Reorder the post-header table to today's numbering.
    std::string table = fd.post_header_lengths;
    for (uint8_t t = 1; t <= table.size(); ++t) {
      uint8_t now = fd.CurrentType(t);
      if (now >= 1 && now <= table.size()) fd.post_header_lengths[now - 1] = table[t - 1];
    }
  }
  return fd;
}

Result<FormatDescription> ParseStartV3(std::string_view event, std::string_view where,
                                       uint64_t offset) {
  // The event's own header size is unknown until the version is read: v1 uses 13 bytes, v3
  // 19. The version field follows the header; try v3 first, then v1.
  for (size_t header : {kEventHeaderSize, kEventHeaderSizeV1}) {
    if (event.size() < header + 2) continue;
    uint16_t version = LoadLE16(reinterpret_cast<const uint8_t*>(event.data()) + header);
    if ((header == kEventHeaderSize && version == 3) ||
        (header == kEventHeaderSizeV1 && version == 1)) {
      FormatDescription fd = FormatDescription::ForVersion(version);
      ByteReader in(event.substr(header + 2), offset + header + 2);
      auto v = in.Bytes(kServerVersionLength);
      if (v.ok()) fd.server_version.assign(v->substr(0, v->find('\0')));
      auto ts = in.U32LE();
      if (ts.ok()) fd.create_timestamp = *ts;
      return fd;
    }
  }
  return CorruptionError(
      "{}: START_V3 event at offset {} declares no known binlog version (1 or "
      "3)",
      where, offset);
}

}  // namespace binlake
