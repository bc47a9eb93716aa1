#include "mysql/auth_scramble.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>

namespace binlake::auth {
namespace {

std::string Digest(const EVP_MD* md, std::string_view a, std::string_view b) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> c(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(c.get(), md, nullptr);
  EVP_DigestUpdate(c.get(), a.data(), a.size());
  EVP_DigestUpdate(c.get(), b.data(), b.size());
  EVP_DigestFinal_ex(c.get(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Sha1(std::string_view a, std::string_view b = {}) { return Digest(EVP_sha1(), a, b); }
std::string Sha256(std::string_view a, std::string_view b = {}) {
  return Digest(EVP_sha256(), a, b);
}

std::string Xor(std::string a, std::string_view b) {
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<char>(a[i] ^ b[i % b.size()]);
  return a;
}

}  // namespace

std::string NativePasswordScramble(std::string_view password, std::string_view nonce) {
  if (password.empty()) return "";
  std::string stage1 = Sha1(password);
  std::string stage2 = Sha1(stage1);
  return Xor(stage1, Sha1(nonce.substr(0, 20), stage2));
}

std::string CachingSha2Scramble(std::string_view password, std::string_view nonce) {
  if (password.empty()) return "";
  std::string stage1 = Sha256(password);
  std::string stage2 = Sha256(stage1);
  return Xor(stage1, Sha256(stage2, nonce.substr(0, 20)));
}

std::string XorPassword(std::string_view password, std::string_view nonce) {
  std::string p(password);
  p.push_back('\0');
  if (nonce.empty()) return p;
  return Xor(std::move(p), nonce.substr(0, 20));
}

Result<std::string> RsaEncryptPassword(std::string_view password, std::string_view nonce,
                                       std::string_view public_key_pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(public_key_pem.data(), static_cast<int>(public_key_pem.size())), BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  if (!key || EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA) {
    ERR_clear_error();
    return InvalidArgumentError(
        "the server's public key is not a PEM RSA public key (starts with '{}'): check "
        "source.server_public_key_file",
        public_key_pem.substr(0, 30));
  }
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new(key.get(), nullptr), EVP_PKEY_CTX_free);
  std::string plain = XorPassword(password, nonce);
  size_t out_len = 0;
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) != 1 ||
      EVP_PKEY_encrypt(ctx.get(), nullptr, &out_len,
                       reinterpret_cast<const unsigned char*>(plain.data()), plain.size()) != 1) {
    ERR_clear_error();
    return InternalError("RSA encryption setup for the password failed");
  }
  std::string out(out_len, '\0');
  if (EVP_PKEY_encrypt(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &out_len,
                       reinterpret_cast<const unsigned char*>(plain.data()), plain.size()) != 1) {
    ERR_clear_error();
    return InvalidArgumentError(
        "RSA-encrypting the password failed (a password longer than the key allows?): use "
        "TLS (source.tls.mode: required) instead");
  }
  out.resize(out_len);
  return out;
}

}  // namespace binlake::auth
