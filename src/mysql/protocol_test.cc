#include "mysql/protocol.h"

#include <gtest/gtest.h>

#include "common/byte_reader.h"

namespace binlake::mysql_protocol {
namespace {

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// The greeting payload of MariaDB 10.11.19 (after the 4-byte packet header), captured.
const char kMariaDbGreeting[] =
    "0a352e352e352d31302e31312e31392d4d6172696144422d302b646562313275312d6c6f6700050000005e3176"
    "213f59223b00feff080200ff81150000000000001d000000437c697a4837787b22316f5c006d7973716c5f6e61"
    "746976655f70617373776f726400";

TEST(ProtocolTest, ParsesMariaDbGreeting) {
  Result<ServerHandshake> h = ParseServerHandshake(FromHex(kMariaDbGreeting));
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->protocol_version, 10);
  EXPECT_EQ(h->server_version, "5.5.5-10.11.19-MariaDB-0+deb12u1-log");
  EXPECT_EQ(h->connection_id, 5u);
  EXPECT_EQ(h->nonce, std::string("^1v!?Y\";C|izH7x{\"1o\\"));
  EXPECT_EQ(h->nonce.size(), 20u);
  EXPECT_EQ(h->capabilities, 0x81fffffeu);
  EXPECT_EQ(h->collation_id, 8);
  EXPECT_EQ(h->status_flags, 2);
  EXPECT_EQ(h->mariadb_capabilities, 0x1du);
  EXPECT_EQ(h->auth_plugin, "mysql_native_password");
  EXPECT_EQ(StripReplicationPrefix(h->server_version), "10.11.19-MariaDB-0+deb12u1-log");
  EXPECT_EQ(NumericVersion(h->server_version), 101119u);
}

TEST(ProtocolTest, RejectsOtherProtocolVersionsAndTruncation) {
  EXPECT_EQ(ParseServerHandshake(std::string("\x09"
                                             "5.0\0",
                                             5))
                .status()
                .code(),
            StatusCode::kUnimplemented);
  std::string g = FromHex(kMariaDbGreeting);
  EXPECT_EQ(ParseServerHandshake(g.substr(0, 50)).status().code(), StatusCode::kCorruption);
}

TEST(ProtocolTest, NumericVersion) {
  EXPECT_EQ(NumericVersion("8.0.36"), 80036u);
  EXPECT_EQ(NumericVersion("8.4.0-commercial"), 80400u);
  EXPECT_EQ(NumericVersion("5.7.44-log"), 50744u);
  EXPECT_EQ(NumericVersion("11.4.2-MariaDB"), 110402u);
  EXPECT_EQ(NumericVersion("garbage"), 0u);
}

TEST(ProtocolTest, BuildsHandshakeResponseExactly) {
  HandshakeResponse r;
  r.capabilities = kClientLongPassword | kClientProtocol41 | kClientSecureConnection |
                   kClientPluginAuth | kClientPluginAuthLenencData | kClientConnectAttrs |
                   kClientConnectWithDb;
  r.max_packet_size = 0x01000000;
  r.collation_id = 45;
  r.user = "bob";
  r.auth_response = "\x01\x02\x03";
  r.database = "shop";
  r.auth_plugin = "mysql_native_password";
  r.attributes = {{"program_name", "binlake"}};
  std::string expected;
  AppendLE(&expected, r.capabilities, 4);
  AppendLE(&expected, 0x01000000, 4);
  expected.push_back(45);
  expected.append(23, '\0');
  expected += std::string("bob\0", 4);
  expected += "\x03\x01\x02\x03";
  expected += std::string("shop\0", 5);
  expected += std::string("mysql_native_password\0", 22);
  expected +=
      "\x15\x0cprogram_name\x07"
      "binlake";
  EXPECT_EQ(BuildHandshakeResponse(r), expected);
  EXPECT_EQ(BuildSslRequest(r.capabilities | kClientSsl, 0x01000000, 45), [&] {
    std::string s;
    AppendLE(&s, r.capabilities | kClientSsl, 4);
    AppendLE(&s, 0x01000000, 4);
    s.push_back(45);
    s.append(23, '\0');
    return s;
  }());
}

TEST(ProtocolTest, OkAndEofPackets) {
  std::string ok("\x00\xfc\x2c\x01\x05\x02\x00\x03\x00", 9);
  ASSERT_TRUE(IsOkPacket(ok));
  Result<OkPacket> p = ParseOkPacket(ok);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->affected_rows, 300u);
  EXPECT_EQ(p->last_insert_id, 5u);
  EXPECT_EQ(p->status_flags, 2);
  EXPECT_EQ(p->warnings, 3);
  EXPECT_TRUE(IsEofPacket(std::string("\xfe\x00\x00\x02\x00", 5)));
  // A row whose first value has an 8-byte length prefix also starts with 0xfe.
  EXPECT_FALSE(IsEofPacket(std::string("\xfe\x01\x00\x00\x00\x00\x00\x00\x00x", 10)));
}

}  // namespace
}  // namespace binlake::mysql_protocol
