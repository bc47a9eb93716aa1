#include "checkpoint/writer_lease.h"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>

#include "common/logging.h"

namespace binlake {
namespace {

constexpr char kPrefix[] = "_binlake/lease/";
constexpr uint64_t kKeep = 8;  // older generations than newest - kKeep are deleted

std::string KeyOf(uint64_t generation) { return fmt::format("{}{:020}.json", kPrefix, generation); }

// The generations listed under the prefix, ascending.
Result<std::vector<uint64_t>> Generations(ObjectStore* store) {
  ASSIGN_OR_RETURN(ListResult listed, store->List(kPrefix));
  std::vector<uint64_t> out;
  for (const ObjectInfo& o : listed.objects) {
    std::string name = o.key.substr(sizeof(kPrefix) - 1);
    if (name.size() != 25 || name.substr(20) != ".json") continue;
    out.push_back(std::strtoull(name.substr(0, 20).c_str(), nullptr, 10));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Whether process `pid` of this machine is gone (never true for another machine's holder).
bool GoneHere(const WriterLease::Options& me, const nlohmann::json& holder) {
  if (me.host.empty() || holder.value("host", "") != me.host) return false;
  const int64_t pid = holder.value("pid", int64_t{0});
  if (pid <= 0) return false;
  // This very pid is this process, which holds no lease yet: the holder was an earlier process
  // (a container restarts its binlake under the same pid).
  if (pid == me.pid) return true;
  return kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

// Returns once generation `newest` is free to succeed: released, run out, or its process gone;
// kFailedPrecondition naming the holder when it is renewed meanwhile (alive).
Status WaitUntilFree(ObjectStore* store, Clock* clock, const WriterLease::Options& me,
                     uint64_t newest) {
  int64_t seen_renewal = -1;
  for (;;) {
    Result<std::string> text = store->Get(KeyOf(newest));
    if (text.status().code() == StatusCode::kNotFound) return Status::OK();
    RETURN_IF_ERROR(text.status());
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object() || j.value("released", false)) return Status::OK();
    const std::string owner = j.value("owner", "a process");
    const int64_t renewed_ms = j.value("renewed_ms", int64_t{0});
    const int64_t ttl_ms = j.value("ttl_ms", int64_t{0});
    const int64_t age_ms = clock->NowMicros() / 1000 - renewed_ms;
    if (age_ms >= ttl_ms) {
      LOG_WARN("taking over the writer lease of {}: {} did not renew it for {:.1f} s", store->Url(),
               owner, age_ms / 1000.0);
      return Status::OK();
    }
    if (GoneHere(me, j)) {
      LOG_WARN("taking over the writer lease of {}: {} is no longer running", store->Url(), owner);
      return Status::OK();
    }
    if (seen_renewal >= 0 && renewed_ms != seen_renewal) {
      return FailedPreconditionError(
          "another binlake writes to this lake: {} holds its writer lease ({}/{}) and renews it. "
          "Two writers would interleave their batches, so this one stops: stop the other "
          "process first",
          owner, store->Url(), KeyOf(newest));
    }
    if (seen_renewal < 0) {
      LOG_INFO(
          "the writer lease of {} is held by {} (renewed {:.1f} s ago): waiting up to {:.1f} "
          "s for it to run out, or for a renewal that shows it is alive",
          store->Url(), owner, age_ms / 1000.0, (ttl_ms - age_ms) / 1000.0);
    }
    seen_renewal = renewed_ms;
    clock->SleepForMicros(std::min<int64_t>(500, ttl_ms - age_ms) * 1000);
  }
}

}  // namespace

std::string WriterLease::Record(bool released) const {
  nlohmann::json j{{"format", 1},
                   {"generation", generation_},
                   {"owner", options_.owner},
                   {"host", options_.host},
                   {"pid", options_.pid},
                   {"acquired_ms", acquired_ms_},
                   {"renewed_ms", clock_->NowMicros() / 1000},
                   {"ttl_ms", options_.ttl_ms},
                   {"released", released}};
  return j.dump();
}

Result<std::unique_ptr<WriterLease>> WriterLease::Acquire(ObjectStore* store, Clock* clock,
                                                          Options options) {
  std::unique_ptr<WriterLease> lease(new WriterLease(store, clock, std::move(options)));
  for (int attempt = 0; attempt < 3; ++attempt) {
    ASSIGN_OR_RETURN(std::vector<uint64_t> generations, Generations(store));
    uint64_t newest = generations.empty() ? 0 : generations.back();
    if (newest > 0) {
      RETURN_IF_ERROR(WaitUntilFree(store, clock, lease->options_, newest));
    }
    lease->generation_ = newest + 1;
    lease->key_ = KeyOf(lease->generation_);
    lease->acquired_ms_ = clock->NowMicros() / 1000;
    Status created = store->Put(lease->key_, lease->Record(false), PutOptions::CreateOnly());
    if (created.code() == StatusCode::kAlreadyExists) continue;  // another start at once
    RETURN_IF_ERROR(created.Context("taking the writer lease"));
    for (uint64_t g : generations) {
      if (g + kKeep < lease->generation_) (void)store->Delete(KeyOf(g));
    }
    lease->renewer_ = std::thread([l = lease.get()] { l->Renew(); });
    return lease;
  }
  return FailedPreconditionError(
      "another binlake took this lake's writer lease ({}) while this one did: only one may "
      "write; stop the other",
      store->Url());
}

WriterLease::~WriterLease() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (renewer_.joinable()) renewer_.join();
  if (!lost_.load() && !key_.empty()) {
    // Released by removing the record: a run that failed at its start leaves the lake as it
    // found it. A record left "released" (a delete that failed) is free as well.
    Status s = store_->Delete(key_);
    if (!s.ok()) s = store_->Put(key_, Record(true));
    if (!s.ok()) LOG_WARN("releasing the writer lease {}: {}", key_, s.ToString());
  }
}

std::string WriterLease::reason() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reason_;
}

void WriterLease::OnLost(std::function<void()> on_lost) {
  std::lock_guard<std::mutex> lock(mu_);
  on_lost_ = std::move(on_lost);
}

void WriterLease::Lose(std::string why) {
  std::function<void()> notify;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (lost_.load()) return;
    reason_ = std::move(why);
    lost_.store(true);
    notify = on_lost_;
  }
  LOG_ERROR("{}", reason());
  if (notify) notify();
}

void WriterLease::Renew() {
  const auto period = std::chrono::milliseconds(std::max<int64_t>(options_.ttl_ms / 3, 10));
  int64_t renewed_us = clock_->MonotonicMicros();
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, period, [&] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    Status s;
    Result<std::vector<uint64_t>> generations = Generations(store_);
    if (generations.ok() && !generations->empty() && generations->back() > generation_) {
      Lose(fmt::format(
          "another binlake took this lake's writer lease over ({}): this one stops writing. Was "
          "it cut off from the store for more than lease_ttl ({} s)?",
          KeyOf(generations->back()), options_.ttl_ms / 1000.0));
      return;
    }
    s = generations.ok() ? store_->Put(key_, Record(false)) : generations.status();
    const int64_t now_us = clock_->MonotonicMicros();
    if (s.ok()) {
      renewed_us = now_us;
    } else if (now_us - renewed_us >= options_.ttl_ms * 1000) {
      Lose(
          fmt::format("the writer lease {} could not be renewed for {} s (lease_ttl), so another "
                      "binlake may take the lake over: this one stops writing. Last error: {}",
                      key_, options_.ttl_ms / 1000.0, s.ToString()));
      return;
    }
    lock.lock();
  }
}

}  // namespace binlake
