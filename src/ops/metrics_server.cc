#include "ops/metrics_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/logging.h"

namespace binlake {

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(const std::string& listen,
                                                            const Metrics* metrics,
                                                            std::function<int64_t()> now_us) {
  std::string host = "127.0.0.1";
  std::string port_text = listen;
  if (size_t colon = listen.rfind(':'); colon != std::string::npos) {
    if (colon > 0) host = listen.substr(0, colon);
    port_text = listen.substr(colon + 1);
  }
  if (host == "localhost") host = "127.0.0.1";
  char* end = nullptr;
  long port = std::strtol(port_text.c_str(), &end, 10);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (port_text.empty() || *end != '\0' || port < 0 || port > 65535 ||
      inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return InvalidArgumentError(
        "metrics.listen '{}' must be host:port with an IPv4 address, e.g. 127.0.0.1:9187 "
        "(or 0.0.0.0:9187 to serve every interface)",
        listen);
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return InternalError("metrics: socket: {}", std::strerror(errno));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 16) != 0) {
    int e = errno;
    close(fd);
    return UnavailableError("metrics.listen {}: cannot listen: {}; pick a free port", listen,
                            std::strerror(e));
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::unique_ptr<MetricsServer> s(
      new MetricsServer(fd, ntohs(addr.sin_port), metrics, std::move(now_us)));
  s->thread_ = std::thread([p = s.get()] { p->Serve(); });
  LOG_INFO("serving /metrics and /healthz on http://{}:{}", host, s->port_);
  return s;
}

MetricsServer::MetricsServer(int fd, int port, const Metrics* metrics,
                             std::function<int64_t()> now_us)
    : fd_(fd), port_(port), metrics_(metrics), now_us_(std::move(now_us)) {}

MetricsServer::~MetricsServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  close(fd_);
}

void MetricsServer::Serve() {
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    int client = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    Answer(client);
    close(client);
  }
}

void MetricsServer::Answer(int client) {
  // The request line is all that matters; read until the end of the headers (bounded, with
  // a timeout so that a silent client cannot stall the scrapes).
  timeval tv{2, 0};
  setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string request;
  char buf[1024];
  while (request.find("\r\n\r\n") == std::string::npos && request.size() < 16384) {
    ssize_t n = recv(client, buf, sizeof buf, 0);
    if (n <= 0) break;
    request.append(buf, static_cast<size_t>(n));
  }
  std::string line = request.substr(0, request.find("\r\n"));
  int status = 404;
  std::string type = "text/plain; charset=utf-8";
  std::string body = "not found: GET /metrics or /healthz\n";
  if (line.rfind("GET /metrics", 0) == 0) {
    status = 200;
    type = "text/plain; version=0.0.4; charset=utf-8";
    body = metrics_->Render();
  } else if (line.rfind("GET /healthz", 0) == 0) {
    body = metrics_->Health(now_us_()) + "\n";
    status = body == "ok\n" ? 200 : 503;
  }
  std::string response = fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
      status,
      status == 200   ? "OK"
      : status == 503 ? "Service Unavailable"
                      : "Not Found",
      type, body.size(), body);
  size_t sent = 0;
  while (sent < response.size()) {
    ssize_t n = send(client, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
}

}  // namespace binlake
