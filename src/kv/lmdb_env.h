#pragma once

#include <lmdb.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace binlake {

// One LMDB environment in a folder of the local disk, as binlake's on-disk indexes use it:
//
//   - the map is address space, not disk: 1 TiB, or less where the address space is limited
//     (ulimit -v, sanitizers);
//   - writes are not fsynced: a process crash (kill -9) keeps every committed transaction, a
//     machine crash may not. Whoever keeps content across runs records BootId() with it and
//     trusts it only in the same boot;
//   - a named environment (<parent>/<name>) is kept across runs and locked (flock) so that one
//     process uses it; an unnamed one, or a named one another process holds, is a fresh
//     folder removed with the object;
//   - after each commit the committed pages are released from the process's resident memory
//     (they stay in the kernel's page cache), so a process touching a large index holds only
//     the pages of its open transaction.
//
// One write transaction at a time, begun on demand; reads go through it too. Not
// thread-safe: the thread that owns the object does everything.
class LmdbEnv {
 public:
  struct Db {
    std::string name;
    unsigned flags = 0;  // MDB_DUPSORT and the like; MDB_CREATE is implied
  };

  // `what` names the content in messages ("the Iceberg key index"); `dbs` are opened (and
  // created) in order: dbi(i) is the i-th.
  static Result<std::unique_ptr<LmdbEnv>> Open(const std::string& parent, const std::string& name,
                                               std::string what, const std::vector<Db>& dbs);
  ~LmdbEnv();
  LmdbEnv(const LmdbEnv&) = delete;
  LmdbEnv& operator=(const LmdbEnv&) = delete;

  MDB_dbi dbi(size_t i) const { return dbis_[i]; }
  // The open write transaction, begun if there is none.
  Result<MDB_txn*> Txn();
  bool in_txn() const { return txn_ != nullptr; }
  // Commits the open transaction (if any) and releases the pages it touched.
  Status Commit();
  // Drops the open transaction's changes.
  void Abort();
  // Writes a compact copy of the committed content to `fd`, in LMDB's file format, as of one
  // moment. May run on another thread while the owner writes (it reads a snapshot). The
  // pages it reads are dropped from resident memory as it goes.
  Status CopyTo(int fd) const;
  // Replaces the whole content with that of a copy CopyTo wrote (the file at `path`), in
  // transactions of bounded size, and commits. The copy must have the same databases.
  Status ReplaceFrom(const std::string& path);

  // rc as a Status: OK for 0 and MDB_NOTFOUND, else an error naming the content and `op`.
  Status Check(int rc, std::string_view op) const;

  const std::string& dir() const { return dir_; }
  bool kept() const { return keep_; }
  const std::string& what() const { return what_; }

  // This boot of the machine (/proc/sys/kernel/random/boot_id), empty when unknown.
  static std::string BootId();

 private:
  LmdbEnv() = default;
  void FindMap();
  // Drops the file's pages from this process's page tables (from any thread).
  void DropMapped() const;

  MDB_env* env_ = nullptr;
  MDB_txn* txn_ = nullptr;
  std::vector<MDB_dbi> dbis_;
  std::vector<Db> dbs_;
  std::string what_;
  std::string dir_;
  bool keep_ = false;
  int lock_fd_ = -1;
  void* map_ = nullptr;  // the file's mapping, released after each commit
  size_t map_size_ = 0;
};

// The folder name of a kept environment of `kind` for `owner` (a lake's URL): kind, '-', and
// the first 8 bytes of owner's SHA-256 in hex.
std::string KeptFolderName(std::string_view kind, std::string_view owner);

// Fixed-width big-endian integers in keys, so that byte order is numeric order.
void AppendBigEndian(uint64_t v, int bytes, std::string* out);
uint64_t ReadBigEndian(const void* data, int bytes);

inline std::string_view View(const MDB_val& v) {
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}
inline MDB_val Val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }

}  // namespace binlake
