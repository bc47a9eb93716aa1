#include "checkpoint/records.h"

#include <fmt/format.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

namespace binlake {
namespace {

using Json = nlohmann::ordered_json;
constexpr int kFormat = 1;

// An integer field that must fit T: nlohmann's get<T>() would convert a double out of T's
// range (undefined behaviour) or wrap a negative number into an unsigned type. Throws, as
// nlohmann does, for Decode to report.
template <typename T>
T IntOf(const Json& v, const char* key) {
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (std::in_range<T>(u)) return static_cast<T>(u);
  } else if (v.is_number_integer()) {
    int64_t i = v.get<int64_t>();
    if (std::in_range<T>(i)) return static_cast<T>(i);
  } else {
    throw std::invalid_argument(fmt::format("\"{}\" is a {}, not an integer", key, v.type_name()));
  }
  throw std::out_of_range(fmt::format("\"{}\" is {}, out of range", key, v.dump()));
}

template <typename T>
T Int(const Json& j, const char* key) {
  return IntOf<T>(j.at(key), key);
}

Json PositionJson(const BinlogPosition& p) { return Json{{"file", p.file}, {"offset", p.offset}}; }

BinlogPosition PositionFrom(const Json& j) {
  return BinlogPosition{j.at("file").get<std::string>(), Int<uint64_t>(j, "offset")};
}

// Runs a decoder that may throw nlohmann exceptions; turns them into kCorruption.
template <typename T, typename Fn>
Result<T> Decode(std::string_view json, std::string_view origin, Fn fn) {
  try {
    Json j = Json::parse(json);
    int format = Int<int>(j, "format");
    if (format != kFormat) {
      return FailedPreconditionError(
          "{} has record format {}, this binlake reads format {}: use a binlake version "
          "that matches the lake",
          origin, format, kFormat);
    }
    return fn(j);
  } catch (const std::exception& e) {
    return CorruptionError("{} is not a valid binlake record: {}", origin, e.what());
  }
}

}  // namespace

std::string_view CloseReasonName(CloseReason r) {
  switch (r) {
    case CloseReason::kWindow:
      return "window";
    case CloseReason::kSize:
      return "size";
    case CloseReason::kIdle:
      return "idle";
    case CloseReason::kClock:
      return "clock";
    case CloseReason::kShutdown:
      return "shutdown";
  }
  return "?";
}

std::string EncodeCheckpoint(const Checkpoint& c) {
  Json tables = Json::object();
  for (const auto& [name, state] : c.tables) {
    tables[name] =
        Json{{"schema_version", state.schema_version}, {"last_field_id", state.last_field_id}};
  }
  Json j{{"format", kFormat},
         {"seq", c.seq},
         {"position", PositionJson(c.position)},
         {"gtid_set", c.gtid_set},
         {"window_ms", c.window_ms},
         {"next_window_ms", c.next_window_ms},
         {"tables", tables}};
  if (!c.counts.empty()) {
    Json counts = Json::object();
    for (const auto& [name, n] : c.counts) {
      counts[name] = Json{{"inserts", n.inserts},
                          {"updates", n.updates},
                          {"deletes", n.deletes},
                          {"last_update_ms", n.last_update_ms}};
    }
    j["counts"] = counts;
  }
  if (c.commit_time_ms != 0) j["commit_time_ms"] = c.commit_time_ms;
  return j.dump() + "\n";
}

Result<Checkpoint> DecodeCheckpoint(std::string_view json, std::string_view origin) {
  return Decode<Checkpoint>(json, origin, [](const Json& j) {
    Checkpoint c;
    c.seq = Int<uint64_t>(j, "seq");
    c.position = PositionFrom(j.at("position"));
    c.gtid_set = j.at("gtid_set").get<std::string>();
    c.window_ms = Int<int64_t>(j, "window_ms");
    c.next_window_ms = Int<int64_t>(j, "next_window_ms");
    for (const auto& [name, state] : j.at("tables").items()) {
      c.tables[name].schema_version = Int<int64_t>(state, "schema_version");
      c.tables[name].last_field_id = Int<int32_t>(state, "last_field_id");
    }
    if (j.contains("counts")) {
      for (const auto& [name, n] : j.at("counts").items()) {
        TableCounts& t = c.counts[name];
        t.inserts = Int<uint64_t>(n, "inserts");
        t.updates = Int<uint64_t>(n, "updates");
        t.deletes = Int<uint64_t>(n, "deletes");
        t.last_update_ms = Int<int64_t>(n, "last_update_ms");
      }
    }
    if (j.contains("commit_time_ms")) c.commit_time_ms = Int<int64_t>(j, "commit_time_ms");
    return c;
  });
}

std::string EncodeIntent(const Intent& i) {
  Json j{{"format", kFormat},
         {"seq", i.seq},
         {"from_seq", i.from_seq},
         {"end", PositionJson(i.end)},
         {"gtid_set", i.gtid_set},
         {"window_ms", i.window_ms},
         {"reason", CloseReasonName(i.reason)},
         {"objects", i.objects},
         {"include", i.include},
         {"exclude", i.exclude}};
  return j.dump() + "\n";
}

Result<Intent> DecodeIntent(std::string_view json, std::string_view origin) {
  return Decode<Intent>(json, origin, [&](const Json& j) -> Result<Intent> {
    Intent i;
    i.seq = Int<uint64_t>(j, "seq");
    i.from_seq = Int<uint64_t>(j, "from_seq");
    i.end = PositionFrom(j.at("end"));
    i.gtid_set = j.at("gtid_set").get<std::string>();
    i.window_ms = Int<int64_t>(j, "window_ms");
    std::string reason = j.at("reason").get<std::string>();
    bool known = false;
    for (CloseReason r : {CloseReason::kWindow, CloseReason::kSize, CloseReason::kIdle,
                          CloseReason::kClock, CloseReason::kShutdown}) {
      if (reason == CloseReasonName(r)) {
        i.reason = r;
        known = true;
      }
    }
    if (!known) return CorruptionError("{}: unknown close reason '{}'", origin, reason);
    i.objects = j.at("objects").get<std::vector<std::string>>();
    if (j.contains("include")) i.include = j.at("include").get<std::vector<std::string>>();
    if (j.contains("exclude")) i.exclude = j.at("exclude").get<std::vector<std::string>>();
    return i;
  });
}

std::string EncodeLoadStart(const LoadStart& s) {
  Json j{{"format", kFormat},          {"schema", s.schema},
         {"table", s.table},           {"cdc_from", PositionJson(s.cdc_from)},
         {"started_ms", s.started_ms}, {"row_time_micros", s.row_time_micros}};
  return j.dump() + "\n";
}

Result<LoadStart> DecodeLoadStart(std::string_view json, std::string_view origin) {
  return Decode<LoadStart>(json, origin, [&](const Json& j) -> Result<LoadStart> {
    LoadStart s;
    s.schema = j.at("schema").get<std::string>();
    s.table = j.at("table").get<std::string>();
    s.cdc_from = PositionFrom(j.at("cdc_from"));
    s.started_ms = Int<int64_t>(j, "started_ms");
    s.row_time_micros = j.value("row_time_micros", int64_t{0});
    return s;
  });
}

std::string EncodeLoadRecord(const LoadRecord& r) {
  Json j{{"format", kFormat},
         {"seq", r.seq},
         {"counter", r.counter},
         {"object", r.object},
         {"after", r.after ? Json(*r.after) : Json(nullptr)},
         {"through", r.through ? Json(*r.through) : Json(nullptr)},
         {"rows", r.rows},
         {"snapshot", PositionJson(r.snapshot)},
         {"finished_ms", r.finished_ms}};
  return j.dump() + "\n";
}

Result<LoadRecord> DecodeLoadRecord(std::string_view json, std::string_view origin) {
  return Decode<LoadRecord>(json, origin, [&](const Json& j) -> Result<LoadRecord> {
    LoadRecord r;
    r.seq = Int<uint64_t>(j, "seq");
    r.counter = Int<uint32_t>(j, "counter");
    r.object = j.at("object").get<std::string>();
    if (!j.at("after").is_null()) r.after = j.at("after").get<std::vector<std::string>>();
    if (!j.at("through").is_null()) r.through = j.at("through").get<std::vector<std::string>>();
    r.rows = Int<uint64_t>(j, "rows");
    r.snapshot = PositionFrom(j.at("snapshot"));
    r.finished_ms = Int<int64_t>(j, "finished_ms");
    return r;
  });
}

std::string EncodeSchema(const TableSchema& s, const BinlogPosition& since) {
  Json columns = Json::array();
  for (const Column& c : s.columns) {
    columns.push_back(Json{{"name", c.name},
                           {"field_id", c.field_id},
                           {"type", LogicalTypeName(c.type)},
                           {"mysql_type", static_cast<int>(c.mysql_type)},
                           {"unsigned", c.is_unsigned},
                           {"nullable", c.nullable},
                           {"precision", c.precision},
                           {"scale", c.scale},
                           {"collation_id", c.collation_id},
                           {"elements", c.elements},
                           {"invisible", c.invisible}});
  }
  Json j{{"format", kFormat},           {"schema", s.database},         {"table", s.table},
         {"version", s.version},        {"since", PositionJson(since)}, {"columns", columns},
         {"key_columns", s.key_columns}};
  return j.dump(2) + "\n";
}

Result<TableSchema> DecodeSchema(std::string_view json, std::string_view origin) {
  return Decode<TableSchema>(json, origin, [&](const Json& j) -> Result<TableSchema> {
    TableSchema s;
    s.database = j.at("schema").get<std::string>();
    s.table = j.at("table").get<std::string>();
    s.version = Int<int64_t>(j, "version");
    for (const Json& cj : j.at("columns")) {
      Column c;
      c.name = cj.at("name").get<std::string>();
      c.field_id = Int<int32_t>(cj, "field_id");
      std::string type = cj.at("type").get<std::string>();
      bool known = false;
      for (int t = 0; t <= static_cast<int>(LogicalType::kVector); ++t) {
        if (LogicalTypeName(static_cast<LogicalType>(t)) == type) {
          c.type = static_cast<LogicalType>(t);
          known = true;
        }
      }
      if (!known) return CorruptionError("{}: unknown column type '{}'", origin, type);
      c.mysql_type = static_cast<MysqlType>(Int<int>(cj, "mysql_type"));
      c.is_unsigned = cj.at("unsigned").get<bool>();
      c.nullable = cj.at("nullable").get<bool>();
      c.precision = Int<int>(cj, "precision");
      c.scale = Int<int>(cj, "scale");
      c.collation_id = Int<uint16_t>(cj, "collation_id");
      c.elements = cj.at("elements").get<std::vector<std::string>>();
      c.invisible = cj.at("invisible").get<bool>();
      s.columns.push_back(std::move(c));
    }
    const Json& keys = j.at("key_columns");
    if (!keys.is_array()) throw std::invalid_argument("\"key_columns\" is not an array");
    for (const Json& k : keys) s.key_columns.push_back(IntOf<int>(k, "key_columns"));
    return s;
  });
}

}  // namespace binlake
