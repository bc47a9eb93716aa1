#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace binlake {

// The numbers an operator watches (docs/metrics.md), rendered in the Prometheus text format.
// The pipeline publishes into it at transaction, batch and heartbeat boundaries (never per
// row); the HTTP server renders it on each scrape. Thread-safe.
class Metrics {
 public:
  using Labels = std::vector<std::pair<std::string, std::string>>;

  // Declares a metric family: its type ("counter", "gauge", "histogram") and help text.
  void Describe(const std::string& name, const std::string& type, const std::string& help);
  // Sets a gauge, or a counter to a running total the publisher keeps.
  void Set(const std::string& name, const Labels& labels, double value);
  void Add(const std::string& name, const Labels& labels, double delta);
  // Adds an observation to a histogram with the latency buckets 5 ms .. 60 s.
  void Observe(const std::string& name, double seconds);

  // Liveness of the source connection: the last time (monotonic µs) binlake heard from it
  // (an event or a heartbeat), and how long silence may last before /healthz fails.
  void SourceContact(int64_t monotonic_us) { contact_us_.store(monotonic_us); }
  void SetContactLimit(int64_t micros) { contact_limit_us_.store(micros); }
  // "ok", or why not; `now_us` monotonic.
  std::string Health(int64_t now_us) const;

  // Prometheus exposition text, with process memory (resident set) added.
  std::string Render() const;

 private:
  struct Family {
    std::string type = "gauge";
    std::string help;
    std::map<Labels, double> values;
    // Histograms: bucket counts (cumulative when rendered), sum and count.
    std::vector<uint64_t> buckets;
    double sum = 0;
    uint64_t count = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, Family> families_;  // guarded by mu_
  std::atomic<int64_t> contact_us_{0};
  std::atomic<int64_t> contact_limit_us_{0};
};

// Histogram bucket bounds in seconds.
const std::vector<double>& LatencyBuckets();

}  // namespace binlake
