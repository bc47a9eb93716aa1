#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace binlake {

// Plain aggregates (trivial, so they can live in Value's union): value-initialise with {}.

// DATE. Zero parts are legal (MySQL zero dates such as 0000-00-00 or 2024-00-00 are kept
// exactly as the server stored them).
struct Date {
  int32_t year;
  uint8_t month;
  uint8_t day;
  bool operator==(const Date&) const = default;
};

// TIME: a signed duration up to 838:59:59.999999 (not a time of day).
struct Duration {
  bool negative;
  uint32_t hours;
  uint8_t minutes;
  uint8_t seconds;
  uint32_t micros;
  bool operator==(const Duration&) const = default;
};

// DATETIME: a wall-clock reading with no time zone; zero parts are legal.
struct DateTime {
  int32_t year;
  uint8_t month;
  uint8_t day;
  uint8_t hour;
  uint8_t minute;
  uint8_t second;
  uint32_t micros;
  bool operator==(const DateTime&) const = default;
};

// TIMESTAMP: an instant as seconds + microseconds since the Unix epoch, UTC. The MySQL zero
// timestamp ('0000-00-00 00:00:00') is seconds == 0 && micros == 0.
struct Timestamp {
  int64_t seconds;
  uint32_t micros;
  bool operator==(const Timestamp&) const = default;
};

// One column value of one row image. The column's TableSchema entry says what it means;
// the kind says how it is stored:
//
//   kNull       SQL NULL
//   kAbsent     not in this row image (MINIMAL/NOBLOB binlog_row_image)
//   kInt        signed integers, YEAR
//   kUInt       unsigned integers, BIT, ENUM index / SET bitmask when names are unknown
//   kFloat, kDouble
//   kDecimal    exact decimal text, e.g. "-12.340" (scale digits always present)
//   kDate, kTime, kDateTime, kTimestamp
//   kString     UTF-8 text (CHAR/VARCHAR/TEXT, ENUM/SET names)
//   kBytes      raw bytes (BINARY/BLOB, GEOMETRY, VECTOR)
//   kJson       JSON text
//
// Copyable; owns its bytes. Thread-compatible.
class Value {
 public:
  enum class Kind : uint8_t {
    kNull,
    kAbsent,
    kInt,
    kUInt,
    kFloat,
    kDouble,
    kDecimal,
    kDate,
    kTime,
    kDateTime,
    kTimestamp,
    kString,
    kBytes,
    kJson,
  };

  Value() = default;  // NULL
  static Value Null() { return Value(); }
  static Value Absent() { return Value(Kind::kAbsent); }
  static Value Int(int64_t v) {
    Value x(Kind::kInt);
    x.i_ = v;
    return x;
  }
  static Value UInt(uint64_t v) {
    Value x(Kind::kUInt);
    x.u_ = v;
    return x;
  }
  static Value Float(float v) {
    Value x(Kind::kFloat);
    x.f_ = v;
    return x;
  }
  static Value Double(double v) {
    Value x(Kind::kDouble);
    x.d_ = v;
    return x;
  }
  static Value Decimal(std::string text) { return WithBytes(Kind::kDecimal, std::move(text)); }
  static Value OfDate(Date v) {
    Value x(Kind::kDate);
    x.date_ = v;
    return x;
  }
  static Value OfTime(Duration v) {
    Value x(Kind::kTime);
    x.time_ = v;
    return x;
  }
  static Value OfDateTime(DateTime v) {
    Value x(Kind::kDateTime);
    x.datetime_ = v;
    return x;
  }
  static Value OfTimestamp(Timestamp v) {
    Value x(Kind::kTimestamp);
    x.ts_ = v;
    return x;
  }
  static Value String(std::string utf8) { return WithBytes(Kind::kString, std::move(utf8)); }
  static Value Bytes(std::string raw) { return WithBytes(Kind::kBytes, std::move(raw)); }
  static Value Json(std::string text) { return WithBytes(Kind::kJson, std::move(text)); }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_absent() const { return kind_ == Kind::kAbsent; }

  // REQUIRES: the matching kind.
  int64_t int_value() const { return i_; }
  uint64_t uint_value() const { return u_; }
  float float_value() const { return f_; }
  double double_value() const { return d_; }
  const Date& date() const { return date_; }
  const Duration& time() const { return time_; }
  const DateTime& datetime() const { return datetime_; }
  const Timestamp& timestamp() const { return ts_; }
  // kDecimal, kString, kBytes, kJson.
  const std::string& bytes() const { return bytes_; }
  std::string* mutable_bytes() { return &bytes_; }

  bool operator==(const Value& o) const;

  // A short human-readable rendering for logs and test failures (not an output format).
  std::string DebugString() const;

 private:
  explicit Value(Kind k) : kind_(k) {}
  static Value WithBytes(Kind k, std::string b) {
    Value x(k);
    x.bytes_ = std::move(b);
    return x;
  }

  Kind kind_ = Kind::kNull;
  union {
    int64_t i_ = 0;
    uint64_t u_;
    float f_;
    double d_;
    Date date_;
    Duration time_;
    DateTime datetime_;
    Timestamp ts_;
  };
  std::string bytes_;
};

// One row image: one Value per column of the table schema, in column order.
using Row = std::vector<Value>;

// Canonical text forms shared by every writer and by `binlog dump` (docs/type-mapping.md):
//   date      YYYY-MM-DD                      (zero parts kept: 0000-00-00)
//   time      [-]HH:MM:SS[.ffffff]            (hours may exceed 24; fsp digits)
//   datetime  YYYY-MM-DD HH:MM:SS[.ffffff]
//   timestamp YYYY-MM-DD HH:MM:SS[.ffffff]    (UTC)
// fsp is the column's fractional-second digits (0..6); 0 prints no fraction.
std::string FormatDate(const Date& d);
std::string FormatDuration(const Duration& t, int fsp);
std::string FormatDateTime(const DateTime& dt, int fsp);
std::string FormatTimestamp(const Timestamp& ts, int fsp);
// Civil date-time in UTC for an epoch second (proleptic Gregorian).
DateTime TimestampToUtc(const Timestamp& ts);

}  // namespace binlake
