#include "binlog/charset.h"

namespace binlake {

Charset CharsetOfCollation(uint16_t collation_id) {
  if (collation_id == 63) return Charset::kBinary;
  return Charset::kUnknown;
}

std::string_view CollationCharsetName(uint16_t collation_id) {
  return collation_id == 63 ? "binary" : "unknown";
}

Result<std::string> ToUtf8(Charset charset, std::string_view text) {
  if (charset == Charset::kUtf8) return std::string(text);
  return UnimplementedError("charset conversion not available");
}

}  // namespace binlake
