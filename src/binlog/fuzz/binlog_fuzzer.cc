// libFuzzer entry point: arbitrary bytes as a binlog file, decoded end to end (framing,
// events, payloads, table maps, row images, transaction assembly). Any crash, sanitizer
// report or hang is a bug; errors are fine.
//
// Each input is decoded twice: as given, and with every event's trailing CRC32 recomputed,
// so that mutations reach the event decoders instead of stopping at the checksum check.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "binlog/binlog_file_reader.h"
#include "binlog/event_dumper.h"
#include "common/byte_reader.h"

namespace {

void Decode(const std::string& bytes) {
  auto reader = binlake::BinlogFileReader::FromBuffer(bytes, "fuzz.000001");
  if (!reader.ok()) return;
  size_t lines = 0;
  binlake::Status s = binlake::DumpEvents(reader->get(), binlake::DumpOptions{},
                                          [&](std::string_view) { ++lines; });
  s.IgnoreError();
}

void FixChecksums(std::string* bytes) {
  size_t pos = 4;
  while (pos + 19 <= bytes->size()) {
    uint8_t* p = reinterpret_cast<uint8_t*>(bytes->data()) + pos;
    uint32_t size = binlake::LoadLE32(p + 9);
    if (size < 23 || size > bytes->size() - pos) return;
    uint16_t flags = binlake::LoadLE16(p + 17);
    // FORMAT_DESCRIPTION checksums are taken with the in-use flag clear.
    if (p[4] == 15) p[17] = static_cast<uint8_t>(flags & ~1u);
    uint32_t crc = static_cast<uint32_t>(crc32(0L, p, size - 4));
    if (p[4] == 15) p[17] = static_cast<uint8_t>(flags);
    for (int i = 0; i < 4; ++i) p[size - 4 + i] = static_cast<uint8_t>(crc >> (8 * i));
    pos += size;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(
      "\xfe"
      "bin",
      4);
  // Inputs seeded from real files already start with the magic; others get it prepended so
  // the fuzzer reaches the decoder.
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (in.substr(0, 4) == bytes) in.remove_prefix(4);
  bytes.append(in);
  Decode(bytes);
  FixChecksums(&bytes);
  Decode(bytes);
  return 0;
}
