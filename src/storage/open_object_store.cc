#include "storage/open_object_store.h"

#include "storage/local_object_store.h"
#include "storage/memory_object_store.h"
#include "storage/s3_object_store.h"

namespace binlake {

Result<std::unique_ptr<ObjectStore>> OpenObjectStore(std::string_view url, const S3Options& s3,
                                                     Clock* clock) {
  if (url.starts_with("file://")) {
    std::string_view path = url.substr(7);
    if (!path.starts_with("/")) {
      return InvalidArgumentError(
          "store URL '{}' needs an absolute path: file:///absolute/path (three slashes)", url);
    }
    ASSIGN_OR_RETURN(std::unique_ptr<LocalObjectStore> store, LocalObjectStore::Open(path));
    return std::unique_ptr<ObjectStore>(std::move(store));
  }
  if (url.starts_with("s3://")) {
    std::string_view rest = url.substr(5);
    size_t slash = rest.find('/');
    std::string_view bucket = rest.substr(0, slash);
    std::string_view prefix = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
    if (bucket.empty()) {
      return InvalidArgumentError("store URL '{}' has no bucket: use s3://bucket/prefix", url);
    }
    ASSIGN_OR_RETURN_CTX(std::unique_ptr<S3ObjectStore> store,
                         S3ObjectStore::Open(bucket, prefix, s3, clock), "opening {}", url);
    return std::unique_ptr<ObjectStore>(std::move(store));
  }
  if (url.starts_with("memory://")) {
    std::string_view name = url.substr(9);
    if (name.empty()) {
      return InvalidArgumentError("store URL '{}' has no name: use memory://name", url);
    }
    return std::unique_ptr<ObjectStore>(MemoryObjectStore::Open(name, clock));
  }
  return InvalidArgumentError(
      "store URL '{}' is not supported: use file:///absolute/path, s3://bucket/prefix or "
      "memory://name",
      url);
}

}  // namespace binlake
