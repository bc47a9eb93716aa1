#include "binlog/column_decoder.h"

#include <cstring>

#include "binlog/charset.h"
#include "binlog/decimal.h"
#include "binlog/json_binary.h"

namespace binlake {

Status TextValue(std::string_view raw, const Column& column, Value* out) {
  if (column.collation_id == kBinaryCollationId) {
    *out = Value::Bytes(std::string(raw));
    return Status::OK();
  }
  if (column.collation_id == 0) {
    // Without TABLE_MAP charset metadata (MySQL 5.7, binlog_row_metadata=MINIMAL on old
    // servers) text and binary strings look alike: keep the bytes exactly.
    *out = Value::Bytes(std::string(raw));
    return Status::OK();
  }
  Charset cs = CharsetOfCollation(column.collation_id);
  if (cs == Charset::kUtf8) {
    *out = Value::String(std::string(raw));
    return Status::OK();
  }
  if (cs == Charset::kOther || cs == Charset::kUnknown) {
    return UnimplementedError(
        "column {}: character set {} (collation id {}) cannot be converted to UTF-8; "
        "supported: utf8mb3, utf8mb4, latin1, ascii, ucs2, utf16, utf16le, utf32, binary. "
        "Convert the column (ALTER TABLE ... CONVERT TO CHARACTER SET utf8mb4) or exclude "
        "the table",
        column.name, CollationCharsetName(column.collation_id), column.collation_id);
  }
  auto text = ToUtf8(cs, raw);
  if (!text.ok()) {
    return std::move(text).status().Context(
        fmt::format("column {} ({})", column.name, CollationCharsetName(column.collation_id)));
  }
  *out = Value::String(std::move(*text));
  return Status::OK();
}

namespace {

// ENUM/SET member names are stored in the column's charset; converts them like values.
Result<std::string> ElementText(const Column& column, size_t index) {
  Value v;
  RETURN_IF_ERROR(TextValue(column.elements[index], column, &v));
  return v.bytes();
}

}  // namespace

Status EnumValue(uint64_t index, const Column& column, Value* out) {
  if (column.elements.empty()) {
    *out = Value::UInt(index);
    return Status::OK();
  }
  if (index == 0) {  // the empty "error" member MySQL stores for invalid input
    *out = Value::String("");
    return Status::OK();
  }
  if (index > column.elements.size()) {
    return CorruptionError("column {}: ENUM index {} is beyond its {} members", column.name, index,
                           column.elements.size());
  }
  ASSIGN_OR_RETURN(std::string name, ElementText(column, index - 1));
  *out = Value::String(std::move(name));
  return Status::OK();
}

Status SetValue(uint64_t mask, const Column& column, Value* out) {
  if (column.elements.empty()) {
    *out = Value::UInt(mask);
    return Status::OK();
  }
  size_t n = column.elements.size();
  if (n < 64 && (mask >> n) != 0) {
    return CorruptionError("column {}: SET bitmask 0x{:x} has bits beyond its {} members",
                           column.name, mask, n);
  }
  std::string text;
  for (size_t i = 0; i < n && i < 64; ++i) {
    if (((mask >> i) & 1) == 0) continue;
    if (!text.empty()) text.push_back(',');
    ASSIGN_OR_RETURN(std::string name, ElementText(column, i));
    text += name;
  }
  *out = Value::String(std::move(text));
  return Status::OK();
}

namespace {

int64_t SignExtend(uint64_t v, int bytes) {
  int shift = 64 - 8 * bytes;
  return static_cast<int64_t>(v << shift) >> shift;
}

// Fractional seconds of TIME2/DATETIME2/TIMESTAMP2: (fsp + 1) / 2 big-endian bytes holding
// the fraction in units of 10^-2, 10^-4 or 10^-6 seconds.
int FracBytes(int fsp) { return (fsp + 1) / 2; }
uint32_t FracScale(int fsp) { return fsp <= 2 ? 10000 : fsp <= 4 ? 100 : 1; }

Status BadFsp(const Column& column, int fsp) {
  return CorruptionError(
      "column {}: fractional-seconds precision {} from TABLE_MAP metadata is not 0-6", column.name,
      fsp);
}

Status DecodeInteger(ByteReader* in, int bytes, const Column& column, Value* out) {
  ASSIGN_OR_RETURN(uint64_t v, in->UintLE(bytes));
  *out = column.is_unsigned ? Value::UInt(v) : Value::Int(SignExtend(v, bytes));
  return Status::OK();
}

Status DecodeTime2(ByteReader* in, int fsp, const Column& column, Value* out) {
  if (fsp < 0 || fsp > 6) return BadFsp(column, fsp);
  // The value is a signed packed number biased by 2^(8*width-1): integer part (hour 10 bits,
  // minute 6, second 6) then the fraction. Negative values borrow from the integer part
  // when the fraction is non-zero, so the packed form is computed as one signed number.
  int64_t packed;  // (integer part << 24) + microseconds, signed
  if (fsp >= 5) {
    ASSIGN_OR_RETURN(uint64_t raw, in->UintBE(6));
    packed = static_cast<int64_t>(raw) - 0x800000000000LL;
  } else {
    ASSIGN_OR_RETURN(uint64_t raw_int, in->UintBE(3));
    int64_t intpart = static_cast<int64_t>(raw_int) - 0x800000;
    int64_t frac = 0;
    if (fsp > 0) {
      int n = FracBytes(fsp);
      ASSIGN_OR_RETURN(uint64_t raw_frac, in->UintBE(n));
      frac = static_cast<int64_t>(raw_frac);
      if (intpart < 0 && frac != 0) {
        intpart += 1;
        frac -= int64_t{1} << (8 * n);
      }
      frac *= FracScale(fsp);
    }
    packed = intpart * (int64_t{1} << 24) + frac;
  }
  Duration d{};
  d.negative = packed < 0;
  uint64_t mag = static_cast<uint64_t>(packed < 0 ? -packed : packed);
  uint64_t hms = mag >> 24;
  d.micros = static_cast<uint32_t>(mag & 0xffffff);
  d.hours = static_cast<uint32_t>((hms >> 12) & 0x3ff);
  d.minutes = static_cast<uint8_t>((hms >> 6) & 0x3f);
  d.seconds = static_cast<uint8_t>(hms & 0x3f);
  if (d.micros > 999999 || d.minutes > 59 || d.seconds > 59) {
    return CorruptionError("column {}: TIME value {} is out of range", column.name,
                           FormatDuration(d, 6));
  }
  *out = Value::OfTime(d);
  return Status::OK();
}

Status DecodeDateTime2(ByteReader* in, int fsp, const Column& column, Value* out) {
  if (fsp < 0 || fsp > 6) return BadFsp(column, fsp);
  ASSIGN_OR_RETURN(uint64_t raw, in->UintBE(5));
  int64_t intpart = static_cast<int64_t>(raw) - 0x8000000000LL;
  uint32_t micros = 0;
  if (fsp > 0) {
    ASSIGN_OR_RETURN(uint64_t frac, in->UintBE(FracBytes(fsp)));
    micros = static_cast<uint32_t>(frac) * FracScale(fsp);
  }
  if (intpart < 0) {
    return CorruptionError("column {}: DATETIME value is negative (packed 0x{:x})", column.name,
                           raw);
  }
  uint64_t v = static_cast<uint64_t>(intpart);
  uint64_t ymd = v >> 17;
  uint64_t hms = v & 0x1ffff;
  uint64_t ym = ymd >> 5;
  DateTime dt{};
  dt.year = static_cast<int32_t>(ym / 13);
  dt.month = static_cast<uint8_t>(ym % 13);
  dt.day = static_cast<uint8_t>(ymd & 31);
  dt.hour = static_cast<uint8_t>(hms >> 12);
  dt.minute = static_cast<uint8_t>((hms >> 6) & 63);
  dt.second = static_cast<uint8_t>(hms & 63);
  dt.micros = micros;
  if (dt.year > 9999 || dt.hour > 23 || dt.minute > 59 || dt.second > 59 || micros > 999999) {
    return CorruptionError("column {}: DATETIME value {} is out of range", column.name,
                           FormatDateTime(dt, 6));
  }
  *out = Value::OfDateTime(dt);
  return Status::OK();
}

Status DecodeTimestamp2(ByteReader* in, int fsp, const Column& column, Value* out) {
  if (fsp < 0 || fsp > 6) return BadFsp(column, fsp);
  ASSIGN_OR_RETURN(uint64_t seconds, in->UintBE(4));
  uint32_t micros = 0;
  if (fsp > 0) {
    ASSIGN_OR_RETURN(uint64_t frac, in->UintBE(FracBytes(fsp)));
    micros = static_cast<uint32_t>(frac) * FracScale(fsp);
  }
  if (micros > 999999) {
    return CorruptionError("column {}: TIMESTAMP fraction {} is out of range", column.name, micros);
  }
  *out = Value::OfTimestamp(Timestamp{static_cast<int64_t>(seconds), micros});
  return Status::OK();
}

// Text of a character column in UTF-8, or the raw bytes for binary strings.
Status DecodeEnum(ByteReader* in, int bytes, const Column& column, Value* out) {
  if (bytes != 1 && bytes != 2) {
    return CorruptionError("column {}: ENUM pack length {} from TABLE_MAP is not 1 or 2",
                           column.name, bytes);
  }
  ASSIGN_OR_RETURN(uint64_t index, in->UintLE(bytes));
  return EnumValue(index, column, out);
}

Status DecodeSet(ByteReader* in, int bytes, const Column& column, Value* out) {
  if (bytes < 1 || bytes > 8) {
    return CorruptionError("column {}: SET pack length {} from TABLE_MAP is not 1-8", column.name,
                           bytes);
  }
  ASSIGN_OR_RETURN(uint64_t mask, in->UintLE(bytes));
  return SetValue(mask, column, out);
}

Status DecodeString(ByteReader* in, const ColumnWire& wire, const Column& column, Value* out) {
  size_t max_len = static_cast<size_t>(StringMaxLength(wire.metadata));
  ASSIGN_OR_RETURN(uint64_t len, in->UintLE(max_len > 255 ? 2 : 1));
  if (len > max_len && wire.metadata != 0) {
    return CorruptionError("column {}: CHAR value of {} bytes exceeds its {}-byte maximum",
                           column.name, len, max_len);
  }
  ASSIGN_OR_RETURN(std::string_view raw, in->Bytes(len));
  if (column.collation_id == kBinaryCollationId && raw.size() < max_len) {
    // The binlog drops BINARY(n)'s trailing 0x00 pad bytes; SELECT returns all n bytes.
    std::string padded(raw);
    padded.resize(max_len, '\0');
    *out = Value::Bytes(std::move(padded));
    return Status::OK();
  }
  return TextValue(raw, column, out);
}

Status DecodeValue(ByteReader* in, const ColumnWire& wire, const Column& column, Value* out) {
  uint16_t md = wire.metadata;
  switch (RealType(wire)) {
    case MysqlType::kTiny:
      return DecodeInteger(in, 1, column, out);
    case MysqlType::kShort:
      return DecodeInteger(in, 2, column, out);
    case MysqlType::kInt24:
      return DecodeInteger(in, 3, column, out);
    case MysqlType::kLong:
      return DecodeInteger(in, 4, column, out);
    case MysqlType::kLongLong:
      return DecodeInteger(in, 8, column, out);
    case MysqlType::kFloat: {
      ASSIGN_OR_RETURN(std::string_view b, in->Bytes(4));
      float f;
      std::memcpy(&f, b.data(), 4);
      *out = Value::Float(f);
      return Status::OK();
    }
    case MysqlType::kDouble: {
      ASSIGN_OR_RETURN(std::string_view b, in->Bytes(8));
      double d;
      std::memcpy(&d, b.data(), 8);
      *out = Value::Double(d);
      return Status::OK();
    }
    case MysqlType::kYear: {
      ASSIGN_OR_RETURN(uint8_t y, in->U8());
      *out = Value::Int(y == 0 ? 0 : 1900 + y);
      return Status::OK();
    }
    case MysqlType::kBit: {
      int bytes = (md >> 8) + ((md & 0xff) != 0 ? 1 : 0);
      if (bytes < 1 || bytes > 8) {
        return CorruptionError("column {}: BIT metadata 0x{:04x} gives {} bytes, not 1-8",
                               column.name, md, bytes);
      }
      ASSIGN_OR_RETURN(uint64_t v, in->UintBE(bytes));
      *out = Value::UInt(v);
      return Status::OK();
    }
    case MysqlType::kNewDecimal: {
      int precision = md >> 8;
      int scale = md & 0xff;
      if (precision < 1 || precision > 65 || scale > precision || scale > 30) {
        return CorruptionError(
            "column {}: DECIMAL({},{}) from TABLE_MAP metadata is not a valid precision/scale",
            column.name, precision, scale);
      }
      ASSIGN_OR_RETURN(std::string_view b,
                       in->Bytes(static_cast<size_t>(DecimalBinarySize(precision, scale))));
      ASSIGN_OR_RETURN(std::string text, DecodeDecimal(b, precision, scale));
      *out = Value::Decimal(std::move(text));
      return Status::OK();
    }
    case MysqlType::kDate:
    case MysqlType::kNewDate: {
      ASSIGN_OR_RETURN(uint32_t v, in->U24LE());
      *out = Value::OfDate(Date{static_cast<int32_t>(v >> 9), static_cast<uint8_t>((v >> 5) & 15),
                                static_cast<uint8_t>(v & 31)});
      return Status::OK();
    }
    case MysqlType::kTime: {
      if (md != 0) {
        return UnimplementedError(
            "column {}: TIME in MariaDB's pre-10.0 high-resolution format (fsp {}) is not "
            "supported; set mysql56_temporal_format=ON and rebuild the table (ALTER TABLE ... "
            "FORCE)",
            column.name, md);
      }
      // Pre-5.6 TIME: a signed 3-byte integer HHMMSS.
      ASSIGN_OR_RETURN(uint32_t raw, in->U24LE());
      int64_t v = SignExtend(raw, 3);
      Duration d{};
      d.negative = v < 0;
      uint64_t mag = static_cast<uint64_t>(v < 0 ? -v : v);
      d.hours = static_cast<uint32_t>(mag / 10000);
      d.minutes = static_cast<uint8_t>(mag / 100 % 100);
      d.seconds = static_cast<uint8_t>(mag % 100);
      *out = Value::OfTime(d);
      return Status::OK();
    }
    case MysqlType::kDateTime: {
      if (md != 0) {
        return UnimplementedError(
            "column {}: DATETIME in MariaDB's pre-10.0 high-resolution format (fsp {}) is not "
            "supported; set mysql56_temporal_format=ON and rebuild the table (ALTER TABLE ... "
            "FORCE)",
            column.name, md);
      }
      // Pre-5.6 DATETIME: an 8-byte integer YYYYMMDDhhmmss.
      ASSIGN_OR_RETURN(uint64_t v, in->U64LE());
      uint64_t date = v / 1000000;
      uint64_t time = v % 1000000;
      DateTime dt{};
      dt.year = static_cast<int32_t>(date / 10000);
      dt.month = static_cast<uint8_t>(date / 100 % 100);
      dt.day = static_cast<uint8_t>(date % 100);
      dt.hour = static_cast<uint8_t>(time / 10000);
      dt.minute = static_cast<uint8_t>(time / 100 % 100);
      dt.second = static_cast<uint8_t>(time % 100);
      *out = Value::OfDateTime(dt);
      return Status::OK();
    }
    case MysqlType::kTimestamp: {
      if (md != 0) {
        return UnimplementedError(
            "column {}: TIMESTAMP in MariaDB's pre-10.0 high-resolution format (fsp {}) is "
            "not supported; set mysql56_temporal_format=ON and rebuild the table (ALTER TABLE "
            "... FORCE)",
            column.name, md);
      }
      ASSIGN_OR_RETURN(uint32_t v, in->U32LE());
      *out = Value::OfTimestamp(Timestamp{static_cast<int64_t>(v), 0});
      return Status::OK();
    }
    case MysqlType::kTime2:
      return DecodeTime2(in, md, column, out);
    case MysqlType::kDateTime2:
      return DecodeDateTime2(in, md, column, out);
    case MysqlType::kTimestamp2:
      return DecodeTimestamp2(in, md, column, out);
    case MysqlType::kVarchar:
    case MysqlType::kVarString: {
      ASSIGN_OR_RETURN(uint64_t len, in->UintLE(md > 255 ? 2 : 1));
      ASSIGN_OR_RETURN(std::string_view raw, in->Bytes(len));
      return TextValue(raw, column, out);
    }
    case MysqlType::kString:
      return DecodeString(in, wire, column, out);
    case MysqlType::kEnum:
      return DecodeEnum(in, md & 0xff, column, out);
    case MysqlType::kSet:
      return DecodeSet(in, md & 0xff, column, out);
    case MysqlType::kTinyBlob:
    case MysqlType::kMediumBlob:
    case MysqlType::kLongBlob:
    case MysqlType::kBlob: {
      ASSIGN_OR_RETURN(std::string_view raw, ReadLengthPrefixed(in, wire, column));
      return TextValue(raw, column, out);
    }
    case MysqlType::kGeometry:
    case MysqlType::kVector: {
      ASSIGN_OR_RETURN(std::string_view raw, ReadLengthPrefixed(in, wire, column));
      *out = Value::Bytes(std::string(raw));
      return Status::OK();
    }
    case MysqlType::kJson: {
      ASSIGN_OR_RETURN(std::string_view raw, ReadLengthPrefixed(in, wire, column));
      ASSIGN_OR_RETURN(std::string text, JsonBinaryToText(raw));
      *out = Value::Json(std::move(text));
      return Status::OK();
    }
    case MysqlType::kDecimal:
      return UnimplementedError(
          "column {}: pre-5.0 DECIMAL (type 0) is not supported; rebuild the table (ALTER "
          "TABLE ... FORCE) so the server stores it as a current DECIMAL",
          column.name);
    default:
      break;
  }
  return UnimplementedError("column {}: MySQL type {} (code {}) cannot be decoded from row events",
                            column.name, MysqlTypeName(RealType(wire)),
                            static_cast<int>(RealType(wire)));
}

}  // namespace

Status DecodeColumnValue(ByteReader* in, const ColumnWire& wire, const Column& column, Value* out) {
  uint64_t at = in->absolute_position();
  Status s = DecodeValue(in, wire, column, out);
  if (s.ok()) return Status::OK();
  // Messages from the type decoders start with "column <name>: "; the frame below names the
  // column once, with its type and where its value starts.
  std::string_view message = s.message();
  std::string prefix = "column " + column.name + ": ";
  if (message.substr(0, prefix.size()) == prefix) message.remove_prefix(prefix.size());
  return Status(s.code(), fmt::format("column {} ({}) at offset {}: {}", column.name,
                                      MysqlTypeName(RealType(wire)), at, message));
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
