#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "mysql/connect_options.h"

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace binlake {

// Socket is one TCP stream to a server, optionally wrapped in TLS after the MySQL SSLRequest.
// The file descriptor is non-blocking; every wait goes through poll() with the configured
// timeout, so a silent server yields kDeadlineExceeded instead of a hang. Connection refused,
// reset or closed by the peer is kUnavailable. Messages name the peer ("127.0.0.1:3306").
//
// Owns the descriptor and the TLS session; the destructor closes both. Not thread-safe.
class Socket {
 public:
  // Resolves host, connects within `timeout` (trying every address).
  static Result<std::unique_ptr<Socket>> Connect(const std::string& host, uint16_t port,
                                                 std::chrono::milliseconds timeout);
  // Adopts an already-connected descriptor (a socketpair in tests, a Unix socket).
  static std::unique_ptr<Socket> Adopt(int fd, std::string peer_name);

  ~Socket();
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  // Runs the TLS client handshake over the connected stream, checking the server certificate
  // as options.tls_mode asks (kVerifyIdentity checks options.host as DNS name or IP).
  // REQUIRES: !tls_active()
  Status StartTls(const ConnectOptions& options);

  // Reads at least one and at most n bytes into buf.
  Result<size_t> ReadSome(char* buf, size_t n);
  // Writes all n bytes.
  Status WriteAll(const char* buf, size_t n);

  // 0 waits forever.
  void set_read_timeout(std::chrono::milliseconds t) { read_timeout_ = t; }
  void set_write_timeout(std::chrono::milliseconds t) { write_timeout_ = t; }
  std::chrono::milliseconds read_timeout() const { return read_timeout_; }

  bool tls_active() const { return ssl_ != nullptr; }
  // "TLSv1.3" or "" without TLS.
  std::string tls_version() const;
  const std::string& peer_name() const { return peer_; }

  // Closes the connection; later reads and writes fail with kUnavailable.
  void Close();

 private:
  Socket(int fd, std::string peer) : fd_(fd), peer_(std::move(peer)) {}

  // Waits until the descriptor is readable (events POLLIN) or writable (POLLOUT).
  Status Wait(short events, std::chrono::milliseconds timeout, std::string_view what);
  Status TlsError(std::string_view what, int ssl_error);

  int fd_;
  std::string peer_;
  SSL_CTX* ssl_ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::chrono::milliseconds read_timeout_{60'000};
  std::chrono::milliseconds write_timeout_{60'000};
};

}  // namespace binlake
