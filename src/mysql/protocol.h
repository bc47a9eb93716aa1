#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

// Wire formats of the MySQL client/server protocol that are not tied to a connection:
// capability flags, command bytes, the server greeting, the client's handshake response,
// OK/EOF packets. Pure functions over bytes, so they are unit-tested without a server.
namespace binlake::mysql_protocol {

// Capability flags (CLIENT_*).
inline constexpr uint32_t kClientLongPassword = 1;  // also "CLIENT_MYSQL" for MariaDB
inline constexpr uint32_t kClientLongFlag = 4;
inline constexpr uint32_t kClientConnectWithDb = 8;
inline constexpr uint32_t kClientProtocol41 = 0x200;
inline constexpr uint32_t kClientSsl = 0x800;
inline constexpr uint32_t kClientTransactions = 0x2000;
inline constexpr uint32_t kClientSecureConnection = 0x8000;
inline constexpr uint32_t kClientMultiResults = 0x20000;
inline constexpr uint32_t kClientPluginAuth = 0x80000;
inline constexpr uint32_t kClientConnectAttrs = 0x100000;
inline constexpr uint32_t kClientPluginAuthLenencData = 0x200000;
inline constexpr uint32_t kClientDeprecateEof = 0x1000000;

// Commands (COM_*).
inline constexpr uint8_t kComQuit = 0x01;
inline constexpr uint8_t kComQuery = 0x03;
inline constexpr uint8_t kComPing = 0x0e;
inline constexpr uint8_t kComBinlogDump = 0x12;
inline constexpr uint8_t kComRegisterSlave = 0x15;
inline constexpr uint8_t kComBinlogDumpGtid = 0x1e;

// COM_BINLOG_DUMP(_GTID) flags.
inline constexpr uint16_t kBinlogDumpNonBlock = 0x01;
inline constexpr uint16_t kBinlogThroughPosition = 0x02;
inline constexpr uint16_t kBinlogThroughGtid = 0x04;

// First payload bytes.
inline constexpr uint8_t kOkHeader = 0x00;
inline constexpr uint8_t kAuthMoreDataHeader = 0x01;
inline constexpr uint8_t kLocalInfileHeader = 0xfb;
inline constexpr uint8_t kEofHeader = 0xfe;  // also the auth switch request
inline constexpr uint8_t kErrHeader = 0xff;

// An EOF packet (we never request CLIENT_DEPRECATE_EOF): 0xfe and shorter than 9 bytes, so a
// result row whose first value has an 8-byte length prefix (also 0xfe) is never taken for it.
inline bool IsEofPacket(std::string_view p) {
  return !p.empty() && static_cast<uint8_t>(p[0]) == kEofHeader && p.size() < 9;
}
inline bool IsErrPacket(std::string_view p) {
  return !p.empty() && static_cast<uint8_t>(p[0]) == kErrHeader;
}
inline bool IsOkPacket(std::string_view p) {
  return !p.empty() && static_cast<uint8_t>(p[0]) == kOkHeader;
}

// Protocol::HandshakeV10, the server's greeting.
struct ServerHandshake {
  uint8_t protocol_version = 0;
  std::string server_version;  // as sent, e.g. "5.5.5-10.11.6-MariaDB-log" or "8.0.36"
  uint32_t connection_id = 0;
  std::string nonce;  // auth plugin data parts 1+2, without the trailing NUL (20 bytes)
  uint32_t capabilities = 0;
  uint8_t collation_id = 0;
  uint16_t status_flags = 0;
  uint32_t mariadb_capabilities = 0;  // MariaDB extended capabilities, 0 from MySQL
  std::string auth_plugin;            // empty when the server did not name one
};

// kCorruption on short or malformed input; kUnimplemented for protocol versions other than
// 10.
Result<ServerHandshake> ParseServerHandshake(std::string_view payload);

// Protocol::HandshakeResponse41.
struct HandshakeResponse {
  uint32_t capabilities = 0;
  uint32_t max_packet_size = 1u << 30;
  uint8_t collation_id = 45;
  std::string user;
  std::string auth_response;
  std::string database;     // sent when capabilities has kClientConnectWithDb
  std::string auth_plugin;  // sent when capabilities has kClientPluginAuth
  std::vector<std::pair<std::string, std::string>> attributes;  // kClientConnectAttrs
};
std::string BuildHandshakeResponse(const HandshakeResponse& r);
// Protocol::SSLRequest: the first 32 bytes of a HandshakeResponse41.
std::string BuildSslRequest(uint32_t capabilities, uint32_t max_packet_size, uint8_t collation);

// Protocol::OK_Packet (also an EOF-less end of result set).
struct OkPacket {
  uint64_t affected_rows = 0;
  uint64_t last_insert_id = 0;
  uint16_t status_flags = 0;
  uint16_t warnings = 0;
};
// REQUIRES: IsOkPacket(payload)
Result<OkPacket> ParseOkPacket(std::string_view payload);

// MariaDB sends "5.5.5-" before its real version so that old replicas accept it.
std::string_view StripReplicationPrefix(std::string_view server_version);
// "10.11.6-MariaDB" -> 101106; "8.0.36" -> 80036. 0 when unparsable.
uint32_t NumericVersion(std::string_view server_version);

}  // namespace binlake::mysql_protocol
