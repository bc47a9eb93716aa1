// The source checks of binlake check: what `binlake run` needs from the server, tried the way
// run uses it (a real binlog stream from the current end), so a pass means run gets past it.

#include <fmt/format.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <map>

#include "binlog/replication_source.h"  // CurrentBinlogEnd
#include "common/clock.h"
#include "pipeline/replicator.h"
#include "pipeline/retention_guard.h"
#include "preflight/checks.h"

namespace binlake::preflight {
namespace {

bool IsLoopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// Global variables by name; a variable the server does not have is absent.
std::map<std::string, std::string> Variables(Connection* c) {
  std::map<std::string, std::string> out;
  Result<QueryResult> r = c->Query(
      "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin', 'server_id', 'binlog_format', "
      "'binlog_row_image', 'binlog_row_metadata', 'mysql56_temporal_format')");
  if (!r.ok()) return out;
  for (const auto& row : r->rows) {
    if (row.size() >= 2 && row[0] && row[1]) out[*row[0]] = *row[1];
  }
  return out;
}

void CheckTls(const Config& config, Connection* c, CheckReport* report) {
  const std::string& mode = config.source.tls_mode;
  const bool local = IsLoopback(config.source.host);
  if (!c->tls_active()) {
    if (local) {
      report->Add("TLS", Verdict::kPass, fmt::format("plaintext on loopback (tls mode {})", mode));
    } else {
      report->Add(
          "TLS", Verdict::kWarn,
          fmt::format("plaintext (tls mode {}): rows and the login cross the network unencrypted",
                      mode),
          "enable TLS on the server (ssl_cert, ssl_key) and set source.tls.mode: verify_identity "
          "with source.tls.ca");
    }
    return;
  }
  std::string detail = fmt::format("{} (tls mode {})", c->tls_version(), mode);
  if (local || mode == "verify_ca" || mode == "verify_identity") {
    report->Add("TLS", Verdict::kPass, detail);
  } else {
    report->Add("TLS", Verdict::kWarn, detail + ": the server's certificate is not checked",
                "set source.tls.mode: verify_identity (and source.tls.ca) so that a man in the "
                "middle cannot pose as the source");
  }
}

void CheckSettings(const Config& config, const std::map<std::string, std::string>& vars,
                   CheckReport* report) {
  auto get = [&](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  std::string log_bin = get("log_bin").value_or("unknown");
  if (log_bin == "ON" || log_bin == "1") {
    report->Add("log_bin", Verdict::kPass, "ON");
  } else {
    report->Add("log_bin", Verdict::kFail, fmt::format("{}: the server writes no binlog", log_bin),
                "set log_bin (e.g. log-bin=mysql-bin) and binlog_format=ROW in the server's "
                "configuration and restart it (docs/source-setup.md)");
  }
  std::string server_id = get("server_id").value_or("0");
  if (server_id == "0") {
    report->Add("server_id", Verdict::kFail, "0: the server refuses binlog clients",
                "set server_id to a non-zero number unique among the servers and replicas");
  } else if (config.source.server_id != 0 && server_id == std::to_string(config.source.server_id)) {
    report->Add("server_id", Verdict::kFail,
                fmt::format("source.server_id {} is the source's own id", server_id),
                "choose another source.server_id, or leave it unset to derive one");
  } else {
    report->Add("server_id", Verdict::kPass, server_id);
  }
  std::string format = get("binlog_format").value_or("unknown");
  if (format == "ROW") {
    report->Add("binlog_format", Verdict::kPass, "ROW");
  } else {
    report->Add("binlog_format", Verdict::kFail,
                fmt::format("{}: binlake decodes row images only", format),
                "SET GLOBAL binlog_format = 'ROW' and binlog_format=ROW in the server's "
                "configuration (open sessions keep the old format until they reconnect)");
  }
  std::string image = get("binlog_row_image").value_or("FULL");
  if (image == "FULL") {
    report->Add("binlog_row_image", Verdict::kPass, "FULL");
  } else {
    // Parquet columns and Iceberg rows need every column of every change.
    bool breaks = config.output.format == OutputFormat::kParquet || config.iceberg.enabled;
    report->Add("binlog_row_image", breaks ? Verdict::kFail : Verdict::kWarn,
                fmt::format("{}: changes carry only some columns{}", image,
                            breaks ? "; Parquet output and Iceberg tables refuse such rows"
                                   : ", written as absent values"),
                "SET GLOBAL binlog_row_image = 'FULL' and binlog_row_image=FULL in the server's "
                "configuration");
  }
  std::optional<std::string> metadata = get("binlog_row_metadata");
  if (!metadata) {
    report->Add("binlog_row_metadata", Verdict::kWarn,
                "the server has no binlog_row_metadata (before MySQL 8.0.1 / MariaDB 10.5): "
                "column names come from information_schema, which is racy around schema changes",
                "upgrade the server, and avoid ALTER TABLE while binlake is behind");
  } else if (*metadata == "FULL") {
    report->Add("binlog_row_metadata", Verdict::kPass, "FULL");
  } else {
    report->Add("binlog_row_metadata", Verdict::kWarn,
                fmt::format("{}: column names come from information_schema, which is racy "
                            "around schema changes",
                            *metadata),
                "SET GLOBAL binlog_row_metadata = 'FULL' and binlog_row_metadata=FULL in the "
                "server's configuration");
  }
}

// A replica's binlog holds what it applies from its own source only with log_slave_updates.
void CheckReplica(Connection* c, CheckReport* report) {
  Status replica = CheckReplicaLogsUpdates(c);
  if (replica.ok()) {
    report->Add("log_slave_updates", Verdict::kPass,
                "not a replica, or one that logs the changes it applies");
    return;
  }
  if (replica.code() != StatusCode::kFailedPrecondition) {
    report->Add("log_slave_updates", Verdict::kWarn,
                "could not tell whether the source is a replica: " + replica.ToString());
    return;
  }
  std::string message(replica.message());
  size_t fix = message.find(" Set log_slave_updates");
  report->Add("log_slave_updates", Verdict::kFail, message.substr(0, fix),
              fix == std::string::npos ? "" : message.substr(fix + 1));
}

// REPLICATION CLIENT / BINLOG MONITOR: the binlog files and their sizes.
std::optional<BinlogPosition> CheckBinlogList(Connection* c, CheckReport* report,
                                              SourceFacts* facts) {
  Result<QueryResult> logs = c->Query("SHOW BINARY LOGS");
  Result<BinlogPosition> end = logs.ok() ? CurrentBinlogEnd(c) : logs.status();
  const char* grant = c->IsMariaDB() ? "BINLOG MONITOR" : "REPLICATION CLIENT";
  if (!end.ok()) {
    report->Add(fmt::format("grant {}", grant), Verdict::kFail, end.status().ToString(),
                fmt::format("GRANT {} ON *.* TO the binlake user (docs/source-setup.md)", grant));
    return std::nullopt;
  }
  for (const auto& row : logs->rows) {
    if (row.size() < 2 || !row[0] || !row[1]) continue;
    facts->binlogs.emplace_back(*row[0], std::strtoull(row[1]->c_str(), nullptr, 10));
  }
  report->Add(
      fmt::format("grant {}", grant), Verdict::kPass,
      fmt::format("{} binlog files, the end at {}", facts->binlogs.size(), end->ToString()));
  return *end;
}

// REPLICATION SLAVE, tried: a non-blocking binlog dump from the current end, read to its end.
// Whatever the server's binlog settings (checked above), so that the grant is judged alone.
Status TryStream(const ConnectOptions& connect, const BinlogPosition& end, uint32_t server_id,
                 uint64_t* events) {
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(connect));
  RETURN_IF_ERROR(
      c->Execute("SET @master_binlog_checksum = @@global.binlog_checksum, "
                 "@source_binlog_checksum = @@global.binlog_checksum"));
  if (c->IsMariaDB()) RETURN_IF_ERROR(c->Execute("SET @mariadb_slave_capability = 4"));
  RETURN_IF_ERROR(c->RegisterReplica(server_id));
  RETURN_IF_ERROR(c->StartBinlogDump(end.file, static_cast<uint32_t>(end.offset), server_id,
                                     /*non_blocking=*/true));
  for (*events = 0; *events < 100'000; ++*events) {
    ASSIGN_OR_RETURN(std::string_view packet, c->ReadBinlogPacket());
    if (packet.empty()) break;
  }
  return Status::OK();
}

void CheckStream(const ConnectOptions& connect, const BinlogPosition& end, uint32_t source_id,
                 CheckReport* report) {
  // Never the id of a running binlake: the server would drop that replica's connection.
  uint32_t server_id = 0x5C000000u | (static_cast<uint32_t>(getpid()) & 0x00FFFFFFu);
  if (server_id == source_id) server_id ^= 1;
  uint64_t events = 0;
  Status s = TryStream(connect, end, server_id, &events);
  if (s.ok()) {
    report->Add(
        "grant REPLICATION SLAVE", Verdict::kPass,
        fmt::format("a binlog stream from {} opened and read ({} events)", end.ToString(), events));
    return;
  }
  if (s.code() == StatusCode::kUnauthenticated) {
    s = PermissionDeniedError(
        "the server refused to register a replica for a user that can log in (error 1045): it "
        "lacks REPLICATION SLAVE");
  }
  report->Add("grant REPLICATION SLAVE", Verdict::kFail, s.ToString(),
              "GRANT REPLICATION SLAVE ON *.* TO the binlake user (docs/source-setup.md)");
}

void CheckReload(const Config& config, Connection* c, CheckReport* report) {
  // MariaDB reports a snapshot's binlog position; MySQL's row state needs a brief FTWRL.
  if (c->IsMariaDB() || (!config.cascades && !config.truncate_rows)) return;
  Result<QueryResult> grants = c->Query("SHOW GRANTS");
  bool reload = false;
  if (grants.ok()) {
    for (const auto& row : grants->rows) {
      if (row.empty() || !row[0]) continue;
      const std::string& g = *row[0];
      bool global = g.find(" ON *.* ") != std::string::npos;
      if (global && (g.find("RELOAD") != std::string::npos ||
                     g.find("ALL PRIVILEGES") != std::string::npos)) {
        reload = true;
      }
    }
  }
  if (reload) {
    report->Add("grant RELOAD", Verdict::kPass, "held (the row state's snapshot)");
  } else {
    report->Add("grant RELOAD", Verdict::kFail,
                "missing: on MySQL the row state for cascades and TRUNCATE (docs/cascades.md) "
                "opens its snapshot under FLUSH TABLES WITH READ LOCK for milliseconds",
                "GRANT RELOAD ON *.* TO the binlake user, or set cascades: off and truncate: warn");
  }
}

void CheckRetention(const PreflightOptions& options, Connection* c, CheckReport* report) {
  BinlogRetention r = RetentionGuard::ReadRetention(c);
  std::string need = HumanSeconds(options.max_downtime_s);
  int64_t suggested = std::max<int64_t>(7 * 86400, 2 * options.max_downtime_s);
  std::string fix = fmt::format(
      "SET GLOBAL binlog_expire_logs_seconds = {} (and in the server's configuration; MySQL 5.7: "
      "expire_logs_days), or on RDS / Aurora CALL mysql.rds_set_configuration('binlog retention "
      "hours', {})",
      suggested, suggested / 3600);
  if (r.rds_purges_at_once) {
    report->Add("binlog retention", Verdict::kFail,
                "RDS \"binlog retention hours\" is NULL: the server purges binlog as soon as it "
                "can, so a stopped binlake loses changes",
                fix);
  } else if (r.seconds == 0) {
    report->Add("binlog retention", Verdict::kPass,
                "binlog is kept until purged by hand (no expiry set): watch the disk");
  } else if (r.seconds < options.max_downtime_s) {
    report->Add("binlog retention", Verdict::kFail,
                fmt::format("{} ({}) is shorter than the downtime to survive, {} (--max-downtime)",
                            HumanSeconds(r.seconds), r.setting, need),
                fix);
  } else {
    report->Add("binlog retention", Verdict::kPass,
                fmt::format("{} ({}), longer than the downtime to survive, {}",
                            HumanSeconds(r.seconds), r.setting, need));
  }
}

// The source's clock against this machine's, to the round trip's precision.
void CheckClock(const PreflightOptions& options, Connection* c, CheckReport* report) {
  Clock* clock = Clock::System();
  Status zone = c->Execute("SET time_zone = '+00:00'");
  int64_t before = clock->NowMicros();
  Result<QueryResult> r = zone.ok() ? c->Query("SELECT UNIX_TIMESTAMP(NOW(6))") : zone;
  int64_t after = clock->NowMicros();
  double server = 0;
  bool parsed = false;
  if (r.ok() && !r->rows.empty() && !r->rows[0].empty() && r->rows[0][0]) {
    const std::string& text = *r->rows[0][0];
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), server);
    parsed = ec == std::errc();
  }
  if (!parsed) {
    report->Add("clock skew", Verdict::kWarn,
                "the source's clock could not be read: " +
                    (r.ok() ? std::string("no number") : r.status().ToString()));
    return;
  }
  double local = (before + after) / 2e6;
  double skew = server - local;
  double precision = (after - before) / 2e6;
  std::string detail =
      fmt::format("the source's clock is {:+.3f} s from this machine's (±{:.3f})", skew, precision);
  double beyond = std::fabs(skew) - precision;
  if (beyond > options.max_clock_skew_s) {
    report->Add("clock skew", Verdict::kFail, detail,
                fmt::format("synchronise both clocks (NTP, chrony): lag and the retention guard "
                            "compare them, and more than {:g} s (--max-clock-skew) distorts both",
                            options.max_clock_skew_s));
  } else if (beyond > 1) {
    report->Add("clock skew", Verdict::kWarn, detail, "synchronise both clocks (NTP, chrony)");
  } else {
    report->Add("clock skew", Verdict::kPass, detail);
  }
}

}  // namespace

std::unique_ptr<Connection> CheckSource(const Config& config, const PreflightOptions& options,
                                        CheckReport* report, SourceFacts* facts) {
  Result<ConnectOptions> connect = SourceConnectOptions(config.source);
  Result<std::unique_ptr<Connection>> c =
      connect.ok() ? Connection::Connect(*connect)
                   : Result<std::unique_ptr<Connection>>(connect.status());
  std::string where =
      fmt::format("{}:{} as '{}'", config.source.host, config.source.port, config.source.user);
  if (!c.ok()) {
    report->Add("source reachable", Verdict::kFail,
                fmt::format("{}: {}", where, c.status().ToString()),
                "check source.host, source.port, source.user, source.password and source.tls, "
                "and that the server accepts connections from this machine");
    report->Add("source checks", Verdict::kSkip, "the source cannot be reached",
                "fix the connection first");
    return nullptr;
  }
  Connection* conn = c->get();
  facts->mariadb = conn->IsMariaDB();
  report->Add("source reachable", Verdict::kPass,
              fmt::format("{}: {} {}", where, conn->IsMariaDB() ? "MariaDB" : "MySQL",
                          conn->server_version()));
  CheckTls(config, conn, report);
  std::map<std::string, std::string> vars = Variables(conn);
  CheckSettings(config, vars, report);
  CheckReplica(conn, report);
  std::optional<BinlogPosition> end = CheckBinlogList(conn, report, facts);
  if (end) {
    CheckStream(*connect, *end,
                static_cast<uint32_t>(std::strtoul(vars["server_id"].c_str(), nullptr, 10)),
                report);
  } else {
    report->Add("grant REPLICATION SLAVE", Verdict::kSkip,
                "not tried: the binlog end is unknown without the grant above",
                "fix the grant above first");
  }
  CheckReload(config, conn, report);
  CheckRetention(options, conn, report);
  CheckClock(options, conn, report);
  return std::move(*c);
}

}  // namespace binlake::preflight
