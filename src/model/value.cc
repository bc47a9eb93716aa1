#include "model/value.h"

#include <fmt/format.h>

#include <cstring>

#include "common/civil_time.h"

namespace binlake {
namespace {

void AppendFraction(std::string* out, uint32_t micros, int fsp) {
  if (fsp <= 0) return;
  if (fsp > 6) fsp = 6;
  std::string digits = fmt::format("{:06d}", micros);
  out->push_back('.');
  out->append(digits, 0, static_cast<size_t>(fsp));
}

}  // namespace

bool Value::operator==(const Value& o) const {
  if (kind_ != o.kind_) return false;
  switch (kind_) {
    case Kind::kNull:
    case Kind::kAbsent:
      return true;
    case Kind::kInt:
      return i_ == o.i_;
    case Kind::kUInt:
      return u_ == o.u_;
    case Kind::kFloat:
      return std::memcmp(&f_, &o.f_, sizeof f_) == 0;
    case Kind::kDouble:
      return std::memcmp(&d_, &o.d_, sizeof d_) == 0;
    case Kind::kDate:
      return date_ == o.date_;
    case Kind::kTime:
      return time_ == o.time_;
    case Kind::kDateTime:
      return datetime_ == o.datetime_;
    case Kind::kTimestamp:
      return ts_ == o.ts_;
    case Kind::kDecimal:
    case Kind::kString:
    case Kind::kBytes:
    case Kind::kJson:
      return bytes_ == o.bytes_;
  }
  return false;
}

std::string Value::DebugString() const {
  switch (kind_) {
    case Kind::kNull:
      return "NULL";
    case Kind::kAbsent:
      return "<absent>";
    case Kind::kInt:
      return fmt::format("{}", i_);
    case Kind::kUInt:
      return fmt::format("{}u", u_);
    case Kind::kFloat:
      return fmt::format("{}f", f_);
    case Kind::kDouble:
      return fmt::format("{}", d_);
    case Kind::kDecimal:
      return fmt::format("decimal:{}", bytes_);
    case Kind::kDate:
      return FormatDate(date_);
    case Kind::kTime:
      return FormatDuration(time_, 6);
    case Kind::kDateTime:
      return FormatDateTime(datetime_, 6);
    case Kind::kTimestamp:
      return FormatTimestamp(ts_, 6) + "Z";
    case Kind::kString:
      return fmt::format("'{}'", bytes_);
    case Kind::kBytes: {
      std::string hex = "0x";
      for (unsigned char c : bytes_) hex += fmt::format("{:02x}", c);
      return hex;
    }
    case Kind::kJson:
      return fmt::format("json:{}", bytes_);
  }
  return "?";
}

std::string FormatDate(const Date& d) {
  return fmt::format("{:04d}-{:02d}-{:02d}", d.year, d.month, d.day);
}

std::string FormatDuration(const Duration& t, int fsp) {
  std::string out =
      fmt::format("{}{:02d}:{:02d}:{:02d}", t.negative ? "-" : "", t.hours, t.minutes, t.seconds);
  AppendFraction(&out, t.micros, fsp);
  return out;
}

std::string FormatDateTime(const DateTime& dt, int fsp) {
  std::string out = fmt::format("{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}", dt.year, dt.month,
                                dt.day, dt.hour, dt.minute, dt.second);
  AppendFraction(&out, dt.micros, fsp);
  return out;
}

DateTime TimestampToUtc(const Timestamp& ts) {
  int64_t days = ts.seconds / 86400;
  int64_t rem = ts.seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  int64_t year;
  unsigned month, day;
  CivilFromDays(days, &year, &month, &day);
  DateTime dt;
  dt.year = static_cast<int32_t>(year);
  dt.month = static_cast<uint8_t>(month);
  dt.day = static_cast<uint8_t>(day);
  dt.hour = static_cast<uint8_t>(rem / 3600);
  dt.minute = static_cast<uint8_t>((rem % 3600) / 60);
  dt.second = static_cast<uint8_t>(rem % 60);
  dt.micros = ts.micros;
  return dt;
}

std::string FormatTimestamp(const Timestamp& ts, int fsp) {
  if (ts.seconds == 0 && ts.micros == 0) {
    std::string out = "0000-00-00 00:00:00";
    AppendFraction(&out, 0, fsp);
    return out;
  }
  return FormatDateTime(TimestampToUtc(ts), fsp);
}

}  // namespace binlake
