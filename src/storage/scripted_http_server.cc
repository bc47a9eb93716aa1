#include "storage/scripted_http_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

namespace binlake::testing {
namespace {

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads more bytes into `buffer`; false on EOF or error.
bool ReadMore(int fd, std::string* buffer) {
  char chunk[65536];
  ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
  if (n <= 0) return false;
  buffer->append(chunk, static_cast<size_t>(n));
  return true;
}

}  // namespace

std::string ReceivedRequest::Header(std::string_view name) const {
  for (const std::string& h : headers) {
    size_t colon = h.find(':');
    if (colon == name.size() && strncasecmp(h.data(), name.data(), name.size()) == 0) {
      size_t v = h.find_first_not_of(' ', colon + 1);
      return v == std::string::npos ? "" : h.substr(v);
    }
  }
  return "";
}

ScriptedHttpServer::ScriptedHttpServer() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(listen_fd_, 16) != 0) {
    std::abort();  // a test machine without loopback sockets cannot run these tests
  }
  socklen_t len = sizeof(addr);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

ScriptedHttpServer::~ScriptedHttpServer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  thread_.join();
  close(listen_fd_);
}

void ScriptedHttpServer::Add(ScriptedResponse response) {
  std::lock_guard<std::mutex> lock(mu_);
  script_.push_back(std::move(response));
}

std::vector<ReceivedRequest> ScriptedHttpServer::requests() {
  std::lock_guard<std::mutex> lock(mu_);
  return received_;
}

void ScriptedHttpServer::Serve() {
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
    }
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ServeConnection(fd);
    close(fd);
  }
}

void ScriptedHttpServer::ServeConnection(int fd) {
  std::string buffer;
  while (true) {
    size_t header_end;
    while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadMore(fd, &buffer)) return;
    }
    ReceivedRequest request;
    std::string_view head(buffer.data(), header_end);
    size_t line_end = head.find("\r\n");
    std::string_view request_line = head.substr(0, line_end);
    size_t sp1 = request_line.find(' ');
    size_t sp2 = request_line.rfind(' ');
    request.method = std::string(request_line.substr(0, sp1));
    request.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
    size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t e = head.find("\r\n", pos);
      if (e == std::string_view::npos) e = head.size();
      request.headers.emplace_back(head.substr(pos, e - pos));
      pos = e + 2;
    }
    buffer.erase(0, header_end + 4);
    size_t length = std::strtoull(request.Header("Content-Length").c_str(), nullptr, 10);
    if (length > 0 && request.Header("Expect") == "100-continue") {
      if (!SendAll(fd, "HTTP/1.1 100 Continue\r\n\r\n")) return;
    }
    while (buffer.size() < length) {
      if (!ReadMore(fd, &buffer)) return;
    }
    request.body = buffer.substr(0, length);
    buffer.erase(0, length);

    ScriptedResponse response;
    {
      std::lock_guard<std::mutex> lock(mu_);
      received_.push_back(request);
      if (script_.empty()) {
        response.status = 599;
        response.body = "script exhausted";
      } else {
        response = std::move(script_.front());
        script_.pop_front();
      }
    }
    if (response.drop_connection) return;
    std::string out = fmt::format("HTTP/1.1 {} Scripted\r\n", response.status);
    for (const std::string& h : response.headers) out += h + "\r\n";
    bool has_length = false;
    for (const std::string& h : response.headers) {
      has_length = has_length || strncasecmp(h.c_str(), "Content-Length:", 15) == 0;
    }
    if (!has_length) out += fmt::format("Content-Length: {}\r\n", response.body.size());
    out += "\r\n";
    if (request.method != "HEAD") out += response.body;
    if (!SendAll(fd, out)) return;
  }
}

}  // namespace binlake::testing
