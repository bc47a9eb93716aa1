#include "mysql/auth_scramble.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>

namespace binlake::auth {
namespace {

std::string Hex(std::string_view s) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// The nonce and expected values used by go-sql-driver/mysql's published SHA256 vectors.
const std::string kNonce = {10,  47, 74, 111, 75, 73, 34, 48, 88, 76,
                            114, 74, 37, 13,  3,  80, 82, 2,  23, 21};

TEST(AuthScrambleTest, CachingSha2KnownVectors) {
  EXPECT_EQ(Hex(CachingSha2Scramble("secret", kNonce)),
            "f490e76f66d9d86665ce54d98c78d0acfe2fb0b08b423da807144873d30b312c");
  EXPECT_EQ(Hex(CachingSha2Scramble("secret2", kNonce)),
            "abc3934a012cf342e876071c8ee202de51785b430258a7a0138bc79c4d800bc6");
  // A trailing NUL after the 20-byte nonce (as servers send it) does not change the result.
  EXPECT_EQ(CachingSha2Scramble("secret", kNonce + std::string(1, '\0')),
            CachingSha2Scramble("secret", kNonce));
  EXPECT_EQ(CachingSha2Scramble("", kNonce), "");
}

TEST(AuthScrambleTest, NativePasswordKnownVectors) {
  EXPECT_EQ(Hex(NativePasswordScramble("secret", kNonce)),
            "6a149bdd80bda1ebf0fa2bd2cf2e9717fecc34bb");
  EXPECT_EQ(Hex(NativePasswordScramble("secret2", kNonce)),
            "650f07df353cce5370eea34d580f2e9118818b56");
  EXPECT_EQ(NativePasswordScramble("", kNonce), "");
}

TEST(AuthScrambleTest, XorPasswordRepeatsNonceAndAddsNul) {
  std::string nonce = "\x01\x02";
  EXPECT_EQ(XorPassword("abc", nonce), std::string("\x60\x60\x62\x02", 4));
  std::string long_pw(25, 'a');
  std::string x = XorPassword(long_pw, kNonce);
  ASSERT_EQ(x.size(), 26u);
  EXPECT_EQ(static_cast<char>(x[20] ^ kNonce[0]), 'a');  // nonce repeats after 20 bytes
  EXPECT_EQ(static_cast<char>(x[25] ^ kNonce[5]), '\0');
}

TEST(AuthScrambleTest, RsaEncryptDecryptsToXoredPassword) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), EVP_PKEY_free);
  ASSERT_TRUE(key);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  ASSERT_EQ(PEM_write_bio_PUBKEY(bio.get(), key.get()), 1);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  std::string pem(data, len);

  Result<std::string> enc = RsaEncryptPassword("secret", kNonce, pem);
  ASSERT_TRUE(enc.ok()) << enc.status().ToString();
  EXPECT_EQ(enc->size(), 256u);

  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new(key.get(), nullptr), EVP_PKEY_CTX_free);
  ASSERT_EQ(EVP_PKEY_decrypt_init(ctx.get()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING), 1);
  unsigned char out[512];
  size_t out_len = sizeof(out);
  ASSERT_EQ(EVP_PKEY_decrypt(ctx.get(), out, &out_len,
                             reinterpret_cast<const unsigned char*>(enc->data()), enc->size()),
            1);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out), out_len), XorPassword("secret", kNonce));
}

TEST(AuthScrambleTest, RsaRejectsGarbageKey) {
  Result<std::string> enc = RsaEncryptPassword("secret", kNonce, "not a key");
  ASSERT_FALSE(enc.ok());
  EXPECT_EQ(enc.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(enc.status().message().find("not a PEM RSA public key"), std::string::npos);
}

}  // namespace
}  // namespace binlake::auth
