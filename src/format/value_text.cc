#include "format/value_text.h"

#include <fmt/format.h>

#include <charconv>
#include <cstring>

#include "common/logging.h"

namespace binlake {
namespace {

// Temporal values are written digit by digit into a stack buffer: this runs once per value
// of every DATETIME column, and a format string parsed per call cost more than all other
// rendering together. Values outside the ranges below (never produced by the binlog
// decoder) go through value.h's Format* so that every value keeps one canonical text.

constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

// REQUIRES: v < 100.
char* Put2(char* p, unsigned v) {
  std::memcpy(p, kDigitPairs + 2 * v, 2);
  return p + 2;
}

// REQUIRES: v < 10000.
char* Put4(char* p, unsigned v) { return Put2(Put2(p, v / 100), v % 100); }

// ".ffffff" cut to fsp digits (fsp clamped to 0..6, as value.h's Format*).
// REQUIRES: micros <= 999999.
char* PutFraction(char* p, uint32_t micros, int fsp) {
  if (fsp <= 0) return p;
  if (fsp > 6) fsp = 6;
  char digits[6];
  Put2(Put2(Put2(digits, micros / 10000), micros / 100 % 100), micros % 100);
  *p++ = '.';
  std::memcpy(p, digits, static_cast<size_t>(fsp));
  return p + fsp;
}

// std::string::append(first, last) goes through the general replace(); a length is cheaper.
void AppendRange(const char* begin, const char* end, std::string* out) {
  out->append(begin, static_cast<size_t>(end - begin));
}

bool DateInRange(int32_t year, unsigned month, unsigned day) {
  return year >= 0 && year <= 9999 && month < 100 && day < 100;
}

bool DateTimeInRange(const DateTime& dt) {
  return DateInRange(dt.year, dt.month, dt.day) && dt.hour < 100 && dt.minute < 100 &&
         dt.second < 100 && dt.micros <= 999999;
}

char* PutDate(char* p, int32_t year, unsigned month, unsigned day) {
  p = Put4(p, static_cast<unsigned>(year));
  *p++ = '-';
  p = Put2(p, month);
  *p++ = '-';
  return Put2(p, day);
}

void AppendDate(const Date& d, std::string* out) {
  if (!DateInRange(d.year, d.month, d.day)) {
    out->append(FormatDate(d));
    return;
  }
  char buf[10];
  AppendRange(buf, PutDate(buf, d.year, d.month, d.day), out);
}

void AppendDateTime(const DateTime& dt, int fsp, std::string* out) {
  if (!DateTimeInRange(dt)) {
    out->append(FormatDateTime(dt, fsp));
    return;
  }
  char buf[32];
  char* p = PutDate(buf, dt.year, dt.month, dt.day);
  *p++ = ' ';
  p = Put2(p, dt.hour);
  *p++ = ':';
  p = Put2(p, dt.minute);
  *p++ = ':';
  p = Put2(p, dt.second);
  AppendRange(buf, PutFraction(p, dt.micros, fsp), out);
}

void AppendDuration(const Duration& t, int fsp, std::string* out) {
  if (t.minutes >= 100 || t.seconds >= 100 || t.micros > 999999) {
    out->append(FormatDuration(t, fsp));
    return;
  }
  char buf[32];
  char* p = buf;
  if (t.negative) *p++ = '-';
  if (t.hours < 100) {
    p = Put2(p, t.hours);
  } else {
    p = std::to_chars(p, buf + 12, t.hours).ptr;  // at most 10 digits
  }
  *p++ = ':';
  p = Put2(p, t.minutes);
  *p++ = ':';
  p = Put2(p, t.seconds);
  AppendRange(buf, PutFraction(p, t.micros, fsp), out);
}

void AppendTimestamp(const Timestamp& ts, int fsp, std::string* out) {
  if (ts.seconds == 0 && ts.micros == 0) {  // MySQL's zero timestamp
    AppendDateTime(DateTime{0, 0, 0, 0, 0, 0, 0}, fsp, out);
    return;
  }
  AppendDateTime(TimestampToUtc(ts), fsp, out);
}

template <typename Int>
void AppendInteger(Int v, std::string* out) {
  char buf[24];
  AppendRange(buf, std::to_chars(buf, buf + sizeof buf, v).ptr, out);
}

// Shortest text that reads back to the same bits, as fmt's "{}".
template <typename Float>
void AppendFloat(Float v, std::string* out) {
  char buf[64];
  auto r = fmt::format_to_n(buf, sizeof buf, "{}", v);
  AppendRange(buf, r.out, out);
}

}  // namespace

void AppendHex(std::string_view bytes, std::string* out) {
  static const char kHex[] = "0123456789ABCDEF";
  size_t at = out->size();
  out->resize(at + bytes.size() * 2);
  char* p = out->data() + at;
  for (unsigned char c : bytes) {
    *p++ = kHex[c >> 4];
    *p++ = kHex[c & 15];
  }
}

void AppendValueText(const Value& v, const Column& column, std::string* out) {
  switch (v.kind()) {
    case Value::Kind::kNull:
    case Value::Kind::kAbsent:
      return;
    case Value::Kind::kInt:
      AppendInteger(v.int_value(), out);
      return;
    case Value::Kind::kUInt:
      AppendInteger(v.uint_value(), out);
      return;
    case Value::Kind::kFloat:
      AppendFloat(v.float_value(), out);
      return;
    case Value::Kind::kDouble:
      AppendFloat(v.double_value(), out);
      return;
    case Value::Kind::kDate:
      AppendDate(v.date(), out);
      return;
    case Value::Kind::kTime:
      AppendDuration(v.time(), column.scale, out);
      return;
    case Value::Kind::kDateTime:
      AppendDateTime(v.datetime(), column.scale, out);
      return;
    case Value::Kind::kTimestamp:
      AppendTimestamp(v.timestamp(), column.scale, out);
      return;
    case Value::Kind::kBytes:
      AppendHex(v.bytes(), out);
      return;
    case Value::Kind::kDecimal:
    case Value::Kind::kString:
    case Value::Kind::kJson:
      out->append(v.bytes());
      return;
  }
}
void AppendValueJson(const Value& v, const Column& column, std::string* out) {
  switch (v.kind()) {
    case Value::Kind::kNull:
    case Value::Kind::kAbsent:
      out->append("null");
      return;
    case Value::Kind::kInt:
    case Value::Kind::kUInt:
    case Value::Kind::kFloat:
    case Value::Kind::kDouble:
      AppendValueText(v, column, out);
      return;
    case Value::Kind::kString:
    case Value::Kind::kJson:
    case Value::Kind::kDecimal:
      out->push_back('"');
      AppendJsonEscaped(out, v.bytes());
      out->push_back('"');
      return;
    default: {
      out->push_back('"');
      AppendValueText(v, column, out);  // no characters needing escapes
      out->push_back('"');
      return;
    }
  }
}

}  // namespace binlake
