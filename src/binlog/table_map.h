#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/row_image.h"
#include "common/result.h"

namespace binlake {

// One TABLE_MAP event: the table a table id stands for in the following rows events, the
// wire encoding of its columns, and whatever optional metadata the server added
// (binlog_row_metadata=FULL on MySQL 8.0+ / MariaDB 10.5+; MINIMAL has signedness and
// charsets only; older servers none). Per-column vectors have one entry per column; the
// has_* flags say whether the server sent that piece. Value type.
struct TableMap {
  uint64_t table_id = 0;
  uint16_t flags = 0;
  std::string database;
  std::string table;
  std::vector<ColumnWire> columns;
  std::vector<bool> nullable;

  bool has_signedness = false;
  std::vector<bool> is_unsigned;  // numeric columns only
  bool has_charsets = false;
  std::vector<uint16_t> collations;  // character, ENUM and SET columns; 0 elsewhere/unknown
  bool has_names = false;
  std::vector<std::string> names;
  bool has_enum_set_values = false;
  std::vector<std::vector<std::string>> elements;  // ENUM/SET member names
  std::vector<uint32_t> geometry_types;            // GEOMETRY columns: 0 = GEOMETRY, 1 = POINT...
  bool has_primary_key = false;
  std::vector<int> primary_key;              // column indexes in key order
  std::vector<uint32_t> primary_key_prefix;  // prefix length per key part, 0 = whole column
  bool has_visibility = false;
  std::vector<bool> visible;
  std::vector<uint32_t> vector_dimensions;  // VECTOR columns (MySQL 9)

  // Everything after the table id and flags, as sent: two maps describe the same table
  // layout exactly when these bytes are equal.
  std::string definition;
};

// Decodes a TABLE_MAP event body (after the common header, without checksum). `mariadb`
// selects MariaDB's notion of which columns carry a charset (it counts GEOMETRY, MySQL 9
// counts VECTOR). `post_header_length` is 6 (4-byte table id, MySQL 5.1.0-5.1.3) or 8.
// Errors are kCorruption naming `offset` (absolute offset of the body) and the table.
Result<TableMap> ParseTableMap(std::string_view body, uint64_t offset, uint8_t post_header_length,
                               bool mariadb);

}  // namespace binlake
