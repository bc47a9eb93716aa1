#include "pipeline/state_backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <utility>

#include "common/logging.h"

namespace binlake {
namespace {

constexpr size_t kChunk = 8 << 20;
constexpr size_t kKeep = 2;

// A temporary file in `dir`; `unlink`: removed from the folder at once (the descriptor keeps
// it), else its path is in *path and the caller removes it.
Result<int> TempFile(const std::string& dir, bool unlink_now, std::string* path) {
  std::string pattern = dir + "/binlake-state-copy-XXXXXX";
  int fd = ::mkstemp(pattern.data());
  if (fd < 0) {
    return UnavailableError(
        "creating a temporary file in {} for the row state's copy: {} "
        "(set spill.dir to a writable folder)",
        dir, std::strerror(errno));
  }
  if (unlink_now) {
    ::unlink(pattern.c_str());
  } else {
    *path = pattern;
  }
  return fd;
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// The key of a copy made at `ms` (ms since the epoch, UTC).
std::string KeyAt(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  char frac[8];
  std::snprintf(frac, sizeof frac, "%03d", static_cast<int>(ms % 1000));
  return std::string(StateBackup::kPrefix) + buf + frac + ".lmdb";
}

}  // namespace

StateBackup::StateBackup(ObjectStore* store, RowState* state, std::string spill_dir)
    : store_(store), state_(state), spill_dir_(std::move(spill_dir)) {}

StateBackup::~StateBackup() { Stop(); }

void StateBackup::Start(std::chrono::milliseconds interval) {
  Stop();
  stop_ = false;
  thread_ = std::thread([this, interval]() { Loop(interval); });
}

void StateBackup::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StateBackup::Loop(std::chrono::milliseconds interval) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!wake_.wait_for(lock, interval, [this]() { return stop_; })) {
    lock.unlock();
    Status s = BackUp();
    if (!s.ok())
      LOG_WARN("row state backup: {}; trying again in {} s", s.ToString(), interval.count() / 1000);
    lock.lock();
  }
}

Status StateBackup::BackUp() {
  const uint64_t commits = state_->commits();
  if (copied_commits_ && *copied_commits_ == commits) return Status::OK();
  std::string unused;
  ASSIGN_OR_RETURN(int raw, TempFile(spill_dir_, true, &unused));
  Fd fd{raw};
  RETURN_IF_ERROR(state_->CopyTo(fd.fd));
  struct stat st {};
  if (::fstat(fd.fd, &st) != 0 || ::lseek(fd.fd, 0, SEEK_SET) != 0) {
    return UnavailableError("reading back the row state's copy: {}", std::strerror(errno));
  }
  // Keys sort by time; two copies within one millisecond get consecutive ones.
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  last_key_ms_ = std::max(now_ms, last_key_ms_ + 1);
  const std::string key = KeyAt(last_key_ms_);
  PutOptions o;
  o.if_none_match = true;
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> w, store_->NewWriter(key, o));
  std::string buf(kChunk, '\0');
  for (;;) {
    ssize_t n = ::read(fd.fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      w->Abort().IgnoreError();
      return UnavailableError("reading back the row state's copy: {}", std::strerror(errno));
    }
    if (n == 0) break;
    Status s = w->Write(std::string_view(buf.data(), static_cast<size_t>(n)));
    if (!s.ok()) {
      w->Abort().IgnoreError();
      return s;
    }
  }
  RETURN_IF_ERROR(w->Close());
  copied_commits_ = commits;
  LOG_INFO("row state copied into the lake: {} ({:.1f} MB)", key,
           static_cast<double>(st.st_size) / 1e6);
  // Older copies go once the new one is in.
  ASSIGN_OR_RETURN(ListResult listed, store_->List(kPrefix));
  if (listed.objects.size() > kKeep) {
    for (size_t i = 0; i + kKeep < listed.objects.size(); ++i) {
      RETURN_IF_ERROR(store_->Delete(listed.objects[i].key));
    }
  }
  return Status::OK();
}

Result<std::optional<std::string>> StateBackup::Restore(ObjectStore* store, RowState* state,
                                                        const std::string& spill_dir) {
  ASSIGN_OR_RETURN(ListResult listed, store->List(kPrefix));
  if (listed.objects.empty()) return std::optional<std::string>();
  const ObjectInfo& newest = listed.objects.back();
  std::string path;
  ASSIGN_OR_RETURN(int raw, TempFile(spill_dir, false, &path));
  Fd fd{raw};
  auto remove = std::unique_ptr<std::string, void (*)(std::string*)>(
      &path, [](std::string* p) { ::unlink(p->c_str()); });
  for (uint64_t at = 0; at < newest.size; at += kChunk) {
    ASSIGN_OR_RETURN(std::string part, store->GetRange(newest.key, at, kChunk));
    if (part.empty()) {
      return CorruptionError("{} ended at {} of its {} bytes: it changed while it was read",
                             newest.key, at, newest.size);
    }
    size_t done = 0;
    while (done < part.size()) {
      ssize_t n = ::write(fd.fd, part.data() + done, part.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        return UnavailableError("writing the row state's copy to {}: {} (is the disk full?)", path,
                                std::strerror(errno));
      }
      done += static_cast<size_t>(n);
    }
  }
  RETURN_IF_ERROR(state->RestoreFrom(path).Context("restoring " + newest.key));
  return std::optional<std::string>(newest.key);
}

}  // namespace binlake
