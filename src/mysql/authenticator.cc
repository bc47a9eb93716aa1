#include "mysql/authenticator.h"

#include <fstream>
#include <sstream>

#include "mysql/auth_scramble.h"
#include "mysql/ed25519.h"
#include "mysql/protocol.h"

namespace binlake {
namespace {

bool Supported(std::string_view plugin) {
  return plugin == auth::kNativePassword || plugin == auth::kCachingSha2Password ||
         plugin == auth::kSha256Password || plugin == auth::kClearPassword ||
         plugin == auth::kClientEd25519;
}

std::string Cleartext(std::string_view password) {
  std::string p(password);
  p.push_back('\0');
  return p;
}

}  // namespace

Result<std::string> Authenticator::FirstResponse(std::string_view server_plugin,
                                                 std::string_view nonce) {
  nonce_ = nonce;
  plugin_ = !options_.initial_auth_plugin.empty() ? options_.initial_auth_plugin
                                                  : std::string(server_plugin);
  // An unknown default plugin is no error yet: the account may use a supported one, and the
  // server switches us to it.
  if (plugin_.empty() || !Supported(plugin_)) plugin_ = auth::kNativePassword;
  return PluginResponse();
}

Result<std::string> Authenticator::ConfiguredPublicKey() {
  std::ifstream in(options_.server_public_key_file, std::ios::binary);
  if (!in) {
    return InvalidArgumentError(
        "cannot read the server public key file '{}': check source.server_public_key_file",
        options_.server_public_key_file);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<std::string> Authenticator::EncryptWithServerKey(std::string_view pem) {
  return auth::RsaEncryptPassword(options_.password, nonce_, pem);
}

Result<std::string> Authenticator::PluginResponse() {
  if (plugin_ == auth::kNativePassword) {
    return auth::NativePasswordScramble(options_.password, nonce_);
  }
  if (plugin_ == auth::kCachingSha2Password) {
    return auth::CachingSha2Scramble(options_.password, nonce_);
  }
  if (plugin_ == auth::kSha256Password) {
    if (options_.password.empty()) return std::string(1, '\0');
    if (tls_active_) return Cleartext(options_.password);
    if (!options_.server_public_key_file.empty()) {
      ASSIGN_OR_RETURN(std::string pem, ConfiguredPublicKey());
      return EncryptWithServerKey(pem);
    }
    awaiting_public_key_ = true;
    return std::string(1, '\x01');  // "send me your public key"
  }
  if (plugin_ == auth::kClearPassword) {
    if (!tls_active_) {
      return FailedPreconditionError(
          "the server asks for the cleartext password (mysql_clear_password) on an unencrypted "
          "connection; refusing: set source.tls.mode to required or verify_ca");
    }
    return Cleartext(options_.password);
  }
  if (plugin_ == auth::kClientEd25519) {
    return auth::MariaDbEd25519Sign(options_.password, nonce_);
  }
  return UnimplementedError(
      "the account '{}' uses authentication plugin '{}', which binlake does not support: "
      "use mysql_native_password or caching_sha2_password for this user (e.g. ALTER USER ... "
      "IDENTIFIED VIA mysql_native_password USING PASSWORD('...') on MariaDB)",
      options_.user, plugin_);
}

Status Authenticator::Finish(std::optional<ServerError>* server_error) {
  for (int round = 0; round < 16; ++round) {
    ASSIGN_OR_RETURN(std::string_view p, io_->ReadPacket());
    if (p.empty()) return CorruptionError("empty packet during authentication");
    uint8_t header = static_cast<uint8_t>(p[0]);
    if (header == mysql_protocol::kOkHeader) return Status::OK();
    if (header == mysql_protocol::kErrHeader) {
      ASSIGN_OR_RETURN(ServerError e, ServerError::Parse(p));
      *server_error = e;
      return e.ToStatus(fmt::format("authenticate to {}:{}", options_.host, options_.port),
                        options_.user);
    }
    if (header == mysql_protocol::kEofHeader) {
      // Auth switch request: plugin name NUL, new nonce (usually NUL-terminated).
      if (p.size() == 1) {
        return UnimplementedError(
            "server {}:{} asks for the pre-4.1 password hash (mysql_old_password), which is "
            "insecure and unsupported: reset the password of '{}'",
            options_.host, options_.port, options_.user);
      }
      std::string_view rest = p.substr(1);
      size_t nul = rest.find('\0');
      plugin_ = std::string(rest.substr(0, nul));
      // The nonce is sent whole: 20 bytes and a NUL for the scramble plugins (which use the
      // first 20 bytes), 32 random bytes that may end in 0x00 for client_ed25519.
      nonce_ = nul == std::string_view::npos ? "" : rest.substr(nul + 1);
      awaiting_public_key_ = false;
      ASSIGN_OR_RETURN(std::string reply, PluginResponse());
      RETURN_IF_ERROR(io_->WritePacket(reply));
      continue;
    }
    if (header == mysql_protocol::kAuthMoreDataHeader) {
      std::string_view data = p.substr(1);
      if (awaiting_public_key_) {
        awaiting_public_key_ = false;
        ASSIGN_OR_RETURN(std::string enc, EncryptWithServerKey(data));
        RETURN_IF_ERROR(io_->WritePacket(enc));
        continue;
      }
      if (plugin_ == auth::kCachingSha2Password && data.size() == 1 && data[0] == 0x03) {
        continue;  // fast auth succeeded: the OK packet follows
      }
      if (plugin_ == auth::kCachingSha2Password && data.size() == 1 && data[0] == 0x04) {
        // Full authentication: the server has no cached hash and needs the password itself.
        if (tls_active_) {
          RETURN_IF_ERROR(io_->WritePacket(Cleartext(options_.password)));
        } else if (!options_.server_public_key_file.empty()) {
          ASSIGN_OR_RETURN(std::string pem, ConfiguredPublicKey());
          ASSIGN_OR_RETURN(std::string enc, EncryptWithServerKey(pem));
          RETURN_IF_ERROR(io_->WritePacket(enc));
        } else if (options_.allow_public_key_retrieval) {
          awaiting_public_key_ = true;
          RETURN_IF_ERROR(io_->WritePacket(std::string_view("\x02", 1)));
        } else {
          return FailedPreconditionError(
              "server {}:{} needs the password of '{}' sent securely (caching_sha2_password "
              "full authentication) but the connection has no TLS and no server public key is "
              "configured: enable TLS or set source.server_public_key_file",
              options_.host, options_.port, options_.user);
        }
        continue;
      }
      return CorruptionError("unexpected AuthMoreData ({} bytes) for plugin {} from {}:{}",
                             data.size(), plugin_, options_.host, options_.port);
    }
    return CorruptionError("unexpected packet 0x{:02x} ({} bytes) during authentication with {}:{}",
                           header, p.size(), options_.host, options_.port);
  }
  return CorruptionError("authentication with {}:{} did not finish after 16 exchanges",
                         options_.host, options_.port);
}

}  // namespace binlake
