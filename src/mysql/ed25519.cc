#include "mysql/ed25519.h"

#include <openssl/bn.h>
#include <openssl/evp.h>

#include <array>
#include <memory>

namespace binlake::auth {
namespace {

using Bn = std::unique_ptr<BIGNUM, decltype(&BN_free)>;
Bn NewBn() { return Bn(BN_new(), BN_free); }

std::string Sha512(std::string_view a, std::string_view b = {}, std::string_view c = {}) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha512(), nullptr);
  EVP_DigestUpdate(ctx.get(), a.data(), a.size());
  EVP_DigestUpdate(ctx.get(), b.data(), b.size());
  EVP_DigestUpdate(ctx.get(), c.data(), c.size());
  EVP_DigestFinal_ex(ctx.get(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

Bn FromLittleEndian(std::string_view bytes) {
  return Bn(BN_lebin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                        static_cast<int>(bytes.size()), nullptr),
            BN_free);
}

std::string ToLittleEndian32(const BIGNUM* v) {
  std::string out(32, '\0');
  BN_bn2lebinpad(v, reinterpret_cast<unsigned char*>(out.data()), 32);
  return out;
}

// Arithmetic on the twisted Edwards curve -x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255 - 19),
// points in extended coordinates (X:Y:Z:T) with x = X/Z, y = Y/Z, xy = T/Z.
class Curve {
 public:
  struct Point {
    Bn x = NewBn(), y = NewBn(), z = NewBn(), t = NewBn();
  };

  Curve() {
    BN_set_word(p_.get(), 1);
    BN_lshift(p_.get(), p_.get(), 255);
    BN_sub_word(p_.get(), 19);
    // d = -121665 / 121666
    Bn num = NewBn(), den = NewBn();
    BN_set_word(num.get(), 121665);
    BN_sub(num.get(), p_.get(), num.get());
    BN_set_word(den.get(), 121666);
    BN_mod_inverse(den.get(), den.get(), p_.get(), ctx_.get());
    BN_mod_mul(d2_.get(), num.get(), den.get(), p_.get(), ctx_.get());
    BN_mod_add(d2_.get(), d2_.get(), d2_.get(), p_.get(), ctx_.get());
    BIGNUM* bx = nullptr;
    BIGNUM* by = nullptr;
    BN_dec2bn(&bx, "15112221349535400772501151409588531511454012693041857206046113283949847762202");
    BN_dec2bn(&by, "46316835694926478169428394003475163141307993866256225615783033603165251855960");
    BN_copy(base_.x.get(), bx);
    BN_copy(base_.y.get(), by);
    BN_one(base_.z.get());
    BN_mod_mul(base_.t.get(), bx, by, p_.get(), ctx_.get());
    BN_free(bx);
    BN_free(by);
  }

  // r = a + b (complete formula: also right for a == b and for the neutral element).
  void Add(const Point& a, const Point& b, Point* r) {
    BIGNUM* p = p_.get();
    BN_CTX* c = ctx_.get();
    Bn t1 = NewBn(), t2 = NewBn(), A = NewBn(), B = NewBn(), C = NewBn(), D = NewBn();
    BN_mod_sub(t1.get(), a.y.get(), a.x.get(), p, c);
    BN_mod_sub(t2.get(), b.y.get(), b.x.get(), p, c);
    BN_mod_mul(A.get(), t1.get(), t2.get(), p, c);
    BN_mod_add(t1.get(), a.y.get(), a.x.get(), p, c);
    BN_mod_add(t2.get(), b.y.get(), b.x.get(), p, c);
    BN_mod_mul(B.get(), t1.get(), t2.get(), p, c);
    BN_mod_mul(C.get(), a.t.get(), b.t.get(), p, c);
    BN_mod_mul(C.get(), C.get(), d2_.get(), p, c);
    BN_mod_mul(D.get(), a.z.get(), b.z.get(), p, c);
    BN_mod_add(D.get(), D.get(), D.get(), p, c);
    Bn E = NewBn(), F = NewBn(), G = NewBn(), H = NewBn();
    BN_mod_sub(E.get(), B.get(), A.get(), p, c);
    BN_mod_sub(F.get(), D.get(), C.get(), p, c);
    BN_mod_add(G.get(), D.get(), C.get(), p, c);
    BN_mod_add(H.get(), B.get(), A.get(), p, c);
    BN_mod_mul(r->x.get(), E.get(), F.get(), p, c);
    BN_mod_mul(r->y.get(), G.get(), H.get(), p, c);
    BN_mod_mul(r->t.get(), E.get(), H.get(), p, c);
    BN_mod_mul(r->z.get(), F.get(), G.get(), p, c);
  }

  // k * base point, by double-and-add from the most significant bit.
  void MultiplyBase(const BIGNUM* k, Point* r) {
    BN_zero(r->x.get());
    BN_one(r->y.get());
    BN_one(r->z.get());
    BN_zero(r->t.get());
    Point tmp;
    for (int i = BN_num_bits(k) - 1; i >= 0; --i) {
      Add(*r, *r, &tmp);
      std::swap(*r, tmp);
      if (BN_is_bit_set(k, i)) {
        Add(*r, base_, &tmp);
        std::swap(*r, tmp);
      }
    }
  }

  // RFC 8032 encoding: y little-endian, the top bit holding the parity of x.
  std::string Encode(const Point& pt) {
    Bn zinv = NewBn(), x = NewBn(), y = NewBn();
    BN_mod_inverse(zinv.get(), pt.z.get(), p_.get(), ctx_.get());
    BN_mod_mul(x.get(), pt.x.get(), zinv.get(), p_.get(), ctx_.get());
    BN_mod_mul(y.get(), pt.y.get(), zinv.get(), p_.get(), ctx_.get());
    std::string out = ToLittleEndian32(y.get());
    if (BN_is_odd(x.get())) out[31] = static_cast<char>(out[31] | 0x80);
    return out;
  }

  BN_CTX* ctx() { return ctx_.get(); }

 private:
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx_{BN_CTX_new(), BN_CTX_free};
  Bn p_ = NewBn();
  Bn d2_ = NewBn();  // 2d
  Point base_;
};

}  // namespace

namespace {

// Returns the public key, and the signature of `message` when sign is true.
Result<std::string> Ed25519(std::string_view password, std::string_view message, bool sign) {
  Curve curve;
  if (curve.ctx() == nullptr) return InternalError("OpenSSL BN_CTX_new failed");
  std::string az = Sha512(password);
  az[0] = static_cast<char>(az[0] & 248);
  az[31] = static_cast<char>((az[31] & 63) | 64);
  Bn a = FromLittleEndian(std::string_view(az).substr(0, 32));

  // L, the order of the base point: 2^252 + 27742317777372353535851937790883648493.
  BIGNUM* order = nullptr;
  BN_dec2bn(&order, "7237005577332262213973186563042994240857116359379907606001950938285454250989");
  Bn l(order, BN_free);

  Curve::Point pa, pr;
  curve.MultiplyBase(a.get(), &pa);
  std::string a_enc = curve.Encode(pa);
  if (!sign) return a_enc;

  Bn r = FromLittleEndian(Sha512(std::string_view(az).substr(32), message));
  BN_nnmod(r.get(), r.get(), l.get(), curve.ctx());
  curve.MultiplyBase(r.get(), &pr);
  std::string r_enc = curve.Encode(pr);

  Bn k = FromLittleEndian(Sha512(r_enc, a_enc, message));
  Bn s = NewBn();
  BN_mod_mul(s.get(), k.get(), a.get(), l.get(), curve.ctx());
  BN_mod_add(s.get(), s.get(), r.get(), l.get(), curve.ctx());
  return r_enc + ToLittleEndian32(s.get());
}

}  // namespace

Result<std::string> MariaDbEd25519Sign(std::string_view password, std::string_view message) {
  return Ed25519(password, message, true);
}

Result<std::string> MariaDbEd25519PublicKey(std::string_view password) {
  return Ed25519(password, "", false);
}

}  // namespace binlake::auth
