#include "mysql/packet_io.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace binlake {
namespace {

struct Pair {
  std::unique_ptr<Socket> a;
  std::unique_ptr<Socket> b;
};

Pair MakePair() {
  int fds[2];
  EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  return {Socket::Adopt(fds[0], "client"), Socket::Adopt(fds[1], "server")};
}

// Reads exactly n raw bytes.
std::string ReadRaw(Socket* s, size_t n) {
  std::string out(n, '\0');
  size_t got = 0;
  while (got < n) {
    Result<size_t> r = s->ReadSome(out.data() + got, n - got);
    if (!r.ok()) {
      ADD_FAILURE() << r.status().ToString();
      return out.substr(0, got);
    }
    got += *r;
  }
  return out;
}

std::string Payload(size_t n) {
  std::string p(n, '\0');
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<char>((i * 7 + 3) & 0xff);
  return p;
}

TEST(PacketIoTest, SmallPacketFraming) {
  Pair p = MakePair();
  PacketIo io(p.a.get());
  ASSERT_TRUE(io.WritePacket("abc").ok());
  ASSERT_TRUE(io.WritePacket("").ok());
  EXPECT_EQ(ReadRaw(p.b.get(), 7), std::string("\x03\x00\x00\x00"
                                               "abc",
                                               7));
  EXPECT_EQ(ReadRaw(p.b.get(), 4), std::string("\x00\x00\x00\x01", 4));
  EXPECT_EQ(io.next_sequence(), 2);
}

// A payload of exactly 0xffffff bytes is followed by an empty part; one byte more goes into
// a 1-byte second part.
TEST(PacketIoTest, SixteenMegabyteBoundaryFraming) {
  for (size_t n : {PacketIo::kMaxPart, PacketIo::kMaxPart + 1}) {
    Pair p = MakePair();
    std::string payload = Payload(n);
    std::jthread writer([&] {
      PacketIo io(p.a.get());
      EXPECT_TRUE(io.WritePacket(payload).ok());
    });
    std::string raw = ReadRaw(p.b.get(), n + 8);
    writer.join();
    EXPECT_EQ(raw.substr(0, 4), std::string("\xff\xff\xff\x00", 4));
    EXPECT_EQ(raw.substr(4, PacketIo::kMaxPart), payload.substr(0, PacketIo::kMaxPart));
    size_t rest = n - PacketIo::kMaxPart;
    std::string h2 = {static_cast<char>(rest), 0, 0, 1};
    EXPECT_EQ(raw.substr(4 + PacketIo::kMaxPart, 4), h2);
    EXPECT_EQ(raw.substr(8 + PacketIo::kMaxPart), payload.substr(PacketIo::kMaxPart));
  }
}

TEST(PacketIoTest, RoundTripAcrossTheBoundary) {
  Pair p = MakePair();
  const std::vector<size_t> sizes = {0,
                                     1,
                                     250,
                                     PacketIo::kMaxPart - 1,
                                     PacketIo::kMaxPart,
                                     PacketIo::kMaxPart + 1,
                                     2 * PacketIo::kMaxPart,
                                     5};
  std::jthread writer([&] {
    PacketIo io(p.a.get());
    for (size_t n : sizes) EXPECT_TRUE(io.WritePacket(Payload(n)).ok());
  });
  PacketIo io(p.b.get());
  for (size_t n : sizes) {
    Result<std::string_view> r = io.ReadPacket();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->size(), n);
    EXPECT_TRUE(*r == Payload(n)) << "payload of " << n << " bytes differs";
  }
  writer.join();
  // 0xffffff: 2 parts, 0xffffff+1: 2 parts, 2*0xffffff: 3 parts; others 1 each.
  EXPECT_EQ(io.next_sequence(), 5 + 2 + 2 + 3);
}

TEST(PacketIoTest, SequenceGapIsCorruption) {
  Pair p = MakePair();
  ASSERT_TRUE(p.a->WriteAll("\x01\x00\x00\x05x", 5).ok());
  PacketIo io(p.b.get());
  Result<std::string_view> r = io.ReadPacket();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(r.status().message(),
            "packet from server has sequence id 5 where 0 was expected: the connection is out "
            "of step with the server; reconnect");
}

TEST(PacketIoTest, PeerCloseIsUnavailable) {
  Pair p = MakePair();
  ASSERT_TRUE(p.a->WriteAll("\x05\x00\x00\x00"
                            "ab",
                            6)
                  .ok());
  p.a->Close();
  PacketIo io(p.b.get());
  Result<std::string_view> r = io.ReadPacket();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("server closed the connection"), std::string::npos);
}

TEST(PacketIoTest, SilentPeerIsDeadlineExceeded) {
  Pair p = MakePair();
  p.b->set_read_timeout(std::chrono::milliseconds(20));
  PacketIo io(p.b.get());
  Result<std::string_view> r = io.ReadPacket();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded);
}

}  // namespace
}  // namespace binlake
