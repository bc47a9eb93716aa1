#include "binlog/column_decoder.h"

namespace binlake {

Status DecodeColumnValue(ByteReader* in, const ColumnWire& wire, const Column& column, Value* out) {
  (void)in;
  (void)wire;
  *out = Value::Null();
  return UnimplementedError("column {}: decoding not available", column.name);
}

Result<std::string_view> ReadLengthPrefixed(ByteReader* in, const ColumnWire& wire,
                                            const Column& column) {
  int width = wire.metadata & 0xff;
  if (width < 1 || width > 4) {
    return CorruptionError("column {}: length prefix width {} (TABLE_MAP metadata) is not 1-4",
                           column.name, width);
  }
  ASSIGN_OR_RETURN(uint64_t len, in->UintLE(width));
  return in->Bytes(len);
}

}  // namespace binlake
