#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "storage/object_store.h"

namespace binlake {

// An ObjectStore kept in process memory, for unit tests of other stages and for
// `memory://name` URLs. Stores opened under the same name share their objects for the
// life of the process, so a test can "restart" a component against the same data.
// Etags are the hex MD5 of the bytes; mtimes come from the injected clock.
//
// Thread-safe (one mutex over the map). Writes are atomic by construction.
class MemoryObjectStore : public ObjectStore {
 public:
  // A private store nobody else can open. `clock` must outlive the store; null means
  // Clock::System().
  static std::unique_ptr<MemoryObjectStore> Create(Clock* clock = nullptr);
  // The process-wide store called `name` (created empty on first use).
  static std::unique_ptr<MemoryObjectStore> Open(std::string_view name, Clock* clock = nullptr);

  Status Put(std::string_view key, std::string_view data, const PutOptions& options = {}) override;
  Result<std::string> Get(std::string_view key) override;
  Result<std::string> GetRange(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<ObjectInfo> Head(std::string_view key) override;
  Status Delete(std::string_view key) override;
  Result<ListResult> List(std::string_view prefix,
                          std::optional<char> delimiter = std::nullopt) override;
  Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view key,
                                                  const PutOptions& options = {}) override;
  std::string Url() const override { return "memory://" + name_; }

 private:
  struct Object {
    std::string data;
    std::string etag;
    int64_t mtime_micros = 0;
  };
  // The objects; shared between stores opened under one name.
  struct State {
    std::mutex mu;
    std::map<std::string, Object, std::less<>> objects;  // guarded by mu
  };

  MemoryObjectStore(std::string name, std::shared_ptr<State> state, Clock* clock);

  const std::string name_;
  const std::shared_ptr<State> state_;
  Clock* const clock_;
};

}  // namespace binlake
