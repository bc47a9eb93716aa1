#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "binlog/event_decoder.h"
#include "binlog/event_source.h"
#include "binlog/events.h"
#include "common/result.h"

namespace binlake {

// Decoded events from an EventSource, with TRANSACTION_PAYLOAD events opened: the payload
// event itself is yielded first (for tools that show it), then each event inside it, with
// positions as Event documents (a resume point never falls inside a compressed transaction).
//
// Does not own the source. Not thread-safe. The returned event is valid until the next call.
class EventStream {
 public:
  explicit EventStream(EventSource* source);

  // The next event, or nullptr at a clean end of input.
  Result<const Event*> Next();

  const EventDecoder& decoder() const { return decoder_; }
  EventDecoder* mutable_decoder() { return &decoder_; }

 private:
  Status OpenPayload(const TransactionPayloadEvent& payload, const Event& outer);

  EventSource* source_;
  EventDecoder decoder_;
  Event event_;
  // Inner events of the current payload.
  std::string payload_;
  size_t payload_pos_ = 0;
  uint64_t payload_start_ = 0;
  uint64_t payload_end_ = 0;
  bool in_payload_ = false;
};

// Inflates a zstd payload whose uncompressed size may be unknown (0). kCorruption naming
// `offset` when it does not inflate or exceeds `limit` bytes.
Status InflateZstd(std::string_view data, uint64_t expected_size, uint64_t offset,
                   std::string* out);

}  // namespace binlake
