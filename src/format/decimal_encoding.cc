#include "format/decimal_encoding.h"

#include <cmath>
#include <cstring>

namespace binlake {
namespace {

// Up to 76 significant digits: MySQL allows 65, Parquet FIXED_LEN_BYTE_ARRAY up to 32 bytes.
constexpr int kMaxDigits = 76;

struct ParsedDecimal {
  bool negative = false;
  char digits[kMaxDigits];  // unscaled digits without leading zeros, as ASCII
  int num_digits = 0;
};

Status ParseDecimal(std::string_view text, int precision, int scale, ParsedDecimal* out) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    out->negative = text[i] == '-';
    ++i;
  }
  auto bad = [&](std::string_view why) {
    return InvalidArgumentError("decimal value '{}' does not fit DECIMAL({},{}): {}", text,
                                precision, scale, why);
  };
  auto push = [&](char c) -> bool {
    if (out->num_digits == 0 && c == '0') return true;  // leading zero
    if (out->num_digits >= kMaxDigits) return false;
    out->digits[out->num_digits++] = c;
    return true;
  };
  bool any_digit = false;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    any_digit = true;
    if (!push(text[i])) return bad("too many digits");
  }
  int fraction_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      any_digit = true;
      if (fraction_digits < scale) {
        if (!push(text[i])) return bad("too many digits");
        ++fraction_digits;
      } else if (text[i] != '0') {
        return bad("more fraction digits than the scale (it would be rounded)");
      }
    }
  }
  if (!any_digit || i != text.size()) return bad("not a decimal number");
  for (; fraction_digits < scale; ++fraction_digits) {
    if (out->num_digits > 0 && !push('0')) return bad("too many digits");
  }
  if (out->num_digits > precision) return bad("more integer digits than the precision allows");
  if (out->num_digits == 0) out->negative = false;  // -0 is 0
  return Status::OK();
}

}  // namespace

int DecimalFixedWidth(int precision) {
  // precision * log2(10) is irrational for precision >= 1, so ceil on a double is exact here.
  return static_cast<int>(std::ceil((precision * std::log2(10.0) + 1.0) / 8.0));
}

Result<int64_t> DecimalToInt64(std::string_view text, int precision, int scale) {
  ParsedDecimal p;
  RETURN_IF_ERROR(ParseDecimal(text, precision, scale, &p));
  // At most 18 digits: fits in int64 without overflow.
  int64_t v = 0;
  for (int i = 0; i < p.num_digits; ++i) v = v * 10 + (p.digits[i] - '0');
  return p.negative ? -v : v;
}

Status DecimalToFixed(std::string_view text, int precision, int scale, int width, char* out) {
  ParsedDecimal p;
  RETURN_IF_ERROR(ParseDecimal(text, precision, scale, &p));
  // Little-endian 32-bit limbs; 76 digits need 253 bits.
  constexpr int kLimbs = 8;
  uint32_t limbs[kLimbs] = {};
  for (int i = 0; i < p.num_digits; ++i) {
    uint64_t carry = static_cast<uint64_t>(p.digits[i] - '0');
    for (int l = 0; l < kLimbs; ++l) {
      const uint64_t x = static_cast<uint64_t>(limbs[l]) * 10 + carry;
      limbs[l] = static_cast<uint32_t>(x);
      carry = x >> 32;
    }
  }
  if (p.negative) {
    // Two's complement: invert and add one.
    uint64_t carry = 1;
    for (int l = 0; l < kLimbs; ++l) {
      const uint64_t x = static_cast<uint64_t>(~limbs[l]) + carry;
      limbs[l] = static_cast<uint32_t>(x);
      carry = x >> 32;
    }
  }
  const uint8_t fill = p.negative ? 0xFF : 0x00;
  for (int b = 0; b < width; ++b) {
    const int byte_index = width - 1 - b;  // b counts from the least significant byte
    uint8_t byte = fill;
    if (b < kLimbs * 4) byte = static_cast<uint8_t>(limbs[b / 4] >> (8 * (b % 4)));
    out[byte_index] = static_cast<char>(byte);
  }
  return Status::OK();
}

Status DecimalToText(std::string_view text, int precision, int scale, std::string* out) {
  ParsedDecimal p;
  RETURN_IF_ERROR(ParseDecimal(text, precision, scale, &p));
  out->clear();
  if (p.negative) out->push_back('-');
  const int integer_digits = p.num_digits - scale;
  if (integer_digits > 0) {
    out->append(p.digits, static_cast<size_t>(integer_digits));
  } else {
    out->push_back('0');
  }
  if (scale == 0) return Status::OK();
  out->push_back('.');
  if (integer_digits < 0) out->append(static_cast<size_t>(-integer_digits), '0');
  const int from = integer_digits > 0 ? integer_digits : 0;
  out->append(p.digits + from, static_cast<size_t>(p.num_digits - from));
  return Status::OK();
}

}  // namespace binlake
