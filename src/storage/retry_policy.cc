#include "storage/retry_policy.h"

#include <algorithm>
#include <random>

namespace binlake {

int64_t FullJitterBackoffMicros(int retry, int64_t initial_micros, int64_t max_micros,
                                uint64_t random) {
  if (retry < 1 || initial_micros <= 0 || max_micros <= 0) return 0;
  int64_t cap = initial_micros;
  for (int i = 1; i < retry && cap < max_micros; ++i) cap *= 2;
  cap = std::min(cap, max_micros);
  return static_cast<int64_t>(random % (static_cast<uint64_t>(cap) + 1));
}

uint64_t RandomU64() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng();
}

}  // namespace binlake
