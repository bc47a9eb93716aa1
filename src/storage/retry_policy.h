#pragma once

#include <cstdint>

namespace binlake {

// Exponential backoff with full jitter: before retry number `retry` (1 for the first retry)
// wait a uniformly random time in [0, min(max_micros, initial_micros * 2^(retry-1))].
// `random` is any 64-bit random number; passing it in keeps the function deterministic for
// tests. Full jitter spreads out clients that failed together (AWS architecture blog,
// "Exponential Backoff And Jitter").
int64_t FullJitterBackoffMicros(int retry, int64_t initial_micros, int64_t max_micros,
                                uint64_t random);

// A 64-bit random number from a per-thread generator.
uint64_t RandomU64();

}  // namespace binlake
