#include "binlog/value_json.h"

#include <fmt/format.h>

namespace binlake {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0.
size_t Utf8Length(std::string_view s, size_t i) {
  uint8_t c = static_cast<uint8_t>(s[i]);
  size_t n;
  uint32_t cp;
  if (c < 0x80) return 1;
  if ((c & 0xe0) == 0xc0) {
    n = 2;
    cp = c & 0x1f;
  } else if ((c & 0xf0) == 0xe0) {
    n = 3;
    cp = c & 0x0f;
  } else if ((c & 0xf8) == 0xf0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    uint8_t d = static_cast<uint8_t>(s[i + k]);
    if ((d & 0xc0) != 0x80) return 0;
    cp = cp << 6 | (d & 0x3f);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    switch (c) {
      case '"':
        out->append("\\\"");
        ++i;
        continue;
      case '\\':
        out->append("\\\\");
        ++i;
        continue;
      case '\n':
        out->append("\\n");
        ++i;
        continue;
      case '\r':
        out->append("\\r");
        ++i;
        continue;
      case '\t':
        out->append("\\t");
        ++i;
        continue;
      case '\b':
        out->append("\\b");
        ++i;
        continue;
      case '\f':
        out->append("\\f");
        ++i;
        continue;
      default:
        break;
    }
    uint8_t u = static_cast<uint8_t>(c);
    if (u < 0x20) {
      fmt::format_to(std::back_inserter(*out), "\\u{:04x}", u);
      ++i;
      continue;
    }
    size_t n = Utf8Length(s, i);
    if (n == 0) {
      out->append("\xef\xbf\xbd");
      ++i;
      continue;
    }
    out->append(s.substr(i, n));
    i += n;
  }
  out->push_back('"');
}

void AppendJsonValue(const Value& v, const Column& column, std::string* out) {
  auto it = std::back_inserter(*out);
  switch (v.kind()) {
    case Value::Kind::kNull:
    case Value::Kind::kAbsent:
      out->append("null");
      return;
    case Value::Kind::kInt:
      fmt::format_to(it, "{}", v.int_value());
      return;
    case Value::Kind::kUInt:
      fmt::format_to(it, "{}", v.uint_value());
      return;
    case Value::Kind::kFloat:
      fmt::format_to(it, "{}", v.float_value());
      return;
    case Value::Kind::kDouble:
      fmt::format_to(it, "{}", v.double_value());
      return;
    case Value::Kind::kDecimal:
    case Value::Kind::kString:
      AppendJsonString(v.bytes(), out);
      return;
    case Value::Kind::kDate:
      AppendJsonString(FormatDate(v.date()), out);
      return;
    case Value::Kind::kTime:
      AppendJsonString(FormatDuration(v.time(), column.scale), out);
      return;
    case Value::Kind::kDateTime:
      AppendJsonString(FormatDateTime(v.datetime(), column.scale), out);
      return;
    case Value::Kind::kTimestamp:
      AppendJsonString(FormatTimestamp(v.timestamp(), column.scale), out);
      return;
    case Value::Kind::kBytes: {
      static constexpr char kHex[] = "0123456789abcdef";
      out->push_back('"');
      for (char c : v.bytes()) {
        out->push_back(kHex[static_cast<uint8_t>(c) >> 4]);
        out->push_back(kHex[static_cast<uint8_t>(c) & 15]);
      }
      out->push_back('"');
      return;
    }
    case Value::Kind::kJson:
      out->append(v.bytes().empty() ? std::string_view("null") : std::string_view(v.bytes()));
      return;
  }
}

void AppendJsonRow(const Row& row, const TableSchema& schema, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (size_t i = 0; i < row.size() && i < schema.columns.size(); ++i) {
    if (row[i].is_absent()) continue;
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(schema.columns[i].name, out);
    out->push_back(':');
    AppendJsonValue(row[i], schema.columns[i], out);
  }
  out->push_back('}');
}

}  // namespace binlake
