#include "binlog/table_map.h"

#include "common/byte_reader.h"

namespace binlake {
namespace {

// Optional metadata field types (TLV type byte).
enum OptionalField : uint8_t {
  kSignedness = 1,
  kDefaultCharset = 2,
  kColumnCharset = 3,
  kColumnName = 4,
  kSetStrValue = 5,
  kEnumStrValue = 6,
  kGeometryType = 7,
  kSimplePrimaryKey = 8,
  kPrimaryKeyWithPrefix = 9,
  kEnumAndSetDefaultCharset = 10,
  kEnumAndSetColumnCharset = 11,
  kColumnVisibility = 12,
  kVectorDimensionality = 13,
};

// How many bytes of TABLE_MAP metadata a column type carries.
int MetadataBytes(MysqlType type) {
  switch (type) {
    case MysqlType::kFloat:
    case MysqlType::kDouble:
    case MysqlType::kTinyBlob:
    case MysqlType::kMediumBlob:
    case MysqlType::kLongBlob:
    case MysqlType::kBlob:
    case MysqlType::kGeometry:
    case MysqlType::kJson:
    case MysqlType::kVector:
    case MysqlType::kTime2:
    case MysqlType::kDateTime2:
    case MysqlType::kTimestamp2:
      return 1;
    case MysqlType::kVarchar:
    case MysqlType::kBit:
    case MysqlType::kNewDecimal:
    case MysqlType::kVarString:
    case MysqlType::kString:
    case MysqlType::kEnum:
    case MysqlType::kSet:
      return 2;
    default:
      return 0;
  }
}

uint16_t PackMetadata(MysqlType type, const uint8_t* p) {
  switch (MetadataBytes(type)) {
    case 1:
      return p[0];
    case 2:
      // VARCHAR and BIT are little-endian; the others keep (b0, b1) as a big-endian pair.
      if (type == MysqlType::kVarchar || type == MysqlType::kBit) return LoadLE16(p);
      return static_cast<uint16_t>(p[0] << 8 | p[1]);
    default:
      return 0;
  }
}

bool IsNumeric(MysqlType t) {
  switch (t) {
    case MysqlType::kTiny:
    case MysqlType::kShort:
    case MysqlType::kInt24:
    case MysqlType::kLong:
    case MysqlType::kLongLong:
    case MysqlType::kNewDecimal:
    case MysqlType::kFloat:
    case MysqlType::kDouble:
      return true;
    default:
      return false;
  }
}

bool IsCharacter(MysqlType real, bool mariadb) {
  switch (real) {
    case MysqlType::kString:
    case MysqlType::kVarString:
    case MysqlType::kVarchar:
    case MysqlType::kBlob:
    case MysqlType::kTinyBlob:
    case MysqlType::kMediumBlob:
    case MysqlType::kLongBlob:
      return true;
    case MysqlType::kGeometry:
      return mariadb;
    case MysqlType::kVector:
      return !mariadb;
    default:
      return false;
  }
}

bool IsEnumOrSet(MysqlType real) { return real == MysqlType::kEnum || real == MysqlType::kSet; }

bool BitMsbFirst(std::string_view bits, size_t i) {
  return i / 8 < bits.size() && (static_cast<uint8_t>(bits[i / 8]) >> (7 - i % 8)) & 1;
}

class OptionalMetadataParser {
 public:
  OptionalMetadataParser(TableMap* map, bool mariadb) : map_(map), mariadb_(mariadb) {
    size_t n = map->columns.size();
    real_.resize(n);
    for (size_t i = 0; i < n; ++i) real_[i] = RealType(map->columns[i]);
  }

  Status Parse(ByteReader* in) {
    while (!in->empty()) {
      uint64_t at = in->absolute_position();
      ASSIGN_OR_RETURN(uint8_t type, in->U8());
      ASSIGN_OR_RETURN(uint64_t len, in->LengthEncodedInt());
      if (len > in->remaining()) {
        return CorruptionError(
            "optional metadata field {} at offset {} declares {} bytes, only "
            "{} remain",
            type, at, len, in->remaining());
      }
      ASSIGN_OR_RETURN(std::string_view value, in->Bytes(len));
      ByteReader field(value, at);
      Status s = ParseField(type, &field);
      if (!s.ok())
        return s.Context(fmt::format("optional metadata field {} at offset {}", type, at));
    }
    return Status::OK();
  }

 private:
  Status ParseField(uint8_t type, ByteReader* in) {
    size_t n = real_.size();
    switch (type) {
      case kSignedness: {
        std::string_view bits = in->Rest();
        size_t k = 0;
        for (size_t i = 0; i < n; ++i) {
          if (!IsNumeric(real_[i])) continue;
          map_->is_unsigned[i] = BitMsbFirst(bits, k++);
        }
        map_->has_signedness = true;
        return Status::OK();
      }
      case kDefaultCharset:
      case kEnumAndSetDefaultCharset: {
        bool enum_set = type == kEnumAndSetDefaultCharset;
        ASSIGN_OR_RETURN(uint64_t def, in->LengthEncodedInt());
        std::vector<size_t> cols = Selected(enum_set);
        for (size_t c : cols) map_->collations[c] = static_cast<uint16_t>(def);
        while (!in->empty()) {
          ASSIGN_OR_RETURN(uint64_t idx, in->LengthEncodedInt());
          ASSIGN_OR_RETURN(uint64_t coll, in->LengthEncodedInt());
          if (idx >= cols.size()) {
            return CorruptionError(
                "charset override for character column #{} but the table has "
                "{} such columns",
                idx, cols.size());
          }
          map_->collations[cols[idx]] = static_cast<uint16_t>(coll);
        }
        map_->has_charsets = true;
        return Status::OK();
      }
      case kColumnCharset:
      case kEnumAndSetColumnCharset: {
        std::vector<size_t> cols = Selected(type == kEnumAndSetColumnCharset);
        for (size_t c : cols) {
          if (in->empty()) break;
          ASSIGN_OR_RETURN(uint64_t coll, in->LengthEncodedInt());
          map_->collations[c] = static_cast<uint16_t>(coll);
        }
        map_->has_charsets = true;
        return Status::OK();
      }
      case kColumnName: {
        for (size_t i = 0; i < n; ++i) {
          ASSIGN_OR_RETURN(std::string_view name, in->LengthEncodedString());
          map_->names[i].assign(name);
        }
        map_->has_names = true;
        return Status::OK();
      }
      case kSetStrValue:
      case kEnumStrValue: {
        MysqlType want = type == kSetStrValue ? MysqlType::kSet : MysqlType::kEnum;
        for (size_t i = 0; i < n && !in->empty(); ++i) {
          if (real_[i] != want) continue;
          ASSIGN_OR_RETURN(uint64_t count, in->LengthEncodedInt());
          if (count > in->remaining()) {
            return CorruptionError("{} column #{} declares {} values in {} bytes",
                                   want == MysqlType::kSet ? "SET" : "ENUM", i, count,
                                   in->remaining());
          }
          std::vector<std::string>& values = map_->elements[i];
          values.clear();
          values.reserve(count);
          for (uint64_t k = 0; k < count; ++k) {
            ASSIGN_OR_RETURN(std::string_view v, in->LengthEncodedString());
            values.emplace_back(v);
          }
        }
        map_->has_enum_set_values = true;
        return Status::OK();
      }
      case kGeometryType: {
        for (size_t i = 0; i < n && !in->empty(); ++i) {
          if (real_[i] != MysqlType::kGeometry) continue;
          ASSIGN_OR_RETURN(uint64_t g, in->LengthEncodedInt());
          map_->geometry_types[i] = static_cast<uint32_t>(g);
        }
        return Status::OK();
      }
      case kSimplePrimaryKey:
      case kPrimaryKeyWithPrefix: {
        map_->primary_key.clear();
        map_->primary_key_prefix.clear();
        while (!in->empty()) {
          ASSIGN_OR_RETURN(uint64_t idx, in->LengthEncodedInt());
          uint64_t prefix = 0;
          if (type == kPrimaryKeyWithPrefix) {
            ASSIGN_OR_RETURN(prefix, in->LengthEncodedInt());
          }
          if (idx >= n) {
            return CorruptionError("primary key names column #{} but the table has {} columns", idx,
                                   n);
          }
          map_->primary_key.push_back(static_cast<int>(idx));
          map_->primary_key_prefix.push_back(static_cast<uint32_t>(prefix));
        }
        map_->has_primary_key = true;
        return Status::OK();
      }
      case kColumnVisibility: {
        std::string_view bits = in->Rest();
        for (size_t i = 0; i < n; ++i) map_->visible[i] = BitMsbFirst(bits, i);
        map_->has_visibility = true;
        return Status::OK();
      }
      case kVectorDimensionality: {
        map_->vector_dimensions.clear();
        while (!in->empty()) {
          ASSIGN_OR_RETURN(uint64_t d, in->LengthEncodedInt());
          map_->vector_dimensions.push_back(static_cast<uint32_t>(d));
        }
        return Status::OK();
      }
      default:
        // Fields newer than binlake: their length lets us step over them.
        return Status::OK();
    }
  }

  // Indexes of character columns (enum_set == false) or ENUM/SET columns.
  std::vector<size_t> Selected(bool enum_set) const {
    std::vector<size_t> cols;
    for (size_t i = 0; i < real_.size(); ++i) {
      if (enum_set ? IsEnumOrSet(real_[i]) : IsCharacter(real_[i], mariadb_)) cols.push_back(i);
    }
    return cols;
  }

  TableMap* map_;
  bool mariadb_;
  std::vector<MysqlType> real_;
};

}  // namespace

Result<TableMap> ParseTableMap(std::string_view body, uint64_t offset, uint8_t post_header_length,
                               bool mariadb) {
  ByteReader in(body, offset);
  TableMap map;
  auto parse = [&]() -> Status {
    int id_bytes = post_header_length == 6 ? 4 : 6;
    ASSIGN_OR_RETURN(map.table_id, in.UintLE(id_bytes));
    ASSIGN_OR_RETURN(map.flags, in.U16LE());
    if (post_header_length > 8) RETURN_IF_ERROR(in.Skip(post_header_length - 8));
    map.definition.assign(body.substr(in.position()));
    ASSIGN_OR_RETURN(uint8_t db_len, in.U8());
    ASSIGN_OR_RETURN(std::string_view db, in.Bytes(db_len));
    RETURN_IF_ERROR(in.Skip(1));  // NUL
    ASSIGN_OR_RETURN(uint8_t table_len, in.U8());
    ASSIGN_OR_RETURN(std::string_view table, in.Bytes(table_len));
    RETURN_IF_ERROR(in.Skip(1));
    map.database.assign(db);
    map.table.assign(table);
    ASSIGN_OR_RETURN(uint64_t n, in.LengthEncodedInt());
    if (n > in.remaining()) {
      return CorruptionError("TABLE_MAP declares {} columns but only {} bytes follow", n,
                             in.remaining());
    }
    ASSIGN_OR_RETURN(std::string_view types, in.Bytes(n));
    ASSIGN_OR_RETURN(uint64_t meta_len, in.LengthEncodedInt());
    ASSIGN_OR_RETURN(std::string_view meta, in.Bytes(meta_len));
    map.columns.resize(n);
    size_t m = 0;
    for (size_t i = 0; i < n; ++i) {
      MysqlType t = static_cast<MysqlType>(types[i]);
      size_t bytes = MetadataBytes(t);
      if (m + bytes > meta.size()) {
        return CorruptionError("column #{} ({}) needs {} metadata bytes past the {} declared", i,
                               MysqlTypeName(t), bytes, meta.size());
      }
      map.columns[i] =
          ColumnWire{t, PackMetadata(t, reinterpret_cast<const uint8_t*>(meta.data()) + m)};
      m += bytes;
    }
    if (m != meta.size()) {
      return CorruptionError("column metadata is {} bytes but the column types use {}", meta.size(),
                             m);
    }
    // Pre-GA 5.1 servers wrote no NULL bitmap: every column may then be NULL.
    std::string_view nulls;
    if (in.empty()) {
      static const std::string kAllNullable(4096 / 8 + 1, '\xff');
      nulls = std::string_view(kAllNullable).substr(0, (n + 7) / 8);
    } else {
      ASSIGN_OR_RETURN(nulls, in.Bytes((n + 7) / 8));
    }
    map.nullable.resize(n);
    for (size_t i = 0; i < n; ++i)
      map.nullable[i] = (static_cast<uint8_t>(nulls[i / 8]) >> (i % 8)) & 1;
    map.is_unsigned.assign(n, false);
    map.collations.assign(n, 0);
    map.names.assign(n, std::string());
    map.elements.assign(n, {});
    map.geometry_types.assign(n, 0);
    map.visible.assign(n, true);
    OptionalMetadataParser optional(&map, mariadb);
    return optional.Parse(&in);
  };
  Status s = parse();
  if (!s.ok()) {
    return s.Context(fmt::format("TABLE_MAP at offset {} (table id {}, {}.{})", offset,
                                 map.table_id, map.database, map.table));
  }
  return map;
}

}  // namespace binlake
