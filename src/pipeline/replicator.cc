#include "pipeline/replicator.h"

#include <algorithm>
#include <random>
#include <thread>

#include "binlog/event_stream.h"
#include "binlog/event_type.h"
#include "binlog/gtid_start.h"
#include "binlog/information_schema_resolver.h"
#include "binlog/replication_source.h"
#include "binlog/timestamp_start.h"
#include "binlog/transaction_assembler.h"
#include "common/logging.h"
#include "kv/lmdb_env.h"
#include "mysql/connection.h"
#include "pipeline/cascade_load.h"
#include "pipeline/iceberg_load.h"
#include "pipeline/retention_guard.h"
#include "pipeline/state_backup.h"
#include "xa/source_xa.h"

namespace binlake {
namespace {

constexpr uint8_t kHeartbeatEvent = 27;
constexpr uint8_t kHeartbeatV2Event = 41;

bool IsHeartbeat(const Event& e) {
  return e.header.type == kHeartbeatEvent || e.header.type == kHeartbeatV2Event;
}

// MariaDB refuses COM_REGISTER_SLAVE from a user without REPLICATION SLAVE with error 1045,
// the same error as a wrong password. A user that can still log in has the right password
// and lacks the grant, which is what the operator needs to hear.
Status ExplainRefusedReplica(const ConnectOptions& connect, Status refused) {
  if (refused.code() != StatusCode::kUnauthenticated) return refused;
  Result<std::unique_ptr<Connection>> c = Connection::Connect(connect);
  if (!c.ok()) return refused;
  std::string grants;
  Result<QueryResult> r = (*c)->Query("SHOW GRANTS");
  if (r.ok()) {
    for (const auto& row : r->rows) {
      if (row.empty() || !row[0]) continue;
      // A password hash is a secret too.
      std::string grant = row[0]->substr(0, row[0]->find(" IDENTIFIED BY"));
      grants += (grants.empty() ? "" : "; ") + grant;
    }
  }
  return PermissionDeniedError(
      "user '{}' logs in to {} but may not read the binlog: it lacks the REPLICATION SLAVE "
      "privilege. As an administrator run GRANT REPLICATION SLAVE ON *.* TO '{}'@'<its host>' "
      "(docs/source-setup.md lists every grant binlake needs). Its grants now: {}. (The server "
      "refused to register binlake as a replica with error 1045, \"access denied\".)",
      connect.user, (*c)->peer(), connect.user, grants.empty() ? "unknown" : grants);
}

}  // namespace

Result<ConnectOptions> SourceConnectOptions(const SourceConfig& s) {
  ConnectOptions o;
  o.host = s.host;
  o.port = static_cast<uint16_t>(s.port);
  o.user = s.user;
  o.password = s.password;
  if (!ParseTlsMode(s.tls_mode, &o.tls_mode)) {
    return InvalidArgumentError("source.tls.mode '{}' is unknown", s.tls_mode);
  }
  o.tls_ca_file = s.tls_ca;
  o.tls_cert_file = s.tls_cert;
  o.tls_key_file = s.tls_key;
  o.server_public_key_file = s.server_public_key_file;
  o.connect_timeout = std::chrono::milliseconds(s.connect_timeout_ms);
  if (o.user.empty()) {
    return InvalidArgumentError(
        "source.user is not set: name the replication user binlake "
        "connects as (docs/source-setup.md lists its grants)");
  }
  return o;
}

uint32_t LakeServerId(const std::string& lake_url) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (char c : lake_url) {
    h ^= static_cast<uint8_t>(c);
    h *= 16777619u;
  }
  uint32_t base = DefaultServerId();
  // Keep the host id's range (its top byte), so the id stays clear of hand-picked ones.
  return (base & 0xFF000000u) | ((base ^ h) & 0x00FFFFFFu);
}

Replicator::Replicator(const Config& config, ConnectOptions connect,
                       std::unique_ptr<ChangeLogSink> sink, std::unique_ptr<IcebergSink> iceberg,
                       uint32_t server_id, ObjectStore* store, Clock* clock)
    : config_(config),
      connect_(std::move(connect)),
      sink_(std::move(sink)),
      iceberg_(std::move(iceberg)),
      prepared_(store),
      server_id_(server_id),
      store_(store),
      clock_(clock) {
  if (iceberg_) tee_ = std::make_unique<TeeSink>(sink_.get(), iceberg_.get());
}

ChangeSink* Replicator::Output() {
  if (cascade_) return cascade_.get();
  if (tee_) return tee_.get();
  return sink_.get();
}

BinlogPosition Replicator::OutputsPosition() const {
  BinlogPosition p = sink_->RestartPosition();
  if (iceberg_ && iceberg_->RestartPosition() && *iceberg_->RestartPosition() < p) {
    p = *iceberg_->RestartPosition();
  }
  return p;
}

Status Replicator::TickOutputs() {
  RETURN_IF_ERROR(sink_->Tick());
  if (iceberg_) RETURN_IF_ERROR(iceberg_->Tick());
  ReleasePrepared();
  return Status::OK();
}

Status Replicator::FlushOutputs() {
  RETURN_IF_ERROR(sink_->Flush());
  if (iceberg_) RETURN_IF_ERROR(iceberg_->Flush());
  if (state_) RETURN_IF_ERROR(state_->Flush());
  ReleasePrepared();
  return Status::OK();
}

void Replicator::ReleasePrepared() {
  Status s = prepared_.Release(RestartPosition());
  // Left in the lake, they are deleted at a later try or at the next start (Prune).
  if (!s.ok()) LOG_WARN("parked XA transactions: {}", s.ToString());
}

Status Replicator::Finish() {
  RETURN_IF_ERROR(FlushOutputs());
  if (backup_) {
    // A clean stop leaves the newest state in the lake too.
    backup_->Stop();
    Status s = backup_->BackUp();
    if (!s.ok()) LOG_WARN("row state backup at stop: {}", s.ToString());
  }
  return Status::OK();
}

Result<bool> Replicator::TakeOverState() {
  Result<std::optional<std::string>> key =
      StateBackup::Restore(store_, state_.get(), config_.spill.dir);
  if (!key.ok()) {
    LOG_WARN(
        "the row state's copy in the lake could not be used ({}); it is read again from "
        "the source",
        key.status().ToString());
    RETURN_IF_ERROR(state_->Reset());
    return false;
  }
  if (!*key) return false;
  if (state_->position().empty()) {
    LOG_WARN("the row state's copy {} holds no position; it is read again from the source", **key);
    RETURN_IF_ERROR(state_->Reset());
    return false;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(connect_));
  ASSIGN_OR_RETURN(QueryResult logs, c->Query("SHOW BINARY LOGS"));
  bool kept = false;
  for (const auto& row : logs.rows) kept |= !row.empty() && row[0] == state_->position().file;
  if (!kept) {
    LOG_WARN(
        "the row state's copy {} is at {}, which the source has purged; it is read again "
        "from the source (a shorter state_backup_interval avoids this)",
        **key, state_->position().ToString());
    RETURN_IF_ERROR(state_->Reset());
    return false;
  }
  LOG_INFO("row state taken over from the lake: {} at {}", **key, state_->position().ToString());
  return true;
}

BinlogPosition Replicator::RestartPosition() const {
  BinlogPosition p = OutputsPosition();
  // The row state may be behind the outputs (its changes are committed every second): it
  // reads from its own position, and the outputs skip what they hold.
  if (state_ && !state_->position().empty() && state_->position() < p) p = state_->position();
  return p;
}

Result<std::unique_ptr<Replicator>> Replicator::Create(const Config& given, ObjectStore* store,
                                                       Clock* clock) {
  ASSIGN_OR_RETURN(ConnectOptions connect, SourceConnectOptions(given.source));
  // A DMS table mapping's selection rules become the table patterns every stage uses.
  ASSIGN_OR_RETURN(std::shared_ptr<const TableMapping> mapping, TableMapping::Load(given.tables));
  Config config = given;
  config.tables.include = mapping->include();
  config.tables.exclude = mapping->exclude();
  ChangeLogSink::Options o;
  o.mapping = mapping;
  o.output = config.output;
  o.include = config.tables.include;
  o.exclude = config.tables.exclude;
  o.spill_dir = config.spill.dir;
  o.memory_limit = config.spill.transaction_memory_limit;
  ASSIGN_OR_RETURN(std::unique_ptr<ChangeLogSink> sink, ChangeLogSink::Create(o, store, clock));
  std::unique_ptr<IcebergSink> iceberg;
  if (config.iceberg.enabled) {
    ASSIGN_OR_RETURN(iceberg,
                     IcebergSink::Create(config.iceberg, config.tables, config.spill.dir,
                                         config.spill.transaction_memory_limit, store, clock));
  }
  if (iceberg) iceberg->SetMapping(mapping);
  uint32_t server_id =
      config.source.server_id ? config.source.server_id : LakeServerId(store->Url());
  std::unique_ptr<Replicator> r(new Replicator(config, std::move(connect), std::move(sink),
                                               std::move(iceberg), server_id, store, clock));
  r->mapping_ = std::move(mapping);
  if (config.cascades || config.truncate_rows) {
    // Kept in spill.dir between runs, one folder per lake (docs/cascades.md).
    ASSIGN_OR_RETURN(
        r->state_, RowState::Open(config.spill.dir, KeptFolderName("binlake-state", store->Url())));
  }
  return r;
}

void Replicator::SetMetrics(Metrics* metrics) {
  metrics_ = metrics;
  sink_->set_metrics(metrics);
  Metrics& m = *metrics;
  m.Describe("binlake_source_lag_seconds", "gauge",
             "Seconds between the newest change read and now; 0 when caught up with the binlog "
             "(DMS CDCLatencySource).");
  m.Describe("binlake_source_binlog_offset", "gauge", "Binlog offset read, by file.");
  m.Describe("binlake_checkpoint_binlog_offset", "gauge",
             "Binlog offset of the last durable checkpoint, by file.");
  m.Describe("binlake_rows_total", "counter",
             "Change rows written to the change log, by table and op (DMS CDCIncomingChanges, "
             "table statistics).");
  m.Describe("binlake_files_written_total", "counter", "Change-log files written.");
  m.Describe("binlake_bytes_written_total", "counter", "Bytes of change-log files written.");
  m.Describe("binlake_batch_commit_seconds", "histogram",
             "Time to make a batch durable: uploads, then the checkpoint.");
  m.Describe("binlake_source_reconnects_total", "counter",
             "Reconnections to the source after a lost or refused connection.");
  m.Describe("binlake_full_load_rows", "gauge", "Rows loaded by the full load, by table.");
  m.Describe("binlake_full_load_estimated_rows", "gauge",
             "The source's row estimate for a table being loaded.");
  m.Describe("binlake_full_load_done", "gauge", "1 once a table's full load is complete.");
  // /healthz: the source sends a heartbeat every heartbeat_interval when idle.
  m.SetContactLimit((2 * config_.source.heartbeat_interval_ms + 5000) * 1000);
}

void Replicator::Publish(const BinlogPosition& seen, bool caught_up, FullLoader* loader, bool now) {
  int64_t t = clock_->MonotonicMicros();
  int64_t commit = sink_->last_commit_micros();
  double lag = caught_up || commit == 0 ? 0 : (clock_->NowMicros() - commit) / 1e6;
  if (retention_) retention_->Check(lag, t);
  if (metrics_ == nullptr || (!now && t - published_us_ < 250'000)) return;
  published_us_ = t;
  metrics_->Set("binlake_source_lag_seconds", {}, std::max(0.0, lag));
  if (!seen.empty()) {
    metrics_->Set("binlake_source_binlog_offset", {{"file", seen.file}},
                  static_cast<double>(seen.offset));
  }
  if (loader == nullptr) return;
  for (const FullLoadStats& s : loader->Stats()) {
    metrics_->Set("binlake_full_load_rows", {{"table", s.table}}, static_cast<double>(s.rows));
    metrics_->Set("binlake_full_load_estimated_rows", {{"table", s.table}},
                  static_cast<double>(s.estimated_rows));
    metrics_->Set("binlake_full_load_done", {{"table", s.table}}, s.state == "done" ? 1 : 0);
  }
}

Result<std::vector<std::string>> Replicator::StateTables() {
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(connect_));
  auto replicated = [this](const std::string& q) {
    size_t dot = q.find('.');
    return sink_->Replicates(q.substr(0, dot), q.substr(dot + 1));
  };
  std::set<std::string> tables;
  if (config_.cascades) {
    ASSIGN_OR_RETURN(std::vector<ForeignKey> keys, ReadForeignKeys(c.get()));
    tables = ForeignKeyGraph(keys).NeededChildren(replicated);
  }
  if (config_.truncate_rows) {
    ASSIGN_OR_RETURN(QueryResult r, c->Query("SELECT TABLE_SCHEMA, TABLE_NAME FROM "
                                             "information_schema.TABLES WHERE TABLE_TYPE = "
                                             "'BASE TABLE'"));
    for (const auto& row : r.rows) {
      if (row[0] && row[1] && sink_->Replicates(*row[0], *row[1])) {
        tables.insert(*row[0] + "." + *row[1]);
      }
    }
  }
  return std::vector<std::string>(tables.begin(), tables.end());
}

Status Replicator::StartCascades(bool first_start, BinlogPosition* position) {
  bool cascades = config_.cascades;
  {
    ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(connect_));
    ASSIGN_OR_RETURN(QueryResult v, c->Query("SELECT @@version"));
    ASSIGN_OR_RETURN(QueryResult fk,
                     c->Query("SHOW GLOBAL VARIABLES LIKE 'innodb_native_foreign_keys'"));
    std::string version = v.rows.empty() ? "" : v.rows[0][0].value_or("");
    std::optional<std::string> native;
    if (!fk.rows.empty() && fk.rows[0].size() > 1) native = fk.rows[0][1];
    if (cascades && SourceLogsCascades(version, native)) {
      LOG_INFO(
          "the source ({}) logs the rows its foreign keys change itself: binlake "
          "synthesises no cascades",
          version);
      cascades = false;
    }
  }
  if (state_->position().empty() && !first_start) {
    // A lake without the row state that wrote it (a new machine, a reboot, a lost
    // spill.dir): the newest copy in the lake, exact.
    RETURN_IF_ERROR(TakeOverState().status());
  }
  if (state_->position().empty()) {
    if (!first_start) {
      // No usable copy: read the rows again. Cascades between the lake's position and now
      // are reckoned from rows that already lack what they removed (docs/cascades.md).
      ASSIGN_OR_RETURN(std::vector<std::string> tables, StateTables());
      ASSIGN_OR_RETURN(BinlogPosition at, LoadRowState(connect_, tables, state_.get()));
      LOG_WARN(
          "the row state was rebuilt from the source at {}, after the lake's position {}: "
          "child rows a cascade removed in between may stay in the change log. Keep "
          "spill.dir across restarts, or state_backup_interval on, to avoid this",
          at.ToString(), position->ToString());
    } else {
      // A start in the past: the source's rows of today are not the rows of then, so the
      // state holds only what the changes bring (docs/cascades.md).
      RETURN_IF_ERROR(state_->FinishLoad(*position));
    }
  }
  CascadeSink::Options o;
  o.cascades = cascades;
  o.truncate_rows = config_.truncate_rows;
  CascadeSink::Hooks h;
  h.replicated = [this](const std::string& db, const std::string& t) {
    return sink_->Replicates(db, t);
  };
  h.read_keys = [this]() -> Result<std::vector<ForeignKey>> {
    ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(connect_));
    return ReadForeignKeys(c.get());
  };
  h.describe = [this](const std::string& db, const std::string& t) {
    return DescribeSourceTable(connect_, db, t);
  };
  h.outputs_from = [this]() { return OutputsPosition(); };
  cascade_ = std::make_unique<CascadeSink>(
      o, std::move(h), state_.get(),
      tee_ ? static_cast<ChangeSink*>(tee_.get()) : static_cast<ChangeSink*>(sink_.get()));
  RETURN_IF_ERROR(cascade_->Start());
  if (state_->position() < *position) *position = state_->position();
  if (config_.state_backup_interval_ms > 0) {
    backup_ = std::make_unique<StateBackup>(store_, state_.get(), config_.spill.dir);
    backup_->Start(std::chrono::milliseconds(config_.state_backup_interval_ms));
  }
  return Status::OK();
}

Result<BinlogPosition> Replicator::FirstStart() {
  const StartConfig& start = config_.start;
  switch (start.kind) {
    case StartConfig::Kind::kPosition:
      return BinlogPosition{start.file, start.pos};
    case StartConfig::Kind::kCurrentEnd: {
      ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(connect_));
      RETURN_IF_ERROR(CheckSource(c.get()).status());
      WarnOfPreparedOnSource(c.get());
      return CurrentBinlogEnd(c.get());
    }
    case StartConfig::Kind::kGtid: {
      Result<GtidSet> set = GtidSet::Parse(start.gtid);
      if (!set.ok()) return set.status().Context("start.gtid");
      ReplicationOptions ro;
      ro.connect = connect_;
      ro.server_id = server_id_;
      return FindGtidStart(ro, *set);
    }
    case StartConfig::Kind::kTimestamp: {
      ReplicationOptions ro;
      ro.connect = connect_;
      ro.server_id = server_id_;
      return FindTimestampStart(ro, start.timestamp_micros);
    }
  }
  return InternalError("unknown start kind");
}

Status Replicator::Run(const RunOptions& run) {
  bool first_start = false;
  ASSIGN_OR_RETURN(BinlogPosition position, sink_->Recover([&]() -> Result<BinlogPosition> {
    first_start = true;
    // A new lake at the binlog's end: the row state is read in one snapshot, and CDC starts
    // at its position. Children that exist before the start get their cascaded deletes too,
    // with or without a full load of them.
    if (state_ && config_.start.kind == StartConfig::Kind::kCurrentEnd) {
      ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(connect_));
      RETURN_IF_ERROR(CheckSource(c.get()).status());
      ASSIGN_OR_RETURN(std::vector<std::string> tables, StateTables());
      WarnOfPreparedOnSource(c.get());
      return LoadRowState(connect_, tables, state_.get());
    }
    return FirstStart();
  }));
  const BinlogPosition log_position = position;
  if (state_) RETURN_IF_ERROR(StartCascades(first_start, &position));
  if (iceberg_) {
    // The Iceberg tables may be behind the change log (a crash between their commits): read
    // from the earlier of the two; each output skips what it already holds.
    ASSIGN_OR_RETURN(std::optional<BinlogPosition> ice, iceberg_->Recover());
    if (ice && *ice < position) position = *ice;
    iceberg_->StartAt(position);
    iceberg_->SetReloader([this](const std::string& database, const std::string& table) {
      return LoadIcebergTable(connect_, server_id_, database, table, iceberg_.get());
    });
    if (config_.full_load.enabled) {
      ASSIGN_OR_RETURN(TableFilter filter,
                       TableFilter::Create(config_.tables.include, config_.tables.exclude));
      RETURN_IF_ERROR(
          LoadIcebergTables(connect_, server_id_, filter, iceberg_.get(), run.stop_requested));
    }
  }

  // Tables to load are recorded before CDC streams, so a restart finishes their load.
  std::vector<std::pair<std::string, std::string>> load_tables;
  {
    ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(connect_));
    ASSIGN_OR_RETURN(TableFilter filter,
                     TableFilter::Create(config_.tables.include, config_.tables.exclude));
    CheckpointStore checkpoints(store_);
    ASSIGN_OR_RETURN(load_tables,
                     PrepareFullLoad(c.get(), filter, *mapping_, &checkpoints, sink_->checkpoint(),
                                     config_.full_load.enabled, log_position, clock_));
  }
  if (load_tables.empty()) return Stream(run, position, nullptr, nullptr);
  // The table mapping's load-order: higher first (the loader takes tables in list order).
  std::stable_sort(load_tables.begin(), load_tables.end(), [&](const auto& a, const auto& b) {
    return mapping_->LoadOrder(a.first, a.second) > mapping_->LoadOrder(b.first, b.second);
  });

  FullLoader::Options lo;
  lo.config = config_.full_load;
  lo.output = config_.output;
  lo.connect = connect_;
  lo.server_id = server_id_;
  lo.spill_dir = config_.spill.dir;
  lo.memory_limit = config_.spill.transaction_memory_limit;
  lo.progress_bars = run.progress_bars;
  lo.mapping = mapping_;
  FullLoader loader(lo, load_tables, store_, sink_.get(), clock_);
  std::atomic<bool> load_stop{false};
  std::atomic<bool> load_done{false};
  Status load_status;
  std::thread load_thread([&]() {
    // The loader stops when asked to (SIGTERM) or when CDC ends.
    load_status = loader.Run(&load_stop);
    load_done = true;
  });
  RunOptions cdc = run;
  std::thread relay;  // forwards SIGTERM to the loader
  std::atomic<bool> cdc_over{false};
  if (run.stop_requested != nullptr) {
    relay = std::thread([&]() {
      while (!cdc_over.load() && !load_done.load()) {
        if (run.stop_requested->load()) load_stop = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }
  Status streamed = Stream(cdc, position, &loader, &load_done);
  cdc_over = true;
  load_stop = true;
  load_thread.join();
  if (relay.joinable()) relay.join();
  load_stats_ = loader.Stats();
  // A failed load ends CDC too; its error is the one to report.
  if (!load_status.ok()) return load_status;
  return streamed;
}

Status Replicator::Stream(const RunOptions& run, BinlogPosition position, FullLoader* loader,
                          const std::atomic<bool>* load_done) {
  // With --stop-at-end: the binlog end at start, or, with a full load, the end once the load
  // is done, so that the lake holds every change up to the newest LOAD row.
  std::optional<BinlogPosition> stop_at;
  auto read_end = [&]() -> Status {
    ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(connect_));
    ASSIGN_OR_RETURN(stop_at, CurrentBinlogEnd(c.get()));
    LOG_INFO("will stop once caught up with {}", stop_at->ToString());
    return Status::OK();
  };
  if (run.stop_at_end && loader == nullptr) RETURN_IF_ERROR(read_end());
  // Every XA PREPARE from `position` on is read again; older parked rows of an xid prepared
  // again since can no longer be committed.
  RETURN_IF_ERROR(prepared_.Prune(position).Context("parked XA transactions"));
  bool load_over = loader == nullptr;
  // Returns non-OK to end CDC: the full load failed.
  auto check_load = [&]() -> Status {
    if (load_over || !load_done->load()) return Status::OK();
    load_over = true;
    std::vector<FullLoadStats> stats = loader->Stats();
    bool all = std::all_of(stats.begin(), stats.end(),
                           [](const FullLoadStats& s) { return s.state == "done"; });
    if (!all) return AbortedError("the full load stopped before it finished");
    if (run.stop_at_end) return read_end();
    return Status::OK();
  };
  auto stopping = [&]() { return run.stop_requested && run.stop_requested->load(); };

  int64_t interval = config_.output.cdc_max_batch_interval_ms;
  // The Iceberg tables commit idle changes on heartbeats too.
  if (iceberg_) interval = std::min(interval, config_.iceberg.commit_interval_ms);
  // While a full load runs, heartbeats are frequent too: the stream notices the load's end
  // (and --stop-at-end its new stop position) only between events.
  int64_t beat =
      std::min<int64_t>(config_.source.heartbeat_interval_ms, std::max<int64_t>(50, interval / 4));
  if (loader != nullptr) beat = std::min<int64_t>(beat, 250);
  std::chrono::milliseconds heartbeat(beat);
  ReplicationOptions ro;
  ro.connect = connect_;
  ro.server_id = server_id_;
  ro.heartbeat_period = heartbeat;

  // Names, keys and ENUM/SET members for TABLE_MAPs without them (binlog_row_metadata=MINIMAL):
  // of replicated tables, and of the tables cascades read (parents outside the replica).
  InformationSchemaResolver resolver(connect_, [this](std::string_view db, std::string_view t) {
    return sink_->Replicates(db, t) ||
           (cascade_ && cascade_->Needs(std::string(db), std::string(t)));
  });

  // How long the source keeps binlog: a lag approaching it is about to lose changes.
  if (!retention_) {
    Result<std::unique_ptr<Connection>> c = Connection::Connect(connect_);
    int64_t seconds = c.ok() ? RetentionGuard::ReadRetentionSeconds(c->get()) : 0;
    if (seconds > 0) LOG_INFO("the source keeps its binlog for {} s", seconds);
    retention_.emplace(seconds);
  }
  std::mt19937_64 rng(std::random_device{}());
  const SourceConfig& sc = config_.source;
  // Reconnecting (source.reconnect_*, DMS RecoverableError*): the first wait is the interval,
  // doubled after each further failure up to the maximum with back-off on, the same without.
  // A failure is a connection attempt that fails or a stream that breaks; any event from the
  // source (a heartbeat too) ends the run of failures.
  int64_t backoff_ms = sc.reconnect_interval_ms;
  int64_t failures = 0;  // in a row
  // OK: wait, then `next` (for the log); else the error to stop with.
  auto retry_after = [&](const Status& error, std::string_view next) -> Status {
    if (metrics_ != nullptr) metrics_->Add("binlake_source_reconnects_total", {}, 1);
    if (sc.reconnect_attempts >= 0 && ++failures > sc.reconnect_attempts) {
      // Not the error's own retryable code: the source's retry budget is spent, and the
      // run's recovery (config `recovery`) must not start another round of it.
      return Status(StatusCode::kFailedPrecondition,
                    fmt::format("the source was unreachable {} times in a row "
                                "(source.reconnect_attempts: {}); the lake is consistent at its "
                                "checkpoint and the next run resumes there: {}",
                                failures, sc.reconnect_attempts, error.ToString()));
    }
    // With back-off, a random part of the wait keeps many replicas from retrying in step.
    int64_t wait = sc.reconnect_backoff
                       ? std::uniform_int_distribution<int64_t>(backoff_ms / 2, backoff_ms)(rng)
                       : backoff_ms;
    LOG_WARN("{}; {} in {} ms", error.ToString(), next, wait);
    // Sleep in slices so that SIGTERM is honoured while the source is unreachable.
    for (int64_t slept = 0; slept < wait && !stopping(); slept += 100) {
      clock_->SleepForMicros(std::min<int64_t>(100, wait - slept) * 1000);
    }
    if (sc.reconnect_backoff) {
      backoff_ms = std::min<int64_t>(backoff_ms * 2, sc.reconnect_max_interval_ms);
    }
    return Status::OK();
  };
  while (true) {
    if (stopping() && !sink_->replaying()) return Finish();
    ro.start = position;
    Result<std::unique_ptr<ReplicationSource>> opened = ReplicationSource::Open(ro);
    if (!opened.ok()) {
      if (!opened.status().IsRetryable()) {
        return ExplainRefusedReplica(connect_, opened.status());
      }
      RETURN_IF_ERROR(retry_after(opened.status(), "retrying"));
      continue;
    }
    std::unique_ptr<ReplicationSource> source = std::move(opened).value();
    LOG_INFO("streaming the binlog of {} ({}) from {}",
             connect_.host + ":" + std::to_string(connect_.port), source->info().version,
             position.ToString());
    EventStream stream(source.get());
    stream.mutable_decoder()->set_checksum(source->info().checksums ? ChecksumAlgorithm::kCrc32
                                                                    : ChecksumAlgorithm::kOff);
    AssemblerOptions ao;
    ao.binlog_file = position.file;
    ao.resolver = &resolver;
    ao.prepared = &prepared_;
    TransactionAssembler assembler(Output(), ao);
    BinlogPosition seen = position;
    Status broken;
    while (true) {
      bool between = !assembler.in_transaction();
      if (between && !sink_->replaying()) {
        if (stopping()) return Finish();
        Status load = check_load();
        if (!load.ok()) {
          RETURN_IF_ERROR(FlushOutputs());
          return load;
        }
        if (stop_at && seen >= *stop_at) return Finish();
      }
      Result<const Event*> next = stream.Next();
      if (!next.ok()) {
        broken = next.status();
        break;
      }
      const Event* event = *next;
      if (event == nullptr) {
        broken = UnavailableError("the server ended the binlog stream");
        break;
      }
      if (metrics_ != nullptr) metrics_->SourceContact(clock_->MonotonicMicros());
      backoff_ms = sc.reconnect_interval_ms;
      failures = 0;
      if (IsHeartbeat(*event)) {
        RETURN_IF_ERROR(TickOutputs());
        Publish(seen, /*caught_up=*/true, loader, /*now=*/true);
        continue;
      }
      Publish(seen, /*caught_up=*/false, loader);
      RETURN_IF_ERROR(assembler.Consume(*event));
      // The FORMAT_DESCRIPTION a dump starts with carries its own (earlier) offset, and a
      // ROTATE's offset is in the file it ends while the assembler already names the next one:
      // neither may move the position read so far (else --stop-at-end stops early).
      BinlogPosition at{assembler.binlog_file(), event->next_position};
      if (event->next_position > 0 && event->header.type != event_type::kRotate && seen < at) {
        seen = at;
      }
    }
    if (!broken.IsRetryable()) return broken;
    if (assembler.in_transaction()) {
      Output()->Discard();
      position = RestartPosition();
    } else if (!assembler.resume_position().empty()) {
      position = assembler.resume_position();
    }
    RETURN_IF_ERROR(retry_after(broken, "reconnecting at " + position.ToString()));
  }
}

}  // namespace binlake
