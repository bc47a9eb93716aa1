#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace binlake::auth {

inline constexpr std::string_view kClientEd25519 = "client_ed25519";

// MariaDB's client_ed25519 response: the 64-byte Ed25519 signature (RFC 8032) of `message`
// (the server's 32-byte nonce), where the password takes the place of the 32-byte secret
// seed: SHA-512(password) yields the clamped secret scalar and the nonce prefix. For a
// password of exactly 32 bytes this equals standard Ed25519 with that seed, which is how
// the tests check it against OpenSSL.
//
// Computed with OpenSSL big-number arithmetic (no Ed25519 API accepts an arbitrary-length
// seed). Not constant-time: fine for a client signing its own password's challenge once per
// connection. kInternal only if OpenSSL fails to allocate.
Result<std::string> MariaDbEd25519Sign(std::string_view password, std::string_view message);

// The 32-byte public key the server stores for this password (mysql.global_priv holds it
// base64-encoded).
Result<std::string> MariaDbEd25519PublicKey(std::string_view password);

}  // namespace binlake::auth
