#pragma once

#include <atomic>
#include <cstdint>

namespace binlake {

// Time source, injected wherever timing decides behaviour (flush intervals, file names,
// backoff) so tests can drive it deterministically. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time: microseconds since the Unix epoch, UTC.
  virtual int64_t NowMicros() const = 0;
  // Monotonic time in microseconds from an arbitrary origin; for measuring intervals.
  virtual int64_t MonotonicMicros() const = 0;
  // Blocks for the given duration (a ManualClock advances instead).
  virtual void SleepForMicros(int64_t micros) = 0;

  // The process-wide real clock. Never null; lives for the whole process.
  static Clock* System();
};

// A clock that moves only when told to. SleepForMicros advances it. Thread-safe.
class ManualClock : public Clock {
 public:
  explicit ManualClock(int64_t now_micros = 0) : now_(now_micros) {}
  int64_t NowMicros() const override { return now_.load(); }
  int64_t MonotonicMicros() const override { return now_.load(); }
  void SleepForMicros(int64_t micros) override { Advance(micros); }
  void Advance(int64_t micros) { now_.fetch_add(micros); }
  void Set(int64_t now_micros) { now_.store(now_micros); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace binlake
