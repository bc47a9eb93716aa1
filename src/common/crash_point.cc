#include "common/crash_point.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace binlake {
namespace {

struct Target {
  std::string name;  // empty: no crash point set
  long hit = 1;      // the hit that kills
  std::atomic<long> hits{0};
};

Target& TargetFromEnvironment() {
  static Target* target = [] {
    auto* t = new Target;
    const char* spec = std::getenv("BINLAKE_CRASH_AT");
    if (spec == nullptr || *spec == '\0') return t;
    t->name = spec;
    size_t colon = t->name.find(':');
    if (colon != std::string::npos) {
      t->hit = std::max(1L, std::strtol(t->name.c_str() + colon + 1, nullptr, 10));
      t->name.resize(colon);
    }
    return t;
  }();
  return *target;
}

}  // namespace

void CrashPoint(const char* name) {
  Target& t = TargetFromEnvironment();
  if (t.name.empty() || t.name != name) return;
  if (t.hits.fetch_add(1) + 1 != t.hit) return;
  std::fprintf(stderr, "binlake: crash point %s (hit %ld) reached: killing the process\n", name,
               t.hit);
  std::fflush(stderr);
  std::raise(SIGKILL);
}

}  // namespace binlake
