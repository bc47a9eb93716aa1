#include "storage/memory_object_store.h"

#include <atomic>
#include <utility>
#include <vector>

#include "storage/list_folding.h"
#include "storage/storage_util.h"

namespace binlake {
namespace {

// Buffers the object and puts it on Close.
class MemoryObjectWriter : public ObjectWriter {
 public:
  MemoryObjectWriter(ObjectStore* store, std::string key, PutOptions options)
      : store_(store), key_(std::move(key)), options_(std::move(options)) {}

  Status Write(std::string_view data) override {
    if (done_) return FailedPreconditionError("write to closed object writer for '{}'", key_);
    data_.append(data);
    return Status::OK();
  }
  uint64_t Tell() const override { return data_.size(); }
  Status Close() override {
    if (done_) return FailedPreconditionError("object writer for '{}' already finished", key_);
    done_ = true;
    Status s = store_->Put(key_, data_, options_);
    data_.clear();
    return s;
  }
  Status Abort() override {
    done_ = true;
    data_.clear();
    return Status::OK();
  }

 private:
  ObjectStore* const store_;
  const std::string key_;
  const PutOptions options_;
  std::string data_;
  bool done_ = false;
};

std::string NextPrivateName() {
  static std::atomic<uint64_t> counter{0};
  return "private-" + std::to_string(counter.fetch_add(1));
}

}  // namespace

MemoryObjectStore::MemoryObjectStore(std::string name, std::shared_ptr<State> state, Clock* clock)
    : name_(std::move(name)),
      state_(std::move(state)),
      clock_(clock != nullptr ? clock : Clock::System()) {}

std::unique_ptr<MemoryObjectStore> MemoryObjectStore::Create(Clock* clock) {
  return std::unique_ptr<MemoryObjectStore>(
      new MemoryObjectStore(NextPrivateName(), std::make_shared<State>(), clock));
}

std::unique_ptr<MemoryObjectStore> MemoryObjectStore::Open(std::string_view name, Clock* clock) {
  static std::mutex registry_mu;
  static auto* registry = new std::map<std::string, std::shared_ptr<State>, std::less<>>();
  std::lock_guard<std::mutex> lock(registry_mu);
  auto it = registry->find(name);
  if (it == registry->end()) {
    it = registry->emplace(std::string(name), std::make_shared<State>()).first;
  }
  return std::unique_ptr<MemoryObjectStore>(
      new MemoryObjectStore(std::string(name), it->second, clock));
}

Status MemoryObjectStore::Put(std::string_view key, std::string_view data,
                              const PutOptions& options) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  Object object{std::string(data), Md5Hex(data), clock_->NowMicros()};
  std::lock_guard<std::mutex> lock(state_->mu);
  auto it = state_->objects.find(key);
  if (it != state_->objects.end()) {
    if (options.if_none_match) {
      return AlreadyExistsError("{}/{} already exists (conditional create refused)", Url(), key);
    }
    it->second = std::move(object);
  } else {
    state_->objects.emplace(std::string(key), std::move(object));
  }
  return Status::OK();
}

Result<std::string> MemoryObjectStore::Get(std::string_view key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  std::lock_guard<std::mutex> lock(state_->mu);
  auto it = state_->objects.find(key);
  if (it == state_->objects.end()) return NotFoundError("{}/{} does not exist", Url(), key);
  return it->second.data;
}

Result<std::string> MemoryObjectStore::GetRange(std::string_view key, uint64_t offset,
                                                uint64_t length) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  std::lock_guard<std::mutex> lock(state_->mu);
  auto it = state_->objects.find(key);
  if (it == state_->objects.end()) return NotFoundError("{}/{} does not exist", Url(), key);
  const std::string& data = it->second.data;
  if (offset > data.size()) {
    return InvalidArgumentError("range read of {}/{} at offset {} is past its end ({} bytes)",
                                Url(), key, offset, data.size());
  }
  return data.substr(offset, length);
}

Result<ObjectInfo> MemoryObjectStore::Head(std::string_view key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  std::lock_guard<std::mutex> lock(state_->mu);
  auto it = state_->objects.find(key);
  if (it == state_->objects.end()) return NotFoundError("{}/{} does not exist", Url(), key);
  return ObjectInfo{std::string(key), it->second.data.size(), it->second.etag,
                    it->second.mtime_micros};
}

Status MemoryObjectStore::Delete(std::string_view key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  std::lock_guard<std::mutex> lock(state_->mu);
  auto it = state_->objects.find(key);
  if (it != state_->objects.end()) state_->objects.erase(it);
  return Status::OK();
}

Result<ListResult> MemoryObjectStore::List(std::string_view prefix, std::optional<char> delimiter) {
  RETURN_IF_ERROR(ValidateListPrefix(prefix));
  std::vector<ObjectInfo> objects;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    for (auto it = state_->objects.lower_bound(prefix);
         it != state_->objects.end() && it->first.starts_with(prefix); ++it) {
      objects.push_back(
          ObjectInfo{it->first, it->second.data.size(), it->second.etag, it->second.mtime_micros});
    }
  }
  return FoldListResult(std::move(objects), prefix, delimiter);
}

Result<std::unique_ptr<ObjectWriter>> MemoryObjectStore::NewWriter(std::string_view key,
                                                                   const PutOptions& options) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  return std::unique_ptr<ObjectWriter>(
      std::make_unique<MemoryObjectWriter>(this, std::string(key), options));
}

}  // namespace binlake
