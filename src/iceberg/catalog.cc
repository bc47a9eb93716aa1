#include "iceberg/catalog.h"

#include <charconv>

#include "common/crash_point.h"

namespace binlake {
namespace {

// The version in "v12.metadata.json", or 0 when the name is not of that form. Names with a
// uuid ("00012-<uuid>.metadata.json", as catalogs write) are not file-system versions.
int64_t VersionOf(std::string_view name) {
  constexpr std::string_view kSuffix = ".metadata.json";
  if (name.size() <= kSuffix.size() + 1 || name[0] != 'v' ||
      name.substr(name.size() - kSuffix.size()) != kSuffix) {
    return 0;
  }
  std::string_view digits = name.substr(1, name.size() - 1 - kSuffix.size());
  int64_t v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size() || v <= 0) return 0;
  return v;
}

std::string MetadataKey(const std::string& table_key, int64_t version) {
  return table_key + "/metadata/v" + std::to_string(version) + ".metadata.json";
}

}  // namespace

std::string StoreUri(const ObjectStore& store, const std::string& key) {
  return store.Url() + "/" + key;
}

Result<std::string> StoreKeyOf(const ObjectStore& store, const std::string& uri) {
  std::string root = store.Url() + "/";
  if (uri.rfind(root, 0) != 0) {
    // s3a:// and s3n:// name the same objects as s3:// (Hadoop writers use them).
    std::string alt = uri;
    for (const char* scheme : {"s3a://", "s3n://"}) {
      if (alt.rfind(scheme, 0) == 0) alt = "s3://" + alt.substr(std::string_view(scheme).size());
    }
    if (alt.rfind(root, 0) == 0) return alt.substr(root.size());
    return FailedPreconditionError(
        "the table references '{}', which is not under the lake {}: binlake reads and writes "
        "only tables whose files live in its own store",
        uri, store.Url());
  }
  return uri.substr(root.size());
}

Result<std::optional<LoadedTable>> FileSystemCatalog::Load(const std::string& table_key) {
  ASSIGN_OR_RETURN(ListResult list, store_->List(table_key + "/metadata/v"));
  int64_t newest = 0;
  for (const ObjectInfo& o : list.objects) {
    std::string_view name(o.key);
    name.remove_prefix(name.rfind('/') + 1);
    newest = std::max(newest, VersionOf(name));
  }
  if (newest == 0) return std::optional<LoadedTable>();
  std::string key = MetadataKey(table_key, newest);
  ASSIGN_OR_RETURN(std::string bytes, store_->Get(key));
  std::string uri = StoreUri(*store_, key);
  ASSIGN_OR_RETURN(TableMetadata metadata, TableMetadata::Parse(bytes, uri));
  return std::optional<LoadedTable>(LoadedTable{std::move(metadata), newest, uri});
}

Result<LoadedTable> FileSystemCatalog::Commit(const std::string& table_key, int64_t base_version,
                                              TableMetadata metadata) {
  int64_t version = base_version + 1;
  std::string key = MetadataKey(table_key, version);
  PutOptions create = PutOptions::CreateOnly();
  create.content_type = "application/json";
  Status s = store_->Put(key, metadata.Serialize(), create);
  if (s.code() == StatusCode::kAlreadyExists) {
    return AbortedError("{} was created by another writer first", StoreUri(*store_, key));
  }
  RETURN_IF_ERROR_CTX(s, "committing {}", StoreUri(*store_, key));
  CrashPoint("iceberg.metadata");
  // The hint only helps readers find the newest version quickly; a failure to write it
  // changes nothing about the commit.
  store_->Put(table_key + "/metadata/version-hint.text", std::to_string(version)).IgnoreError();
  return LoadedTable{std::move(metadata), version, StoreUri(*store_, key)};
}

}  // namespace binlake
