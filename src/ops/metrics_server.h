#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "common/result.h"
#include "ops/metrics.h"

namespace binlake {

// A minimal HTTP/1.1 server for scrapes: GET /metrics (Prometheus text) and GET /healthz
// (200 "ok", or 503 with why). One connection at a time on its own thread, each closed
// after its answer; anything else gets 404. Owns its thread; `metrics` must outlive it.
class MetricsServer {
 public:
  // `listen` is "host:port" or ":port" / "port" (127.0.0.1: metrics stay on the machine
  // unless a host is named). `now_us` gives monotonic microseconds for /healthz.
  static Result<std::unique_ptr<MetricsServer>> Start(const std::string& listen,
                                                      const Metrics* metrics,
                                                      std::function<int64_t()> now_us);
  ~MetricsServer();

  // The port bound (useful with port 0).
  int port() const { return port_; }

 private:
  MetricsServer(int fd, int port, const Metrics* metrics, std::function<int64_t()> now_us);
  void Serve();
  void Answer(int client);

  const int fd_;
  const int port_;
  const Metrics* const metrics_;
  const std::function<int64_t()> now_us_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace binlake
