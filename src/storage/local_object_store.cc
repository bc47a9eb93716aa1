#include "storage/local_object_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <random>
#include <utility>
#include <vector>

#include "storage/list_folding.h"

namespace binlake {
namespace {

constexpr std::string_view kTempPrefix = ".binlake-tmp-";
constexpr size_t kWriteBufferBytes = 1 << 20;

std::string ErrnoText(int err) { return std::strerror(err); }

std::string ParentDir(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

// A temporary name in `dir` unique across threads and processes.
std::string TempPath(const std::string& dir) {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{}/{}{}-{}-{:016x}", dir, kTempPrefix, getpid(), counter.fetch_add(1), rng());
}

Status SyncDir(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return UnavailableError("open directory {} to fsync: {}", dir, ErrnoText(errno));
  int rc = fsync(fd);
  int err = errno;
  close(fd);
  if (rc != 0) return UnavailableError("fsync directory {}: {}", dir, ErrnoText(err));
  return Status::OK();
}

// Status for a failed file-system call on `path`.
Status FsError(std::string_view what, const std::string& path, int err) {
  switch (err) {
    case EACCES:
    case EPERM:
    case EROFS:
      return PermissionDeniedError("{} {}: {}; check the directory's owner and permissions", what,
                                   path, ErrnoText(err));
    case ENOSPC:
    case EDQUOT:
      return ResourceExhaustedError("{} {}: {}; free space on that file system", what, path,
                                    ErrnoText(err));
    case ENOTDIR:
    case EISDIR:
    case EEXIST:
      return FailedPreconditionError(
          "{} {}: {}; a local store cannot hold both an object 'a' and objects under 'a/'", what,
          path, ErrnoText(err));
    default:
      return UnavailableError("{} {}: {}", what, path, ErrnoText(err));
  }
}

// mkdir -p for the directories between the root and `dir`.
Status MakeDirs(const std::string& root, const std::string& dir) {
  if (dir.size() <= root.size()) return Status::OK();
  size_t pos = root.size();
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    std::string sub = dir.substr(0, pos);
    if (mkdir(sub.c_str(), 0755) == 0) {
      // The new directory's own name must be durable too, or a crash could lose the whole
      // subtree that is about to hold a published object.
      RETURN_IF_ERROR(SyncDir(ParentDir(sub)));
    } else if (errno != EEXIST) {
      return FsError("create directory", sub, errno);
    }
  }
  return Status::OK();
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return FsError("write", path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

std::string EtagOf(const struct stat& st) {
  return fmt::format("{:x}-{:x}-{:x}", st.st_ino,
                     st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec, st.st_size);
}

int64_t MtimeMicros(const struct stat& st) {
  return st.st_mtim.tv_sec * 1'000'000LL + st.st_mtim.tv_nsec / 1000;
}

// Writes into a temporary file beside the target and publishes it on Close.
class LocalObjectWriter : public ObjectWriter {
 public:
  LocalObjectWriter(std::string root, std::string key, PutOptions options)
      : root_(std::move(root)),
        key_(std::move(key)),
        path_(root_ + "/" + key_),
        dir_(ParentDir(path_)),
        options_(std::move(options)) {}
  ~LocalObjectWriter() override { Abort().IgnoreError(); }

  Status Open() {
    // A concurrent Delete may remove an emptied directory between mkdir and open; retry.
    for (int attempt = 0;; ++attempt) {
      RETURN_IF_ERROR(MakeDirs(root_, dir_));
      temp_ = TempPath(dir_);
      fd_ = open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (fd_ >= 0) return Status::OK();
      if (errno != ENOENT || attempt >= 3) return FsError("create temporary file", temp_, errno);
    }
  }

  Status Write(std::string_view data) override {
    if (fd_ < 0) return FailedPreconditionError("write to finished object writer for {}", path_);
    offset_ += data.size();
    if (buffer_.size() + data.size() < kWriteBufferBytes) {
      buffer_.append(data);
      return Status::OK();
    }
    RETURN_IF_ERROR(Flush());
    return WriteAll(fd_, data, temp_);
  }
  uint64_t Tell() const override { return offset_; }

  Status Close() override {
    if (fd_ < 0) return FailedPreconditionError("object writer for {} already finished", path_);
    Status s = Publish();
    if (!s.ok()) Abort().IgnoreError();
    return s;
  }

  Status Abort() override {
    buffer_.clear();
    if (fd_ >= 0) {
      close(fd_);
      fd_ = -1;
    }
    if (!temp_.empty()) {
      unlink(temp_.c_str());
      temp_.clear();
    }
    return Status::OK();
  }

 private:
  Status Flush() {
    Status s = WriteAll(fd_, buffer_, temp_);
    buffer_.clear();
    return s;
  }

  Status Publish() {
    RETURN_IF_ERROR(Flush());
    if (fsync(fd_) != 0) return FsError("fsync", temp_, errno);
    int rc = close(fd_);
    fd_ = -1;
    if (rc != 0) return FsError("close", temp_, errno);
    if (options_.if_none_match) {
      // link() never replaces an existing name: the atomic create.
      if (link(temp_.c_str(), path_.c_str()) != 0) {
        int err = errno;
        if (err == EEXIST) {
          return AlreadyExistsError("file://{} already exists (conditional create refused)", path_);
        }
        return FsError("link", path_, err);
      }
      unlink(temp_.c_str());
    } else {
      struct stat st;
      if (stat(path_.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        return FsError("replace", path_, EISDIR);
      }
      if (rename(temp_.c_str(), path_.c_str()) != 0) return FsError("rename onto", path_, errno);
    }
    temp_.clear();
    return SyncDir(dir_);
  }

  const std::string root_;
  const std::string key_;
  const std::string path_;
  const std::string dir_;
  const PutOptions options_;
  std::string temp_;
  std::string buffer_;
  int fd_ = -1;
  uint64_t offset_ = 0;
};

// Appends every object file under `dir` (relative name `rel`, "" for the root) to `out`.
void Walk(const std::string& dir, const std::string& rel, std::string_view prefix,
          std::vector<ObjectInfo>* out) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return;  // vanished (concurrent delete) or not a directory
  while (struct dirent* e = readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == ".." || name.starts_with(kTempPrefix)) continue;
    std::string child_rel = rel.empty() ? std::string(name) : rel + "/" + std::string(name);
    // Prune subtrees that cannot contain the prefix.
    size_t common = std::min(child_rel.size(), prefix.size());
    if (child_rel.compare(0, common, prefix.substr(0, common)) != 0) continue;
    std::string child = dir + "/" + std::string(name);
    struct stat st;
    if (lstat(child.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      Walk(child, child_rel, prefix, out);
    } else if (S_ISREG(st.st_mode) && child_rel.starts_with(prefix) &&
               ValidateObjectKey(child_rel).ok()) {
      out->push_back(
          ObjectInfo{child_rel, static_cast<uint64_t>(st.st_size), EtagOf(st), MtimeMicros(st)});
    }
  }
  closedir(d);
}

}  // namespace

Result<std::unique_ptr<LocalObjectStore>> LocalObjectStore::Open(std::string_view root) {
  if (root.empty() || root.front() != '/') {
    return InvalidArgumentError(
        "local store root '{}' is not an absolute path; use file:///absolute/path", root);
  }
  std::string r(root);
  while (r.size() > 1 && r.back() == '/') r.pop_back();
  if (r == "/") return InvalidArgumentError("local store root must not be '/'");
  RETURN_IF_ERROR(MakeDirs("", r).Context("opening local object store"));
  struct stat st;
  if (stat(r.c_str(), &st) != 0) return FsError("open local store", r, errno);
  if (!S_ISDIR(st.st_mode)) {
    return FailedPreconditionError("local store root {} exists but is not a directory", r);
  }
  if (access(r.c_str(), W_OK | X_OK) != 0) {
    return PermissionDeniedError("local store root {} is not writable by this user", r);
  }
  return std::unique_ptr<LocalObjectStore>(new LocalObjectStore(std::move(r)));
}

Status LocalObjectStore::Put(std::string_view key, std::string_view data,
                             const PutOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> writer, NewWriter(key, options));
  RETURN_IF_ERROR(writer->Write(data));
  return writer->Close();
}

Result<std::string> LocalObjectStore::Get(std::string_view key) {
  // One open file: the size comes from the same inode the bytes are read from, even if the
  // object is replaced meanwhile.
  return GetRange(key, 0, UINT64_MAX);
}

Result<std::string> LocalObjectStore::GetRange(std::string_view key, uint64_t offset,
                                               uint64_t length) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  std::string path = root_ + "/" + std::string(key);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return NotFoundError("{} does not exist", path);
    return FsError("open", path, errno);
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return NotFoundError("{} does not exist (not a regular file)", path);
  }
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (offset > size) {
    close(fd);
    return InvalidArgumentError("range read of {} at offset {} is past its end ({} bytes)", path,
                                offset, size);
  }
  std::string out(std::min(length, size - offset), '\0');
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n < 0 ? errno : EIO;
      close(fd);
      return FsError("read", path, err);
    }
    done += static_cast<size_t>(n);
  }
  close(fd);
  return out;
}

Result<ObjectInfo> LocalObjectStore::Head(std::string_view key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  std::string path = root_ + "/" + std::string(key);
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return NotFoundError("{} does not exist", path);
    return FsError("stat", path, errno);
  }
  if (!S_ISREG(st.st_mode)) return NotFoundError("{} does not exist (not a regular file)", path);
  return ObjectInfo{std::string(key), static_cast<uint64_t>(st.st_size), EtagOf(st),
                    MtimeMicros(st)};
}

Status LocalObjectStore::Delete(std::string_view key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  std::string path = root_ + "/" + std::string(key);
  if (unlink(path.c_str()) != 0) {
    // Absent, or a directory of other objects: either way no object has this key.
    if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR) return Status::OK();
    return FsError("delete", path, errno);
  }
  std::string dir = ParentDir(path);
  RETURN_IF_ERROR(SyncDir(dir));
  // Remove directories the delete emptied; rmdir refuses non-empty ones, so this is safe
  // against concurrent writers (whose temporary file keeps the directory non-empty).
  while (dir.size() > root_.size() && rmdir(dir.c_str()) == 0) dir = ParentDir(dir);
  return Status::OK();
}

Result<ListResult> LocalObjectStore::List(std::string_view prefix, std::optional<char> delimiter) {
  RETURN_IF_ERROR(ValidateListPrefix(prefix));
  std::vector<ObjectInfo> objects;
  Walk(root_, "", prefix, &objects);
  std::sort(objects.begin(), objects.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return FoldListResult(std::move(objects), prefix, delimiter);
}

Result<std::unique_ptr<ObjectWriter>> LocalObjectStore::NewWriter(std::string_view key,
                                                                  const PutOptions& options) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  auto writer = std::make_unique<LocalObjectWriter>(root_, std::string(key), options);
  RETURN_IF_ERROR(writer->Open());
  return std::unique_ptr<ObjectWriter>(std::move(writer));
}

}  // namespace binlake
