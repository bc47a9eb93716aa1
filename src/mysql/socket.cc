#include "mysql/socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <ctime>

namespace binlake {
namespace {

bool IsIpLiteral(const std::string& host) {
  unsigned char buf[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::string OpenSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "no OpenSSL error details" : out;
}

// TLS writes (also those SSL_read makes) go through write(2), which raises SIGPIPE on a
// closed peer. The signal is blocked for this thread during the call and a pending one is
// consumed, so a lost server becomes a Status instead of killing the process.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~SigpipeGuard() {
    if (!was_pending_) {
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGPIPE);
      struct timespec zero = {0, 0};
      while (sigtimedwait(&set, nullptr, &zero) > 0) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t old_;
  bool was_pending_ = false;
};

Status ErrnoStatus(int err, std::string_view what, const std::string& peer) {
  if (err == ETIMEDOUT) {
    return DeadlineExceededError("{} {}: {}", what, peer, std::strerror(err));
  }
  return UnavailableError("{} {}: {}: check that the server is running and reachable", what, peer,
                          std::strerror(err));
}

}  // namespace

bool ParseTlsMode(std::string_view name, TlsMode* mode) {
  static constexpr std::pair<std::string_view, TlsMode> kModes[] = {
      {"disabled", TlsMode::kDisabled},
      {"preferred", TlsMode::kPreferred},
      {"required", TlsMode::kRequired},
      {"verify_ca", TlsMode::kVerifyCa},
      {"verify_identity", TlsMode::kVerifyIdentity}};
  for (const auto& [n, m] : kModes) {
    if (n == name) {
      *mode = m;
      return true;
    }
  }
  return false;
}

std::string_view TlsModeName(TlsMode mode) {
  switch (mode) {
    case TlsMode::kDisabled:
      return "disabled";
    case TlsMode::kPreferred:
      return "preferred";
    case TlsMode::kRequired:
      return "required";
    case TlsMode::kVerifyCa:
      return "verify_ca";
    case TlsMode::kVerifyIdentity:
      return "verify_identity";
  }
  return "unknown";
}

Result<std::unique_ptr<Socket>> Socket::Connect(const std::string& host, uint16_t port,
                                                std::chrono::milliseconds timeout) {
  std::string peer = fmt::format("{}:{}", host, port);
  struct addrinfo hints {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  struct addrinfo* addrs = nullptr;
  int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &addrs);
  if (rc != 0) {
    return UnavailableError("resolve {}: {}: check source.host", peer, gai_strerror(rc));
  }
  Status last = UnavailableError("connect {}: no addresses", peer);
  for (struct addrinfo* a = addrs; a != nullptr; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      last = ErrnoStatus(errno, "socket for", peer);
      continue;
    }
    std::unique_ptr<Socket> s(new Socket(fd, peer));
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        last = ErrnoStatus(errno, "connect", peer);
        continue;
      }
      Status w = s->Wait(POLLOUT, timeout, "connect");
      if (!w.ok()) {
        last = w;
        continue;
      }
      int err = 0;
      socklen_t len = sizeof(err);
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        last = ErrnoStatus(err, "connect", peer);
        continue;
      }
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
    freeaddrinfo(addrs);
    return s;
  }
  freeaddrinfo(addrs);
  return last;
}

std::unique_ptr<Socket> Socket::Adopt(int fd, std::string peer_name) {
  int flags = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  return std::unique_ptr<Socket>(new Socket(fd, std::move(peer_name)));
}

Socket::~Socket() { Close(); }

void Socket::Close() {
  if (ssl_ != nullptr) {
    SigpipeGuard guard;
    SSL_shutdown(ssl_);  // best effort close_notify; the peer may be gone
    SSL_free(ssl_);
    ssl_ = nullptr;
  }
  if (ssl_ctx_ != nullptr) {
    SSL_CTX_free(ssl_ctx_);
    ssl_ctx_ = nullptr;
  }
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

Status Socket::Wait(short events, std::chrono::milliseconds timeout, std::string_view what) {
  if (fd_ < 0) return UnavailableError("{} {}: connection already closed", what, peer_);
  struct pollfd p {};
  p.fd = fd_;
  p.events = events;
  int ms =
      timeout.count() <= 0 ? -1 : static_cast<int>(std::min<int64_t>(timeout.count(), INT32_MAX));
  for (;;) {
    int rc = ::poll(&p, 1, ms);
    if (rc > 0) return Status::OK();
    if (rc == 0) {
      return DeadlineExceededError(
          "{} {}: no answer within {} ms: the server or network is too slow or stuck", what, peer_,
          timeout.count());
    }
    if (errno != EINTR) return ErrnoStatus(errno, what, peer_);
  }
}

Status Socket::TlsError(std::string_view what, int ssl_error) {
  if (ssl_error == SSL_ERROR_SYSCALL) {
    int err = errno;
    ERR_clear_error();
    if (err == 0) return UnavailableError("{} {}: server closed the connection", what, peer_);
    return ErrnoStatus(err, what, peer_);
  }
  if (ssl_error == SSL_ERROR_ZERO_RETURN) {
    return UnavailableError("{} {}: server closed the TLS session", what, peer_);
  }
  return UnavailableError("{} {}: TLS error: {}", what, peer_, OpenSslErrors());
}

Status Socket::StartTls(const ConnectOptions& options) {
  ssl_ctx_ = SSL_CTX_new(TLS_client_method());
  if (ssl_ctx_ == nullptr) return InternalError("SSL_CTX_new: {}", OpenSslErrors());
  SSL_CTX_set_min_proto_version(ssl_ctx_, TLS1_2_VERSION);
  bool verify =
      options.tls_mode == TlsMode::kVerifyCa || options.tls_mode == TlsMode::kVerifyIdentity;
  if (verify) {
    int ok = options.tls_ca_file.empty()
                 ? SSL_CTX_set_default_verify_paths(ssl_ctx_)
                 : SSL_CTX_load_verify_locations(ssl_ctx_, options.tls_ca_file.c_str(), nullptr);
    if (ok != 1) {
      return InvalidArgumentError(
          "TLS CA file '{}' for {} cannot be loaded: {}: check source.tls.ca", options.tls_ca_file,
          peer_, OpenSslErrors());
    }
    SSL_CTX_set_verify(ssl_ctx_, SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(ssl_ctx_, SSL_VERIFY_NONE, nullptr);
  }
  if (!options.tls_cert_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ssl_ctx_, options.tls_cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(
            ssl_ctx_,
            (options.tls_key_file.empty() ? options.tls_cert_file : options.tls_key_file).c_str(),
            SSL_FILETYPE_PEM) != 1) {
      return InvalidArgumentError(
          "TLS client certificate '{}' / key '{}' cannot be loaded: {}: check source.tls.cert "
          "and source.tls.key",
          options.tls_cert_file, options.tls_key_file, OpenSslErrors());
    }
  }
  ssl_ = SSL_new(ssl_ctx_);
  if (ssl_ == nullptr) return InternalError("SSL_new: {}", OpenSslErrors());
  SSL_set_fd(ssl_, fd_);
  bool ip = IsIpLiteral(options.host);
  if (!ip) SSL_set_tlsext_host_name(ssl_, options.host.c_str());
  if (options.tls_mode == TlsMode::kVerifyIdentity) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
    int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, options.host.c_str())
                : X509_VERIFY_PARAM_set1_host(param, options.host.c_str(), 0);
    if (ok != 1) return InternalError("TLS host check setup for '{}' failed", options.host);
  }
  SigpipeGuard guard;
  for (;;) {
    int rc = SSL_connect(ssl_);
    if (rc == 1) break;
    int err = SSL_get_error(ssl_, rc);
    if (err == SSL_ERROR_WANT_READ) {
      RETURN_IF_ERROR(Wait(POLLIN, read_timeout_, "TLS handshake with"));
    } else if (err == SSL_ERROR_WANT_WRITE) {
      RETURN_IF_ERROR(Wait(POLLOUT, write_timeout_, "TLS handshake with"));
    } else {
      long vr = SSL_get_verify_result(ssl_);
      if (vr != X509_V_OK) {
        ERR_clear_error();
        // Not retryable: waiting does not change a certificate, and a run must not keep
        // knocking on a server it cannot trust.
        return FailedPreconditionError(
            "TLS handshake with {}: server certificate rejected ({}) in tls mode {}: check "
            "source.tls.ca, or that the certificate names host '{}' (connect by a name it holds, "
            "or set source.tls.mode: verify_ca to check the CA only)",
            peer_, X509_verify_cert_error_string(vr), TlsModeName(options.tls_mode), options.host);
      }
      return TlsError("TLS handshake with", err);
    }
  }
  return Status::OK();
}

std::string Socket::tls_version() const { return ssl_ ? SSL_get_version(ssl_) : ""; }

Result<size_t> Socket::ReadSome(char* buf, size_t n) {
  if (fd_ < 0) return UnavailableError("read from {}: connection already closed", peer_);
  for (;;) {
    if (ssl_ != nullptr) {
      // A read can write too: OpenSSL answers a peer's close_notify or sends an alert, and
      // after a server restart that write meets a reset socket.
      SigpipeGuard guard;
      size_t got = 0;
      int rc = SSL_read_ex(ssl_, buf, n, &got);
      if (rc == 1) return got;
      int err = SSL_get_error(ssl_, rc);
      if (err == SSL_ERROR_WANT_READ) {
        RETURN_IF_ERROR(Wait(POLLIN, read_timeout_, "read from"));
      } else if (err == SSL_ERROR_WANT_WRITE) {
        RETURN_IF_ERROR(Wait(POLLOUT, write_timeout_, "read from"));
      } else {
        return TlsError("read from", err);
      }
      continue;
    }
    ssize_t rc = ::recv(fd_, buf, n, 0);
    if (rc > 0) return static_cast<size_t>(rc);
    if (rc == 0) {
      return UnavailableError("read from {}: server closed the connection (lost connection)",
                              peer_);
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      RETURN_IF_ERROR(Wait(POLLIN, read_timeout_, "read from"));
    } else if (errno != EINTR) {
      return ErrnoStatus(errno, "read from", peer_);
    }
  }
}

Status Socket::WriteAll(const char* buf, size_t n) {
  if (fd_ < 0) return UnavailableError("write to {}: connection already closed", peer_);
  while (n > 0) {
    if (ssl_ != nullptr) {
      SigpipeGuard guard;
      size_t put = 0;
      int rc = SSL_write_ex(ssl_, buf, n, &put);
      if (rc == 1) {
        buf += put;
        n -= put;
        continue;
      }
      int err = SSL_get_error(ssl_, rc);
      if (err == SSL_ERROR_WANT_WRITE) {
        RETURN_IF_ERROR(Wait(POLLOUT, write_timeout_, "write to"));
      } else if (err == SSL_ERROR_WANT_READ) {
        RETURN_IF_ERROR(Wait(POLLIN, read_timeout_, "write to"));
      } else {
        return TlsError("write to", err);
      }
      continue;
    }
    ssize_t rc = ::send(fd_, buf, n, MSG_NOSIGNAL);
    if (rc > 0) {
      buf += rc;
      n -= static_cast<size_t>(rc);
    } else if (rc < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      RETURN_IF_ERROR(Wait(POLLOUT, write_timeout_, "write to"));
    } else if (rc < 0 && errno != EINTR) {
      return ErrnoStatus(errno, "write to", peer_);
    }
  }
  return Status::OK();
}

}  // namespace binlake
