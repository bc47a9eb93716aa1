#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "mysql/connect_options.h"
#include "mysql/packet_io.h"
#include "mysql/query_result.h"
#include "mysql/server_error.h"
#include "mysql/socket.h"

namespace binlake {

// Connection is one authenticated client session with a MySQL or MariaDB server, spoken
// over binlake's own implementation of the client/server protocol: text-protocol queries,
// and the replication commands a binlog reader needs (register as a replica, start a
// binlog dump by file/position or by GTID set, read events).
//
// Errors: the server's own errors carry its number, SQLSTATE and message and map to codes
// as ServerError::ToStatus documents (1045 kUnauthenticated, missing privileges
// kPermissionDenied, ...); the last one stays available in last_server_error(), e.g. to
// recognise 1236 (binlog position purged). Lost connections are kUnavailable, timeouts
// kDeadlineExceeded; after a network or protocol error the connection is unusable and every
// later call fails with kUnavailable: reconnect with Connect().
//
// Owns its socket. Not thread-safe: one thread at a time.
class Connection {
 public:
  // Connects over TCP, negotiates TLS as options.tls_mode asks, authenticates.
  static Result<std::unique_ptr<Connection>> Connect(const ConnectOptions& options);
  // The same over an already-connected stream (Unix socket; a socketpair in tests).
  static Result<std::unique_ptr<Connection>> Handshake(std::unique_ptr<Socket> socket,
                                                       const ConnectOptions& options);

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one SQL statement and returns its whole result (columns, rows as exact bytes, NULL
  // as nullopt), or the affected-row counts of a statement without result set.
  Result<QueryResult> Query(std::string_view sql);

  // Runs one SQL statement and streams its rows to on_row without keeping them, so a large
  // SELECT needs memory for one row only. *columns (may be null) is filled before the first
  // row. When on_row fails, the rest of the result is read and dropped (the connection stays
  // usable) and on_row's status is returned.
  Status QueryEach(std::string_view sql, std::vector<ColumnInfo>* columns,
                   const std::function<Status(const TextRowView& row)>& on_row);

  // Runs one SQL statement, discarding any rows.
  Status Execute(std::string_view sql);

  // COM_PING.
  Status Ping();

  // Server version without MariaDB's "5.5.5-" replication prefix, e.g. "10.11.6-MariaDB-log".
  const std::string& server_version() const { return server_version_; }
  // major*10000 + minor*100 + patch, e.g. 101106 or 80036.
  uint32_t numeric_version() const { return numeric_version_; }
  bool IsMariaDB() const { return is_mariadb_; }
  uint32_t connection_id() const { return connection_id_; }
  bool tls_active() const { return socket_ && socket_->tls_active(); }
  std::string tls_version() const { return socket_ ? socket_->tls_version() : ""; }
  // The plugin the server accepted (after any auth switch).
  const std::string& auth_plugin() const { return auth_plugin_; }
  // "127.0.0.1:3306"
  std::string peer() const;

  // The last ERR packet the server sent on this connection.
  const std::optional<ServerError>& last_server_error() const { return last_server_error_; }

  // How long one read may wait; 0 waits forever. A binlog stream sets it above the
  // heartbeat period so a dead primary is noticed.
  void SetReadTimeout(std::chrono::milliseconds timeout);

  // --- Replication -------------------------------------------------------------------

  // COM_REGISTER_SLAVE: announces this client as a replica (shown in SHOW SLAVE HOSTS).
  Status RegisterReplica(uint32_t server_id, std::string_view report_host = "",
                         uint16_t report_port = 0, std::string_view report_user = "",
                         std::string_view report_password = "");

  // COM_BINLOG_DUMP from `file` at `position`. With non_blocking the server sends an EOF
  // after the last event instead of waiting for new ones. Events are then read with
  // ReadBinlogPacket(); the first is a fake ROTATE, then FORMAT_DESCRIPTION.
  // REQUIRES: session variables (@master_binlog_checksum, ...) already set by the caller.
  Status StartBinlogDump(std::string_view file, uint32_t position, uint32_t server_id,
                         bool non_blocking);

  // COM_BINLOG_DUMP_GTID (MySQL): flags are kBinlogDumpNonBlock / kBinlogThroughPosition /
  // kBinlogThroughGtid (mysql/protocol.h); encoded_gtid_set is the SID-block encoding of
  // the executed GTID set and is sent when flags has kBinlogThroughGtid (set automatically
  // when the set is non-empty).
  Status StartBinlogDumpGtid(uint32_t server_id, std::string_view file, uint64_t position,
                             std::string_view encoded_gtid_set, uint16_t flags);

  // The next binlog event of a started dump: its raw bytes (header, body, checksum), after
  // the 0x00 status byte. An empty view means end of stream (EOF packet of a non-blocking
  // dump); the server then closes the session, so later calls fail with kUnavailable until
  // the caller reconnects. A server ERR packet becomes its Status (1236: the position was purged or
  // is invalid; see last_server_error()). The view is valid until the next call.
  Result<std::string_view> ReadBinlogPacket();

  // Sends COM_QUIT (best effort) and closes the socket. Idempotent.
  void Close();

 private:
  Connection(std::unique_ptr<Socket> socket, const ConnectOptions& options);

  Status RunHandshake();
  // Sends a command packet (sequence 0).
  Status SendCommand(uint8_t command, std::string_view body);
  // Reads one packet; network and framing errors break the connection.
  Result<std::string_view> Read();
  Status ServerErrorStatus(std::string_view packet, std::string_view what);
  // Reads the rest of a result set after its column count (and any further result sets).
  Status ReadResultSet(uint64_t column_count, std::string_view sql,
                       std::vector<ColumnInfo>* columns,
                       const std::function<Status(const TextRowView& row)>* on_row);
  Status Broken(Status s);
  Status CheckUsable() const;

  // Constant after the handshake.
  ConnectOptions options_;
  std::unique_ptr<Socket> socket_;
  std::unique_ptr<PacketIo> io_;
  std::string server_version_;
  uint32_t numeric_version_ = 0;
  bool is_mariadb_ = false;
  uint32_t connection_id_ = 0;
  uint32_t capabilities_ = 0;
  std::string auth_plugin_;

  Status broken_;
  std::optional<ServerError> last_server_error_;
  TextRowView row_;
};

}  // namespace binlake
