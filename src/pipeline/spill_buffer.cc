#include "pipeline/spill_buffer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace binlake {

bool MemoryBudget::TryTake(uint64_t n) {
  uint64_t used = used_.load();
  do {
    if (used + n > limit_) return false;
  } while (!used_.compare_exchange_weak(used, used + n));
  return true;
}

SpillBuffer::SpillBuffer(std::string dir, MemoryBudget* budget)
    : dir_(std::move(dir)), budget_(budget) {
  if (dir_.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    dir_ = tmp && *tmp ? tmp : "/tmp";
  }
}

SpillBuffer::SpillBuffer(std::string dir, uint64_t memory_limit)
    : SpillBuffer(std::move(dir), nullptr) {
  own_budget_ = std::make_unique<MemoryBudget>(memory_limit);
  budget_ = own_budget_.get();
}

SpillBuffer::~SpillBuffer() {
  if (file_) std::fclose(file_);
  budget_->Give(held_);
}

Status SpillBuffer::Spill() {
  std::string path = dir_ + "/binlake-spill-XXXXXX";
  int fd = mkstemp(path.data());
  if (fd < 0) {
    return ResourceExhaustedError(
        "cannot create a spill file in {}: {}; set spill.dir to a writable directory with free "
        "space",
        dir_, std::strerror(errno));
  }
  unlink(path.c_str());  // gone with the descriptor, even after kill -9
  file_ = fdopen(fd, "w+b");
  if (file_ == nullptr) {
    close(fd);
    return InternalError("fdopen on spill file failed: {}", std::strerror(errno));
  }
  if (!memory_.empty() && std::fwrite(memory_.data(), 1, memory_.size(), file_) != memory_.size()) {
    return ResourceExhaustedError("writing spill file in {}: {}", dir_, std::strerror(errno));
  }
  memory_.clear();
  memory_.shrink_to_fit();
  budget_->Give(held_);
  held_ = 0;
  return Status::OK();
}

Status SpillBuffer::Write(std::string_view data) {
  if (file_ == nullptr) {
    if ((own_budget_ || held_ + data.size() <= kMaxMemory) && budget_->TryTake(data.size())) {
      held_ += data.size();
      memory_.append(data);
      size_ += data.size();
      return Status::OK();
    }
    RETURN_IF_ERROR(Spill());
  }
  if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) {
    return ResourceExhaustedError("writing spill file in {}: {}; free disk space or set spill.dir",
                                  dir_, std::strerror(errno));
  }
  size_ += data.size();
  return Status::OK();
}

Status SpillBuffer::ForEachChunk(size_t chunk, const std::function<Status(std::string_view)>& fn) {
  if (file_ == nullptr) {
    for (size_t at = 0; at < memory_.size(); at += chunk) {
      RETURN_IF_ERROR(fn(std::string_view(memory_).substr(at, chunk)));
    }
    return Status::OK();
  }
  if (std::fflush(file_) != 0 || std::fseek(file_, 0, SEEK_SET) != 0) {
    return InternalError("rewinding spill file: {}", std::strerror(errno));
  }
  std::string buf(chunk, '\0');
  uint64_t left = size_;
  while (left > 0) {
    size_t n = std::fread(buf.data(), 1, std::min<uint64_t>(chunk, left), file_);
    if (n == 0) return InternalError("spill file ended early: {}", std::strerror(errno));
    RETURN_IF_ERROR(fn(std::string_view(buf.data(), n)));
    left -= n;
  }
  return std::fseek(file_, 0, SEEK_END) == 0 ? Status::OK() : InternalError("seeking spill file");
}

Status UploadCreateOnly(ObjectStore* store, const std::string& key, SpillBuffer* buffer) {
  constexpr size_t kUploadChunk = 8u << 20;
  PutOptions put;
  put.if_none_match = true;
  Status s;
  if (!buffer->spilled()) {
    s = store->Put(key, buffer->memory(), put);
  } else {
    ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> w, store->NewWriter(key, put));
    s = buffer->ForEachChunk(kUploadChunk, [&](std::string_view piece) { return w->Write(piece); });
    s = s.ok() ? w->Close() : s;
    if (!s.ok()) w->Abort().IgnoreError();
  }
  if (s.ok() || s.code() == StatusCode::kAlreadyExists) return s;
  return s.Context(fmt::format("writing {}/{}", store->Url(), key));
}

}  // namespace binlake
