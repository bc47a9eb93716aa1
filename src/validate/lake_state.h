#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "kv/lmdb_env.h"

namespace binlake::validate {

// The rows of one lake table by canonical key, on local disk (LMDB in a temporary folder
// under `dir`, removed with the object), so that a table of any size is compared with memory
// for one transaction's pages. Each key can be marked seen (the source has it).
// Not thread-safe.
class LakeState {
 public:
  static Result<std::unique_ptr<LakeState>> Open(const std::string& dir);

  Status Put(std::string_view key, std::string_view row);
  Status Erase(std::string_view key);
  // The row of `key`, or nullopt.
  Result<std::optional<std::string>> Get(std::string_view key);
  Status MarkSeen(std::string_view key);
  Status ClearSeen();
  // Calls fn for every row whose key is not marked seen, in key order.
  Status ForEachUnseen(const std::function<Status(std::string_view key, std::string_view row)>& fn);
  Status Clear();
  uint64_t rows();
  // Makes the writes so far durable in the map (and releases their pages).
  Status Commit();

 private:
  explicit LakeState(std::unique_ptr<LmdbEnv> env) : env_(std::move(env)) {}
  Status Maybe();  // commits every so many writes
  std::unique_ptr<LmdbEnv> env_;
  uint64_t writes_ = 0;
};

}  // namespace binlake::validate
