// libFuzzer entry point: arbitrary bytes as MySQL binary JSON (a JSON column's value in a row
// image) and as a partial-update JSON diff applied to the document they decode to. Errors
// are fine; a crash, sanitizer report or hang is a bug. A document that decodes must print
// as text that a diff can be applied to without crashing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "binlog/json_binary.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  binlake::Result<std::string> text = binlake::JsonBinaryToText(bytes);
  // The diff half: the first byte says where the document ends and the diff begins.
  if (size > 1) {
    size_t split = 1 + data[0] % (size - 1);
    binlake::Result<std::string> doc = binlake::JsonBinaryToText(bytes.substr(1, split - 1));
    if (doc.ok()) binlake::ApplyJsonDiff(*doc, bytes.substr(split)).status().IgnoreError();
  }
  text.status().IgnoreError();
  return 0;
}
