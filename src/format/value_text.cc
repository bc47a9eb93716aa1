#include "format/value_text.h"

#include <fmt/format.h>

#include "common/logging.h"

namespace binlake {

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
      fmt::format_to(std::back_inserter(*out), "{}", v.int_value());
      return;
    case Value::Kind::kUInt:
      fmt::format_to(std::back_inserter(*out), "{}", v.uint_value());
      return;
    case Value::Kind::kFloat:
      fmt::format_to(std::back_inserter(*out), "{}", v.float_value());
      return;
    case Value::Kind::kDouble:
      fmt::format_to(std::back_inserter(*out), "{}", v.double_value());
      return;
    case Value::Kind::kDate:
      out->append(FormatDate(v.date()));
      return;
    case Value::Kind::kTime:
      out->append(FormatDuration(v.time(), column.scale));
      return;
    case Value::Kind::kDateTime:
      out->append(FormatDateTime(v.datetime(), column.scale));
      return;
    case Value::Kind::kTimestamp:
      out->append(FormatTimestamp(v.timestamp(), column.scale));
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
