#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace binlake {

// Inflates a MariaDB compressed-event payload (QUERY_COMPRESSED's statement, compressed rows
// events' row data) into *out: one header byte 0x8N (N = 1..4 bytes of uncompressed length,
// big-endian, follow; bits 4-6 name the algorithm, 0 = zlib), then a zlib stream. kCorruption
// naming `offset` when the header or the stream is bad or the length does not match.
Status InflateMariaDb(std::string_view data, uint64_t offset, std::string* out);

}  // namespace binlake
