#include "ops/metrics.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

namespace binlake {
namespace {

std::string Escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string LabelText(const Metrics::Labels& labels, const std::string& extra = "") {
  std::string out;
  for (const auto& [k, v] : labels) out += (out.empty() ? "" : ",") + k + "=\"" + Escape(v) + "\"";
  if (!extra.empty()) out += (out.empty() ? "" : ",") + extra;
  return out.empty() ? "" : "{" + out + "}";
}

std::string Number(double v) {
  if (v == static_cast<double>(static_cast<int64_t>(v)) && v < 1e15 && v > -1e15) {
    return std::to_string(static_cast<int64_t>(v));
  }
  return fmt::format("{}", v);
}

int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  if (!(statm >> pages >> resident)) return 0;
  return resident * sysconf(_SC_PAGESIZE);
}

}  // namespace

const std::vector<double>& LatencyBuckets() {
  static const std::vector<double> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                               1,     2.5,  5,     10,   30,  60};
  return kBuckets;
}

void Metrics::Describe(const std::string& name, const std::string& type, const std::string& help) {
  std::lock_guard<std::mutex> lock(mu_);
  Family& f = families_[name];
  f.type = type;
  f.help = help;
  if (type == "histogram" && f.buckets.empty()) f.buckets.assign(LatencyBuckets().size(), 0);
}

void Metrics::Set(const std::string& name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> lock(mu_);
  families_[name].values[labels] = value;
}

void Metrics::Add(const std::string& name, const Labels& labels, double delta) {
  std::lock_guard<std::mutex> lock(mu_);
  families_[name].values[labels] += delta;
}

void Metrics::Observe(const std::string& name, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  Family& f = families_[name];
  f.type = "histogram";
  const std::vector<double>& bounds = LatencyBuckets();
  if (f.buckets.empty()) f.buckets.assign(bounds.size(), 0);
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (seconds <= bounds[i]) {
      ++f.buckets[i];
      break;
    }
  }
  f.sum += seconds;
  ++f.count;
}

std::string Metrics::Health(int64_t now_us) const {
  int64_t contact = contact_us_.load();
  int64_t limit = contact_limit_us_.load();
  if (contact == 0) return "not connected to the source yet";
  if (limit > 0 && now_us - contact > limit) {
    return fmt::format("nothing heard from the source for {:.1f} s (limit {:.1f} s)",
                       (now_us - contact) / 1e6, limit / 1e6);
  }
  return "ok";
}

std::string Metrics::Render() const {
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, f] : families_) {
    if (!f.help.empty()) out += fmt::format("# HELP {} {}\n", name, f.help);
    out += fmt::format("# TYPE {} {}\n", name, f.type);
    if (f.type == "histogram") {
      uint64_t cumulative = 0;
      const std::vector<double>& bounds = LatencyBuckets();
      for (size_t i = 0; i < bounds.size() && i < f.buckets.size(); ++i) {
        cumulative += f.buckets[i];
        out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, bounds[i], cumulative);
      }
      out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n", name, f.count);
      out += fmt::format("{}_sum {}\n{}_count {}\n", name, f.sum, name, f.count);
      continue;
    }
    for (const auto& [labels, v] : f.values) {
      out += name + LabelText(labels) + " " + Number(v) + "\n";
    }
  }
  out += "# HELP binlake_resident_memory_bytes Resident set size of the process.\n";
  out += "# TYPE binlake_resident_memory_bytes gauge\n";
  out += fmt::format("binlake_resident_memory_bytes {}\n", ResidentBytes());
  return out;
}

}  // namespace binlake
