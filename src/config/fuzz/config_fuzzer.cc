// libFuzzer entry point: arbitrary text as a binlake config file. ParseConfig must answer
// every input with a Config or an error status: a crash, an exception escaping it, a
// sanitizer report or a hang is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  binlake::ParseConfig(text, "fuzz.yaml").status().IgnoreError();
  return 0;
}
