#include "checkpoint/checkpoint_store.h"

#include <fmt/format.h>

#include "common/logging.h"

namespace binlake {
namespace {
constexpr char kCheckpointPrefix[] = "_binlake/checkpoints/";
constexpr char kIntentPrefix[] = "_binlake/intents/";
}  // namespace

std::string CheckpointStore::CheckpointKey(uint64_t seq) {
  return fmt::format("{}{:020}.json", kCheckpointPrefix, seq);
}

std::string CheckpointStore::IntentKey(uint64_t seq) {
  return fmt::format("{}{:020}.json", kIntentPrefix, seq);
}

std::string CheckpointStore::SchemaKey(const std::string& schema, const std::string& table,
                                       int64_t version) {
  return fmt::format("_binlake/schemas/{}/{}/v{:06}.json", schema, table, version);
}

std::string CheckpointStore::LoadStartKey(const std::string& schema, const std::string& table) {
  return fmt::format("_binlake/loads/{}/{}/start.json", schema, table);
}

std::string CheckpointStore::LoadRecordKey(const std::string& schema, const std::string& table,
                                           uint64_t seq) {
  return fmt::format("_binlake/loads/{}/{}/{:08}.json", schema, table, seq);
}

Result<std::optional<LoadStart>> CheckpointStore::LoadLoadStart(const std::string& schema,
                                                                const std::string& table) {
  std::string key = LoadStartKey(schema, table);
  ASSIGN_OR_RETURN(std::optional<std::string> data, GetIfExists(key));
  if (!data) return std::optional<LoadStart>();
  ASSIGN_OR_RETURN(LoadStart s, DecodeLoadStart(*data, store_->Url() + "/" + key));
  return std::optional<LoadStart>(std::move(s));
}

Status CheckpointStore::WriteLoadStart(const LoadStart& start) {
  return WriteOnce(LoadStartKey(start.schema, start.table), EncodeLoadStart(start));
}

Result<std::vector<LoadRecord>> CheckpointStore::LoadLoadRecords(const std::string& schema,
                                                                 const std::string& table) {
  std::string prefix = fmt::format("_binlake/loads/{}/{}/", schema, table);
  ASSIGN_OR_RETURN_CTX(ListResult list, store_->List(prefix), "listing {}/{}", store_->Url(),
                       prefix);
  std::vector<LoadRecord> out;
  for (const ObjectInfo& o : list.objects) {
    std::string_view name = std::string_view(o.key).substr(prefix.size());
    if (name.size() != 13 || name[0] < '0' || name[0] > '9') continue;  // <seq:08>.json
    ASSIGN_OR_RETURN(std::optional<std::string> data, GetIfExists(o.key));
    if (!data) continue;
    ASSIGN_OR_RETURN(LoadRecord r, DecodeLoadRecord(*data, store_->Url() + "/" + o.key));
    if (r.seq != out.size() + 1) {
      return CorruptionError(
          "{}/{}: full-load record {} follows record {}; records must be consecutive. Delete "
          "{}/{} and the table's LOAD files to load the table again",
          store_->Url(), o.key, r.seq, out.size(), store_->Url(), prefix);
    }
    out.push_back(std::move(r));
  }
  return out;
}

Status CheckpointStore::WriteLoadRecord(const std::string& schema, const std::string& table,
                                        const LoadRecord& record) {
  return WriteOnce(LoadRecordKey(schema, table, record.seq), EncodeLoadRecord(record));
}

Status CheckpointStore::DeleteLoadRecord(const std::string& schema, const std::string& table,
                                         uint64_t seq) {
  std::string key = LoadRecordKey(schema, table, seq);
  return store_->Delete(key).Context(fmt::format("deleting {}/{}", store_->Url(), key));
}

Result<std::optional<std::string>> CheckpointStore::GetIfExists(const std::string& key) {
  Result<std::string> r = store_->Get(key);
  if (r.ok()) return std::optional<std::string>(std::move(r).value());
  if (r.status().code() == StatusCode::kNotFound) return std::optional<std::string>();
  return r.status().Context(fmt::format("reading {}/{}", store_->Url(), key));
}

Status CheckpointStore::WriteOnce(const std::string& key, const std::string& data) {
  PutOptions options;
  options.if_none_match = true;
  options.content_type = "application/json";
  Status s = store_->Put(key, data, options);
  if (s.ok()) return s;
  if (s.code() != StatusCode::kAlreadyExists) {
    return s.Context(fmt::format("writing {}/{}", store_->Url(), key));
  }
  ASSIGN_OR_RETURN(std::optional<std::string> existing, GetIfExists(key));
  if (existing && *existing == data) return Status::OK();
  return AbortedError(
      "{}/{} already exists with other contents: another binlake process is writing to this "
      "lake, or the lake was written by a different configuration. Stop the other process, or "
      "point this one at its own target.url",
      store_->Url(), key);
}

Result<std::optional<Checkpoint>> CheckpointStore::LoadLatest() {
  ASSIGN_OR_RETURN_CTX(ListResult list, store_->List(kCheckpointPrefix), "listing {}/{}",
                       store_->Url(), kCheckpointPrefix);
  // Keys are zero-padded, so the last one in key order is the newest.
  for (auto it = list.objects.rbegin(); it != list.objects.rend(); ++it) {
    if (it->key.size() < 5 || it->key.substr(it->key.size() - 5) != ".json") continue;
    ASSIGN_OR_RETURN(std::optional<std::string> data, GetIfExists(it->key));
    if (!data) continue;  // pruned between List and Get
    ASSIGN_OR_RETURN(Checkpoint c, DecodeCheckpoint(*data, store_->Url() + "/" + it->key));
    return std::optional<Checkpoint>(std::move(c));
  }
  return std::optional<Checkpoint>();
}

Result<std::optional<Intent>> CheckpointStore::LoadIntent(uint64_t seq) {
  std::string key = IntentKey(seq);
  ASSIGN_OR_RETURN(std::optional<std::string> data, GetIfExists(key));
  if (!data) return std::optional<Intent>();
  ASSIGN_OR_RETURN(Intent i, DecodeIntent(*data, store_->Url() + "/" + key));
  return std::optional<Intent>(std::move(i));
}

Result<std::optional<TableSchema>> CheckpointStore::LoadSchema(const std::string& schema,
                                                               const std::string& table,
                                                               int64_t version) {
  std::string key = SchemaKey(schema, table, version);
  ASSIGN_OR_RETURN(std::optional<std::string> data, GetIfExists(key));
  if (!data) return std::optional<TableSchema>();
  ASSIGN_OR_RETURN(TableSchema s, DecodeSchema(*data, store_->Url() + "/" + key));
  return std::optional<TableSchema>(std::move(s));
}

Status CheckpointStore::WriteCheckpoint(const Checkpoint& checkpoint) {
  return WriteOnce(CheckpointKey(checkpoint.seq), EncodeCheckpoint(checkpoint));
}

Status CheckpointStore::WriteIntent(const Intent& intent) {
  return WriteOnce(IntentKey(intent.seq), EncodeIntent(intent));
}

Status CheckpointStore::WriteSchema(const TableSchema& schema, const BinlogPosition& since) {
  return WriteOnce(SchemaKey(schema.database, schema.table, schema.version),
                   EncodeSchema(schema, since));
}

void CheckpointStore::Prune(size_t keep) {
  Result<ListResult> list = store_->List(kCheckpointPrefix);
  if (!list.ok() || list->objects.size() <= keep) return;
  size_t drop = list->objects.size() - keep;
  for (size_t i = 0; i < drop; ++i) {
    const std::string& key = list->objects[i].key;
    std::string name = key.substr(sizeof(kCheckpointPrefix) - 1);
    for (const std::string& k : {key, std::string(kIntentPrefix) + name}) {
      Status s = store_->Delete(k);
      if (!s.ok()) LOG_DEBUG("pruning {}: {}", k, s.ToString());
    }
  }
}

}  // namespace binlake
