#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

// A test-only HTTP/1.1 server on 127.0.0.1 that answers requests with a script of canned
// responses, in order, and records what it received. Unit tests use it to produce the
// failures a real S3 server gives only by chance (5xx, throttling, a connection dropped after
// the request arrived) and check the client's retries and its handling of unknown outcomes.
// Thread-safe; serves one connection at a time.
namespace binlake::testing {

struct ScriptedResponse {
  int status = 200;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  // Read the request, then close the connection without answering.
  bool drop_connection = false;
};

struct ReceivedRequest {
  std::string method;
  std::string target;  // path and query as sent
  std::vector<std::string> headers;
  std::string body;

  // The value of the (case-insensitive) header, or "".
  std::string Header(std::string_view name) const;
};

class ScriptedHttpServer {
 public:
  ScriptedHttpServer();  // listens on a free port
  ~ScriptedHttpServer();

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void Add(ScriptedResponse response);
  std::vector<ReceivedRequest> requests();

 private:
  void Serve();
  void ServeConnection(int fd);

  int listen_fd_ = -1;
  int port_ = 0;
  bool stop_ = false;  // guarded by mu_
  std::mutex mu_;
  std::deque<ScriptedResponse> script_;    // guarded by mu_
  std::vector<ReceivedRequest> received_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace binlake::testing
