#include "iceberg/table_metadata.h"

#include <set>

namespace binlake {

TableMetadata TableMetadata::Create(std::string location, std::string table_uuid,
                                    const std::string& schema_json, int32_t last_column_id,
                                    int64_t now_ms) {
  Json schema = Json::parse(schema_json);
  schema["schema-id"] = 0;
  Json j{
      {"format-version", 2},
      {"table-uuid", std::move(table_uuid)},
      {"location", std::move(location)},
      {"last-sequence-number", 0},
      {"last-updated-ms", now_ms},
      {"last-column-id", last_column_id},
      {"current-schema-id", 0},
      {"schemas", Json::array({std::move(schema)})},
      {"default-spec-id", 0},
      {"partition-specs", Json::array({Json{{"spec-id", 0}, {"fields", Json::array()}}})},
      {"last-partition-id", 999},
      {"default-sort-order-id", 0},
      {"sort-orders", Json::array({Json{{"order-id", 0}, {"fields", Json::array()}}})},
      {"properties", Json{{"write.format.default", "parquet"},
                          {"write.parquet.compression-codec", "zstd"},
                          {"write.delete.mode", "merge-on-read"},
                          {"write.update.mode", "merge-on-read"},
                          {"write.merge.mode", "merge-on-read"}}},
      {"current-snapshot-id", -1},
      {"refs", Json::object()},
      {"snapshots", Json::array()},
      {"snapshot-log", Json::array()},
      {"metadata-log", Json::array()},
  };
  return TableMetadata(std::move(j));
}

Result<TableMetadata> TableMetadata::Parse(std::string_view text, std::string_view origin) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const std::exception& e) {
    return CorruptionError("{} is not JSON: {}", origin, e.what());
  }
  if (!j.is_object() || !j.contains("format-version")) {
    return CorruptionError("{} is not Iceberg table metadata (no format-version)", origin);
  }
  int version = j["format-version"].get<int>();
  if (version != 2) {
    return UnimplementedError(
        "{} is an Iceberg v{} table; binlake writes v2 tables only. Point iceberg.path at a "
        "new folder, or upgrade the table to v2 with the engine that created it",
        origin, version);
  }
  for (const char* key :
       {"location", "schemas", "current-schema-id", "last-column-id", "last-sequence-number"}) {
    if (!j.contains(key)) return CorruptionError("{} lacks the required field '{}'", origin, key);
  }
  return TableMetadata(std::move(j));
}

std::string TableMetadata::location() const { return json_["location"].get<std::string>(); }
int64_t TableMetadata::last_sequence_number() const {
  return json_["last-sequence-number"].get<int64_t>();
}
int32_t TableMetadata::last_column_id() const { return json_["last-column-id"].get<int32_t>(); }
int32_t TableMetadata::current_schema_id() const {
  return json_["current-schema-id"].get<int32_t>();
}

const TableMetadata::Json* TableMetadata::CurrentSchema() const {
  int32_t id = current_schema_id();
  for (const Json& s : json_["schemas"]) {
    if (s.value("schema-id", -1) == id) return &s;
  }
  return nullptr;
}

int64_t TableMetadata::current_snapshot_id() const {
  if (json_.contains("refs") && json_["refs"].contains("main")) {
    return json_["refs"]["main"]["snapshot-id"].get<int64_t>();
  }
  if (!json_.contains("current-snapshot-id") || json_["current-snapshot-id"].is_null()) return -1;
  return json_["current-snapshot-id"].get<int64_t>();
}

const TableMetadata::Json* TableMetadata::CurrentSnapshot() const {
  int64_t id = current_snapshot_id();
  if (id < 0 || !json_.contains("snapshots")) return nullptr;
  for (const Json& s : json_["snapshots"]) {
    if (s["snapshot-id"].get<int64_t>() == id) return &s;
  }
  return nullptr;
}

std::map<std::string, std::string> TableMetadata::CurrentSummary() const {
  std::map<std::string, std::string> out;
  const Json* s = CurrentSnapshot();
  if (!s || !s->contains("summary")) return out;
  for (const auto& [k, v] : (*s)["summary"].items()) {
    out[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  return out;
}

std::vector<int64_t> TableMetadata::SnapshotIds() const {
  std::vector<int64_t> ids;
  if (!json_.contains("snapshots")) return ids;
  for (const Json& s : json_["snapshots"]) ids.push_back(s["snapshot-id"].get<int64_t>());
  return ids;
}

void TableMetadata::SetCurrentSchema(const std::string& schema_json, int32_t last_column_id) {
  Json wanted = Json::parse(schema_json);
  wanted.erase("schema-id");
  int32_t max_id = -1;
  for (const Json& s : json_["schemas"]) {
    int32_t id = s.value("schema-id", 0);
    max_id = std::max(max_id, id);
    Json bare = s;
    bare.erase("schema-id");
    if (bare == wanted) {
      json_["current-schema-id"] = id;
      if (last_column_id > this->last_column_id()) json_["last-column-id"] = last_column_id;
      return;
    }
  }
  Json added{{"type", "struct"}, {"schema-id", max_id + 1}};
  for (const auto& [k, v] : wanted.items()) {
    if (k != "type") added[k] = v;
  }
  json_["schemas"].push_back(std::move(added));
  json_["current-schema-id"] = max_id + 1;
  if (last_column_id > this->last_column_id()) json_["last-column-id"] = last_column_id;
}

int64_t TableMetadata::AddSnapshot(const NewSnapshot& snapshot, const std::string& previous_file,
                                   int max_metadata_log) {
  int64_t seq = next_sequence_number();
  int64_t parent = current_snapshot_id();
  int64_t previous_updated_ms = json_.value("last-updated-ms", snapshot.timestamp_ms);
  Json summary = Json::object();
  for (const auto& [k, v] : snapshot.summary) summary[k] = v;
  Json s{{"snapshot-id", snapshot.snapshot_id}};
  if (parent >= 0) s["parent-snapshot-id"] = parent;
  s["sequence-number"] = seq;
  s["timestamp-ms"] = snapshot.timestamp_ms;
  s["manifest-list"] = snapshot.manifest_list;
  s["summary"] = std::move(summary);
  s["schema-id"] = current_schema_id();
  json_["snapshots"].push_back(std::move(s));
  json_["last-sequence-number"] = seq;
  json_["last-updated-ms"] = snapshot.timestamp_ms;
  json_["current-snapshot-id"] = snapshot.snapshot_id;
  json_["refs"]["main"] = Json{{"snapshot-id", snapshot.snapshot_id}, {"type", "branch"}};
  if (!json_.contains("snapshot-log")) json_["snapshot-log"] = Json::array();
  json_["snapshot-log"].push_back(
      Json{{"timestamp-ms", snapshot.timestamp_ms}, {"snapshot-id", snapshot.snapshot_id}});
  if (!previous_file.empty()) {
    if (!json_.contains("metadata-log")) json_["metadata-log"] = Json::array();
    Json& log = json_["metadata-log"];
    log.push_back(Json{{"timestamp-ms", previous_updated_ms}, {"metadata-file", previous_file}});
    while (static_cast<int>(log.size()) > max_metadata_log) log.erase(log.begin());
  }
  return seq;
}

std::vector<std::string> TableMetadata::ExpireSnapshots(int keep) {
  std::vector<std::string> removed;
  if (!json_.contains("snapshots")) return removed;
  Json& snapshots = json_["snapshots"];
  if (static_cast<int>(snapshots.size()) <= keep) return removed;
  std::set<int64_t> pinned{current_snapshot_id()};
  if (json_.contains("refs")) {
    for (const auto& [name, ref] : json_["refs"].items()) {
      pinned.insert(ref["snapshot-id"].get<int64_t>());
    }
  }
  size_t excess = snapshots.size() - static_cast<size_t>(keep);
  std::set<int64_t> expired;
  Json kept = Json::array();
  for (Json& s : snapshots) {
    int64_t id = s["snapshot-id"].get<int64_t>();
    if (expired.size() < excess && !pinned.count(id)) {
      expired.insert(id);
      if (s.contains("manifest-list")) removed.push_back(s["manifest-list"].get<std::string>());
    } else {
      kept.push_back(std::move(s));
    }
  }
  snapshots = std::move(kept);
  if (json_.contains("snapshot-log")) {
    Json log = Json::array();
    for (Json& e : json_["snapshot-log"]) {
      if (!expired.count(e["snapshot-id"].get<int64_t>())) log.push_back(std::move(e));
    }
    json_["snapshot-log"] = std::move(log);
  }
  return removed;
}

void TableMetadata::SetProperty(const std::string& key, const std::string& value) {
  json_["properties"][key] = value;
}

std::string TableMetadata::Property(const std::string& key) const {
  if (!json_.contains("properties") || !json_["properties"].contains(key)) return "";
  return json_["properties"][key].get<std::string>();
}

}  // namespace binlake
