#include "mysql/ed25519.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <memory>

namespace binlake::auth {
namespace {

// Standard Ed25519 signature by OpenSSL with a 32-byte seed.
std::string OpenSslSign(std::string_view seed, std::string_view message) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                   reinterpret_cast<const unsigned char*>(seed.data()),
                                   seed.size()),
      EVP_PKEY_free);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get());
  unsigned char sig[64];
  size_t len = sizeof(sig);
  EVP_DigestSign(ctx.get(), sig, &len, reinterpret_cast<const unsigned char*>(message.data()),
                 message.size());
  return std::string(reinterpret_cast<char*>(sig), len);
}

// With a 32-byte password, MariaDB's scheme is standard Ed25519 with the password as seed.
TEST(Ed25519Test, MatchesOpenSslForThirtyTwoBytePasswords) {
  const std::string seeds[] = {std::string(32, '\0'), "0123456789abcdef0123456789abcdef",
                               std::string(32, '\xff')};
  const std::string messages[] = {"", "abc", std::string(32, '\x5a')};
  for (const std::string& seed : seeds) {
    for (const std::string& m : messages) {
      Result<std::string> sig = MariaDbEd25519Sign(seed, m);
      ASSERT_TRUE(sig.ok()) << sig.status().ToString();
      ASSERT_EQ(sig->size(), 64u);
      EXPECT_EQ(*sig, OpenSslSign(seed, m));
    }
  }
}

bool OpenSslVerify(std::string_view public_key, std::string_view message, std::string_view sig) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                  reinterpret_cast<const unsigned char*>(public_key.data()),
                                  public_key.size()),
      EVP_PKEY_free);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get());
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

TEST(Ed25519Test, PublicKeyMatchesOpenSslForThirtyTwoBytePasswords) {
  std::string seed = "0123456789abcdef0123456789abcdef";
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                   reinterpret_cast<const unsigned char*>(seed.data()), 32),
      EVP_PKEY_free);
  unsigned char pub[32];
  size_t len = sizeof(pub);
  ASSERT_EQ(EVP_PKEY_get_raw_public_key(key.get(), pub, &len), 1);
  EXPECT_EQ(*MariaDbEd25519PublicKey(seed), std::string(reinterpret_cast<char*>(pub), 32));
}

// Any password length: the signature verifies (OpenSSL) under the derived public key.
TEST(Ed25519Test, ShortAndLongPasswordsVerify) {
  std::string nonce(32, '\x11');
  for (const std::string& pw : {std::string("e"), std::string("secret"), std::string(100, 'p')}) {
    Result<std::string> sig = MariaDbEd25519Sign(pw, nonce);
    Result<std::string> pub = MariaDbEd25519PublicKey(pw);
    ASSERT_TRUE(sig.ok());
    ASSERT_TRUE(pub.ok());
    EXPECT_TRUE(OpenSslVerify(*pub, nonce, *sig)) << pw;
    EXPECT_FALSE(OpenSslVerify(*pub, nonce + "x", *sig)) << pw;
  }
  EXPECT_NE(*MariaDbEd25519Sign("e", nonce), *MariaDbEd25519Sign("f", nonce));
}

}  // namespace
}  // namespace binlake::auth
