#include "binlog/replication_source.h"

#include <fmt/format.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>

#include "common/byte_reader.h"
#include "common/logging.h"
#include "mysql/protocol.h"

namespace binlake {
namespace {

constexpr uint8_t kRotateEvent = 4;
constexpr size_t kHeaderSize = 19;

Result<std::string> Variable(Connection* c, const std::string& name) {
  ASSIGN_OR_RETURN(QueryResult r, c->Query("SHOW GLOBAL VARIABLES LIKE '" + name + "'"));
  if (r.rows.empty() || r.rows[0].size() < 2 || !r.rows[0][1]) return std::string();
  return *r.rows[0][1];
}

}  // namespace

uint32_t DefaultServerId() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  uint32_t crc = static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(host), static_cast<uInt>(strlen(host))));
  return 0x5B000000u | (crc & 0x00FFFFFFu);
}

Result<SourceInfo> CheckSource(Connection* c) {
  SourceInfo info;
  info.version = c->server_version();
  info.is_mariadb = c->IsMariaDB();
  ASSIGN_OR_RETURN(std::string log_bin, Variable(c, "log_bin"));
  if (log_bin != "ON" && log_bin != "1") {
    return FailedPreconditionError(
        "the binary log is off on {} (log_bin = {}): start the server with log_bin (e.g. "
        "log-bin=mysql-bin in my.cnf) and binlog_format=ROW; binlake reads changes from it",
        c->peer(), log_bin.empty() ? "unknown" : log_bin);
  }
  ASSIGN_OR_RETURN(info.binlog_format, Variable(c, "binlog_format"));
  if (info.binlog_format != "ROW") {
    return FailedPreconditionError(
        "binlog_format is {} on {}, but binlake needs ROW: run SET GLOBAL binlog_format = 'ROW' "
        "and set binlog_format=ROW in the server's configuration (sessions that are already "
        "open keep the old format until they reconnect)",
        info.binlog_format, c->peer());
  }
  ASSIGN_OR_RETURN(info.binlog_row_image, Variable(c, "binlog_row_image"));
  ASSIGN_OR_RETURN(info.binlog_row_metadata, Variable(c, "binlog_row_metadata"));
  ASSIGN_OR_RETURN(std::string checksum, Variable(c, "binlog_checksum"));
  info.checksums = checksum == "CRC32";
  ASSIGN_OR_RETURN(std::string server_id, Variable(c, "server_id"));
  info.server_id = static_cast<uint32_t>(std::strtoul(server_id.c_str(), nullptr, 10));
  // Once per process: a replicator re-checks the source on every reconnect.
  static std::atomic<bool> warned_image{false};
  static std::atomic<bool> warned_metadata{false};
  if (!info.binlog_row_image.empty() && info.binlog_row_image != "FULL" &&
      !warned_image.exchange(true)) {
    LOG_WARN(
        "binlog_row_image is {} on {}: changes carry only some columns, so files may hold "
        "absent values; set binlog_row_image=FULL for complete rows",
        info.binlog_row_image, c->peer());
  }
  if (!info.binlog_row_metadata.empty() && info.binlog_row_metadata != "FULL" &&
      !warned_metadata.exchange(true)) {
    LOG_WARN(
        "binlog_row_metadata is {} on {}: column names come from information_schema instead "
        "of the binlog, which is racy around schema changes; set binlog_row_metadata=FULL "
        "(SET GLOBAL binlog_row_metadata = 'FULL', and in the server's configuration)",
        info.binlog_row_metadata, c->peer());
  }
  RETURN_IF_ERROR(CheckReplicaLogsUpdates(c));
  return info;
}

Status CheckReplicaLogsUpdates(Connection* c) {
  // MySQL 8.0.26 renamed the variable; both names are asked, the new one first.
  ASSIGN_OR_RETURN(std::string updates, Variable(c, "log_replica_updates"));
  if (updates.empty()) {
    ASSIGN_OR_RETURN(updates, Variable(c, "log_slave_updates"));
  }
  if (updates != "OFF" && updates != "0") return Status::OK();
  // Is it a replica? MariaDB counts its running replication threads in a status variable
  // any user may read; MySQL lists its channels to REPLICATION CLIENT, a grant binlake needs.
  bool replica = false;
  std::string of;
  if (c->IsMariaDB()) {
    Result<QueryResult> r = c->Query("SHOW GLOBAL STATUS LIKE 'Slaves_running'");
    replica = r.ok() && !r->rows.empty() && r->rows[0].size() >= 2 && r->rows[0][1] &&
              *r->rows[0][1] != "0";
  } else {
    bool new_syntax = c->numeric_version() >= 80022;
    Result<QueryResult> r = c->Query(new_syntax ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS");
    replica = r.ok() && !r->rows.empty();
    if (replica) {
      for (size_t i = 0; i < r->columns.size() && i < r->rows[0].size(); ++i) {
        const std::string& name = r->columns[i].name;
        if ((name == "Source_Host" || name == "Master_Host") && r->rows[0][i]) {
          of = " of " + *r->rows[0][i];
        }
      }
    }
  }
  if (!replica) return Status::OK();
  return FailedPreconditionError(
      "{} is a replica{} with log_slave_updates off: the changes it applies from its source "
      "are not written to its binary log, so binlake would never see them. Set "
      "log_slave_updates=ON (MySQL 8.0.26+: log_replica_updates) in the server's "
      "configuration and restart it, or replicate from its source",
      c->peer(), of);
}

Result<BinlogPosition> CurrentBinlogEnd(Connection* c) {
  bool new_syntax = !c->IsMariaDB() && c->numeric_version() >= 80200;
  ASSIGN_OR_RETURN(QueryResult r,
                   c->Query(new_syntax ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS"));
  if (r.rows.empty() || r.rows[0].size() < 2 || !r.rows[0][0] || !r.rows[0][1]) {
    return FailedPreconditionError(
        "{} reports no binary log status: is log_bin enabled, and does the user have the "
        "REPLICATION CLIENT (MariaDB: BINLOG MONITOR) privilege?",
        c->peer());
  }
  return BinlogPosition{*r.rows[0][0], std::strtoull(r.rows[0][1]->c_str(), nullptr, 10)};
}

ReplicationSource::ReplicationSource(std::unique_ptr<Connection> connection,
                                     ReplicationOptions options)
    : connection_(std::move(connection)), options_(std::move(options)) {
  description_ = "binlog stream from " + connection_->peer();
  file_ = options_.start.file;
}

Result<std::unique_ptr<ReplicationSource>> ReplicationSource::Open(
    const ReplicationOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(options.connect));
  std::unique_ptr<ReplicationSource> s(new ReplicationSource(std::move(c), options));
  Connection* conn = s->connection_.get();
  ASSIGN_OR_RETURN(s->info_, CheckSource(conn));
  if (s->info_.server_id == options.server_id) {
    return InvalidArgumentError(
        "source.server_id {} equals the server_id of {}: choose another replica id",
        options.server_id, conn->peer());
  }
  int64_t period_ns = std::chrono::nanoseconds(options.heartbeat_period).count();
  // The checksum variable tells the server we verify CRC32 (both names: MySQL renamed it).
  RETURN_IF_ERROR(
      conn->Execute("SET @master_binlog_checksum = @@global.binlog_checksum, "
                    "@source_binlog_checksum = @@global.binlog_checksum"));
  RETURN_IF_ERROR(
      conn->Execute(fmt::format("SET @master_heartbeat_period = {}, "
                                "@source_heartbeat_period = {}",
                                period_ns, period_ns)));
  if (s->info_.is_mariadb) {
    // 4 = MARIA_SLAVE_CAPABILITY_GTID: we understand GTID, ANNOTATE_ROWS, checkpoints.
    RETURN_IF_ERROR(conn->Execute("SET @mariadb_slave_capability = 4"));
  } else {
    RETURN_IF_ERROR(conn->Execute("SET @slave_uuid = UUID(), @replica_uuid = @slave_uuid"));
  }
  RETURN_IF_ERROR(conn->RegisterReplica(options.server_id));
  conn->SetReadTimeout(2 * options.heartbeat_period + std::chrono::seconds(5));
  if (options.start_gtid) {
    RETURN_IF_ERROR(s->StartAtGtid(*options.start_gtid));
    return s;
  }
  if (options.start.offset > 0xffffffffull) {
    return InvalidArgumentError("binlog position {} does not fit COM_BINLOG_DUMP",
                                options.start.ToString());
  }
  Status dump =
      conn->StartBinlogDump(options.start.file, static_cast<uint32_t>(options.start.offset),
                            options.server_id, options.non_blocking);
  RETURN_IF_ERROR(dump.Context(fmt::format("starting the binlog dump at {} from {}",
                                           options.start.ToString(), conn->peer())));
  return s;
}

Status ReplicationSource::StartAtGtid(const GtidSet& gtids) {
  Connection* conn = connection_.get();
  std::string text = gtids.ToString();
  bool mariadb_set = gtids.is_mariadb() || (gtids.empty() && info_.is_mariadb);
  if (mariadb_set != info_.is_mariadb) {
    return InvalidArgumentError(
        "the start GTID set '{}' is a {} set but {} is a {} server ({}): give a GTID set of "
        "the server's own flavour (SELECT @@{})",
        text, gtids.is_mariadb() ? "MariaDB" : "MySQL", conn->peer(),
        info_.is_mariadb ? "MariaDB" : "MySQL", info_.version,
        info_.is_mariadb ? "gtid_binlog_pos" : "gtid_executed");
  }
  Status dump;
  if (info_.is_mariadb) {
    // The text holds only digits, '-' and ',' (GtidSet's canonical form), so it is safe to
    // quote. Strict mode off: the set may name a position this server did not write itself.
    RETURN_IF_ERROR(conn->Execute("SET @slave_connect_state = '" + text +
                                  "', @slave_gtid_strict_mode = 0, "
                                  "@slave_gtid_ignore_duplicates = 0"));
    dump = conn->StartBinlogDump("", 4, options_.server_id, options_.non_blocking);
  } else {
    ASSIGN_OR_RETURN(std::string mode, Variable(conn, "gtid_mode"));
    if (mode != "ON") {
      return FailedPreconditionError(
          "gtid_mode is {} on {}, so it cannot start a binlog dump after GTID set '{}': "
          "give a file and position instead (start.file and start.pos), or enable GTIDs "
          "(gtid_mode=ON with enforce_gtid_consistency=ON)",
          mode.empty() ? "unknown" : mode, conn->peer(), text);
    }
    uint16_t flags = mysql_protocol::kBinlogThroughGtid;
    if (options_.non_blocking) flags |= mysql_protocol::kBinlogDumpNonBlock;
    dump = conn->StartBinlogDumpGtid(options_.server_id, "", 4, gtids.EncodeMySql(), flags);
  }
  return dump.Context(
      fmt::format("starting the binlog dump after GTID set '{}' from {}", text, conn->peer()));
}

Result<bool> ReplicationSource::Next(RawEvent* event) {
  Result<std::string_view> packet = connection_->ReadBinlogPacket();
  if (!packet.ok()) {
    const std::optional<ServerError>& err = connection_->last_server_error();
    if (err && err->code == 1236 && options_.start_gtid && file_.empty()) {
      return FailedPreconditionError(
          "the server cannot send the binlog after GTID set '{}' ({}): the transactions "
          "after it are no longer in its binlog (purged), or the set names transactions the "
          "server never wrote. Check SELECT @@gtid_binlog_pos / @@gtid_executed and SHOW "
          "BINARY LOGS; start from a set the server still has, or over with a new full load",
          options_.start_gtid->ToString(), err->message);
    }
    if (err && err->code == 1236) {
      return FailedPreconditionError(
          "the server cannot send the binlog from {} ({}): the position was probably purged "
          "(binlog_expire_logs_seconds / expire_logs_days too short, or PURGE BINARY LOGS). "
          "Nothing after the last checkpoint can be captured from this server: start over "
          "with a new full load (empty target) or restore the missing binlog files",
          file_, err->message);
    }
    return packet.status().Context(description_);
  }
  if (packet->empty()) return false;  // EOF of a non-blocking dump
  if (packet->size() < kHeaderSize) {
    return CorruptionError("{}: event of {} bytes is shorter than its header", description_,
                           packet->size());
  }
  const uint8_t* p = reinterpret_cast<const uint8_t*>(packet->data());
  uint32_t size = LoadLE32(p + 9);
  uint32_t log_pos = LoadLE32(p + 13);
  event->bytes = *packet;
  event->offset = log_pos >= size ? log_pos - size : 0;
  if (p[4] == kRotateEvent && packet->size() >= kHeaderSize + 8) {
    size_t name_len = packet->size() - kHeaderSize - 8;
    // With checksums on, every event of the stream ends in a CRC32, the fake ROTATE that
    // opens it (sent before FORMAT_DESCRIPTION) included.
    if (info_.checksums && name_len >= 4) name_len -= 4;
    file_.assign(packet->data() + kHeaderSize + 8, name_len);
  }
  return true;
}

}  // namespace binlake
