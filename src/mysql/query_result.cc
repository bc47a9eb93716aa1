#include "mysql/query_result.h"

#include "common/byte_reader.h"

namespace binlake {

Result<ColumnInfo> ColumnInfo::Parse(std::string_view payload) {
  ByteReader in(payload);
  ColumnInfo c;
  RETURN_IF_ERROR(in.LengthEncodedString().status());  // catalog, always "def"
  ASSIGN_OR_RETURN(std::string_view schema, in.LengthEncodedString());
  ASSIGN_OR_RETURN(std::string_view table, in.LengthEncodedString());
  ASSIGN_OR_RETURN(std::string_view org_table, in.LengthEncodedString());
  ASSIGN_OR_RETURN(std::string_view name, in.LengthEncodedString());
  ASSIGN_OR_RETURN(std::string_view org_name, in.LengthEncodedString());
  c.schema = schema;
  c.table = table;
  c.org_table = org_table;
  c.name = name;
  c.org_name = org_name;
  ASSIGN_OR_RETURN(uint64_t fixed_len, in.LengthEncodedInt());
  if (fixed_len < 10) {
    return CorruptionError("column definition for '{}' has {} fixed bytes, expected 12", c.name,
                           fixed_len);
  }
  ASSIGN_OR_RETURN(c.collation_id, in.U16LE());
  ASSIGN_OR_RETURN(c.length, in.U32LE());
  ASSIGN_OR_RETURN(c.type, in.U8());
  ASSIGN_OR_RETURN(c.flags, in.U16LE());
  ASSIGN_OR_RETURN(c.decimals, in.U8());
  return c;
}

Status ParseTextRow(std::string_view payload, size_t column_count, TextRowView* out) {
  out->resize(column_count);
  const char* p = payload.data();
  const char* end = p + payload.size();
  for (size_t i = 0; i < column_count; ++i) {
    if (p >= end) {
      return CorruptionError("result row has {} values where {} columns were announced", i,
                             column_count);
    }
    uint8_t first = static_cast<uint8_t>(*p);
    if (first == 0xfb) {
      (*out)[i] = std::nullopt;
      ++p;
      continue;
    }
    uint64_t len;
    if (first < 0xfb) {
      len = first;
      p += 1;
    } else {
      int n = first == 0xfc ? 2 : first == 0xfd ? 3 : first == 0xfe ? 8 : 0;
      if (n == 0 || end - p < 1 + n) {
        return CorruptionError("result row value {} has a bad length prefix 0x{:02x}", i, first);
      }
      len = LoadLE(reinterpret_cast<const uint8_t*>(p + 1), n);
      p += 1 + n;
    }
    if (static_cast<uint64_t>(end - p) < len) {
      return CorruptionError("result row value {} needs {} bytes, {} left", i, len, end - p);
    }
    (*out)[i] = std::string_view(p, len);
    p += len;
  }
  if (p != end) {
    return CorruptionError("result row has {} bytes after its {} values", end - p, column_count);
  }
  return Status::OK();
}

int QueryResult::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace binlake
