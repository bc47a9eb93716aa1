#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "binlog/event_source.h"
#include "common/result.h"
#include "model/change.h"
#include "model/gtid_set.h"
#include "mysql/connect_options.h"
#include "mysql/connection.h"

namespace binlake {

struct ReplicationOptions {
  ConnectOptions connect;
  // Replica server id for COM_REGISTER_SLAVE / COM_BINLOG_DUMP; must differ from the
  // source's and from every other replica's.
  uint32_t server_id = 0;
  // Where the dump starts: a transaction boundary. Ignored when start_gtid is set.
  BinlogPosition start;
  // GTID auto-positioning: the transactions already captured. The server sends the binlog
  // from the first transaction not in this set (MariaDB: @slave_connect_state and
  // COM_BINLOG_DUMP without a file name; MySQL: COM_BINLOG_DUMP_GTID with the encoded set).
  // Its flavour must match the server's.
  std::optional<GtidSet> start_gtid;
  // The server sends a heartbeat after this long without events. A read waits at most
  // twice this plus 5 s before the connection is declared dead (kDeadlineExceeded).
  std::chrono::milliseconds heartbeat_period{1000};
  // Ask the server to end the stream at the current end of its binlog (EOF → Next returns
  // false) instead of waiting for new events.
  bool non_blocking = false;
};

// Facts about the source server read at connect time.
struct SourceInfo {
  std::string version;
  bool is_mariadb = false;
  std::string binlog_format;        // must be ROW
  std::string binlog_row_image;     // FULL recommended
  std::string binlog_row_metadata;  // FULL recommended ("" when the server has none)
  bool checksums = false;           // binlog_checksum = CRC32
  uint32_t server_id = 0;
};

// An EventSource over a replication connection: connects, checks the server is set up for
// row-based CDC (names what is wrong and how to fix it), sets the session up for the
// server's flavour (checksums, heartbeats, MariaDB capability), registers as a replica and
// streams the binlog from options.start (or after options.start_gtid). The first events are
// the server's fake ROTATE (naming the file) and FORMAT_DESCRIPTION. Heartbeat events are delivered
// like any other event (type 27): they tell the consumer the source is idle.
//
// One connection: when it breaks, Next returns kUnavailable / kDeadlineExceeded and the
// caller opens a new source at the position it wants. Owns its connection. Not thread-safe.
class ReplicationSource : public EventSource {
 public:
  static Result<std::unique_ptr<ReplicationSource>> Open(const ReplicationOptions& options);

  Result<bool> Next(RawEvent* event) override;
  std::string_view description() const override { return description_; }
  std::string_view binlog_name() const override { return file_; }

  const SourceInfo& info() const { return info_; }

 private:
  ReplicationSource(std::unique_ptr<Connection> connection, ReplicationOptions options);
  Status StartAtGtid(const GtidSet& gtids);

  std::unique_ptr<Connection> connection_;
  const ReplicationOptions options_;
  SourceInfo info_;
  std::string description_;
  std::string file_;
};

// Reads the server's variables and fails with a clear, actionable error when binlake
// cannot capture changes from it (binary log off, binlog_format not ROW). Warns (log, once
// per process and setting) when binlog_row_image or binlog_row_metadata are not FULL.
Result<SourceInfo> CheckSource(Connection* connection);
// FailedPrecondition when the server is a replica that does not log the changes it applies
// (log_slave_updates / log_replica_updates off): they would be missing from its binlog.
// Part of CheckSource.
Status CheckReplicaLogsUpdates(Connection* connection);

// The binlog end now: SHOW BINARY LOG STATUS (MySQL ≥ 8.2) or SHOW MASTER STATUS.
Result<BinlogPosition> CurrentBinlogEnd(Connection* connection);

// A replica server id derived from the host name, stable across restarts of one host, in a
// range unlikely to clash with hand-picked ids.
uint32_t DefaultServerId();

}  // namespace binlake
