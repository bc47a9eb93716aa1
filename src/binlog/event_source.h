#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace binlake {

// One event's bytes as a source delivers them: common header, body and (when the stream
// has checksums) the trailing CRC32.
struct RawEvent {
  std::string_view bytes;
  // Where the event starts in its binlog file: the file offset for files; log_pos -
  // event_size for network streams.
  uint64_t offset = 0;
};

// Where raw events come from: a binlog file on disk (BinlogFileReader) or a replication
// connection (src/mysql). The decoder (EventDecoder, EventStream) does not care which.
//
// Not thread-safe; one consumer.
class EventSource {
 public:
  virtual ~EventSource() = default;

  // Fills *event with the next event and returns true, or returns false at a clean end of
  // input. event->bytes stays valid until the next call to Next() or the source's
  // destruction. Errors name the offset where the input went wrong.
  virtual Result<bool> Next(RawEvent* event) = 0;

  // Names the input in messages: "file /var/lib/mysql/binlog.000042" or "stream from host:3306".
  virtual std::string_view description() const = 0;

  // The binlog file name events currently belong to ("binlog.000042"), as far as the source
  // knows it; ROTATE events update the consumer's idea of it.
  virtual std::string_view binlog_name() const = 0;
};

}  // namespace binlake
