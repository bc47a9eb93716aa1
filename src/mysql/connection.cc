#include "mysql/connection.h"

#include "common/byte_reader.h"
#include "mysql/authenticator.h"
#include "mysql/protocol.h"

namespace binlake {
namespace mp = mysql_protocol;
namespace {

// SQL in error messages is cut so a 10 MB INSERT does not flood the log.
std::string ShortSql(std::string_view sql) {
  constexpr size_t kMax = 200;
  if (sql.size() <= kMax) return std::string(sql);
  return fmt::format("{}... ({} bytes)", sql.substr(0, kMax), sql.size());
}

constexpr uint16_t kServerMoreResultsExist = 0x0008;

}  // namespace

Connection::Connection(std::unique_ptr<Socket> socket, const ConnectOptions& options)
    : options_(options), socket_(std::move(socket)), io_(new PacketIo(socket_.get())) {
  socket_->set_read_timeout(options_.read_timeout);
  socket_->set_write_timeout(options_.write_timeout);
}

Connection::~Connection() { Close(); }

Result<std::unique_ptr<Connection>> Connection::Connect(const ConnectOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<Socket> socket,
                   Socket::Connect(options.host, options.port, options.connect_timeout));
  return Handshake(std::move(socket), options);
}

Result<std::unique_ptr<Connection>> Connection::Handshake(std::unique_ptr<Socket> socket,
                                                          const ConnectOptions& options) {
  std::unique_ptr<Connection> c(new Connection(std::move(socket), options));
  // Each read during the handshake waits at most the connect timeout.
  auto read_timeout = options.read_timeout;
  if (options.connect_timeout.count() > 0 &&
      (read_timeout.count() == 0 || options.connect_timeout < read_timeout)) {
    c->socket_->set_read_timeout(options.connect_timeout);
  }
  Status s = c->RunHandshake();
  if (!s.ok()) {
    c->broken_ = s;  // no COM_QUIT into a half-done handshake
    return s;
  }
  c->socket_->set_read_timeout(read_timeout);
  return c;
}

std::string Connection::peer() const { return fmt::format("{}:{}", options_.host, options_.port); }

Status Connection::RunHandshake() {
  ASSIGN_OR_RETURN(std::string_view greeting, io_->ReadPacket());
  if (mp::IsErrPacket(greeting)) {
    return ServerErrorStatus(greeting, fmt::format("connect to {}", peer()));
  }
  ASSIGN_OR_RETURN_CTX(mp::ServerHandshake hs, mp::ParseServerHandshake(greeting),
                       "server greeting from {}", peer());
  constexpr uint32_t kRequired = mp::kClientProtocol41 | mp::kClientSecureConnection;
  if ((hs.capabilities & kRequired) != kRequired) {
    return UnimplementedError("server {} ({}) lacks the 4.1 protocol and secure authentication",
                              peer(), hs.server_version);
  }
  server_version_ = mp::StripReplicationPrefix(hs.server_version);
  numeric_version_ = mp::NumericVersion(server_version_);
  is_mariadb_ = server_version_.find("MariaDB") != std::string::npos;
  connection_id_ = hs.connection_id;

  uint32_t wanted = mp::kClientLongPassword | mp::kClientLongFlag | mp::kClientProtocol41 |
                    mp::kClientTransactions | mp::kClientSecureConnection |
                    mp::kClientMultiResults | mp::kClientPluginAuth |
                    mp::kClientPluginAuthLenencData | mp::kClientConnectAttrs;
  if (!options_.database.empty()) wanted |= mp::kClientConnectWithDb;
  capabilities_ = wanted & hs.capabilities;
  // CLIENT_LONG_PASSWORD doubles as MariaDB's "CLIENT_MYSQL" bit: always send it so the
  // response layout is the MySQL one.
  capabilities_ |= mp::kClientLongPassword;
  if (!options_.database.empty() && !(capabilities_ & mp::kClientConnectWithDb)) {
    return UnimplementedError("server {} cannot select database '{}' at connect", peer(),
                              options_.database);
  }

  bool server_tls = (hs.capabilities & mp::kClientSsl) != 0;
  bool want_tls = options_.tls_mode != TlsMode::kDisabled && server_tls;
  if (options_.tls_mode != TlsMode::kDisabled && options_.tls_mode != TlsMode::kPreferred &&
      !server_tls) {
    return FailedPreconditionError(
        "server {} does not offer TLS but source.tls.mode is {}: configure ssl_cert/ssl_key on "
        "the server or lower the tls mode",
        peer(), TlsModeName(options_.tls_mode));
  }
  if (want_tls) {
    capabilities_ |= mp::kClientSsl;
    RETURN_IF_ERROR(
        io_->WritePacket(mp::BuildSslRequest(capabilities_, 1u << 30, options_.collation_id)));
    RETURN_IF_ERROR(socket_->StartTls(options_));
  }

  Authenticator auth(io_.get(), options_, socket_->tls_active());
  mp::HandshakeResponse r;
  r.capabilities = capabilities_;
  r.collation_id = options_.collation_id;
  r.user = options_.user;
  ASSIGN_OR_RETURN(r.auth_response, auth.FirstResponse(hs.auth_plugin, hs.nonce));
  r.database = options_.database;
  r.auth_plugin = auth.plugin();
  r.attributes = {{"_client_name", "binlake"}, {"program_name", options_.program_name}};
  RETURN_IF_ERROR(io_->WritePacket(mp::BuildHandshakeResponse(r)));
  Status s = auth.Finish(&last_server_error_);
  auth_plugin_ = auth.plugin();
  return s;
}

Status Connection::Broken(Status s) {
  if (!s.ok() && broken_.ok()) {
    broken_ = UnavailableError(
        "connection to {} is unusable after an earlier error ({}): "
        "reconnect",
        peer(), s.message());
  }
  return s;
}

Status Connection::CheckUsable() const {
  if (!socket_) return UnavailableError("connection to {} is closed", peer());
  return broken_;
}

Status Connection::SendCommand(uint8_t command, std::string_view body) {
  RETURN_IF_ERROR(CheckUsable());
  io_->ResetSequence();
  std::string packet;
  packet.reserve(1 + body.size());
  packet.push_back(static_cast<char>(command));
  packet.append(body);
  return Broken(io_->WritePacket(packet));
}

Result<std::string_view> Connection::Read() {
  Result<std::string_view> r = io_->ReadPacket();
  if (!r.ok()) return Broken(r.status());
  if (r->empty()) return Broken(CorruptionError("empty packet from {}", peer()));
  return r;
}

Status Connection::ServerErrorStatus(std::string_view packet, std::string_view what) {
  Result<ServerError> e = ServerError::Parse(packet);
  if (!e.ok()) return Broken(e.status());
  last_server_error_ = *e;
  return e->ToStatus(what, options_.user);
}

Status Connection::ReadResultSet(uint64_t column_count, std::string_view sql,
                                 std::vector<ColumnInfo>* columns,
                                 const std::function<Status(const TextRowView& row)>* on_row) {
  auto what = [&] { return fmt::format("query `{}` on {}", ShortSql(sql), peer()); };
  if (columns) columns->clear();
  for (uint64_t i = 0; i < column_count; ++i) {
    ASSIGN_OR_RETURN(std::string_view p, Read());
    Result<ColumnInfo> col = ColumnInfo::Parse(p);
    if (!col.ok()) return Broken(col.status().Context(what()));
    if (columns) columns->push_back(std::move(*col));
  }
  ASSIGN_OR_RETURN(std::string_view eof, Read());
  if (!mp::IsEofPacket(eof)) {
    return Broken(CorruptionError("{}: expected EOF after column definitions", what()));
  }
  Status callback_status;
  for (;;) {
    ASSIGN_OR_RETURN(std::string_view p, Read());
    if (mp::IsEofPacket(p)) {
      uint16_t status =
          p.size() >= 5 ? LoadLE16(reinterpret_cast<const uint8_t*>(p.data()) + 3) : 0;
      if (status & kServerMoreResultsExist) {
        // Further result sets (a CALL): read and drop them to keep the stream in step.
        ASSIGN_OR_RETURN(std::string_view next, Read());
        if (mp::IsErrPacket(next)) return ServerErrorStatus(next, what());
        if (mp::IsOkPacket(next)) {
          ASSIGN_OR_RETURN(mp::OkPacket ok, mp::ParseOkPacket(next));
          if (ok.status_flags & kServerMoreResultsExist) continue;
          return callback_status;
        }
        ByteReader r(next);
        ASSIGN_OR_RETURN(uint64_t n, r.LengthEncodedInt());
        RETURN_IF_ERROR(ReadResultSet(n, sql, nullptr, nullptr));
      }
      return callback_status;
    }
    if (mp::IsErrPacket(p)) return ServerErrorStatus(p, what());
    if (on_row == nullptr || !callback_status.ok()) continue;
    Status parsed = ParseTextRow(p, column_count, &row_);
    if (!parsed.ok()) return Broken(parsed.Context(what()));
    callback_status = (*on_row)(row_);
  }
}

Status Connection::QueryEach(std::string_view sql, std::vector<ColumnInfo>* columns,
                             const std::function<Status(const TextRowView& row)>& on_row) {
  RETURN_IF_ERROR(SendCommand(mp::kComQuery, sql));
  ASSIGN_OR_RETURN(std::string_view p, Read());
  if (mp::IsErrPacket(p)) {
    return ServerErrorStatus(p, fmt::format("query `{}` on {}", ShortSql(sql), peer()));
  }
  if (mp::IsOkPacket(p)) {
    if (columns) columns->clear();
    return Status::OK();
  }
  if (static_cast<uint8_t>(p[0]) == mp::kLocalInfileHeader) {
    return Broken(
        UnimplementedError("query `{}`: LOAD DATA LOCAL INFILE is not supported", ShortSql(sql)));
  }
  ByteReader r(p);
  Result<uint64_t> n = r.LengthEncodedInt();
  if (!n.ok()) return Broken(n.status());
  return ReadResultSet(*n, sql, columns, &on_row);
}

Result<QueryResult> Connection::Query(std::string_view sql) {
  QueryResult result;
  RETURN_IF_ERROR(SendCommand(mp::kComQuery, sql));
  ASSIGN_OR_RETURN(std::string_view p, Read());
  if (mp::IsErrPacket(p)) {
    return ServerErrorStatus(p, fmt::format("query `{}` on {}", ShortSql(sql), peer()));
  }
  if (mp::IsOkPacket(p)) {
    ASSIGN_OR_RETURN(mp::OkPacket ok, mp::ParseOkPacket(p));
    result.affected_rows = ok.affected_rows;
    result.last_insert_id = ok.last_insert_id;
    result.warnings = ok.warnings;
    return result;
  }
  if (static_cast<uint8_t>(p[0]) == mp::kLocalInfileHeader) {
    return Broken(
        UnimplementedError("query `{}`: LOAD DATA LOCAL INFILE is not supported", ShortSql(sql)));
  }
  ByteReader r(p);
  Result<uint64_t> n = r.LengthEncodedInt();
  if (!n.ok()) return Broken(n.status());
  std::function<Status(const TextRowView&)> keep = [&result](const TextRowView& row) {
    auto& out = result.rows.emplace_back();
    out.reserve(row.size());
    for (const auto& v : row) {
      if (v) {
        out.emplace_back(std::string(*v));
      } else {
        out.emplace_back(std::nullopt);
      }
    }
    return Status::OK();
  };
  RETURN_IF_ERROR(ReadResultSet(*n, sql, &result.columns, &keep));
  return result;
}

Status Connection::Execute(std::string_view sql) {
  return QueryEach(sql, nullptr, [](const TextRowView&) { return Status::OK(); });
}

Status Connection::Ping() {
  RETURN_IF_ERROR(SendCommand(mp::kComPing, ""));
  ASSIGN_OR_RETURN(std::string_view p, Read());
  if (mp::IsErrPacket(p)) return ServerErrorStatus(p, fmt::format("ping {}", peer()));
  return Status::OK();
}

void Connection::SetReadTimeout(std::chrono::milliseconds timeout) {
  options_.read_timeout = timeout;
  if (socket_) socket_->set_read_timeout(timeout);
}

Status Connection::RegisterReplica(uint32_t server_id, std::string_view report_host,
                                   uint16_t report_port, std::string_view report_user,
                                   std::string_view report_password) {
  if (report_host.size() > 255 || report_user.size() > 255 || report_password.size() > 255) {
    return InvalidArgumentError("replica report host/user/password must be under 256 bytes");
  }
  std::string body;
  AppendLE(&body, server_id, 4);
  for (std::string_view s : {report_host, report_user, report_password}) {
    body.push_back(static_cast<char>(s.size()));
    body.append(s);
  }
  AppendLE(&body, report_port, 2);
  AppendLE(&body, 0, 4);  // replication rank, unused
  AppendLE(&body, 0, 4);  // master id: filled in by the server
  RETURN_IF_ERROR(SendCommand(mp::kComRegisterSlave, body));
  ASSIGN_OR_RETURN(std::string_view p, Read());
  if (mp::IsErrPacket(p)) {
    return ServerErrorStatus(
        p, fmt::format("register as replica with server_id {} on {}", server_id, peer()));
  }
  if (!mp::IsOkPacket(p)) {
    return Broken(CorruptionError("register replica on {}: unexpected reply 0x{:02x}", peer(),
                                  static_cast<uint8_t>(p[0])));
  }
  return Status::OK();
}

Status Connection::StartBinlogDump(std::string_view file, uint32_t position, uint32_t server_id,
                                   bool non_blocking) {
  std::string body;
  AppendLE(&body, position, 4);
  AppendLE(&body, non_blocking ? mp::kBinlogDumpNonBlock : 0, 2);
  AppendLE(&body, server_id, 4);
  body.append(file);
  return SendCommand(mp::kComBinlogDump, body);
}

Status Connection::StartBinlogDumpGtid(uint32_t server_id, std::string_view file, uint64_t position,
                                       std::string_view encoded_gtid_set, uint16_t flags) {
  if (!encoded_gtid_set.empty()) flags |= mp::kBinlogThroughGtid;
  std::string body;
  AppendLE(&body, flags, 2);
  AppendLE(&body, server_id, 4);
  AppendLE(&body, file.size(), 4);
  body.append(file);
  AppendLE(&body, position, 8);
  if (flags & mp::kBinlogThroughGtid) {
    AppendLE(&body, encoded_gtid_set.size(), 4);
    body.append(encoded_gtid_set);
  }
  return SendCommand(mp::kComBinlogDumpGtid, body);
}

Result<std::string_view> Connection::ReadBinlogPacket() {
  RETURN_IF_ERROR(CheckUsable());
  ASSIGN_OR_RETURN(std::string_view p, Read());
  uint8_t header = static_cast<uint8_t>(p[0]);
  if (header == mp::kOkHeader) return p.substr(1);
  if (mp::IsEofPacket(p)) {
    // The server ends the session with the dump.
    broken_ = UnavailableError(
        "the binlog dump on {} ended and the server closed the session: reconnect", peer());
    return std::string_view();
  }
  if (header == mp::kErrHeader) {
    return ServerErrorStatus(p, fmt::format("read binlog stream from {}", peer()));
  }
  return Broken(
      CorruptionError("binlog stream from {}: packet starts with 0x{:02x}, expected "
                      "0x00 (event), 0xfe (end) or 0xff (error)",
                      peer(), header));
}

void Connection::Close() {
  if (!socket_) return;
  if (broken_.ok()) {
    io_->ResetSequence();
    char quit = static_cast<char>(mp::kComQuit);
    io_->WritePacket(std::string_view(&quit, 1)).IgnoreError();
  }
  socket_->Close();
  io_.reset();
  socket_.reset();
}

}  // namespace binlake
