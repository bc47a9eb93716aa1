#include "binlog/mariadb_compression.h"

#include <zlib.h>

namespace binlake {

namespace {
// A cap on the declared length so a damaged header cannot make us allocate gigabytes: MariaDB
// never compresses events above max_allowed_packet (1 GiB).
constexpr uint64_t kMaxInflated = 1ULL << 30;
}  // namespace

Status InflateMariaDb(std::string_view data, uint64_t offset, std::string* out) {
  if (data.empty()) {
    return CorruptionError("compressed MariaDB event data at offset {} is empty", offset);
  }
  uint8_t head = static_cast<uint8_t>(data[0]);
  int len_bytes = head & 0x07;
  int algorithm = (head >> 4) & 0x07;
  if ((head & 0x80) == 0 || len_bytes < 1 || len_bytes > 4 ||
      data.size() < 1 + static_cast<size_t>(len_bytes)) {
    return CorruptionError(
        "compressed MariaDB event data at offset {} has an invalid header "
        "byte 0x{:02x}",
        offset, head);
  }
  if (algorithm != 0) {
    return UnimplementedError(
        "compressed MariaDB event at offset {} uses algorithm {}; only zlib "
        "(0) exists",
        offset, algorithm);
  }
  uint64_t size = 0;
  for (int i = 0; i < len_bytes; ++i) size = size << 8 | static_cast<uint8_t>(data[1 + i]);
  if (size > kMaxInflated) {
    return CorruptionError("compressed MariaDB event at offset {} declares {} uncompressed bytes",
                           offset, size);
  }
  out->resize(size);
  uLongf dest_len = static_cast<uLongf>(size);
  std::string_view src = data.substr(1 + len_bytes);
  int rc = uncompress(reinterpret_cast<Bytef*>(out->data()), &dest_len,
                      reinterpret_cast<const Bytef*>(src.data()), static_cast<uLong>(src.size()));
  if (rc != Z_OK || dest_len != size) {
    return CorruptionError(
        "compressed MariaDB event data at offset {} does not inflate to the "
        "declared {} bytes (zlib code {}, got {} bytes)",
        offset, size, rc, static_cast<uint64_t>(dest_len));
  }
  return Status::OK();
}

}  // namespace binlake
