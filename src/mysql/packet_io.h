#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "mysql/socket.h"

namespace binlake {

// PacketIo frames the MySQL client/server protocol over a Socket: each packet is a 3-byte
// little-endian payload length, a 1-byte sequence id, then the payload. A payload of
// 0xffffff bytes or more is split into parts of exactly 0xffffff bytes followed by a shorter
// (possibly empty) part; ReadPacket joins them and WritePacket splits them.
//
// Reading is buffered: the socket is read in large chunks and a packet that fits one part is
// returned as a view into that buffer (no copy beyond the socket read); only multi-part
// packets are copied once more to join them. Sequence ids are checked: a gap means the
// stream is out of step and is reported as kCorruption.
//
// Does not own the socket. Not thread-safe.
class PacketIo {
 public:
  static constexpr size_t kMaxPart = 0xffffff;

  explicit PacketIo(Socket* socket);

  // Reads one logical packet. The view stays valid until the next ReadPacket call.
  Result<std::string_view> ReadPacket();
  // Writes one logical packet with the next sequence ids.
  Status WritePacket(std::string_view payload);

  // A new command starts at sequence 0.
  void ResetSequence() { seq_ = 0; }
  uint8_t next_sequence() const { return seq_; }

 private:
  // Ensures at least `need` unread bytes are buffered.
  Status Fill(size_t need);
  // Reads one physical packet; returns its payload (a view into buf_).
  Result<std::string_view> ReadPart();

  Socket* socket_;
  std::unique_ptr<char[]> buf_;
  size_t capacity_ = 0;
  size_t rpos_ = 0;  // first unread byte
  size_t wpos_ = 0;  // end of buffered bytes
  std::string joined_;
  std::string out_;
  uint8_t seq_ = 0;
};

}  // namespace binlake
