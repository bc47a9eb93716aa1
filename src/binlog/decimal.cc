#include "binlog/decimal.h"

#include <fmt/format.h>

#include <cstdint>

namespace binlake {
namespace {

// Bytes holding 0-9 leftover decimal digits (a full group of nine takes four).
constexpr int kDigitBytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
constexpr uint32_t kPow10[10] = {1,      10,      100,      1000,      10000,
                                 100000, 1000000, 10000000, 100000000, 1000000000};

// Appends v as exactly `digits` decimal digits (zero-padded).
void AppendDigits(std::string* out, uint32_t v, int digits) {
  char buf[9];
  for (int i = digits - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out->append(buf, static_cast<size_t>(digits));
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

  std::string int_digits;
  int_digits.reserve(static_cast<size_t>(intg));
  uint32_t v = 0;
  if (intg_left > 0) {
    RETURN_IF_ERROR(group(intg_left, &v));
    AppendDigits(&int_digits, v, intg_left);
  }
  for (int i = 0; i < intg_full; ++i) {
    RETURN_IF_ERROR(group(9, &v));
    AppendDigits(&int_digits, v, 9);
  }
  std::string frac_digits;
  frac_digits.reserve(static_cast<size_t>(scale));
  for (int i = 0; i < frac_full; ++i) {
    RETURN_IF_ERROR(group(9, &v));
    AppendDigits(&frac_digits, v, 9);
  }
  if (frac_left > 0) {
    RETURN_IF_ERROR(group(frac_left, &v));
    AppendDigits(&frac_digits, v, frac_left);
  }

  size_t first = int_digits.find_first_not_of('0');
  std::string out;
  out.reserve(int_digits.size() + frac_digits.size() + 3);
  if (negative && any_nonzero) out.push_back('-');
  if (first == std::string::npos) {
    out.push_back('0');
  } else {
    out.append(int_digits, first, std::string::npos);
  }
  if (scale > 0) {
    out.push_back('.');
    out += frac_digits;
  }
  return out;
}

}  // namespace binlake
