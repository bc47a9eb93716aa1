#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

// The password transformations of MySQL/MariaDB authentication plugins. Pure functions
// (OpenSSL digests and RSA), unit-tested against known vectors.
namespace binlake::auth {

inline constexpr std::string_view kNativePassword = "mysql_native_password";
inline constexpr std::string_view kCachingSha2Password = "caching_sha2_password";
inline constexpr std::string_view kSha256Password = "sha256_password";
inline constexpr std::string_view kClearPassword = "mysql_clear_password";

// mysql_native_password: SHA1(password) XOR SHA1(nonce + SHA1(SHA1(password))), 20 bytes;
// empty for an empty password.
std::string NativePasswordScramble(std::string_view password, std::string_view nonce);

// caching_sha2_password fast path: SHA256(password) XOR SHA256(SHA256(SHA256(password)) +
// nonce), 32 bytes; empty for an empty password.
std::string CachingSha2Scramble(std::string_view password, std::string_view nonce);

// Full authentication without TLS: (password + NUL) XOR nonce (repeated), encrypted with the
// server's RSA public key (PEM) using PKCS#1 OAEP padding (MySQL 8.0.5+ and all servers with
// caching_sha2_password). kInvalidArgument when the PEM is not an RSA public key.
Result<std::string> RsaEncryptPassword(std::string_view password, std::string_view nonce,
                                       std::string_view public_key_pem);

// The XOR step alone: (password + NUL) XOR nonce, repeating the nonce.
std::string XorPassword(std::string_view password, std::string_view nonce);

}  // namespace binlake::auth
