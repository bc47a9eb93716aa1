// binlake status -c CONFIG [--json]: where the lake stands, read from the lake's records plus
// one query to the source (SHOW BINARY LOGS). Works while `run` runs and when it is stopped:
// it reads only what the writer has made durable.

#include <fmt/format.h>

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "checkpoint/checkpoint_store.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/target.h"
#include "common/clock.h"
#include "config/config.h"
#include "iceberg/catalog.h"
#include "mysql/connection.h"
#include "pipeline/replicator.h"
#include "storage/open_object_store.h"

namespace binlake::cli {
namespace {

using Json = nlohmann::json;

std::string Time(int64_t ms) {
  if (ms <= 0) return "";
  Timestamp ts{ms / 1000, static_cast<uint32_t>(ms % 1000) * 1000};
  return FormatTimestamp(ts, 3) + "Z";
}

struct Load {
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
  uint64_t rows = 0;
  uint64_t files = 0;
  bool complete = false;
};

// Full loads recorded under _binlake/loads/<schema>/<table>/, by "schema.table".
Result<std::map<std::string, Load>> Loads(ObjectStore* store, CheckpointStore* checkpoints) {
  std::map<std::string, Load> out;
  ASSIGN_OR_RETURN(ListResult schemas, store->List("_binlake/loads/", '/'));
  for (const std::string& sp : schemas.common_prefixes) {
    ASSIGN_OR_RETURN(ListResult tables, store->List(sp, '/'));
    std::string schema = sp.substr(std::string("_binlake/loads/").size());
    schema.pop_back();
    for (const std::string& tp : tables.common_prefixes) {
      std::string table = tp.substr(sp.size());
      table.pop_back();
      Load& l = out[schema + "." + table];
      ASSIGN_OR_RETURN(std::optional<LoadStart> start, checkpoints->LoadLoadStart(schema, table));
      if (start) l.started_ms = start->started_ms;
      // A load running beside this read adds records while they are listed: a listing may
      // then miss one (a directory read is not a snapshot). Read again.
      Result<std::vector<LoadRecord>> read = checkpoints->LoadLoadRecords(schema, table);
      for (int i = 0; i < 20 && read.status().code() == StatusCode::kCorruption; ++i) {
        Clock::System()->SleepForMicros(50'000);
        read = checkpoints->LoadLoadRecords(schema, table);
      }
      ASSIGN_OR_RETURN(std::vector<LoadRecord> records, std::move(read));
      for (const LoadRecord& r : records) {
        l.rows += r.rows;
        l.files += r.object.empty() ? 0 : 1;
        l.finished_ms = std::max(l.finished_ms, r.finished_ms);
        if (!r.through) l.complete = true;
      }
    }
  }
  return out;
}

// Who holds the lake's writer lease (docs/operations.md): the newest lease record, if any.
Json Writer(ObjectStore* store, int64_t now_ms) {
  Result<ListResult> listed = store->List("_binlake/lease/");
  if (!listed.ok() || listed->objects.empty()) return Json();
  Result<std::string> text = store->Get(listed->objects.back().key);
  if (!text.ok()) return Json();
  Json j = Json::parse(*text, nullptr, false);
  if (!j.is_object()) return Json();
  const int64_t age_ms = now_ms - j.value("renewed_ms", int64_t{0});
  const bool released = j.value("released", false);
  return Json{{"owner", j.value("owner", "")},
              {"renewed_seconds_ago", age_ms / 1000.0},
              {"state", !released && age_ms < j.value("ttl_ms", int64_t{0}) ? "held" : "free"}};
}

// The binlog position each Iceberg table's current snapshot holds every change up to, by
// "schema.table" (source names); tables without a snapshot are left out.
std::map<std::string, std::string> IcebergPositions(ObjectStore* store, const std::string& root) {
  std::map<std::string, std::string> out;
  FileSystemCatalog catalog(store);
  Result<ListResult> schemas = store->List(root + "/", '/');
  if (!schemas.ok()) return out;
  for (const std::string& sp : schemas->common_prefixes) {
    Result<ListResult> tables = store->List(sp, '/');
    if (!tables.ok()) continue;
    for (std::string tp : tables->common_prefixes) {
      tp.pop_back();
      Result<std::optional<LoadedTable>> loaded = catalog.Load(tp);
      if (!loaded.ok() || !*loaded) continue;
      std::map<std::string, std::string> summary = (*loaded)->metadata.CurrentSummary();
      auto at = summary.find("binlake.position");
      if (at == summary.end()) continue;
      std::string name = tp.substr(root.size() + 1);
      name[name.find('/')] = '.';
      out[name] = at->second + (summary.count("binlake.full-load") ? " (loading)" : "");
    }
  }
  return out;
}

}  // namespace

int StatusCommand(const std::vector<std::string>& argv) {
  Args::Spec spec{{{"-c", "config"}, {"--config", "config"}}, {"--json"}};
  Result<Args> args = Args::Parse(argv, spec);
  if (!args.ok()) return Fail(args.status());
  std::optional<std::string> path = args->Get("config");
  if (!path) return Fail(InvalidArgumentError("binlake status needs -c CONFIG (a YAML file)"));
  Result<Config> config = LoadConfigFile(*path);
  if (!config.ok()) return Fail(config.status());
  std::string url = ResolveTargetUrl(config->target.url);
  Result<std::unique_ptr<ObjectStore>> opened =
      OpenObjectStore(url, ToS3Options(config->target.s3), Clock::System());
  if (!opened.ok()) return Fail(opened.status().Context("opening target " + url));
  ObjectStore* store = opened->get();
  CheckpointStore checkpoints(store);
  Result<std::optional<Checkpoint>> latest = checkpoints.LoadLatest();
  if (!latest.ok()) return Fail(latest.status());
  if (!*latest) {
    return Fail(NotFoundError(
        "{} holds no checkpoint: binlake has not run against this lake yet (binlake run -c {})",
        url, *path));
  }
  const Checkpoint& cp = **latest;
  Result<std::map<std::string, Load>> loads = Loads(store, &checkpoints);
  if (!loads.ok()) return Fail(loads.status());
  std::optional<BinlogPosition> iceberg;
  if (Result<std::string> ice = store->Get("_binlake/iceberg/position.json"); ice.ok()) {
    Json j = Json::parse(*ice, nullptr, false);
    if (!j.is_discarded() && j.contains("position")) {
      iceberg =
          BinlogPosition{j["position"].value("file", ""), j["position"].value("offset", 0ull)};
    }
  }

  // The one query to the source: its binlog files and their sizes.
  Json source = Json::object();
  std::optional<uint64_t> behind;
  Result<ConnectOptions> connect = SourceConnectOptions(config->source);
  Result<std::unique_ptr<Connection>> c =
      connect.ok() ? Connection::Connect(*connect)
                   : Result<std::unique_ptr<Connection>>(connect.status());
  if (c.ok()) {
    Result<QueryResult> logs = (*c)->Query("SHOW BINARY LOGS");
    if (logs.ok() && !logs->rows.empty()) {
      uint64_t sum = 0;
      bool found = false;
      for (const auto& row : logs->rows) {
        if (row.size() < 2 || !row[0] || !row[1]) continue;
        uint64_t size = std::stoull(*row[1]);
        if (*row[0] == cp.position.file) {
          found = true;
          sum += size > cp.position.offset ? size - cp.position.offset : 0;
        } else if (found) {
          sum += size;
        }
      }
      const auto& last = logs->rows.back();
      source["end"] = fmt::format("{}:{}", last[0].value_or(""), last[1].value_or(""));
      if (found) {
        behind = sum;
      } else {
        source["error"] = fmt::format(
            "the checkpoint's binlog file {} is no longer on the source (purged): the lake "
            "cannot resume; docs/operations.md says how to recover",
            cp.position.file);
      }
    } else {
      source["error"] = logs.ok() ? "SHOW BINARY LOGS returned nothing: is binary logging on?"
                                  : logs.status().ToString();
    }
  } else {
    source["error"] = c.status().ToString();
  }
  const int64_t now_ms = Clock::System()->NowMicros() / 1000;
  Json j{{"lake", url},
         {"checkpoint",
          {{"seq", cp.seq},
           {"position", cp.position.ToString()},
           {"gtid_set", cp.gtid_set},
           {"newest_commit", Time(cp.commit_time_ms)}}},
         {"source", source}};
  if (cp.commit_time_ms > 0)
    j["checkpoint"]["newest_commit_age_seconds"] = (now_ms - cp.commit_time_ms) / 1000.0;
  if (behind) {
    j["lag_bytes"] = *behind;
    j["lag_seconds"] =
        *behind == 0 || cp.commit_time_ms == 0 ? 0.0 : (now_ms - cp.commit_time_ms) / 1000.0;
  }
  if (iceberg) j["iceberg_position"] = iceberg->ToString();
  if (Json w = Writer(store, now_ms); !w.is_null()) j["writer"] = w;
  const std::map<std::string, std::string> snapshots =
      config->iceberg.enabled ? IcebergPositions(store, config->iceberg.path)
                              : std::map<std::string, std::string>();
  std::set<std::string> names;
  for (const auto& [n, s] : cp.tables) names.insert(n);
  for (const auto& [n, s] : cp.counts) names.insert(n);
  for (const auto& [n, l] : *loads) names.insert(n);
  Json tables = Json::array();
  for (const std::string& n : names) {
    Json t{{"table", n}};
    auto counts = cp.counts.find(n);
    TableCounts k = counts == cp.counts.end() ? TableCounts{} : counts->second;
    auto state = cp.tables.find(n);
    auto load = loads->find(n);
    t["Inserts"] = k.inserts;
    t["Updates"] = k.updates;
    t["Deletes"] = k.deletes;
    t["Ddls"] =
        state == cp.tables.end() ? 0 : std::max<int64_t>(0, state->second.schema_version - 1);
    t["FullLoadRows"] = load == loads->end() ? 0 : load->second.rows;
    bool loading = load != loads->end() && !load->second.complete;
    t["TableState"] = loading ? "Full load" : "Table completed";
    t["LastUpdateTime"] = Time(k.last_update_ms);
    if (auto snap = snapshots.find(n); snap != snapshots.end()) t["IcebergPosition"] = snap->second;
    if (load != loads->end()) {
      t["FullLoadFiles"] = load->second.files;
      t["FullLoadStartTime"] = Time(load->second.started_ms);
      t["FullLoadEndTime"] = load->second.complete ? Time(load->second.finished_ms) : "";
    }
    tables.push_back(t);
  }
  j["tables"] = tables;

  if (args->Has("--json")) {
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("lake        %s\n", url.c_str());
  std::printf("checkpoint  #%llu at %s%s\n", static_cast<unsigned long long>(cp.seq),
              cp.position.ToString().c_str(),
              cp.gtid_set.empty() ? "" : (" (gtid " + cp.gtid_set + ")").c_str());
  if (cp.commit_time_ms > 0) {
    std::printf("newest      commit %s, %.1f s ago\n", Time(cp.commit_time_ms).c_str(),
                (now_ms - cp.commit_time_ms) / 1000.0);
  }
  if (source.contains("end"))
    std::printf("source end  %s\n", source["end"].get<std::string>().c_str());
  if (behind) {
    std::printf("lag         %llu binlog bytes, %.1f s\n", static_cast<unsigned long long>(*behind),
                j["lag_seconds"].get<double>());
  }
  if (source.contains("error"))
    std::printf("source      %s\n", source["error"].get<std::string>().c_str());
  if (iceberg)
    std::printf("iceberg     tables hold every change up to %s\n", iceberg->ToString().c_str());
  if (j.contains("writer")) {
    const Json& w = j["writer"];
    std::printf("writer      %s, lease %s (renewed %.1f s ago)\n",
                w["owner"].get<std::string>().c_str(), w["state"].get<std::string>().c_str(),
                w["renewed_seconds_ago"].get<double>());
  }
  std::printf("\n%-40s %-16s %10s %10s %10s %5s %12s  %-24s %s\n", "TABLE", "STATE", "INSERTS",
              "UPDATES", "DELETES", "DDLS", "FULLLOADROWS", "LASTUPDATETIME",
              snapshots.empty() ? "" : "ICEBERG SNAPSHOT AT");
  for (const Json& t : tables) {
    std::printf("%-40s %-16s %10llu %10llu %10llu %5lld %12llu  %-24s %s\n",
                t["table"].get<std::string>().c_str(), t["TableState"].get<std::string>().c_str(),
                static_cast<unsigned long long>(t["Inserts"].get<uint64_t>()),
                static_cast<unsigned long long>(t["Updates"].get<uint64_t>()),
                static_cast<unsigned long long>(t["Deletes"].get<uint64_t>()),
                static_cast<long long>(t["Ddls"].get<int64_t>()),
                static_cast<unsigned long long>(t["FullLoadRows"].get<uint64_t>()),
                t["LastUpdateTime"].get<std::string>().c_str(),
                t.value("IcebergPosition", "").c_str());
  }
  return source.contains("error") ? 1 : 0;
}

}  // namespace binlake::cli
