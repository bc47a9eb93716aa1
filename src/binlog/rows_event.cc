#include "binlog/rows_event.h"

#include "binlog/event_type.h"
#include "binlog/mariadb_compression.h"
#include "common/byte_reader.h"

namespace binlake {

Status ParseRowsEvent(uint8_t type, std::string_view body, uint64_t offset,
                      uint8_t post_header_length, std::string* decompressed, RowsEvent* out) {
  using namespace event_type;
  bool compressed = false;
  switch (type) {
    case kWriteRowsV0:
    case kWriteRowsV1:
    case kWriteRowsV2:
    case kWriteRowsCompressedV1:
    case kWriteRowsCompressed:
      out->op = Op::kInsert;
      break;
    case kUpdateRowsV0:
    case kUpdateRowsV1:
    case kUpdateRowsV2:
    case kPartialUpdateRows:
    case kUpdateRowsCompressedV1:
    case kUpdateRowsCompressed:
      out->op = Op::kUpdate;
      break;
    case kDeleteRowsV0:
    case kDeleteRowsV1:
    case kDeleteRowsV2:
    case kDeleteRowsCompressedV1:
    case kDeleteRowsCompressed:
      out->op = Op::kDelete;
      break;
    default:
      return InternalError("event type {} is not a rows event", type);
  }
  switch (type) {
    case kWriteRowsV0:
    case kUpdateRowsV0:
    case kDeleteRowsV0:
      out->version = 0;
      break;
    case kWriteRowsV2:
    case kUpdateRowsV2:
    case kDeleteRowsV2:
    case kPartialUpdateRows:
    case kWriteRowsCompressed:
    case kUpdateRowsCompressed:
    case kDeleteRowsCompressed:
      out->version = 2;
      break;
    default:
      out->version = 1;
  }
  compressed = type >= kWriteRowsCompressedV1 && type <= kDeleteRowsCompressed;
  out->partial_update = type == kPartialUpdateRows;
  ByteReader in(body, offset);
  auto parse = [&]() -> Status {
    int id_bytes = post_header_length == 6 ? 4 : 6;
    ASSIGN_OR_RETURN(out->table_id, in.UintLE(id_bytes));
    ASSIGN_OR_RETURN(out->flags, in.U16LE());
    out->extra_data = {};
    if (out->version == 2) {
      ASSIGN_OR_RETURN(uint16_t extra_len, in.U16LE());
      if (extra_len < 2) {
        return CorruptionError("v2 extra-data length {} at offset {} is below its own 2 bytes",
                               extra_len, in.absolute_position() - 2);
      }
      ASSIGN_OR_RETURN(out->extra_data, in.Bytes(extra_len - 2));
    }
    // Post-headers longer than binlake knows carry fields it can skip.
    size_t known = static_cast<size_t>(id_bytes) + 2 + (out->version == 2 ? 2 : 0);
    if (post_header_length > known && out->version != 2) {
      RETURN_IF_ERROR(in.Skip(post_header_length - known));
    }
    ASSIGN_OR_RETURN(out->column_count, in.LengthEncodedInt());
    if (out->column_count > 4096 * 8) {
      return CorruptionError("rows event declares {} columns (MySQL allows at most 4096)",
                             out->column_count);
    }
    size_t bitmap = (out->column_count + 7) / 8;
    ASSIGN_OR_RETURN(out->present_before, in.Bytes(bitmap));
    out->present_after = out->present_before;
    if (out->op == Op::kUpdate) {
      ASSIGN_OR_RETURN(out->present_after, in.Bytes(bitmap));
    }
    out->rows_offset = in.absolute_position();
    if (compressed) {
      RETURN_IF_ERROR(InflateMariaDb(in.Rest(), out->rows_offset, decompressed));
      out->rows = *decompressed;
    } else {
      out->rows = in.Rest();
    }
    return Status::OK();
  };
  Status s = parse();
  if (!s.ok()) {
    return s.Context(fmt::format("{} event body at offset {}", EventTypeName(type), offset));
  }
  return Status::OK();
}

}  // namespace binlake
