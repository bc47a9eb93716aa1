#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "binlog/event_source.h"
#include "binlog/events.h"
#include "binlog/format_description.h"
#include "common/result.h"

namespace binlake {

// Decodes raw binlog events (from a file or a replication stream alike) into Event values.
// Keeps the state later events depend on: the FORMAT_DESCRIPTION (header and post-header
// lengths, checksum algorithm) and the TABLE_MAPs by table id (a map whose bytes did not
// change is not parsed again and keeps its shared pointer).
//
// Checksums: with CRC32 in effect every event's checksum is verified; a mismatch is
// kCorruption naming the input and offset. Events binlake cannot decode fail loudly:
// kUnimplemented (START_ENCRYPTION, unknown non-ignorable types, compression it lacks) or
// kCorruption (bytes that do not parse), always naming the type and offset.
//
// Not thread-safe. Views in decoded events stay valid until the next Decode call and while
// the raw bytes live.
class EventDecoder {
 public:
  // `where` names the input in error messages ("file binlog.000001").
  explicit EventDecoder(std::string where);

  // Decodes one event with its trailing checksum (when the format has checksums).
  Status Decode(const RawEvent& raw, Event* out);
  // Decodes an event from inside a TRANSACTION_PAYLOAD (such events carry no checksum).
  // `position`/`next_position` are what the caller assigns to it.
  Status DecodeInner(std::string_view bytes, uint64_t at, Event* out);

  const FormatDescription& format() const { return format_; }
  bool has_format() const { return has_format_; }
  // For network streams whose first events arrive before FORMAT_DESCRIPTION.
  void set_checksum(ChecksumAlgorithm checksum) { format_.checksum = checksum; }
  void set_where(std::string where) { where_ = std::move(where); }
  std::string_view where() const { return where_; }

 private:
  Status DecodeBody(const EventHeader& header, std::string_view event, uint64_t offset, Event* out);
  Status DecodeQuery(uint8_t type, std::string_view body, uint64_t offset, QueryEvent* q);
  Status DecodeGtid(const EventHeader& header, std::string_view body, uint64_t offset,
                    GtidEvent* g);
  Status DecodeTaggedGtid(std::string_view body, uint64_t offset, GtidEvent* g);
  Status DecodeMariaDbGtid(const EventHeader& header, std::string_view body, uint64_t offset,
                           GtidEvent* g);
  Status DecodeTableMap(std::string_view body, uint64_t offset, TableMapEvent* t);

  std::string where_;
  FormatDescription format_;
  bool has_format_ = false;
  std::unordered_map<uint64_t, std::shared_ptr<const TableMap>> table_maps_;
  std::string inflated_;  // MariaDB compressed events
};

}  // namespace binlake
