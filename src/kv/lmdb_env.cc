#include "kv/lmdb_env.h"

#include <fcntl.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "common/logging.h"

namespace binlake {

Result<std::unique_ptr<LmdbEnv>> LmdbEnv::Open(const std::string& parent, const std::string& name,
                                               std::string what, const std::vector<Db>& dbs) {
  std::string base = parent;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp && *tmp ? tmp : "/tmp";
  }
  std::unique_ptr<LmdbEnv> e(new LmdbEnv());
  e->what_ = std::move(what);
  if (!name.empty()) {
    std::string dir = base + "/" + name;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    int fd = ec ? -1 : ::open((dir + "/binlake.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      e->dir_ = dir;
      e->lock_fd_ = fd;
      e->keep_ = true;
    } else {
      if (fd >= 0) ::close(fd);
      LOG_WARN("{} in {} is not usable ({}); using a throwaway one", e->what_, dir,
               ec ? ec.message() : std::string("another process holds it"));
    }
  }
  if (e->dir_.empty()) {
    std::string pattern = base + "/binlake-kv-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      return UnavailableError(
          "creating the folder of {} under {}: {} (set spill.dir to a "
          "writable folder)",
          e->what_, base, std::strerror(errno));
    }
    e->dir_ = pattern;
  }
  int rc = ENOMEM;
  for (int shift = 40; shift >= 33 && rc == ENOMEM; shift -= 2) {
    if (e->env_) mdb_env_close(e->env_);
    e->env_ = nullptr;
    rc = mdb_env_create(&e->env_);
    if (rc == 0) rc = mdb_env_set_mapsize(e->env_, size_t{1} << shift);
    if (rc == 0) rc = mdb_env_set_maxdbs(e->env_, static_cast<MDB_dbi>(dbs.size()));
    if (rc == 0) {
      rc = mdb_env_open(e->env_, e->dir_.c_str(),
                        MDB_NOSYNC | MDB_NOMETASYNC | MDB_WRITEMAP | MDB_NORDAHEAD | MDB_NOTLS,
                        0600);
    }
  }
  if (rc != 0) {
    return UnavailableError("opening {} in {}: {} (delete the folder: binlake rebuilds it)",
                            e->what_, e->dir_, mdb_strerror(rc));
  }
  e->dbs_ = dbs;
  e->FindMap();
  ASSIGN_OR_RETURN(MDB_txn * txn, e->Txn());
  for (const Db& db : dbs) {
    MDB_dbi dbi;
    rc = mdb_dbi_open(txn, db.name.c_str(), MDB_CREATE | db.flags, &dbi);
    if (rc != 0) return e->Check(rc, "opening " + db.name);
    e->dbis_.push_back(dbi);
  }
  RETURN_IF_ERROR(e->Commit());
  return e;
}

LmdbEnv::~LmdbEnv() {
  Abort();
  if (env_) mdb_env_close(env_);
  if (lock_fd_ >= 0) ::close(lock_fd_);
  if (!dir_.empty() && !keep_) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

Status LmdbEnv::Check(int rc, std::string_view op) const {
  if (rc == 0 || rc == MDB_NOTFOUND) return Status::OK();
  return ResourceExhaustedError("{} in {}: {}: {} (is its disk full?)", what_, dir_, op,
                                mdb_strerror(rc));
}

Result<MDB_txn*> LmdbEnv::Txn() {
  if (txn_) return txn_;
  int rc = mdb_txn_begin(env_, nullptr, 0, &txn_);
  if (rc != 0) {
    txn_ = nullptr;
    return UnavailableError("{} in {}: {}", what_, dir_, mdb_strerror(rc));
  }
  return txn_;
}

void LmdbEnv::Abort() {
  if (txn_) mdb_txn_abort(txn_);
  txn_ = nullptr;
}

void LmdbEnv::FindMap() {
  // LMDB does not say where it mapped its file; the process's mappings do.
  std::ifstream maps("/proc/self/maps");
  const std::string file = dir_ + "/data.mdb";
  std::string line;
  while (std::getline(maps, line)) {
    if (line.size() < file.size() || line.compare(line.size() - file.size(), file.size(), file)) {
      continue;
    }
    unsigned long long from = 0, to = 0;
    if (std::sscanf(line.c_str(), "%llx-%llx", &from, &to) == 2 && to > from) {
      map_ = reinterpret_cast<void*>(static_cast<uintptr_t>(from));
      map_size_ = static_cast<size_t>(to - from);
    }
    return;
  }
}

Status LmdbEnv::Commit() {
  if (!txn_) return Status::OK();
  int rc = mdb_txn_commit(txn_);
  txn_ = nullptr;
  RETURN_IF_ERROR(Check(rc, "commit"));
  // The committed pages are in the file (the kernel's page cache) now: unmap them from this
  // process, so that its resident memory holds only the pages the next changes touch rather
  // than every page ever touched. They map back in from the page cache on the next access.
  DropMapped();
  return Status::OK();
}

void LmdbEnv::DropMapped() const {
  // The file is mapped shared: its pages live in the page cache whatever this process's page
  // tables hold. The whole mapping: unpopulated stretches cost the kernel next to nothing.
  if (map_ != nullptr) ::madvise(map_, map_size_, MADV_DONTNEED);
}

Status LmdbEnv::CopyTo(int fd) const {
  // LMDB's copy reads every page through the map (and the kernel maps 16 cached pages per
  // fault): a helper drops them from resident memory every 2 ms, so copying a large file
  // does not map it whole.
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::thread releaser([&] {
    std::unique_lock<std::mutex> lock(mu);
    while (!cv.wait_for(lock, std::chrono::milliseconds(2), [&] { return done; })) DropMapped();
  });
  int rc = mdb_env_copyfd2(env_, fd, MDB_CP_COMPACT);
  {
    std::lock_guard<std::mutex> lock(mu);
    done = true;
  }
  cv.notify_all();
  releaser.join();
  DropMapped();
  if (rc != 0) {
    return ResourceExhaustedError("copying {} in {}: {} (is the disk full?)", what_, dir_,
                                  mdb_strerror(rc));
  }
  return Status::OK();
}

namespace {

// A copy written by CopyTo, open read-only.
struct CopyReader {
  MDB_env* env = nullptr;
  MDB_txn* txn = nullptr;
  ~CopyReader() {
    if (txn) mdb_txn_abort(txn);
    if (env) mdb_env_close(env);
  }
};

}  // namespace

Status LmdbEnv::ReplaceFrom(const std::string& path) {
  CopyReader copy;
  int rc = mdb_env_create(&copy.env);
  if (rc == 0) rc = mdb_env_set_maxdbs(copy.env, static_cast<MDB_dbi>(dbs_.size()));
  // A copy records its source's map size (up to 1 TiB of address space); reading it needs only
  // its own size, so a process short of address space (ulimit -v, ThreadSanitizer) can too.
  std::error_code size_error;
  uint64_t file_size = std::filesystem::file_size(path, size_error);
  if (rc == 0 && !size_error) {
    rc = mdb_env_set_mapsize(copy.env, std::max<uint64_t>(file_size, uint64_t{1} << 20));
  }
  if (rc == 0) {
    rc = mdb_env_open(copy.env, path.c_str(), MDB_RDONLY | MDB_NOSUBDIR | MDB_NOLOCK, 0600);
  }
  if (rc == 0) rc = mdb_txn_begin(copy.env, nullptr, MDB_RDONLY, &copy.txn);
  auto bad = [&](std::string_view op) {
    return CorruptionError("reading the copy of {} in {}: {}: {}", what_, path, op,
                           mdb_strerror(rc));
  };
  if (rc != 0) return bad("open");
  // Everything goes first, in one commit: a crash while the copy is read in leaves an empty
  // content (no recorded state), never a mix of old and new.
  Abort();
  {
    ASSIGN_OR_RETURN(MDB_txn * txn, Txn());
    for (size_t i = 0; i < dbs_.size(); ++i) {
      RETURN_IF_ERROR(Check(mdb_drop(txn, dbis_[i], 0), "emptying " + dbs_[i].name));
    }
    RETURN_IF_ERROR(Commit());
  }
  for (size_t i = 0; i < dbs_.size(); ++i) {
    MDB_dbi src;
    rc = mdb_dbi_open(copy.txn, dbs_[i].name.c_str(), dbs_[i].flags, &src);
    if (rc == MDB_NOTFOUND) continue;  // not in the copy: empty
    if (rc != 0) return bad("opening " + dbs_[i].name);
    MDB_cursor* c = nullptr;
    rc = mdb_cursor_open(copy.txn, src, &c);
    if (rc != 0) return bad("cursor");
    std::unique_ptr<MDB_cursor, void (*)(MDB_cursor*)> closer(c, mdb_cursor_close);
    MDB_val k, v;
    size_t n = 0;
    for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
      ASSIGN_OR_RETURN(MDB_txn * txn, Txn());
      RETURN_IF_ERROR(
          Check(mdb_put(txn, dbis_[i], &k, &v, MDB_APPEND), "restoring " + dbs_[i].name));
      if (++n % 50000 == 0) RETURN_IF_ERROR(Commit());
    }
    if (rc != MDB_NOTFOUND) return bad("reading " + dbs_[i].name);
  }
  return Commit();
}

std::string LmdbEnv::BootId() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

std::string KeptFolderName(std::string_view kind, std::string_view owner) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(owner.data()), owner.size(), digest);
  std::string name(kind);
  name += '-';
  static const char* kHex = "0123456789abcdef";
  for (int i = 0; i < 8; ++i) {
    name += kHex[digest[i] >> 4];
    name += kHex[digest[i] & 15];
  }
  return name;
}

void AppendBigEndian(uint64_t v, int bytes, std::string* out) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}

uint64_t ReadBigEndian(const void* data, int bytes) {
  const auto* b = static_cast<const uint8_t*>(data);
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | b[i];
  return v;
}

}  // namespace binlake
