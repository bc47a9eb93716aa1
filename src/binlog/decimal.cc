#include "binlog/decimal.h"

namespace binlake {

int DecimalBinarySize(int precision, int scale) {
  static constexpr int kDigitBytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
  int intg = precision - scale;
  return (intg / 9) * 4 + kDigitBytes[intg % 9] + (scale / 9) * 4 + kDigitBytes[scale % 9];
}

Result<std::string> DecodeDecimal(std::string_view bytes, int precision, int scale) {
  (void)bytes;
  return UnimplementedError("DECIMAL({},{}) decoding not available", precision, scale);
}

}  // namespace binlake
