// libFuzzer entry point: arbitrary text as each of the lake's own records (checkpoint, intent,
// load start, load record, table schema, parked XA transaction), as binlake reads them back
// after a restart. Errors
// are fine; a crash, sanitizer report or hang is a bug, and so is a record that decodes but
// does not survive encoding and decoding again unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "checkpoint/records.h"
#include "xa/lake_prepared_transactions.h"

namespace {

// Decode, and for a record that decodes: encode, decode, encode must give the same text.
template <typename Decode, typename Encode>
void RoundTrip(std::string_view json, Decode decode, Encode encode) {
  auto first = decode(json, "fuzz");
  if (!first.ok()) return;
  std::string once = encode(*first);
  auto second = decode(once, "fuzz re-encoded");
  if (!second.ok() || encode(*second) != once) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  using namespace binlake;
  RoundTrip(json, DecodeCheckpoint, EncodeCheckpoint);
  RoundTrip(json, DecodeIntent, EncodeIntent);
  RoundTrip(json, DecodeLoadStart, EncodeLoadStart);
  RoundTrip(json, DecodeLoadRecord, EncodeLoadRecord);
  DecodeSchema(json, "fuzz").status().IgnoreError();
  // A parked XA transaction is binary behind its magic line: fuzz what follows the line.
  std::string parked = "binlake-xa 1\n" + std::string(json);
  RoundTrip(parked, DecodeParked, [](const PreparedTransactions::Parked& p) {
    return EncodeParked("fuzz", p.position, p.rows);
  });
  return 0;
}
