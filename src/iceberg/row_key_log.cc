#include "iceberg/row_key_log.h"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace binlake {
namespace {

// Records: key length (4 bytes), key, `at` and `from` (4 + 8 bytes each), in host byte order:
// the log is read back by the process that wrote it.
constexpr size_t kPositionBytes = 12;

void PutPosition(FilePosition p, char* out) {
  std::memcpy(out, &p.first, 4);
  std::memcpy(out + 4, &p.second, 8);
}

FilePosition GetPosition(const char* in) {
  FilePosition p;
  std::memcpy(&p.first, in, 4);
  std::memcpy(&p.second, in + 4, 8);
  return p;
}

}  // namespace

Result<std::unique_ptr<RowKeyLog>> RowKeyLog::Create(const std::string& dir, std::string what) {
  std::unique_ptr<RowKeyLog> log(new RowKeyLog());
  log->dir_ = dir.empty() ? "/tmp" : dir;
  log->what_ = std::move(what);
  std::string pattern = log->dir_ + "/row-keys-XXXXXX";
  int fd = ::mkstemp(pattern.data());
  if (fd < 0) return log->Failed("creating a file for");
  ::unlink(pattern.c_str());  // unnamed from now on
  log->file_ = ::fdopen(fd, "w+b");
  if (log->file_ == nullptr) {
    ::close(fd);
    return log->Failed("opening a file for");
  }
  return log;
}

RowKeyLog::~RowKeyLog() {
  if (file_) std::fclose(file_);
}

Status RowKeyLog::Failed(const char* what) const {
  // A short read without an error: the unnamed file lost bytes under it (not errno's doing).
  const bool cut_short = file_ != nullptr && std::feof(file_) && !std::ferror(file_);
  return ResourceExhaustedError(
      "{}: {} the rows' keys in {}: {} (check that spill.dir exists, is writable and has room)",
      what_, what, dir_, cut_short ? "the file ended early" : std::strerror(errno));
}

Status RowKeyLog::Append(const std::string& key, FilePosition at, FilePosition from) {
  const uint32_t n = static_cast<uint32_t>(key.size());
  char positions[2 * kPositionBytes];
  PutPosition(at, positions);
  PutPosition(from, positions + kPositionBytes);
  if (std::fwrite(&n, 4, 1, file_) != 1 || (n > 0 && std::fwrite(key.data(), n, 1, file_) != 1) ||
      std::fwrite(positions, sizeof positions, 1, file_) != 1) {
    return Failed("writing");
  }
  ++rows_;
  return Status::OK();
}

Status RowKeyLog::ForEach(
    const std::function<Status(const std::string& key, FilePosition at, FilePosition from)>& fn) {
  if (std::fflush(file_) != 0) return Failed("writing");
  std::rewind(file_);
  Status s = ReadAll(fn);
  // Appends go at the end again, however the pass ended.
  if (std::fseek(file_, 0, SEEK_END) != 0 && s.ok()) return Failed("reading");
  return s;
}

Status RowKeyLog::ReadAll(
    const std::function<Status(const std::string& key, FilePosition at, FilePosition from)>& fn) {
  std::string key;
  char positions[2 * kPositionBytes];
  for (uint64_t r = 0; r < rows_; ++r) {
    uint32_t n = 0;
    if (std::fread(&n, 4, 1, file_) != 1) return Failed("reading");
    key.resize(n);
    if ((n > 0 && std::fread(key.data(), n, 1, file_) != 1) ||
        std::fread(positions, sizeof positions, 1, file_) != 1) {
      return Failed("reading");
    }
    RETURN_IF_ERROR(fn(key, GetPosition(positions), GetPosition(positions + kPositionBytes)));
  }
  return Status::OK();
}

}  // namespace binlake
