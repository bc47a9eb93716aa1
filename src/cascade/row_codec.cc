#include "cascade/row_codec.h"

#include <strings.h>

#include <cstring>

#include "kv/lmdb_env.h"

namespace binlake {
namespace {

void AppendBytes(std::string_view b, std::string* out) {
  AppendBigEndian(b.size(), 4, out);
  out->append(b);
}

Status Short() { return CorruptionError("the row state holds a truncated value"); }

}  // namespace

void AppendStateValue(const Value& v, std::string* out) {
  out->push_back(static_cast<char>(v.kind()));
  switch (v.kind()) {
    case Value::Kind::kNull:
    case Value::Kind::kAbsent:
      return;
    case Value::Kind::kInt:
      AppendBigEndian(static_cast<uint64_t>(v.int_value()), 8, out);
      return;
    case Value::Kind::kUInt:
      AppendBigEndian(v.uint_value(), 8, out);
      return;
    case Value::Kind::kFloat: {
      uint32_t bits;
      float f = v.float_value();
      std::memcpy(&bits, &f, 4);
      AppendBigEndian(bits, 4, out);
      return;
    }
    case Value::Kind::kDouble: {
      uint64_t bits;
      double d = v.double_value();
      std::memcpy(&bits, &d, 8);
      AppendBigEndian(bits, 8, out);
      return;
    }
    case Value::Kind::kDate:
      AppendBigEndian(static_cast<uint32_t>(v.date().year), 4, out);
      out->push_back(static_cast<char>(v.date().month));
      out->push_back(static_cast<char>(v.date().day));
      return;
    case Value::Kind::kTime:
      out->push_back(v.time().negative ? 1 : 0);
      AppendBigEndian(v.time().hours, 4, out);
      out->push_back(static_cast<char>(v.time().minutes));
      out->push_back(static_cast<char>(v.time().seconds));
      AppendBigEndian(v.time().micros, 4, out);
      return;
    case Value::Kind::kDateTime: {
      const DateTime& t = v.datetime();
      AppendBigEndian(static_cast<uint32_t>(t.year), 4, out);
      for (uint8_t b : {t.month, t.day, t.hour, t.minute, t.second}) {
        out->push_back(static_cast<char>(b));
      }
      AppendBigEndian(t.micros, 4, out);
      return;
    }
    case Value::Kind::kTimestamp:
      AppendBigEndian(static_cast<uint64_t>(v.timestamp().seconds), 8, out);
      AppendBigEndian(v.timestamp().micros, 4, out);
      return;
    case Value::Kind::kDecimal:
    case Value::Kind::kString:
    case Value::Kind::kBytes:
    case Value::Kind::kJson:
      AppendBytes(v.bytes(), out);
      return;
  }
}

Result<Value> ReadStateValue(std::string_view* in) {
  if (in->empty()) return Short();
  auto kind = static_cast<Value::Kind>(static_cast<uint8_t>((*in)[0]));
  in->remove_prefix(1);
  auto take = [&](size_t n) -> Result<uint64_t> {
    if (in->size() < n) return Short();
    uint64_t v = ReadBigEndian(in->data(), static_cast<int>(n));
    in->remove_prefix(n);
    return v;
  };
  switch (kind) {
    case Value::Kind::kNull:
      return Value::Null();
    case Value::Kind::kAbsent:
      return Value::Absent();
    case Value::Kind::kInt: {
      ASSIGN_OR_RETURN(uint64_t v, take(8));
      return Value::Int(static_cast<int64_t>(v));
    }
    case Value::Kind::kUInt: {
      ASSIGN_OR_RETURN(uint64_t v, take(8));
      return Value::UInt(v);
    }
    case Value::Kind::kFloat: {
      ASSIGN_OR_RETURN(uint64_t v, take(4));
      uint32_t bits = static_cast<uint32_t>(v);
      float f;
      std::memcpy(&f, &bits, 4);
      return Value::Float(f);
    }
    case Value::Kind::kDouble: {
      ASSIGN_OR_RETURN(uint64_t bits, take(8));
      double d;
      std::memcpy(&d, &bits, 8);
      return Value::Double(d);
    }
    case Value::Kind::kDate: {
      Date d{};
      ASSIGN_OR_RETURN(uint64_t y, take(4));
      ASSIGN_OR_RETURN(uint64_t m, take(1));
      ASSIGN_OR_RETURN(uint64_t day, take(1));
      d.year = static_cast<int32_t>(static_cast<uint32_t>(y));
      d.month = static_cast<uint8_t>(m);
      d.day = static_cast<uint8_t>(day);
      return Value::OfDate(d);
    }
    case Value::Kind::kTime: {
      Duration t{};
      ASSIGN_OR_RETURN(uint64_t neg, take(1));
      ASSIGN_OR_RETURN(uint64_t h, take(4));
      ASSIGN_OR_RETURN(uint64_t mi, take(1));
      ASSIGN_OR_RETURN(uint64_t s, take(1));
      ASSIGN_OR_RETURN(uint64_t us, take(4));
      t.negative = neg != 0;
      t.hours = static_cast<uint32_t>(h);
      t.minutes = static_cast<uint8_t>(mi);
      t.seconds = static_cast<uint8_t>(s);
      t.micros = static_cast<uint32_t>(us);
      return Value::OfTime(t);
    }
    case Value::Kind::kDateTime: {
      DateTime t{};
      ASSIGN_OR_RETURN(uint64_t y, take(4));
      t.year = static_cast<int32_t>(static_cast<uint32_t>(y));
      uint8_t* parts[] = {&t.month, &t.day, &t.hour, &t.minute, &t.second};
      for (uint8_t* p : parts) {
        ASSIGN_OR_RETURN(uint64_t b, take(1));
        *p = static_cast<uint8_t>(b);
      }
      ASSIGN_OR_RETURN(uint64_t us, take(4));
      t.micros = static_cast<uint32_t>(us);
      return Value::OfDateTime(t);
    }
    case Value::Kind::kTimestamp: {
      ASSIGN_OR_RETURN(uint64_t s, take(8));
      ASSIGN_OR_RETURN(uint64_t us, take(4));
      return Value::OfTimestamp(Timestamp{static_cast<int64_t>(s), static_cast<uint32_t>(us)});
    }
    case Value::Kind::kDecimal:
    case Value::Kind::kString:
    case Value::Kind::kBytes:
    case Value::Kind::kJson: {
      ASSIGN_OR_RETURN(uint64_t n, take(4));
      if (in->size() < n) return Short();
      std::string b(in->substr(0, n));
      in->remove_prefix(n);
      if (kind == Value::Kind::kDecimal) return Value::Decimal(std::move(b));
      if (kind == Value::Kind::kString) return Value::String(std::move(b));
      if (kind == Value::Kind::kBytes) return Value::Bytes(std::move(b));
      return Value::Json(std::move(b));
    }
  }
  return CorruptionError("the row state holds a value of unknown kind {}", static_cast<int>(kind));
}

const Value* StoredRow::Find(std::string_view name) const {
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (names[i].size() == name.size() &&
        strncasecmp(names[i].data(), name.data(), name.size()) == 0) {
      return &values[i];
    }
  }
  return nullptr;
}

Row StoredRow::As(const TableSchema& schema) const {
  Row out;
  out.reserve(schema.columns.size());
  for (const Column& c : schema.columns) {
    const Value* v = Find(c.name);
    out.push_back(v ? *v : Value::Null());
  }
  return out;
}

}  // namespace binlake
