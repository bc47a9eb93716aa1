#include "mapping/value_convert.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "common/civil_time.h"
#include "format/value_text.h"

namespace binlake {
namespace {

struct Decimal {
  bool negative = false;
  std::string integer;   // no leading zeros; empty for 0
  std::string fraction;  // no trailing zeros
};

std::optional<Decimal> ParseDecimal(std::string_view t) {
  Decimal d;
  size_t i = 0;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) d.negative = t[i++] == '-';
  size_t digits = 0;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
    if (!(d.integer.empty() && t[i] == '0')) d.integer += t[i];
    ++i;
    ++digits;
  }
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      d.fraction += t[i++];
      ++digits;
    }
  }
  if (i != t.size() || digits == 0) return std::nullopt;
  while (!d.fraction.empty() && d.fraction.back() == '0') d.fraction.pop_back();
  if (d.integer.empty() && d.fraction.empty()) d.negative = false;
  return d;
}

std::string DecimalString(const Decimal& d) {
  std::string s = d.negative ? "-" : "";
  s += d.integer.empty() ? "0" : d.integer;
  if (!d.fraction.empty()) s += "." + d.fraction;
  return s;
}

int CompareMagnitude(const Decimal& a, const Decimal& b) {
  if (a.integer.size() != b.integer.size()) return a.integer.size() < b.integer.size() ? -1 : 1;
  if (int c = a.integer.compare(b.integer); c != 0) return c < 0 ? -1 : 1;
  int c = a.fraction.compare(b.fraction);  // no trailing zeros: text order is numeric order
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int Digits(std::string_view t, size_t* i, int max) {
  int v = 0, n = 0;
  while (*i < t.size() && n < max && t[*i] >= '0' && t[*i] <= '9') {
    v = v * 10 + (t[(*i)++] - '0');
    ++n;
  }
  return n == 0 ? -1 : v;
}

// ".ffffff" at t[*i] (optional): microseconds.
std::optional<uint32_t> Fraction(std::string_view t, size_t* i) {
  if (*i >= t.size() || t[*i] != '.') return 0u;
  ++*i;
  uint32_t micros = 0;
  int n = 0;
  while (*i < t.size() && t[*i] >= '0' && t[*i] <= '9') {
    if (n >= 6) return std::nullopt;  // finer than a microsecond
    micros = micros * 10 + static_cast<uint32_t>(t[(*i)++] - '0');
    ++n;
  }
  if (n == 0) return std::nullopt;
  while (n++ < 6) micros *= 10;
  return micros;
}

Status Unfit(const Value& v, const Column& to, std::string_view why) {
  return InvalidArgumentError("value {} does not fit {} {}: {}", v.DebugString(),
                              LogicalTypeName(to.type), to.name, why);
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

// "1.5e-07" -> "0.00000015", "1e+20" -> "100000000000000000000"; text without an exponent
// is returned as is.
std::string PlainNumber(std::string text) {
  size_t e = text.find_first_of("eE");
  if (e == std::string::npos) return text;
  int exp = std::atoi(text.c_str() + e + 1);
  std::string mant = text.substr(0, e);
  std::string sign;
  if (!mant.empty() && (mant[0] == '-' || mant[0] == '+')) {
    if (mant[0] == '-') sign = "-";
    mant.erase(0, 1);
  }
  size_t dot = mant.find('.');
  int point = static_cast<int>(dot == std::string::npos ? mant.size() : dot);
  if (dot != std::string::npos) mant.erase(dot, 1);
  point += exp;
  if (point <= 0) return sign + "0." + std::string(static_cast<size_t>(-point), '0') + mant;
  if (point >= static_cast<int>(mant.size())) {
    return sign + mant + std::string(static_cast<size_t>(point) - mant.size(), '0');
  }
  return sign + mant.substr(0, static_cast<size_t>(point)) + "." +
         mant.substr(static_cast<size_t>(point));
}

// The exact decimal a value holds, if it holds a number.
std::optional<Decimal> NumberOf(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kInt:
    case Value::Kind::kUInt:
    case Value::Kind::kDecimal:
      return ParseDecimal(DecimalText(v));
    case Value::Kind::kString:
      return ParseDecimal(v.bytes());
    case Value::Kind::kFloat:
    case Value::Kind::kDouble: {
      double d = v.kind() == Value::Kind::kFloat ? v.float_value() : v.double_value();
      if (!std::isfinite(d)) return std::nullopt;
      return ParseDecimal(PlainNumber(fmt::format("{}", d)));
    }
    default:
      return std::nullopt;
  }
}

bool IntRange(LogicalType t, bool is_unsigned, long double* lo, long double* hi) {
  int bits = t == LogicalType::kInt8    ? 8
             : t == LogicalType::kInt16 ? 16
             : t == LogicalType::kInt32 ? 32
                                        : 64;
  if (is_unsigned) {
    *lo = 0;
    *hi = bits == 64 ? 18446744073709551615.0L : std::ldexp(1.0L, bits) - 1;
  } else {
    *lo = -std::ldexp(1.0L, bits - 1);
    *hi = std::ldexp(1.0L, bits - 1) - 1;
  }
  return true;
}

Result<Value> ToInteger(const Value& v, const Column& to) {
  std::optional<Decimal> d = NumberOf(v);
  if (!d) return Unfit(v, to, "not a number");
  if (!d->fraction.empty()) return Unfit(v, to, "it has a fraction");
  if (d->integer.size() > 20) return Unfit(v, to, "out of range");
  std::string digits = d->integer.empty() ? "0" : d->integer;
  if (to.is_unsigned) {
    if (d->negative) return Unfit(v, to, "negative");
    uint64_t u = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), u);
    long double lo = 0, hi = 0;
    IntRange(to.type, true, &lo, &hi);
    if (ec != std::errc() || static_cast<long double>(u) > hi) return Unfit(v, to, "out of range");
    return Value::UInt(u);
  }
  std::string text = (d->negative ? "-" : "") + digits;
  int64_t s = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), s);
  long double lo = 0, hi = 0;
  IntRange(to.type, false, &lo, &hi);
  if (ec != std::errc() || s < lo || s > hi) return Unfit(v, to, "out of range");
  return Value::Int(s);
}

Result<Value> ToDecimal(const Value& v, const Column& to) {
  std::optional<Decimal> d = NumberOf(v);
  if (!d) return Unfit(v, to, "not a number");
  if (static_cast<int>(d->fraction.size()) > to.scale) {
    return Unfit(v, to, fmt::format("more than {} digits after the point", to.scale));
  }
  if (static_cast<int>(d->integer.size()) > to.precision - to.scale) {
    return Unfit(v, to,
                 fmt::format("more than {} digits before the point", to.precision - to.scale));
  }
  std::string s = d->negative ? "-" : "";
  s += d->integer.empty() ? "0" : d->integer;
  if (to.scale > 0)
    s += "." + d->fraction + std::string(static_cast<size_t>(to.scale) - d->fraction.size(), '0');
  return Value::Decimal(std::move(s));
}

}  // namespace

std::optional<std::string> NormalizeDecimal(std::string_view text) {
  std::optional<Decimal> d = ParseDecimal(text);
  if (!d) return std::nullopt;
  return DecimalString(*d);
}

int CompareDecimal(std::string_view a, std::string_view b) {
  std::optional<Decimal> x = ParseDecimal(a), y = ParseDecimal(b);
  if (!x || !y) return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
  if (x->negative != y->negative) return x->negative ? -1 : 1;
  int m = CompareMagnitude(*x, *y);
  return x->negative ? -m : m;
}

std::string DecimalText(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kInt:
      return std::to_string(value.int_value());
    case Value::Kind::kUInt:
      return std::to_string(value.uint_value());
    case Value::Kind::kDecimal:
      return value.bytes();
    default:
      return value.DebugString();
  }
}

std::optional<double> ParseDouble(std::string_view text) {
  double d = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return d;
}

std::optional<DateTime> ParseDateTimeText(std::string_view t) {
  size_t i = 0;
  DateTime dt{};
  int y = Digits(t, &i, 4);
  if (y < 0 || i >= t.size() || t[i++] != '-') return std::nullopt;
  int m = Digits(t, &i, 2);
  if (m < 0 || i >= t.size() || t[i++] != '-') return std::nullopt;
  int d = Digits(t, &i, 2);
  if (d < 0 || m > 12 || d > 31) return std::nullopt;
  dt.year = y;
  dt.month = static_cast<uint8_t>(m);
  dt.day = static_cast<uint8_t>(d);
  if (i == t.size()) return dt;
  if (t[i] != ' ' && t[i] != 'T') return std::nullopt;
  ++i;
  int h = Digits(t, &i, 2);
  if (h < 0 || h > 23 || i >= t.size() || t[i++] != ':') return std::nullopt;
  int mi = Digits(t, &i, 2);
  if (mi < 0 || mi > 59 || i >= t.size() || t[i++] != ':') return std::nullopt;
  int s = Digits(t, &i, 2);
  if (s < 0 || s > 59) return std::nullopt;
  std::optional<uint32_t> f = Fraction(t, &i);
  if (!f || i != t.size()) return std::nullopt;
  dt.hour = static_cast<uint8_t>(h);
  dt.minute = static_cast<uint8_t>(mi);
  dt.second = static_cast<uint8_t>(s);
  dt.micros = *f;
  return dt;
}

std::optional<Duration> ParseDurationText(std::string_view t) {
  size_t i = 0;
  Duration d{};
  if (i < t.size() && t[i] == '-') {
    d.negative = true;
    ++i;
  }
  int h = Digits(t, &i, 3);
  if (h < 0 || h > 838 || i >= t.size() || t[i++] != ':') return std::nullopt;
  int m = Digits(t, &i, 2);
  if (m < 0 || m > 59 || i >= t.size() || t[i++] != ':') return std::nullopt;
  int s = Digits(t, &i, 2);
  if (s < 0 || s > 59) return std::nullopt;
  std::optional<uint32_t> f = Fraction(t, &i);
  if (!f || i != t.size()) return std::nullopt;
  d.hours = static_cast<uint32_t>(h);
  d.minutes = static_cast<uint8_t>(m);
  d.seconds = static_cast<uint8_t>(s);
  d.micros = *f;
  return d;
}

int64_t InstantCode(const DateTime& dt) {
  int64_t days = (static_cast<int64_t>(dt.year) * 13 + dt.month) * 32 + dt.day;
  int64_t secs = ((days * 24 + dt.hour) * 60 + dt.minute) * 60 + dt.second;
  return secs * 1'000'000 + dt.micros;
}

int64_t DurationMicros(const Duration& t) {
  int64_t m =
      ((static_cast<int64_t>(t.hours) * 60 + t.minutes) * 60 + t.seconds) * 1'000'000 + t.micros;
  return t.negative ? -m : m;
}

DateTime AsDateTime(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kDate: {
      const Date& d = value.date();
      return DateTime{d.year, d.month, d.day, 0, 0, 0, 0};
    }
    case Value::Kind::kTimestamp:
      return TimestampToUtc(value.timestamp());
    default:
      return value.datetime();
  }
}

Result<Column> DmsColumnType(std::string_view type, int length, int precision, int scale) {
  Column c;
  auto integer = [&](LogicalType t, MysqlType m, bool is_unsigned) {
    c.type = t;
    c.mysql_type = m;
    c.is_unsigned = is_unsigned;
  };
  if (type == "string" || type == "wstring" || type == "clob" || type == "nclob") {
    c.type = LogicalType::kString;
    c.mysql_type = type == "string" || type == "wstring" ? MysqlType::kVarString : MysqlType::kBlob;
    c.collation_id = 45;  // utf8mb4_general_ci
    c.precision = length > 0 ? length * 4 : 0;
  } else if (type == "bytes" || type == "blob") {
    c.type = LogicalType::kBinary;
    c.mysql_type = type == "bytes" ? MysqlType::kVarString : MysqlType::kBlob;
    c.collation_id = kBinaryCollationId;
    c.precision = length;
  } else if (type == "date") {
    c.type = LogicalType::kDate;
    c.mysql_type = MysqlType::kNewDate;
  } else if (type == "time") {
    c.type = LogicalType::kTime;
    c.mysql_type = MysqlType::kTime2;
    c.scale = scale > 0 ? std::min(scale, 6) : 0;
  } else if (type == "datetime") {
    c.type = LogicalType::kDateTime;
    c.mysql_type = MysqlType::kDateTime2;
    c.scale = scale > 0 ? std::min(scale, 6) : (scale == 0 && precision == 0 ? 6 : 0);
  } else if (type == "int1" || type == "uint1") {
    integer(LogicalType::kInt8, MysqlType::kTiny, type[0] == 'u');
  } else if (type == "int2" || type == "uint2") {
    integer(LogicalType::kInt16, MysqlType::kShort, type[0] == 'u');
  } else if (type == "int4" || type == "uint4") {
    integer(LogicalType::kInt32, MysqlType::kLong, type[0] == 'u');
  } else if (type == "int8" || type == "uint8") {
    integer(LogicalType::kInt64, MysqlType::kLongLong, type[0] == 'u');
  } else if (type == "numeric") {
    if (precision < 1 || precision > 65 || scale < 0 || scale > 30 || scale > precision) {
      return InvalidArgumentError(
          "numeric needs a precision of 1 to 65 and a scale of 0 to 30, at most the precision "
          "(got precision {}, scale {})",
          precision, scale);
    }
    c.type = LogicalType::kDecimal;
    c.mysql_type = MysqlType::kNewDecimal;
    c.precision = precision;
    c.scale = scale;
  } else if (type == "real4") {
    c.type = LogicalType::kFloat;
    c.mysql_type = MysqlType::kFloat;
  } else if (type == "real8") {
    c.type = LogicalType::kDouble;
    c.mysql_type = MysqlType::kDouble;
  } else if (type == "boolean") {
    return InvalidArgumentError(
        "data-type boolean has no column type in binlake's output (MySQL has none either): use "
        "int1, which MySQL's BOOLEAN is");
  } else {
    return InvalidArgumentError(
        "data-type '{}' is not one binlake writes: use string, wstring, clob, nclob, bytes, blob, "
        "date, time, datetime, int1, int2, int4, int8, uint1, uint2, uint4, uint8, numeric, "
        "real4 or real8",
        type);
  }
  return c;
}

Result<Value> ConvertValue(const Value& v, const Column& from, const Column& to) {
  if (v.is_null() || v.is_absent()) return v;
  switch (to.type) {
    case LogicalType::kString: {
      std::string text;
      if (v.kind() == Value::Kind::kString || v.kind() == Value::Kind::kJson ||
          v.kind() == Value::Kind::kBytes) {
        text = v.bytes();
        if (!ValidUtf8(text)) return Unfit(v, to, "the bytes are not UTF-8 text");
      } else {
        AppendValueText(v, from, &text);
      }
      if (to.precision > 0 && Utf8Length(text) * 4 > static_cast<size_t>(to.precision)) {
        return Unfit(v, to, fmt::format("longer than {} characters", to.precision / 4));
      }
      return Value::String(std::move(text));
    }
    case LogicalType::kBinary: {
      std::string bytes;
      if (v.kind() == Value::Kind::kString || v.kind() == Value::Kind::kJson ||
          v.kind() == Value::Kind::kBytes) {
        bytes = v.bytes();
      } else {
        AppendValueText(v, from, &bytes);
      }
      if (to.precision > 0 && bytes.size() > static_cast<size_t>(to.precision)) {
        return Unfit(v, to, fmt::format("longer than {} bytes", to.precision));
      }
      return Value::Bytes(std::move(bytes));
    }
    case LogicalType::kInt8:
    case LogicalType::kInt16:
    case LogicalType::kInt24:
    case LogicalType::kInt32:
    case LogicalType::kInt64:
      return ToInteger(v, to);
    case LogicalType::kDecimal:
      return ToDecimal(v, to);
    case LogicalType::kFloat:
    case LogicalType::kDouble: {
      std::optional<double> d;
      if (v.kind() == Value::Kind::kFloat) d = v.float_value();
      if (v.kind() == Value::Kind::kDouble) d = v.double_value();
      if (!d && (v.kind() == Value::Kind::kString || v.kind() == Value::Kind::kInt ||
                 v.kind() == Value::Kind::kUInt || v.kind() == Value::Kind::kDecimal)) {
        d = ParseDouble(v.kind() == Value::Kind::kString ? v.bytes() : DecimalText(v));
      }
      if (!d) return Unfit(v, to, "not a number");
      if (to.type == LogicalType::kFloat) return Value::Float(static_cast<float>(*d));
      return Value::Double(*d);
    }
    case LogicalType::kDate:
    case LogicalType::kDateTime: {
      std::optional<DateTime> dt;
      if (v.kind() == Value::Kind::kDate || v.kind() == Value::Kind::kDateTime ||
          v.kind() == Value::Kind::kTimestamp) {
        dt = AsDateTime(v);
      } else if (v.kind() == Value::Kind::kString) {
        dt = ParseDateTimeText(v.bytes());
      }
      if (!dt) return Unfit(v, to, "not a date or date-time");
      if (to.type == LogicalType::kDate) {
        if (dt->hour || dt->minute || dt->second || dt->micros) {
          return Unfit(v, to, "it has a time of day, which a date would drop");
        }
        return Value::OfDate(Date{dt->year, dt->month, dt->day});
      }
      uint32_t unit = 1;
      for (int i = to.scale; i < 6; ++i) unit *= 10;
      if (dt->micros % unit != 0) {
        return Unfit(v, to, fmt::format("more than {} fractional-second digits", to.scale));
      }
      return Value::OfDateTime(*dt);
    }
    case LogicalType::kTime: {
      std::optional<Duration> t;
      if (v.kind() == Value::Kind::kTime) t = v.time();
      if (v.kind() == Value::Kind::kString) t = ParseDurationText(v.bytes());
      if (!t) return Unfit(v, to, "not a time");
      return Value::OfTime(*t);
    }
    default:
      return Unfit(v, to, "binlake does not convert to this type");
  }
}

}  // namespace binlake
