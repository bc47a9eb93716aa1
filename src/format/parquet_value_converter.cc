#include "format/parquet_value_converter.h"

#include <fmt/format.h>

#include <charconv>

#include "format/decimal_encoding.h"

namespace binlake {
namespace {

Status WrongKind(const ParquetColumnPlan& plan, const Value& v) {
  return InvalidArgumentError(
      "column '{}' ({}) cannot hold a {} value ({}); the row does not match the column list "
      "the file was opened with",
      plan.column.name, LogicalTypeName(plan.column.type), ValueKindName(v.kind()),
      v.DebugString());
}

Status OutOfRange(const ParquetColumnPlan& plan, const Value& v) {
  return InvalidArgumentError(
      "column '{}' ({}{}) cannot hold {}: out of the column's range; the row does not match "
      "the column definition",
      plan.column.name, LogicalTypeName(plan.column.type),
      plan.column.is_unsigned ? " unsigned" : "", v.DebugString());
}

Status NotADate(const ParquetColumnPlan& plan, const Value& v) {
  return InvalidArgumentError(
      "column '{}' ({}) holds {}, which is not a real date, and the Parquet zero-date rule is "
      "'error'; set the zero-date rule to null or epoch to write such rows",
      plan.column.name, LogicalTypeName(plan.column.type), v.DebugString());
}

// Integer value of v when it is kInt/kUInt within [min_int, max_int] (signed plans).
Status SignedValue(const ParquetColumnPlan& plan, const Value& v, int64_t* out) {
  if (v.kind() == Value::Kind::kInt) {
    *out = v.int_value();
  } else if (v.kind() == Value::Kind::kUInt) {
    if (v.uint_value() > static_cast<uint64_t>(plan.max_int)) return OutOfRange(plan, v);
    *out = static_cast<int64_t>(v.uint_value());
  } else {
    return WrongKind(plan, v);
  }
  if (*out < plan.min_int || *out > plan.max_int) return OutOfRange(plan, v);
  return Status::OK();
}

Status UnsignedValue(const ParquetColumnPlan& plan, const Value& v, uint64_t* out) {
  if (v.kind() == Value::Kind::kUInt) {
    *out = v.uint_value();
  } else if (v.kind() == Value::Kind::kInt) {
    if (v.int_value() < 0) return OutOfRange(plan, v);
    *out = static_cast<uint64_t>(v.int_value());
  } else {
    return WrongKind(plan, v);
  }
  if (*out > plan.max_uint) return OutOfRange(plan, v);
  return Status::OK();
}

// Microseconds (or milliseconds) of a wall-clock reading taken as UTC.
Status DateTimeValue(const ParquetColumnPlan& plan, ZeroDateRule rule, const Value& v, int64_t* out,
                     bool* is_null) {
  int64_t micros = 0;
  if (plan.conversion == Conversion::kDateTime) {
    if (v.kind() != Value::Kind::kDateTime) return WrongKind(plan, v);
    const DateTime& dt = v.datetime();
    if (dt.hour > 23 || dt.minute > 59 || dt.second > 59 || dt.micros > 999999) {
      return InvalidArgumentError("column '{}' (DATETIME) holds {}: time of day out of range",
                                  plan.column.name, v.DebugString());
    }
    if (!IsRealDate(dt.year, dt.month, dt.day)) {
      if (rule == ZeroDateRule::kError) return NotADate(plan, v);
      *is_null = rule == ZeroDateRule::kNull;
      *out = 0;
      return Status::OK();
    }
    const int64_t seconds = DaysFromCivil(dt.year, dt.month, dt.day) * 86400 + dt.hour * 3600 +
                            dt.minute * 60 + dt.second;
    micros = seconds * 1000000 + dt.micros;
  } else {
    if (v.kind() != Value::Kind::kTimestamp) return WrongKind(plan, v);
    const Timestamp& ts = v.timestamp();
    if (ts.micros > 999999) return OutOfRange(plan, v);
    if (ts.seconds == 0 && ts.micros == 0) {
      // MySQL's zero TIMESTAMP: 1970-01-01 00:00:00 UTC itself is outside TIMESTAMP's range.
      if (rule == ZeroDateRule::kError) return NotADate(plan, v);
      *is_null = rule == ZeroDateRule::kNull;
      *out = 0;
      return Status::OK();
    }
    micros = ts.seconds * 1000000 + ts.micros;
  }
  if (plan.millis) {
    // Floor division, so instants before 1970 round down as the later ones do.
    int64_t q = micros / 1000;
    if (micros % 1000 < 0) --q;
    micros = q;
  }
  *out = micros;
  return Status::OK();
}

}  // namespace

void AppendTimeText(const Duration& t, int fsp, std::string* out) {
  out->clear();
  if (t.negative) out->push_back('-');
  char buf[16];
  auto two = [&](uint32_t x) {
    if (x < 10) out->push_back('0');
    const auto r = std::to_chars(buf, buf + sizeof(buf), x);
    out->append(buf, r.ptr);
  };
  two(t.hours);
  out->push_back(':');
  two(t.minutes);
  out->push_back(':');
  two(t.seconds);
  if (fsp > 0) {
    if (fsp > 6) fsp = 6;
    out->push_back('.');
    uint32_t micros = t.micros;
    char digits[6];
    for (int i = 5; i >= 0; --i) {
      digits[i] = static_cast<char>('0' + micros % 10);
      micros /= 10;
    }
    out->append(digits, static_cast<size_t>(fsp));
  }
}

std::string_view ValueKindName(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::kNull:
      return "NULL";
    case Value::Kind::kAbsent:
      return "ABSENT";
    case Value::Kind::kInt:
      return "INT";
    case Value::Kind::kUInt:
      return "UINT";
    case Value::Kind::kFloat:
      return "FLOAT";
    case Value::Kind::kDouble:
      return "DOUBLE";
    case Value::Kind::kDecimal:
      return "DECIMAL";
    case Value::Kind::kDate:
      return "DATE";
    case Value::Kind::kTime:
      return "TIME";
    case Value::Kind::kDateTime:
      return "DATETIME";
    case Value::Kind::kTimestamp:
      return "TIMESTAMP";
    case Value::Kind::kString:
      return "STRING";
    case Value::Kind::kBytes:
      return "BYTES";
    case Value::Kind::kJson:
      return "JSON";
  }
  return "?";
}

bool IsRealDate(int32_t year, unsigned month, unsigned day) {
  if (year < 0 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  static constexpr uint8_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  unsigned limit = kDays[month - 1];
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && leap) limit = 29;
  return day <= limit;
}

Status ConvertToInt32(const ParquetColumnPlan& plan, ZeroDateRule rule, const Value& v,
                      int32_t* out, bool* is_null) {
  switch (plan.conversion) {
    case Conversion::kInt32: {
      int64_t x = 0;
      RETURN_IF_ERROR(SignedValue(plan, v, &x));
      *out = static_cast<int32_t>(x);
      return Status::OK();
    }
    case Conversion::kUInt32: {
      uint64_t x = 0;
      RETURN_IF_ERROR(UnsignedValue(plan, v, &x));
      *out = static_cast<int32_t>(static_cast<uint32_t>(x));  // bit pattern, as the spec says
      return Status::OK();
    }
    case Conversion::kDecimalInt32: {
      if (v.kind() != Value::Kind::kDecimal) return WrongKind(plan, v);
      auto r = DecimalToInt64(v.bytes(), plan.column.precision, plan.column.scale);
      if (!r.ok()) return r.Context(fmt::format("column '{}'", plan.column.name));
      *out = static_cast<int32_t>(*r);
      return Status::OK();
    }
    case Conversion::kDate: {
      if (v.kind() != Value::Kind::kDate) return WrongKind(plan, v);
      const Date& d = v.date();
      if (!IsRealDate(d.year, d.month, d.day)) {
        if (rule == ZeroDateRule::kError) return NotADate(plan, v);
        *is_null = rule == ZeroDateRule::kNull;
        *out = 0;
        return Status::OK();
      }
      *out = static_cast<int32_t>(DaysFromCivil(d.year, d.month, d.day));
      return Status::OK();
    }
    default:
      return InternalError("column '{}': no INT32 conversion", plan.column.name);
  }
}

Status ConvertToInt64(const ParquetColumnPlan& plan, ZeroDateRule rule, const Value& v,
                      int64_t* out, bool* is_null) {
  switch (plan.conversion) {
    case Conversion::kInt64:
      return SignedValue(plan, v, out);
    case Conversion::kUInt64: {
      uint64_t x = 0;
      RETURN_IF_ERROR(UnsignedValue(plan, v, &x));
      *out = static_cast<int64_t>(x);
      return Status::OK();
    }
    case Conversion::kDecimalInt64: {
      if (v.kind() != Value::Kind::kDecimal) return WrongKind(plan, v);
      auto r = DecimalToInt64(v.bytes(), plan.column.precision, plan.column.scale);
      if (!r.ok()) return r.Context(fmt::format("column '{}'", plan.column.name));
      *out = *r;
      return Status::OK();
    }
    case Conversion::kDateTime:
    case Conversion::kTimestamp:
      return DateTimeValue(plan, rule, v, out, is_null);
    case Conversion::kTimeMicros: {
      if (v.kind() != Value::Kind::kTime) return WrongKind(plan, v);
      const Duration& t = v.time();
      if (t.minutes > 59 || t.seconds > 59 || t.micros > 999999) return OutOfRange(plan, v);
      const int64_t magnitude =
          (static_cast<int64_t>(t.hours) * 3600 + t.minutes * 60 + t.seconds) * 1000000 + t.micros;
      *out = t.negative ? -magnitude : magnitude;
      return Status::OK();
    }
    default:
      return InternalError("column '{}': no INT64 conversion", plan.column.name);
  }
}

Status ConvertToBool(const ParquetColumnPlan& plan, const Value& v, bool* out) {
  uint64_t x;
  if (v.kind() == Value::Kind::kUInt) {
    x = v.uint_value();
  } else if (v.kind() == Value::Kind::kInt && v.int_value() >= 0) {
    x = static_cast<uint64_t>(v.int_value());
  } else {
    return WrongKind(plan, v);
  }
  if (x > 1) return OutOfRange(plan, v);
  *out = x == 1;
  return Status::OK();
}

Status ConvertToFloat(const ParquetColumnPlan& plan, const Value& v, float* out) {
  if (v.kind() != Value::Kind::kFloat) return WrongKind(plan, v);
  *out = v.float_value();
  return Status::OK();
}

Status ConvertToDouble(const ParquetColumnPlan& plan, const Value& v, double* out) {
  if (v.kind() == Value::Kind::kDouble) {
    *out = v.double_value();
  } else if (v.kind() == Value::Kind::kFloat) {
    *out = v.float_value();  // widening is exact
  } else {
    return WrongKind(plan, v);
  }
  return Status::OK();
}

Status ConvertToBytes(const ParquetColumnPlan& plan, const Value& v, std::string* scratch,
                      std::string_view* out) {
  const Value::Kind k = v.kind();
  switch (plan.conversion) {
    case Conversion::kString:
      if (k != Value::Kind::kString) return WrongKind(plan, v);
      *out = v.bytes();
      return Status::OK();
    case Conversion::kJson:
    case Conversion::kBytes:
      if (k != Value::Kind::kString && k != Value::Kind::kBytes && k != Value::Kind::kJson) {
        return WrongKind(plan, v);
      }
      if (plan.conversion == Conversion::kJson && k == Value::Kind::kBytes) {
        return WrongKind(plan, v);
      }
      *out = v.bytes();
      return Status::OK();
    case Conversion::kEnumOrSet: {
      if (k == Value::Kind::kString) {
        *out = v.bytes();
        return Status::OK();
      }
      if (k != Value::Kind::kUInt) return WrongKind(plan, v);
      // The decoder had no member names at hand: map the index/bitmask through the column's
      // names when this writer has them, else keep the number as text.
      const auto& names = plan.column.elements;
      const uint64_t x = v.uint_value();
      scratch->clear();
      if (names.empty()) {
        fmt::format_to(std::back_inserter(*scratch), "{}", x);
      } else if (plan.column.type == LogicalType::kEnum) {
        if (x > names.size()) return OutOfRange(plan, v);
        if (x > 0) scratch->assign(names[x - 1]);  // 0 is MySQL's '' error value
      } else {
        for (size_t i = 0; i < 64; ++i) {
          if (!((x >> i) & 1)) continue;
          if (i >= names.size()) return OutOfRange(plan, v);
          if (!scratch->empty()) scratch->push_back(',');
          scratch->append(names[i]);
        }
      }
      *out = *scratch;
      return Status::OK();
    }
    case Conversion::kTimeString:
      if (k != Value::Kind::kTime) return WrongKind(plan, v);
      AppendTimeText(v.time(), plan.column.scale, scratch);
      *out = *scratch;
      return Status::OK();
    case Conversion::kDecimalString:
      if (k != Value::Kind::kDecimal) return WrongKind(plan, v);
      RETURN_IF_ERROR_CTX(
          DecimalToText(v.bytes(), plan.column.precision, plan.column.scale, scratch),
          "column '{}'", plan.column.name);
      *out = *scratch;
      return Status::OK();
    case Conversion::kDecimalFixed: {
      if (k != Value::Kind::kDecimal) return WrongKind(plan, v);
      scratch->resize(plan.type_length);
      RETURN_IF_ERROR_CTX(DecimalToFixed(v.bytes(), plan.column.precision, plan.column.scale,
                                         plan.type_length, scratch->data()),
                          "column '{}'", plan.column.name);
      *out = *scratch;
      return Status::OK();
    }
    default:
      return InternalError("column '{}': no BYTE_ARRAY conversion", plan.column.name);
  }
}

}  // namespace binlake
