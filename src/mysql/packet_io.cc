#include "mysql/packet_io.h"

#include <algorithm>
#include <cstring>

#include "common/byte_reader.h"

namespace binlake {
namespace {
constexpr size_t kInitialBuffer = 1 << 20;
constexpr size_t kSmallWrite = 64 << 10;
constexpr size_t kShrinkAbove = 64 << 20;
}  // namespace

PacketIo::PacketIo(Socket* socket)
    : socket_(socket), buf_(new char[kInitialBuffer]), capacity_(kInitialBuffer) {}

Status PacketIo::Fill(size_t need) {
  if (wpos_ - rpos_ >= need) return Status::OK();
  if (capacity_ - rpos_ < need) {
    size_t unread = wpos_ - rpos_;
    if (capacity_ < need) {
      size_t cap = std::max(need, capacity_ * 2);
      std::unique_ptr<char[]> bigger(new char[cap]);
      std::memcpy(bigger.get(), buf_.get() + rpos_, unread);
      buf_ = std::move(bigger);
      capacity_ = cap;
    } else {
      std::memmove(buf_.get(), buf_.get() + rpos_, unread);
    }
    rpos_ = 0;
    wpos_ = unread;
  }
  while (wpos_ - rpos_ < need) {
    ASSIGN_OR_RETURN(size_t got, socket_->ReadSome(buf_.get() + wpos_, capacity_ - wpos_));
    wpos_ += got;
  }
  return Status::OK();
}

Result<std::string_view> PacketIo::ReadPart() {
  if (rpos_ == wpos_) {
    rpos_ = wpos_ = 0;
    // One huge packet should not pin its buffer for the life of the connection.
    if (capacity_ > kShrinkAbove) {
      buf_.reset(new char[kInitialBuffer]);
      capacity_ = kInitialBuffer;
    }
  }
  RETURN_IF_ERROR(Fill(4));
  const uint8_t* h = reinterpret_cast<const uint8_t*>(buf_.get() + rpos_);
  size_t len = LoadLE(h, 3);
  uint8_t seq = h[3];
  if (seq != seq_) {
    return CorruptionError(
        "packet from {} has sequence id {} where {} was expected: the connection is out of "
        "step with the server; reconnect",
        socket_->peer_name(), seq, seq_);
  }
  ++seq_;
  RETURN_IF_ERROR(Fill(4 + len));
  std::string_view payload(buf_.get() + rpos_ + 4, len);
  rpos_ += 4 + len;
  return payload;
}

Result<std::string_view> PacketIo::ReadPacket() {
  if (joined_.capacity() > kShrinkAbove) std::string().swap(joined_);
  ASSIGN_OR_RETURN(std::string_view part, ReadPart());
  if (part.size() < kMaxPart) return part;
  joined_.assign(part);
  for (;;) {
    ASSIGN_OR_RETURN(part, ReadPart());
    joined_.append(part);
    if (part.size() < kMaxPart) return std::string_view(joined_);
  }
}

Status PacketIo::WritePacket(std::string_view payload) {
  for (;;) {
    size_t n = std::min(payload.size(), kMaxPart);
    char header[4] = {static_cast<char>(n & 0xff), static_cast<char>((n >> 8) & 0xff),
                      static_cast<char>((n >> 16) & 0xff), static_cast<char>(seq_++)};
    if (n <= kSmallWrite) {
      out_.assign(header, 4);
      out_.append(payload.data(), n);
      RETURN_IF_ERROR(socket_->WriteAll(out_.data(), out_.size()));
    } else {
      RETURN_IF_ERROR(socket_->WriteAll(header, 4));
      RETURN_IF_ERROR(socket_->WriteAll(payload.data(), n));
    }
    payload.remove_prefix(n);
    // A part of exactly kMaxPart bytes means "more follows", so a payload that is a multiple
    // of kMaxPart ends with an empty part.
    if (n < kMaxPart) return Status::OK();
  }
}

}  // namespace binlake
