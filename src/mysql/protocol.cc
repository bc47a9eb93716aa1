#include "mysql/protocol.h"

#include <algorithm>

#include "common/byte_reader.h"

namespace binlake::mysql_protocol {

Result<ServerHandshake> ParseServerHandshake(std::string_view payload) {
  ServerHandshake h;
  ByteReader in(payload);
  ASSIGN_OR_RETURN(h.protocol_version, in.U8());
  if (h.protocol_version != 10) {
    return UnimplementedError(
        "server greeting uses protocol version {}; only version 10 (MySQL 4.1+, MariaDB) is "
        "supported",
        h.protocol_version);
  }
  ASSIGN_OR_RETURN(std::string_view version, in.NulTerminated());
  h.server_version = version;
  ASSIGN_OR_RETURN(h.connection_id, in.U32LE());
  ASSIGN_OR_RETURN(std::string_view nonce1, in.Bytes(8));
  h.nonce = nonce1;
  RETURN_IF_ERROR(in.Skip(1));
  ASSIGN_OR_RETURN(uint16_t caps_low, in.U16LE());
  h.capabilities = caps_low;
  if (in.empty()) return h;  // very old servers stop here
  ASSIGN_OR_RETURN(h.collation_id, in.U8());
  ASSIGN_OR_RETURN(h.status_flags, in.U16LE());
  ASSIGN_OR_RETURN(uint16_t caps_high, in.U16LE());
  h.capabilities |= static_cast<uint32_t>(caps_high) << 16;
  ASSIGN_OR_RETURN(uint8_t nonce_len, in.U8());
  RETURN_IF_ERROR(in.Skip(6));
  ASSIGN_OR_RETURN(uint32_t ext, in.U32LE());
  if ((h.capabilities & kClientLongPassword) == 0) h.mariadb_capabilities = ext;
  if (h.capabilities & kClientSecureConnection) {
    // Part 2 is max(13, len - 8) bytes, the last being a NUL that is not part of the nonce.
    size_t n2 = std::max<int>(13, static_cast<int>(nonce_len) - 8);
    ASSIGN_OR_RETURN(std::string_view nonce2, in.Bytes(n2));
    h.nonce.append(nonce2.substr(0, n2 - 1));
  }
  if (h.capabilities & kClientPluginAuth) {
    std::string_view rest = in.Rest();
    // Some servers omit the final NUL.
    size_t nul = rest.find('\0');
    h.auth_plugin = rest.substr(0, nul);
  }
  return h;
}

std::string BuildSslRequest(uint32_t capabilities, uint32_t max_packet_size, uint8_t collation) {
  std::string out;
  AppendLE(&out, capabilities, 4);
  AppendLE(&out, max_packet_size, 4);
  out.push_back(static_cast<char>(collation));
  out.append(23, '\0');
  return out;
}

std::string BuildHandshakeResponse(const HandshakeResponse& r) {
  std::string out = BuildSslRequest(r.capabilities, r.max_packet_size, r.collation_id);
  out.append(r.user);
  out.push_back('\0');
  if (r.capabilities & kClientPluginAuthLenencData) {
    AppendLengthEncodedString(&out, r.auth_response);
  } else {
    out.push_back(static_cast<char>(r.auth_response.size()));
    out.append(r.auth_response);
  }
  if (r.capabilities & kClientConnectWithDb) {
    out.append(r.database);
    out.push_back('\0');
  }
  if (r.capabilities & kClientPluginAuth) {
    out.append(r.auth_plugin);
    out.push_back('\0');
  }
  if (r.capabilities & kClientConnectAttrs) {
    std::string attrs;
    for (const auto& [k, v] : r.attributes) {
      AppendLengthEncodedString(&attrs, k);
      AppendLengthEncodedString(&attrs, v);
    }
    AppendLengthEncodedString(&out, attrs);
  }
  return out;
}

Result<OkPacket> ParseOkPacket(std::string_view payload) {
  ByteReader in(payload);
  RETURN_IF_ERROR(in.Skip(1));
  OkPacket ok;
  ASSIGN_OR_RETURN(ok.affected_rows, in.LengthEncodedInt());
  ASSIGN_OR_RETURN(ok.last_insert_id, in.LengthEncodedInt());
  if (in.remaining() >= 4) {
    ASSIGN_OR_RETURN(ok.status_flags, in.U16LE());
    ASSIGN_OR_RETURN(ok.warnings, in.U16LE());
  }
  return ok;
}

std::string_view StripReplicationPrefix(std::string_view v) {
  constexpr std::string_view kPrefix = "5.5.5-";
  if (v.substr(0, kPrefix.size()) == kPrefix) v.remove_prefix(kPrefix.size());
  return v;
}

uint32_t NumericVersion(std::string_view v) {
  v = StripReplicationPrefix(v);
  uint32_t parts[3] = {0, 0, 0};
  size_t i = 0;
  for (int p = 0; p < 3; ++p) {
    size_t start = i;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') parts[p] = parts[p] * 10 + (v[i++] - '0');
    if (i == start) return 0;
    if (p < 2) {
      if (i >= v.size() || v[i] != '.') return p == 0 ? 0 : parts[0] * 10000 + parts[1] * 100;
      ++i;
    }
  }
  return parts[0] * 10000 + parts[1] * 100 + parts[2];
}

}  // namespace binlake::mysql_protocol
