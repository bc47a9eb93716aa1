#include "binlog/decimal.h"

#include <fmt/format.h>

#include <cstdint>

namespace binlake {
namespace {

// Bytes holding 0-9 leftover decimal digits (a full group of nine takes four).
constexpr int kDigitBytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
constexpr uint32_t kPow10[10] = {1,      10,      100,      1000,      10000,
                                 100000, 1000000, 10000000, 100000000, 1000000000};

// Writes v as exactly `digits` decimal digits (zero-padded) at out; returns the end.
char* PutDigits(char* out, uint32_t v, int digits) {
  for (int i = digits - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return out + digits;
}

}  // namespace

int DecimalBinarySize(int precision, int scale) {
  int intg = precision - scale;
  return (intg / 9) * 4 + kDigitBytes[intg % 9] + (scale / 9) * 4 + kDigitBytes[scale % 9];
}

Result<std::string> DecodeDecimal(std::string_view bytes, int precision, int scale) {
  if (precision <= 0 || precision > 65 || scale < 0 || scale > precision || scale > 30) {
    return CorruptionError(
        "DECIMAL({},{}) from TABLE_MAP metadata is not a valid precision/scale (precision "
        "1-65, scale 0-30 and <= precision)",
        precision, scale);
  }
  size_t size = static_cast<size_t>(DecimalBinarySize(precision, scale));
  if (bytes.size() != size) {
    return CorruptionError("DECIMAL({},{}) value has {} bytes, expected {}", precision, scale,
                           bytes.size(), size);
  }
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  // The top bit of the first byte is set for non-negative values; negatives store every
  // byte inverted, so unsigned byte order matches numeric order.
  bool negative = (p[0] & 0x80) == 0;
  uint8_t mask = negative ? 0xff : 0x00;
  size_t pos = 0;
  bool any_nonzero = false;
  // Reads one group of `digits` decimal digits (0 < digits <= 9) stored in kDigitBytes bytes.
  auto group = [&](int digits, uint32_t* out) -> Status {
    int n = kDigitBytes[digits];
    uint32_t v = 0;
    for (int i = 0; i < n; ++i) {
      uint8_t b = p[pos] ^ mask;
      if (pos == 0) b ^= 0x80;
      v = (v << 8) | b;
      ++pos;
    }
    if (v >= kPow10[digits]) {
      return CorruptionError("DECIMAL({},{}) value has a group {} wider than {} digits", precision,
                             scale, v, digits);
    }
    if (v != 0) any_nonzero = true;
    *out = v;
    return Status::OK();
  };

  int intg = precision - scale;
  int intg_full = intg / 9;
  int intg_left = intg % 9;
  int frac_full = scale / 9;
  int frac_left = scale % 9;

  // Sign, integer digits, point and fraction go straight into one buffer (at most 65
  // digits, a sign and a point; a leading "0" for a value below one), then into the result.
  char buf[72];
  char* digits = buf + 2;  // room for the sign and a leading zero in front
  char* end = digits;
  uint32_t v = 0;
  if (intg_left > 0) {
    RETURN_IF_ERROR(group(intg_left, &v));
    end = PutDigits(end, v, intg_left);
  }
  for (int i = 0; i < intg_full; ++i) {
    RETURN_IF_ERROR(group(9, &v));
    end = PutDigits(end, v, 9);
  }
  char* first = digits;
  while (first < end && *first == '0') ++first;
  if (first == end) *--first = '0';  // no integer digit: "0"
  if (scale > 0) {
    *end++ = '.';
    for (int i = 0; i < frac_full; ++i) {
      RETURN_IF_ERROR(group(9, &v));
      end = PutDigits(end, v, 9);
    }
    if (frac_left > 0) {
      RETURN_IF_ERROR(group(frac_left, &v));
      end = PutDigits(end, v, frac_left);
    }
  }
  if (negative && any_nonzero) *--first = '-';
  return std::string(first, end);
}

}  // namespace binlake