#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "mysql/connect_options.h"
#include "mysql/packet_io.h"
#include "mysql/server_error.h"

namespace binlake {

// Authenticator computes the client's side of MySQL/MariaDB authentication: the auth data of
// the first handshake response, then the rest of the exchange until the server's OK:
// auth switch requests (0xfe: another plugin, a new nonce), caching_sha2_password's
// AuthMoreData (0x01 0x03 fast-auth success; 0x01 0x04 full auth: the cleartext password
// over TLS, otherwise RSA-OAEP with the server's public key from a configured PEM file or
// requested with 0x02), sha256_password's key exchange.
//
// Supported plugins: mysql_native_password, caching_sha2_password, sha256_password,
// mysql_clear_password (TLS only), MariaDB's client_ed25519. Others (dialog/PAM, GSSAPI,
// parsec, ...) fail with kUnimplemented naming the plugin.
//
// Borrows the PacketIo and options, which must outlive it. Not thread-safe.
class Authenticator {
 public:
  Authenticator(PacketIo* io, const ConnectOptions& options, bool tls_active)
      : io_(io), options_(options), tls_active_(tls_active) {}

  // Chooses the plugin for the first response (options.initial_auth_plugin, else the
  // server's, else mysql_native_password) and returns its auth data for `nonce`.
  Result<std::string> FirstResponse(std::string_view server_plugin, std::string_view nonce);
  const std::string& plugin() const { return plugin_; }

  // Reads replies after the handshake response was sent, answering each, until OK. When the
  // server refuses with an ERR packet, *server_error holds it and the returned Status is
  // its ServerError::ToStatus (e.g. kUnauthenticated for 1045).
  Status Finish(std::optional<ServerError>* server_error);

 private:
  // The auth data for plugin_ and nonce_ (first message of that plugin).
  Result<std::string> PluginResponse();
  Result<std::string> EncryptWithServerKey(std::string_view pem);
  Result<std::string> ConfiguredPublicKey();

  PacketIo* io_;
  const ConnectOptions& options_;
  bool tls_active_;
  std::string plugin_;
  std::string nonce_;
  bool awaiting_public_key_ = false;
};

}  // namespace binlake
