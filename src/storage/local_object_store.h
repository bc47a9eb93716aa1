#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "storage/object_store.h"

namespace binlake {

// An ObjectStore in a local directory: key "a/b/c" is the file <root>/a/b/c.
//
// Atomicity: every write goes to a temporary file ".binlake-tmp-*" in the object's own
// directory, is fsync'ed, and is then published with rename() (replace) or link()
// (if_none_match: link fails with EEXIST when the key exists, atomically), after which the
// directory is fsync'ed. A crash leaves either the old object or the new one, plus at worst
// a stray temporary file that List never reports.
//
// Limits of a file system: a key cannot be both an object and a directory ("a" and "a/b"),
// which S3 allows; such a write fails with kFailedPrecondition. Deleting the last object in
// a directory removes the emptied directories up to the root.
//
// Thread-safe and safe across processes sharing the directory.
class LocalObjectStore : public ObjectStore {
 public:
  // REQUIRES: `root` is an absolute path. The directory is created when missing.
  static Result<std::unique_ptr<LocalObjectStore>> Open(std::string_view root);

  Status Put(std::string_view key, std::string_view data, const PutOptions& options = {}) override;
  Result<std::string> Get(std::string_view key) override;
  Result<std::string> GetRange(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<ObjectInfo> Head(std::string_view key) override;
  Status Delete(std::string_view key) override;
  Result<ListResult> List(std::string_view prefix,
                          std::optional<char> delimiter = std::nullopt) override;
  Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view key,
                                                  const PutOptions& options = {}) override;
  std::string Url() const override { return "file://" + root_; }

  const std::string& root() const { return root_; }

 private:
  explicit LocalObjectStore(std::string root) : root_(std::move(root)) {}

  const std::string root_;  // absolute, without a trailing '/'
};

}  // namespace binlake
