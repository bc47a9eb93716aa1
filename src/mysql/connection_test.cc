// Protocol unit tests of Connection against a scripted server over a socketpair: the
// handshake, every authentication path (including caching_sha2_password, which MariaDB
// lacks), text result sets and the binlog stream framing.
#include "mysql/connection.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sys/socket.h>

#include <fstream>
#include <functional>
#include <thread>

#include "common/byte_reader.h"
#include "mysql/auth_scramble.h"
#include "mysql/ed25519.h"
#include "mysql/protocol.h"
#include "tests/support/test_env.h"

namespace binlake {
namespace {

namespace mp = mysql_protocol;

const std::string kNonce = {10,  47, 74, 111, 75, 73, 34, 48, 88, 76,
                            114, 74, 37, 13,  3,  80, 82, 2,  23, 21};
const std::string kNonce2 = "abcdefghijklmnopqrst";

std::string Greeting(std::string_view plugin, uint32_t extra_caps = 0) {
  uint32_t caps = mp::kClientLongPassword | mp::kClientLongFlag | mp::kClientConnectWithDb |
                  mp::kClientProtocol41 | mp::kClientTransactions | mp::kClientSecureConnection |
                  mp::kClientMultiResults | mp::kClientPluginAuth | mp::kClientConnectAttrs |
                  mp::kClientPluginAuthLenencData | extra_caps;
  std::string g = "\x0a";
  g += std::string("8.0.36\0", 7);
  AppendLE(&g, 7, 4);
  g += kNonce.substr(0, 8);
  g.push_back('\0');
  AppendLE(&g, caps & 0xffff, 2);
  g.push_back(static_cast<char>(255));
  AppendLE(&g, 2, 2);
  AppendLE(&g, caps >> 16, 2);
  g.push_back(21);
  g.append(10, '\0');
  g += kNonce.substr(8);
  g.push_back('\0');
  g += plugin;
  g.push_back('\0');
  return g;
}

const std::string kOk("\x00\x00\x00\x02\x00\x00\x00", 7);

// The server side of one scripted session.
struct FakeServer {
  std::unique_ptr<Socket> socket;
  PacketIo io;
  explicit FakeServer(std::unique_ptr<Socket> s) : socket(std::move(s)), io(socket.get()) {}

  std::string Read() {
    Result<std::string_view> r = io.ReadPacket();
    if (!r.ok()) {
      ADD_FAILURE() << "fake server read: " << r.status().ToString();
      return "";
    }
    return std::string(*r);
  }
  void Write(std::string_view p) { EXPECT_TRUE(io.WritePacket(p).ok()); }
  void StartCommand() { io.ResetSequence(); }
};

// Runs `script` as the server in a thread, connects a client with `options` and returns
// the connection result.
Result<std::unique_ptr<Connection>> RunScripted(const ConnectOptions& options,
                                                const std::function<void(FakeServer&)>& script,
                                                std::jthread* server) {
  int fds[2];
  EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  std::unique_ptr<Socket> client = Socket::Adopt(fds[0], "fake:3306");
  auto server_socket = Socket::Adopt(fds[1], "client");
  *server = std::jthread([script, s = std::move(server_socket)]() mutable {
    FakeServer fs(std::move(s));
    script(fs);
  });
  return Connection::Handshake(std::move(client), options);
}

ConnectOptions Options() {
  ConnectOptions o;
  o.host = "fake";
  o.user = "bob";
  o.password = "secret";
  o.tls_mode = TlsMode::kDisabled;
  return o;
}

// The auth data field of a HandshakeResponse41 built with PLUGIN_AUTH_LENENC_CLIENT_DATA.
struct ParsedResponse {
  std::string user, auth, db, plugin, attrs;
};
ParsedResponse ParseResponse(std::string_view p) {
  ParsedResponse r;
  ByteReader in(p);
  uint32_t caps = *in.U32LE();
  EXPECT_TRUE(in.Skip(28).ok());
  r.user = *in.NulTerminated();
  r.auth = *in.LengthEncodedString();
  if (caps & mp::kClientConnectWithDb) r.db = *in.NulTerminated();
  r.plugin = *in.NulTerminated();
  r.attrs = *in.LengthEncodedString();
  EXPECT_TRUE(in.empty());
  return r;
}

TEST(ConnectionHandshakeTest, CachingSha2FastPath) {
  std::jthread server;
  auto c = RunScripted(
      Options(),
      [](FakeServer& s) {
        s.Write(Greeting("caching_sha2_password"));
        ParsedResponse r = ParseResponse(s.Read());
        EXPECT_EQ(r.user, "bob");
        EXPECT_EQ(r.plugin, "caching_sha2_password");
        EXPECT_EQ(r.auth, auth::CachingSha2Scramble("secret", kNonce));
        EXPECT_NE(r.attrs.find(std::string("\x0cprogram_name\x07") + "binlake"), std::string::npos);
        s.Write(std::string("\x01\x03", 2));
        s.Write(kOk);
        s.StartCommand();
        EXPECT_EQ(s.Read(), "\x01");  // COM_QUIT
      },
      &server);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)->server_version(), "8.0.36");
  EXPECT_EQ((*c)->numeric_version(), 80036u);
  EXPECT_FALSE((*c)->IsMariaDB());
  EXPECT_EQ((*c)->connection_id(), 7u);
  EXPECT_EQ((*c)->auth_plugin(), "caching_sha2_password");
  (*c)->Close();
  server.join();
}

std::pair<std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>, std::string> RsaKey() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), EVP_PKEY_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_PUBKEY(bio.get(), key.get());
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return {std::move(key), std::string(data, len)};
}

std::string RsaDecrypt(EVP_PKEY* key, std::string_view enc) {
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(key, nullptr),
                                                                  EVP_PKEY_CTX_free);
  EVP_PKEY_decrypt_init(ctx.get());
  EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING);
  unsigned char out[512];
  size_t out_len = sizeof(out);
  if (EVP_PKEY_decrypt(ctx.get(), out, &out_len, reinterpret_cast<const unsigned char*>(enc.data()),
                       enc.size()) != 1) {
    return "<decrypt failed>";
  }
  return std::string(reinterpret_cast<char*>(out), out_len);
}

TEST(ConnectionHandshakeTest, CachingSha2FullAuthRequestsPublicKey) {
  auto [key, pem] = RsaKey();
  EVP_PKEY* k = key.get();
  std::jthread server;
  auto c = RunScripted(
      Options(),
      [k, pem = pem](FakeServer& s) {
        s.Write(Greeting("caching_sha2_password"));
        ParsedResponse r = ParseResponse(s.Read());
        EXPECT_EQ(r.auth, auth::CachingSha2Scramble("secret", kNonce));
        s.Write(std::string("\x01\x04", 2));  // no cached hash: full authentication
        EXPECT_EQ(s.Read(), "\x02");          // request for the public key
        s.Write("\x01" + pem);
        EXPECT_EQ(RsaDecrypt(k, s.Read()), auth::XorPassword("secret", kNonce));
        s.Write(kOk);
      },
      &server);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  server.join();
}

TEST(ConnectionHandshakeTest, CachingSha2FullAuthWithConfiguredKeyFile) {
  auto [key, pem] = RsaKey();
  std::string dir = testing::MakeTempDir("binlake_mysql_key");
  std::string path = dir + "/server_pub.pem";
  std::ofstream(path) << pem;
  ConnectOptions o = Options();
  o.server_public_key_file = path;
  EVP_PKEY* k = key.get();
  std::jthread server;
  auto c = RunScripted(
      o,
      [k](FakeServer& s) {
        s.Write(Greeting("caching_sha2_password"));
        ParseResponse(s.Read());
        s.Write(std::string("\x01\x04", 2));
        EXPECT_EQ(RsaDecrypt(k, s.Read()), auth::XorPassword("secret", kNonce));
        s.Write(kOk);
      },
      &server);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  server.join();
  std::remove(path.c_str());
  std::remove(dir.c_str());
}

TEST(ConnectionHandshakeTest, Sha256PasswordRequestsKeyInFirstResponse) {
  auto [key, pem] = RsaKey();
  EVP_PKEY* k = key.get();
  std::jthread server;
  auto c = RunScripted(
      Options(),
      [k, pem = pem](FakeServer& s) {
        s.Write(Greeting("sha256_password"));
        ParsedResponse r = ParseResponse(s.Read());
        EXPECT_EQ(r.plugin, "sha256_password");
        EXPECT_EQ(r.auth, "\x01");  // no TLS, no key file: ask for the key
        s.Write("\x01" + pem);
        EXPECT_EQ(RsaDecrypt(k, s.Read()), auth::XorPassword("secret", kNonce));
        s.Write(kOk);
      },
      &server);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)->auth_plugin(), "sha256_password");
  server.join();
}

TEST(ConnectionHandshakeTest, FullAuthWithoutTlsOrKeyRetrievalFailsClearly) {
  ConnectOptions o = Options();
  o.allow_public_key_retrieval = false;
  std::jthread server;
  auto c = RunScripted(
      o,
      [](FakeServer& s) {
        s.Write(Greeting("caching_sha2_password"));
        ParseResponse(s.Read());
        s.Write(std::string("\x01\x04", 2));
      },
      &server);
  server.join();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(c.status().message().find("enable TLS or set source.server_public_key_file"),
            std::string::npos);
}

TEST(ConnectionHandshakeTest, AuthSwitchToNativePassword) {
  std::jthread server;
  auto c = RunScripted(
      Options(),
      [](FakeServer& s) {
        s.Write(Greeting("caching_sha2_password"));
        ParseResponse(s.Read());
        s.Write("\xfe" + std::string("mysql_native_password\0", 22) + kNonce2 + '\0');
        EXPECT_EQ(s.Read(), auth::NativePasswordScramble("secret", kNonce2));
        s.Write(kOk);
      },
      &server);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)->auth_plugin(), "mysql_native_password");
  server.join();
}

TEST(ConnectionHandshakeTest, UnsupportedPluginIsUnimplemented) {
  std::jthread server;
  auto c = RunScripted(
      Options(),
      [](FakeServer& s) {
        s.Write(Greeting("mysql_native_password"));
        ParseResponse(s.Read());
        s.Write("\xfe" + std::string("dialog\0", 7) + kNonce2);
      },
      &server);
  server.join();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(c.status().message().find("plugin 'dialog'"), std::string::npos);
}

// MariaDB's ed25519 accounts: the 32-byte nonce is used whole, even when it ends in 0x00.
TEST(ConnectionHandshakeTest, AuthSwitchToEd25519) {
  std::string nonce = "0123456789abcdef0123456789abcde";
  nonce.push_back('\0');
  std::jthread server;
  auto c = RunScripted(
      Options(),
      [nonce](FakeServer& s) {
        s.Write(Greeting("mysql_native_password"));
        ParseResponse(s.Read());
        s.Write("\xfe" + std::string("client_ed25519\0", 15) + nonce);
        EXPECT_EQ(s.Read(), *auth::MariaDbEd25519Sign("secret", nonce));
        s.Write(kOk);
      },
      &server);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)->auth_plugin(), "client_ed25519");
  server.join();
}

TEST(ConnectionHandshakeTest, AccessDenied) {
  std::jthread server;
  auto c = RunScripted(
      Options(),
      [](FakeServer& s) {
        s.Write(Greeting("mysql_native_password"));
        ParsedResponse r = ParseResponse(s.Read());
        EXPECT_EQ(r.auth, auth::NativePasswordScramble("secret", kNonce));
        s.Write(std::string("\xff\x15\x04#28000", 9) +
                "Access denied for user 'bob'@'localhost' (using password: YES)");
      },
      &server);
  server.join();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(c.status().message(),
            "authenticate to fake:3306: access denied for user 'bob' (server error 1045 "
            "(28000): Access denied for user 'bob'@'localhost' (using password: YES)): check "
            "source.user and source.password");
}

TEST(ConnectionHandshakeTest, RequiredTlsWithoutServerSupportFails) {
  ConnectOptions o = Options();
  o.tls_mode = TlsMode::kRequired;
  std::jthread server;
  auto c = RunScripted(
      o, [](FakeServer& s) { s.Write(Greeting("mysql_native_password")); }, &server);
  server.join();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kFailedPrecondition);
}

std::string ColumnDef(std::string_view name, uint8_t type) {
  std::string p;
  for (std::string_view s : {std::string_view("def"), std::string_view(""), std::string_view(""),
                             std::string_view(""), name, name}) {
    AppendLengthEncodedString(&p, s);
  }
  p.push_back(0x0c);
  AppendLE(&p, 45, 2);
  AppendLE(&p, 100, 4);
  p.push_back(static_cast<char>(type));
  AppendLE(&p, 0, 2);
  p.push_back(0);
  p.append(2, '\0');
  return p;
}

const std::string kEof("\xfe\x00\x00\x02\x00", 5);

// Handshake with native password, then `after` runs the commands.
Result<std::unique_ptr<Connection>> Session(const std::function<void(FakeServer&)>& after,
                                            std::jthread* server) {
  return RunScripted(
      Options(),
      [after](FakeServer& s) {
        s.Write(Greeting("mysql_native_password"));
        ParseResponse(s.Read());
        s.Write(kOk);
        after(s);
      },
      server);
}

TEST(ConnectionQueryTest, TextResultSet) {
  std::string big(20 << 20, 'z');  // a 20 MiB value: a multi-part packet
  std::jthread server;
  auto c = Session(
      [&big](FakeServer& s) {
        s.StartCommand();
        EXPECT_EQ(s.Read(), "\x03SELECT a, b");
        s.Write("\x02");
        s.Write(ColumnDef("a", 3));
        s.Write(ColumnDef("b", 252));
        s.Write(kEof);
        std::string row;
        AppendLengthEncodedString(&row, "1");
        row.push_back('\xfb');
        s.Write(row);
        row.clear();
        AppendLengthEncodedString(&row, "-2");
        AppendLengthEncodedString(&row, big);
        s.Write(row);
        s.Write(kEof);
        s.StartCommand();
        EXPECT_EQ(s.Read(),
                  "\x03"
                  "DELETE FROM t");
        s.Write(std::string("\x00\x03\x00\x02\x00\x01\x00", 7));
        s.StartCommand();
        EXPECT_EQ(s.Read(),
                  "\x03"
                  "SELECT nope");
        s.Write(std::string("\xff\x7a\x04#42S02", 9) + "Table 'x.nope' doesn't exist");
      },
      &server);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Result<QueryResult> r = (*c)->Query("SELECT a, b");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->columns.size(), 2u);
  EXPECT_EQ(r->columns[0].name, "a");
  EXPECT_EQ(r->columns[1].type, 252);
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(r->rows[0][0], std::optional<std::string>("1"));
  EXPECT_EQ(r->rows[0][1], std::nullopt);
  EXPECT_EQ(r->rows[1][0], std::optional<std::string>("-2"));
  EXPECT_TRUE(r->rows[1][1] == big);

  Result<QueryResult> d = (*c)->Query("DELETE FROM t");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->affected_rows, 3u);
  EXPECT_EQ(d->warnings, 1);
  EXPECT_TRUE(d->columns.empty());

  Result<QueryResult> e = (*c)->Query("SELECT nope");
  EXPECT_EQ(e.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(e.status().message(),
            "query `SELECT nope` on fake:3306: server error 1146 (42S02): Table 'x.nope' "
            "doesn't exist");
  ASSERT_TRUE((*c)->last_server_error().has_value());
  EXPECT_EQ((*c)->last_server_error()->code, 1146);
  server.join();
}

TEST(ConnectionBinlogTest, DumpCommandAndStream) {
  std::jthread server;
  auto c = Session(
      [](FakeServer& s) {
        s.StartCommand();
        std::string expect = "\x12";
        AppendLE(&expect, 4, 4);
        AppendLE(&expect, 1, 2);
        AppendLE(&expect, 99, 4);
        expect += "bin.000001";
        EXPECT_EQ(s.Read(), expect);
        s.Write(
            std::string("\x00"
                        "event-one",
                        10));
        s.Write(kEof);
      },
      &server);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_TRUE((*c)->StartBinlogDump("bin.000001", 4, 99, true).ok());
  Result<std::string_view> e1 = (*c)->ReadBinlogPacket();
  ASSERT_TRUE(e1.ok());
  EXPECT_EQ(*e1, "event-one");
  Result<std::string_view> end = (*c)->ReadBinlogPacket();
  ASSERT_TRUE(end.ok());
  EXPECT_TRUE(end->empty());

  // The server closes the session after the dump.
  EXPECT_EQ((*c)->Query("SELECT 1").status().code(), StatusCode::kUnavailable);
  server.join();
}

TEST(ConnectionBinlogTest, GtidDumpCommandAndServerError) {
  std::jthread server;
  auto c = Session(
      [](FakeServer& s) {
        s.StartCommand();
        std::string gtid = "\x1e";
        AppendLE(&gtid, 0x04, 2);
        AppendLE(&gtid, 99, 4);
        AppendLE(&gtid, 0, 4);
        AppendLE(&gtid, 4, 8);
        AppendLE(&gtid, 3, 4);
        gtid += "xyz";
        EXPECT_EQ(s.Read(), gtid);
        s.Write(std::string("\xff\xd4\x04#HY000", 9) + "Could not find first log file name");
      },
      &server);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_TRUE((*c)->StartBinlogDumpGtid(99, "", 4, "xyz", 0).ok());
  Result<std::string_view> err = (*c)->ReadBinlogPacket();
  ASSERT_FALSE(err.ok());
  EXPECT_EQ((*c)->last_server_error()->code, kErMasterFatalReadingBinlog);
  EXPECT_NE(err.status().message().find("error 1236 (HY000)"), std::string::npos);
  server.join();
}

}  // namespace
}  // namespace binlake
