#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace binlake {

// How a connection uses TLS, with the meanings of MySQL's --ssl-mode.
enum class TlsMode {
  kDisabled,        // never TLS
  kPreferred,       // TLS when the server offers it, no certificate checks; else plaintext
  kRequired,        // TLS or fail; the certificate is not checked
  kVerifyCa,        // TLS, and the server certificate must chain to tls_ca_file
  kVerifyIdentity,  // kVerifyCa, and the certificate must name `host` (DNS name or IP)
};

// "disabled" | "preferred" | "required" | "verify_ca" | "verify_identity"; false if unknown.
bool ParseTlsMode(std::string_view name, TlsMode* mode);
std::string_view TlsModeName(TlsMode mode);

// Everything needed to open one client connection. Plain data; copy freely.
struct ConnectOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 3306;
  std::string user;
  std::string password;
  // Default schema (CONNECT_WITH_DB); empty for none.
  std::string database;

  TlsMode tls_mode = TlsMode::kPreferred;
  // PEM CA bundle for kVerifyCa / kVerifyIdentity; empty uses the system trust store.
  std::string tls_ca_file;
  // Optional client certificate and key (PEM) for servers that REQUIRE X509.
  std::string tls_cert_file;
  std::string tls_key_file;

  // PEM file with the server's RSA public key for caching_sha2_password / sha256_password
  // full authentication without TLS. Empty: the key is requested from the server.
  std::string server_public_key_file;
  // Plaintext connections may fetch the server's RSA key over the wire (like MySQL's
  // --get-server-public-key). A man in the middle could substitute its own key.
  bool allow_public_key_retrieval = true;

  // The authentication plugin named in the first response. Empty: the server's default.
  // The server answers with an auth switch when the account uses another plugin.
  std::string initial_auth_plugin;

  // Connection collation id (45 = utf8mb4_general_ci, known to MySQL 5.5+ and MariaDB).
  uint8_t collation_id = 45;

  std::chrono::milliseconds connect_timeout{10'000};
  // Per read/write system call wait; 0 waits forever. A binlog stream with heartbeats sets
  // the read timeout a little above the heartbeat period.
  std::chrono::milliseconds read_timeout{60'000};
  std::chrono::milliseconds write_timeout{60'000};

  // Sent as the program_name connection attribute (visible in performance_schema).
  std::string program_name = "binlake";
};

}  // namespace binlake
