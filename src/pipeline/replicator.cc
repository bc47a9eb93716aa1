#include "pipeline/replicator.h"

#include <algorithm>
#include <random>

#include "binlog/event_stream.h"
#include "binlog/gtid_start.h"
#include "binlog/information_schema_resolver.h"
#include "binlog/replication_source.h"
#include "binlog/transaction_assembler.h"
#include "common/logging.h"
#include "mysql/connection.h"

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
                       std::unique_ptr<ChangeLogSink> sink, uint32_t server_id, Clock* clock)
    : config_(config),
      connect_(std::move(connect)),
      sink_(std::move(sink)),
      server_id_(server_id),
      clock_(clock) {}

Result<std::unique_ptr<Replicator>> Replicator::Create(const Config& config, ObjectStore* store,
                                                       Clock* clock) {
  ASSIGN_OR_RETURN(ConnectOptions connect, SourceConnectOptions(config.source));
  ChangeLogSink::Options o;
  o.output = config.output;
  o.include = config.tables.include;
  o.exclude = config.tables.exclude;
  o.spill_dir = config.spill.dir;
  ASSIGN_OR_RETURN(std::unique_ptr<ChangeLogSink> sink, ChangeLogSink::Create(o, store, clock));
  uint32_t server_id =
      config.source.server_id ? config.source.server_id : LakeServerId(store->Url());
  return std::unique_ptr<Replicator>(
      new Replicator(config, std::move(connect), std::move(sink), server_id, clock));
}

Result<BinlogPosition> Replicator::FirstStart() {
  const StartConfig& start = config_.start;
  switch (start.kind) {
    case StartConfig::Kind::kPosition:
      return BinlogPosition{start.file, start.pos};
    case StartConfig::Kind::kCurrentEnd: {
      ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(connect_));
      RETURN_IF_ERROR(CheckSource(c.get()).status());
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
    case StartConfig::Kind::kTimestamp:
      return UnimplementedError(
          "start.timestamp is not supported by this binlake version: give start.gtid, or "
          "start.file and start.pos, or leave start out to begin at the current binlog end");
  }
  return InternalError("unknown start kind");
}

Status Replicator::Run(const RunOptions& run) {
  ASSIGN_OR_RETURN(BinlogPosition position, sink_->Recover([this]() { return FirstStart(); }));
  std::optional<BinlogPosition> stop_at;
  if (run.stop_at_end) {
    ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(connect_));
    ASSIGN_OR_RETURN(stop_at, CurrentBinlogEnd(c.get()));
    LOG_INFO("will stop once caught up with {}", stop_at->ToString());
  }
  auto stopping = [&]() { return run.stop_requested && run.stop_requested->load(); };

  int64_t interval = config_.output.cdc_max_batch_interval_ms;
  std::chrono::milliseconds heartbeat(
      std::min<int64_t>(config_.source.heartbeat_interval_ms, std::max<int64_t>(50, interval / 4)));
  ReplicationOptions ro;
  ro.connect = connect_;
  ro.server_id = server_id_;
  ro.heartbeat_period = heartbeat;

  // Names, keys and ENUM/SET members for TABLE_MAPs without them (binlog_row_metadata=MINIMAL).
  InformationSchemaResolver resolver(connect_);

  std::mt19937_64 rng(std::random_device{}());
  int64_t backoff_ms = 100;
  while (true) {
    if (stopping() && !sink_->replaying()) return sink_->Flush();
    ro.start = position;
    Result<std::unique_ptr<ReplicationSource>> opened = ReplicationSource::Open(ro);
    if (!opened.ok()) {
      if (!opened.status().IsRetryable()) {
        return ExplainRefusedReplica(connect_, opened.status());
      }
      int64_t wait = std::uniform_int_distribution<int64_t>(backoff_ms / 2, backoff_ms)(rng);
      LOG_WARN("{}; retrying in {} ms", opened.status().ToString(), wait);
      // Sleep in slices so that SIGTERM is honoured while the source is unreachable.
      for (int64_t slept = 0; slept < wait && !stopping(); slept += 100) {
        clock_->SleepForMicros(std::min<int64_t>(100, wait - slept) * 1000);
      }
      backoff_ms = std::min<int64_t>(backoff_ms * 2, 30'000);
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
    TransactionAssembler assembler(sink_.get(), ao);
    BinlogPosition seen = position;
    Status broken;
    while (true) {
      bool between = !assembler.in_transaction();
      if (between && !sink_->replaying()) {
        if (stopping() || (stop_at && seen >= *stop_at)) return sink_->Flush();
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
      if (IsHeartbeat(*event)) {
        RETURN_IF_ERROR(sink_->Tick());
        continue;
      }
      backoff_ms = 100;
      RETURN_IF_ERROR(assembler.Consume(*event));
      if (event->next_position > 0) seen = {assembler.binlog_file(), event->next_position};
    }
    if (!broken.IsRetryable()) return broken;
    if (assembler.in_transaction()) {
      sink_->Discard();
      position = sink_->RestartPosition();
    } else if (!assembler.resume_position().empty()) {
      position = assembler.resume_position();
    }
    LOG_WARN("{}; reconnecting at {}", broken.ToString(), position.ToString());
  }
}

}  // namespace binlake
