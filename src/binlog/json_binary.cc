#include "binlog/json_binary.h"

namespace binlake {

Result<std::string> JsonBinaryToText(std::string_view binary) {
  (void)binary;
  return UnimplementedError("binary JSON decoding not available");
}

Result<std::string> ApplyJsonDiff(std::string_view before_text, std::string_view diff) {
  (void)before_text;
  (void)diff;
  return UnimplementedError("JSON diff not available");
}

}  // namespace binlake
