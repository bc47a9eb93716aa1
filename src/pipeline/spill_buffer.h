#pragma once

#include <atomic>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "common/output_stream.h"
#include "common/result.h"
#include "storage/object_store.h"

namespace binlake {

// Bytes that SpillBuffers may hold in memory together: a batch's files, or the full load's
// chunks. Thread-safe.
class MemoryBudget {
 public:
  explicit MemoryBudget(uint64_t limit) : limit_(limit) {}
  // Takes n bytes of the budget if they fit.
  bool TryTake(uint64_t n);
  void Give(uint64_t n) { used_.fetch_sub(n); }
  uint64_t used() const { return used_.load(); }

 private:
  const uint64_t limit_;
  std::atomic<uint64_t> used_{0};
};

// An OutputStream that keeps bytes in memory up to a limit and moves them to an unlinked
// temporary file beyond it, so a large batch or transaction costs disk, not memory. Read
// back with ForEachChunk once writing is done. The temporary file disappears with the
// buffer (also after a crash: it is unlinked at creation). Not thread-safe.
class SpillBuffer : public OutputStream {
 public:
  // dir: where to spill ("" = $TMPDIR or /tmp). Memory comes from `budget` (shared with
  // other buffers; must outlive this one), at most kMaxMemory bytes of it: a larger file is
  // cheaper to stream to disk than to keep growing (and copying) in one string. Or from a
  // budget of its own of memory_limit bytes.
  static constexpr uint64_t kMaxMemory = 4ull << 20;
  SpillBuffer(std::string dir, MemoryBudget* budget);
  SpillBuffer(std::string dir, uint64_t memory_limit);
  ~SpillBuffer() override;

  Status Write(std::string_view data) override;
  uint64_t Tell() const override { return size_; }

  bool spilled() const { return file_ != nullptr; }
  // The bytes, when they never left memory. REQUIRES: !spilled().
  const std::string& memory() const { return memory_; }
  // Calls fn with consecutive pieces of the content, in order (at most chunk bytes each).
  Status ForEachChunk(size_t chunk, const std::function<Status(std::string_view)>& fn);

 private:
  Status Spill();

  std::string dir_;
  std::unique_ptr<MemoryBudget> own_budget_;
  MemoryBudget* budget_;
  uint64_t held_ = 0;  // bytes of the budget this buffer holds
  std::string memory_;
  std::FILE* file_ = nullptr;
  uint64_t size_ = 0;
};

// Writes the buffer's bytes as `key` with create-only semantics (a single PUT, or a streamed
// multipart upload once spilled). kAlreadyExists when the key exists; other errors name
// the object.
Status UploadCreateOnly(ObjectStore* store, const std::string& key, SpillBuffer* buffer);

}  // namespace binlake
