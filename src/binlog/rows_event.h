#pragma once

#include <cstdint>
#include <string_view>

#include "common/result.h"
#include "model/change.h"

namespace binlake {

// The fixed part of a rows event (WRITE/UPDATE/DELETE v0/v1/v2, PARTIAL_UPDATE_ROWS,
// MariaDB compressed rows). The row images themselves stay as bytes in `rows` until a
// RowsEventReader walks them with the table's schema. Views point into the event (or the
// decoder's decompression buffer): valid until the decoder's next Decode call.
struct RowsEvent {
  Op op = Op::kInsert;
  int version = 1;              // 0, 1 or 2
  bool partial_update = false;  // PARTIAL_UPDATE_ROWS (39): after-images may hold JSON diffs
  uint64_t table_id = 0;
  uint16_t flags = 0;           // kRowsFlagStatementEnd, ...
  std::string_view extra_data;  // v2 extra row info (without its length field)
  uint64_t column_count = 0;
  std::string_view present_before;  // columns in the before image (delete, update), or the
                                    // only image (insert); one bit per column, LSB first
  std::string_view present_after;   // update: columns in the after image
  std::string_view rows;            // the row images, back to back
  uint64_t rows_offset = 0;         // absolute offset of `rows` for error messages (for
                                    // compressed events: the offset of the compressed data)
};

inline constexpr uint16_t kRowsFlagStatementEnd = 0x0001;
// The session ran with foreign_key_checks=0 (MySQL and MariaDB NO_FOREIGN_KEY_CHECKS_F).
inline constexpr uint16_t kRowsFlagNoForeignKeyChecks = 0x0002;

// Decodes a rows event body (after the common header, without checksum). `type` is the
// event type code; `post_header_length` comes from FORMAT_DESCRIPTION (6 = 4-byte table id,
// 8 = v1, 10 = v2). `decompressed` receives the inflated rows of MariaDB compressed events
// (rows then points into it). kCorruption names `offset`.
Status ParseRowsEvent(uint8_t type, std::string_view body, uint64_t offset,
                      uint8_t post_header_length, std::string* decompressed, RowsEvent* out);

}  // namespace binlake
