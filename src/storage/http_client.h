#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace binlake {

// One HTTP request. `url` must already be percent-encoded; headers are "Name: value".
struct HttpRequest {
  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string url;
  std::vector<std::string> headers;
  std::string_view body;  // sent for PUT and POST; must outlive Perform()
};

// What came back, or why nothing did.
struct HttpResponse {
  // OK when an HTTP status arrived (any status, 4xx and 5xx included). Otherwise the
  // transport failure: kUnavailable (connect/reset/TLS), kDeadlineExceeded (timeout).
  Status transport;
  // True when the request may have reached the server even though `transport` failed:
  // a write's outcome is then unknown.
  bool maybe_delivered = false;
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  // The header's value, or "".
  std::string Header(const std::string& lower_name) const;
};

struct HttpClientOptions {
  // CURLOPT_AWS_SIGV4 provider string, e.g. "aws:amz:us-east-1:s3"; empty: unsigned.
  std::string aws_sigv4;
  std::string user;      // access key id
  std::string password;  // secret access key
  int64_t connect_timeout_ms = 10'000;
  int64_t request_timeout_ms = 0;  // 0: none
  bool verify_tls = true;
  std::string ca_file;
};

// A small libcurl client with a pool of easy handles, so connections are reused across
// requests and threads. Thread-safe: concurrent Perform calls use different handles.
class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse Perform(const HttpRequest& request);

 private:
  void* TakeHandle();
  void ReturnHandle(void* handle);

  const HttpClientOptions options_;
  std::mutex mu_;
  std::vector<void*> idle_;  // CURL* handles; guarded by mu_
};

}  // namespace binlake
