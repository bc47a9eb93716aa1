// Connection against the rig's real MariaDB: authentication, TLS modes, errors, large
// packets and the start of a binlog dump.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/byte_reader.h"
#include "mysql/connection.h"
#include "mysql/ed25519.h"
#include "mysql/protocol.h"
#include "mysql/sql_text.h"
#include "tests/support/test_env.h"

namespace binlake {
namespace {

class MysqlConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto env = testing::LoadRigEnv("mariadb");
    if (!env) GTEST_SKIP() << testing::RigSkipReason("mariadb");
    env_ = *env;
  }

  ConnectOptions Options(const std::string& user_key, const std::string& password_key) {
    ConnectOptions o;
    o.host = env_.at("MARIADB_HOST");
    o.port = static_cast<uint16_t>(std::stoi(env_.at("MARIADB_PORT")));
    o.user = env_.at(user_key);
    o.password = env_.at(password_key);
    o.tls_mode = TlsMode::kDisabled;
    return o;
  }
  ConnectOptions Binlake() { return Options("BINLAKE_USER", "BINLAKE_PASSWORD"); }
  ConnectOptions Admin() { return Options("MARIADB_ADMIN_USER", "MARIADB_ADMIN_PASSWORD"); }

  std::unique_ptr<Connection> MustConnect(const ConnectOptions& o) {
    auto c = Connection::Connect(o);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(*c) : nullptr;
  }

  // One value of a one-row query.
  std::optional<std::string> Scalar(Connection* c, std::string_view sql) {
    Result<QueryResult> r = c->Query(sql);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok() || r->rows.size() != 1) return "<no single row>";
    return r->rows[0][0];
  }

  std::map<std::string, std::string> env_;
};

TEST_F(MysqlConnectionTest, ConnectAndQueryAsBinlakeUser) {
  ConnectOptions o = Binlake();
  o.database = "mysql";
  auto c = MustConnect(o);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->IsMariaDB());
  EXPECT_EQ(Scalar(c.get(), "SELECT DATABASE()"), "mysql");
  EXPECT_EQ(Scalar(c.get(), "SELECT VERSION()"), c->server_version());
  EXPECT_EQ(Scalar(c.get(), "SELECT CONNECTION_ID()"), std::to_string(c->connection_id()));
  EXPECT_EQ(c->numeric_version() / 100, 1011u);  // the rig runs MariaDB 10.11
  EXPECT_EQ(c->auth_plugin(), "mysql_native_password");
  EXPECT_FALSE(c->tls_active());

  Result<QueryResult> r = c->Query(
      "SELECT 1 AS one, NULL AS n, '' AS e, X'00FF41' AS b, _utf8mb4 x'F09F9880' AS u,"
      " -12.50 AS d");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->columns.size(), 6u);
  EXPECT_EQ(r->columns[0].name, "one");
  EXPECT_EQ(r->columns[5].name, "d");
  EXPECT_EQ(r->columns[5].type, 246);  // NEWDECIMAL
  ASSERT_EQ(r->rows.size(), 1u);
  const auto& row = r->rows[0];
  EXPECT_EQ(row[0], std::optional<std::string>("1"));
  EXPECT_EQ(row[1], std::nullopt);
  EXPECT_EQ(row[2], std::optional<std::string>(""));
  EXPECT_EQ(row[3], std::optional<std::string>(std::string("\x00\xff"
                                                           "A",
                                                           3)));
  EXPECT_EQ(row[4], std::optional<std::string>("\xF0\x9F\x98\x80"));
  EXPECT_EQ(row[5], std::optional<std::string>("-12.50"));

  // Streaming: many rows, nothing kept.
  std::vector<ColumnInfo> cols;
  uint64_t count = 0, sum = 0;
  Status s = c->QueryEach("SELECT seq FROM seq_1_to_100000", &cols, [&](const TextRowView& v) {
    ++count;
    sum += std::stoull(std::string(*v[0]));
    return Status::OK();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(cols.size(), 1u);
  EXPECT_EQ(count, 100000u);
  EXPECT_EQ(sum, 5000050000u);

  // A callback error stops delivery but leaves the connection usable.
  int seen = 0;
  Status stop = c->QueryEach("SELECT seq FROM seq_1_to_1000", nullptr, [&](const TextRowView&) {
    ++seen;
    return CancelledError("enough");
  });
  EXPECT_EQ(stop.code(), StatusCode::kCancelled);
  EXPECT_EQ(seen, 1);
  EXPECT_EQ(Scalar(c.get(), "SELECT 2"), "2");
  EXPECT_TRUE(c->Ping().ok());
}

// Quoted literals and identifiers come back from the server byte for byte.
TEST_F(MysqlConnectionTest, SqlTextRoundTrips) {
  auto c = MustConnect(Binlake());
  ASSERT_TRUE(c);
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(Scalar(c.get(), "SELECT _binary " + sql::QuoteString(all)), all);
  EXPECT_EQ(Scalar(c.get(), "SELECT " + sql::HexLiteral(all, "binary")), all);
  EXPECT_EQ(Scalar(c.get(), "SELECT " + sql::HexLiteral("\xF0\x9F\x98\x80 \xC3\xA9", "utf8mb4")),
            "\xF0\x9F\x98\x80 \xC3\xA9");
  Result<QueryResult> r = c->Query("SELECT 1 AS " + sql::QuoteIdentifier("we`ird name"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->columns[0].name, "we`ird name");
}

TEST_F(MysqlConnectionTest, WrongPasswordIsUnauthenticated) {
  ConnectOptions o = Binlake();
  o.password = "definitely-wrong";
  auto c = Connection::Connect(o);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(c.status().message().find("access denied for user '" + o.user + "'"), std::string::npos)
      << c.status().message();
  EXPECT_NE(c.status().message().find("error 1045 (28000)"), std::string::npos);
  EXPECT_NE(c.status().message().find("check source.user and source.password"), std::string::npos);
}

TEST_F(MysqlConnectionTest, TlsModes) {
  for (TlsMode mode : {TlsMode::kRequired, TlsMode::kVerifyCa, TlsMode::kVerifyIdentity}) {
    ConnectOptions o = Binlake();
    o.tls_mode = mode;
    o.tls_ca_file = env_.at("MARIADB_TLS_CA");
    auto c = MustConnect(o);
    ASSERT_TRUE(c) << TlsModeName(mode);
    EXPECT_TRUE(c->tls_active());
    Result<QueryResult> r = c->Query("SHOW SESSION STATUS LIKE 'Ssl_version'");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->rows.size(), 1u);
    EXPECT_EQ(r->rows[0][1], std::optional<std::string>(c->tls_version()));
    EXPECT_NE(c->tls_version(), "");
  }
  // The server certificate does not chain to the public CAs.
  ConnectOptions bad = Binlake();
  bad.tls_mode = TlsMode::kVerifyCa;
  bad.tls_ca_file = "/etc/ssl/certs/ca-certificates.crt";
  auto c = Connection::Connect(bad);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kFailedPrecondition);  // waiting will not help
  EXPECT_NE(c.status().message().find("server certificate rejected"), std::string::npos)
      << c.status().message();
}

TEST_F(MysqlConnectionTest, AuthSwitchToTheAccountsPlugin) {
  auto admin = MustConnect(Admin());
  ASSERT_TRUE(admin);
  ASSERT_TRUE(admin->Execute("DROP USER IF EXISTS 'binlake_switch'@'%'").ok());
  ASSERT_TRUE(admin
                  ->Execute("CREATE USER 'binlake_switch'@'%' IDENTIFIED VIA "
                            "mysql_native_password USING PASSWORD('sw1tch-pw')")
                  .ok());
  ConnectOptions o = Binlake();
  o.user = "binlake_switch";
  o.password = "sw1tch-pw";
  o.initial_auth_plugin = "caching_sha2_password";  // not the account's: the server switches
  auto c = MustConnect(o);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->auth_plugin(), "mysql_native_password");
  EXPECT_EQ(Scalar(c.get(), "SELECT CURRENT_USER()"), "binlake_switch@%");

  // Over TLS too (the switch then happens inside the encrypted session).
  o.tls_mode = TlsMode::kRequired;
  auto t = MustConnect(o);
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->tls_active());
  ASSERT_TRUE(admin->Execute("DROP USER 'binlake_switch'@'%'").ok());
}

TEST_F(MysqlConnectionTest, Ed25519Account) {
  auto admin = MustConnect(Admin());
  ASSERT_TRUE(admin);
  Result<QueryResult> have =
      admin->Query("SELECT COUNT(*) FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'ed25519'");
  ASSERT_TRUE(have.ok());
  if (have->rows[0][0] != "1") {
    Status installed = admin->Execute("INSTALL SONAME 'auth_ed25519'");
    if (!installed.ok()) GTEST_SKIP() << "no ed25519 plugin: " << installed.ToString();
  }
  ASSERT_TRUE(admin->Execute("DROP USER IF EXISTS 'binlake_ed'@'%'").ok());
  ASSERT_TRUE(admin
                  ->Execute("CREATE USER 'binlake_ed'@'%' IDENTIFIED VIA ed25519 USING "
                            "PASSWORD('ed-pass-\xC3\xA9')")
                  .ok());
  // The server stores the public key base64-encoded; ours must be the same key.
  Result<std::string> pub = auth::MariaDbEd25519PublicKey("ed-pass-\xC3\xA9");
  ASSERT_TRUE(pub.ok());
  unsigned char b64[64];
  int n = EVP_EncodeBlock(b64, reinterpret_cast<const unsigned char*>(pub->data()), 32);
  std::string expected(reinterpret_cast<char*>(b64), n);
  while (!expected.empty() && expected.back() == '=') expected.pop_back();
  EXPECT_EQ(Scalar(admin.get(),
                   "SELECT JSON_VALUE(Priv, '$.authentication_string') FROM mysql.global_priv "
                   "WHERE User = 'binlake_ed'"),
            expected);

  ConnectOptions o = Binlake();
  o.user = "binlake_ed";
  o.password = "ed-pass-\xC3\xA9";
  auto c = MustConnect(o);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->auth_plugin(), "client_ed25519");
  EXPECT_EQ(Scalar(c.get(), "SELECT CURRENT_USER()"), "binlake_ed@%");

  o.password = "wrong";
  auto bad = Connection::Connect(o);
  EXPECT_EQ(bad.status().code(), StatusCode::kUnauthenticated);
  ASSERT_TRUE(admin->Execute("DROP USER 'binlake_ed'@'%'").ok());
}

TEST_F(MysqlConnectionTest, PermissionErrorNamesThePrivilege) {
  auto c = MustConnect(Binlake());
  ASSERT_TRUE(c);
  Status s = c->Execute("CREATE DATABASE binlake_should_not_exist");
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s.ToString();
  ASSERT_TRUE(c->last_server_error().has_value());
  EXPECT_EQ(c->last_server_error()->code, 1044);

  Status g = c->Execute("SET GLOBAL max_connections = 151");
  EXPECT_EQ(g.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(c->last_server_error()->code, 1227);
  EXPECT_NE(g.message().find("lacks one of the privileges SUPER, CONNECTION ADMIN"),
            std::string::npos)
      << g.message();

  auto admin = MustConnect(Admin());
  ASSERT_TRUE(admin);
  ASSERT_TRUE(admin->Execute("DROP USER IF EXISTS 'binlake_sel'@'%'").ok());
  ASSERT_TRUE(admin->Execute("CREATE USER 'binlake_sel'@'%' IDENTIFIED BY 'sel'").ok());
  ASSERT_TRUE(admin->Execute("CREATE DATABASE IF NOT EXISTS binlake_mysql_test").ok());
  ASSERT_TRUE(admin->Execute("CREATE TABLE IF NOT EXISTS binlake_mysql_test.t (a INT)").ok());
  ConnectOptions o = Binlake();
  o.user = "binlake_sel";
  o.password = "sel";
  auto sel = MustConnect(o);
  ASSERT_TRUE(sel);
  Status t = sel->Execute("SELECT * FROM binlake_mysql_test.t");
  EXPECT_EQ(t.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(sel->last_server_error()->code, 1142);
  EXPECT_NE(t.message().find("lacks the SELECT privilege"), std::string::npos) << t.message();
  ASSERT_TRUE(admin->Execute("DROP USER 'binlake_sel'@'%'").ok());
  ASSERT_TRUE(admin->Execute("DROP DATABASE binlake_mysql_test").ok());
}

// Rows and statements around and beyond the 16 MiB packet size.
TEST_F(MysqlConnectionTest, LargePackets) {
  auto c = MustConnect(Binlake());
  ASSERT_TRUE(c);
  // A one-value row's payload is the value plus a 4-byte length prefix: 0xffffff - 4 makes
  // the payload exactly 0xffffff, followed by an empty packet.
  for (size_t len : {size_t{0xffffff - 4}, size_t{0xffffff - 3}, size_t{20'000'001}}) {
    Result<QueryResult> r =
        c->Query(fmt::format("SELECT LEFT(REPEAT('abc', {}), {}) AS v", (len + 2) / 3, len));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->rows.size(), 1u);
    const std::string& v = *r->rows[0][0];
    ASSERT_EQ(v.size(), len);
    bool pattern_ok = true;
    for (size_t i = 0; i < v.size(); ++i) pattern_ok &= v[i] == "abc"[i % 3];
    EXPECT_TRUE(pattern_ok) << "value of " << len << " bytes differs from the pattern";
  }
  // A statement over 16 MiB is split on the way in.
  std::string literal(17 << 20, 'q');
  EXPECT_EQ(Scalar(c.get(), "SELECT LENGTH('" + literal + "')"), std::to_string(17 << 20));
}

TEST_F(MysqlConnectionTest, BinlogDumpStartsWithRotateThenFormatDescription) {
  auto c = MustConnect(Binlake());
  ASSERT_TRUE(c);
  Result<QueryResult> st = c->Query("SHOW MASTER STATUS");
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  ASSERT_EQ(st->rows.size(), 1u);
  std::string file = *st->rows[0][0];
  uint32_t pos = static_cast<uint32_t>(std::stoul(*st->rows[0][1]));
  ASSERT_TRUE(c->Execute("SET @master_binlog_checksum = @@global.binlog_checksum").ok());
  ASSERT_TRUE(c->Execute("SET @mariadb_slave_capability = 4").ok());
  ASSERT_TRUE(c->RegisterReplica(4242).ok());
  ASSERT_TRUE(c->StartBinlogDump(file, pos, 4242, /*non_blocking=*/true).ok());

  Result<std::string_view> rotate = c->ReadBinlogPacket();
  ASSERT_TRUE(rotate.ok()) << rotate.status().ToString();
  ASSERT_GE(rotate->size(), 19u + 8u + file.size());
  EXPECT_EQ(static_cast<uint8_t>((*rotate)[4]), 4);                           // ROTATE_EVENT
  EXPECT_EQ(LoadLE32(reinterpret_cast<const uint8_t*>(rotate->data())), 0u);  // fake: time 0
  EXPECT_EQ(LoadLE64(reinterpret_cast<const uint8_t*>(rotate->data()) + 19), pos);
  EXPECT_EQ(rotate->substr(27, file.size()), file);

  Result<std::string_view> fde = c->ReadBinlogPacket();
  ASSERT_TRUE(fde.ok()) << fde.status().ToString();
  ASSERT_GE(fde->size(), 19u + 2u + 50u);
  EXPECT_EQ(static_cast<uint8_t>((*fde)[4]), 15);  // FORMAT_DESCRIPTION_EVENT
  EXPECT_EQ(LoadLE16(reinterpret_cast<const uint8_t*>(fde->data()) + 19), 4);  // binlog v4
  EXPECT_EQ(fde->substr(21, 6), "10.11.");

  // A non-blocking dump ends with EOF once it has sent everything.
  int events = 0;
  for (;;) {
    Result<std::string_view> e = c->ReadBinlogPacket();
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    if (e->empty()) break;
    ASSERT_LT(++events, 100000);
  }
  // The server ends the session after a dump; the connection says so.
  Result<QueryResult> after = c->Query("SELECT 3");
  EXPECT_EQ(after.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(after.status().message().find("ended and the server closed the session"),
            std::string::npos)
      << after.status().message();
}

TEST_F(MysqlConnectionTest, PurgedOrMissingBinlogIs1236) {
  auto c = MustConnect(Binlake());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Execute("SET @master_binlog_checksum = @@global.binlog_checksum").ok());
  ASSERT_TRUE(c->StartBinlogDump("no-such-binlog.000042", 4, 4243, true).ok());
  Result<std::string_view> e = c->ReadBinlogPacket();
  ASSERT_FALSE(e.ok());
  ASSERT_TRUE(c->last_server_error().has_value());
  EXPECT_EQ(c->last_server_error()->code, kErMasterFatalReadingBinlog);
  EXPECT_NE(e.status().message().find("error 1236"), std::string::npos);
}

TEST_F(MysqlConnectionTest, RefusedAndSilentServers) {
  // A port nobody listens on.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  uint16_t port = ntohs(addr.sin_port);
  ConnectOptions o = Binlake();
  o.host = "127.0.0.1";
  o.port = port;
  auto refused = Connection::Connect(o);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("127.0.0.1:" + std::to_string(port)),
            std::string::npos);
  // Listening but never greeting: the handshake times out.
  ASSERT_EQ(listen(fd, 4), 0);
  o.connect_timeout = std::chrono::milliseconds(100);
  auto silent = Connection::Connect(o);
  ASSERT_FALSE(silent.ok());
  EXPECT_EQ(silent.status().code(), StatusCode::kDeadlineExceeded);
  close(fd);
}

}  // namespace
}  // namespace binlake
