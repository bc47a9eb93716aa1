#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/result.h"
#include "storage/object_store.h"

namespace binlake {

// One writer per lake. `binlake run` holds the lake's lease while it runs, so a second
// binlake started on the same lake (by mistake, or by a scheduler that thinks the first one
// died) stops at once with the holder's name instead of writing beside it, and never
// registers as a replica (which would make the server drop the first one's binlog stream).
//
// The lease is a series of records, _binlake/lease/<generation>.json, each created only if
// absent: of two processes taking the lease over at once exactly one creates the next
// generation. The holder renews its record every ttl/3; a record not renewed for ttl (and not
// released) belongs to a dead or cut-off process and may be taken over: a start that finds a
// live-looking record watches it for up to the rest of its ttl, and stops as soon as it sees a
// renewal (a live holder), or takes over when it runs out (so a restart on another machine
// after a crash waits at most a ttl). On the holder's own machine a holder whose process is gone
// is taken over at once. A holder that finds a
// newer generation, or cannot renew for a whole ttl, has lost the lease: lost() turns true and
// the caller stops. Writes stay safe even then: every batch record is create-only
// (docs/checkpoint-format.md), so the lease makes the refusal early and clear rather than
// being the only guard. Times are this machine's clock: writers on different machines need
// clocks within a fraction of the ttl.
class WriterLease {
 public:
  struct Options {
    int64_t ttl_ms = 30'000;
    // Who takes it, for messages: "binlake on host (pid 1234)".
    std::string owner;
    // This machine's name and this process's id: a restart on the same machine takes over at
    // once from a holder that is no longer running (kill -9, a crash), instead of waiting.
    std::string host;
    int64_t pid = 0;
  };

  // kFailedPrecondition naming the holder when a live writer holds the lease.
  static Result<std::unique_ptr<WriterLease>> Acquire(ObjectStore* store, Clock* clock,
                                                      Options options);
  // Stops renewing and releases the lease, removing its record (a successor may take it at
  // once).
  ~WriterLease();

  // True once the lease is lost; reason() says why.
  bool lost() const { return lost_.load(); }
  std::string reason() const;
  const std::string& key() const { return key_; }
  // Calls `on_lost` (from the renewal thread) when the lease is lost.
  void OnLost(std::function<void()> on_lost);

 private:
  WriterLease(ObjectStore* store, Clock* clock, Options options)
      : store_(store), clock_(clock), options_(std::move(options)) {}
  std::string Record(bool released) const;
  void Renew();
  void Lose(std::string why);

  ObjectStore* const store_;
  Clock* const clock_;
  const Options options_;
  uint64_t generation_ = 0;
  std::string key_;
  int64_t acquired_ms_ = 0;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;          // guarded by mu_
  std::string reason_;             // guarded by mu_
  std::function<void()> on_lost_;  // guarded by mu_
  std::atomic<bool> lost_{false};
  std::thread renewer_;
};

}  // namespace binlake
