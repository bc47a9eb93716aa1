#include "binlog/json_binary.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <utility>
#include <vector>

#include "binlog/charset.h"
#include "binlog/decimal.h"
#include "common/byte_reader.h"
#include "common/logging.h"

namespace binlake {
namespace {

// Value type bytes of MySQL's binary JSON.
enum JsonType : uint8_t {
  kSmallObject = 0x00,
  kLargeObject = 0x01,
  kSmallArray = 0x02,
  kLargeArray = 0x03,
  kLiteral = 0x04,
  kInt16 = 0x05,
  kUint16 = 0x06,
  kInt32 = 0x07,
  kUint32 = 0x08,
  kInt64 = 0x09,
  kUint64 = 0x0a,
  kDouble = 0x0b,
  kString = 0x0c,
  kOpaque = 0x0f,
};
enum Literal : uint8_t { kNullLiteral = 0x00, kTrueLiteral = 0x01, kFalseLiteral = 0x02 };

// MySQL field types that opaque JSON values carry and that print specially.
constexpr uint8_t kOpaqueTimestamp = 7;
constexpr uint8_t kOpaqueDate = 10;
constexpr uint8_t kOpaqueTime = 11;
constexpr uint8_t kOpaqueDateTime = 12;
constexpr uint8_t kOpaqueVarString = 253;
constexpr uint8_t kOpaqueNewDecimal = 246;

// Nesting deeper than MySQL allows (100) means corrupt input; also bounds recursion.
constexpr int kMaxDepth = 150;

// JSON string quoting exactly as MySQL's double_quote(): \" \\ \b \f \n \r \t, other
// control characters as \u00xx, everything else (including non-ASCII UTF-8) verbatim — the
// rules of AppendJsonEscaped.
void AppendQuoted(std::string* out, std::string_view s) {
  out->push_back('"');
  AppendJsonEscaped(out, s);
  out->push_back('"');
}

// Base64 as MySQL's base64_encode(): standard alphabet, '=' padding, a '\n' after every 76
// output characters.
std::string Base64(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t line = 0;
  for (size_t i = 0; i < data.size(); i += 3) {
    if (line == 76) {
      out.push_back('\n');
      line = 0;
    }
    uint32_t c = static_cast<uint8_t>(data[i]) << 16;
    if (i + 1 < data.size()) c |= static_cast<uint8_t>(data[i + 1]) << 8;
    if (i + 2 < data.size()) c |= static_cast<uint8_t>(data[i + 2]);
    out.push_back(kAlphabet[(c >> 18) & 63]);
    out.push_back(kAlphabet[(c >> 12) & 63]);
    out.push_back(i + 1 < data.size() ? kAlphabet[(c >> 6) & 63] : '=');
    out.push_back(i + 2 < data.size() ? kAlphabet[c & 63] : '=');
    line += 4;
  }
  return out;
}

}  // namespace

// A double as MySQL prints it in JSON (my_gcvt with the widest field, then ".0" when the
// result looks like an integer): the shortest round-trip digits, in plain notation when the
// decimal exponent is within MySQL's limits, else as d.ddde[-]N. Non-finite values have no
// JSON form; they come back as to_chars spells them ("nan", "inf").
std::string FormatJsonDouble(double d) {
  if (!std::isfinite(d)) {
    char text[16];
    auto r = std::to_chars(text, text + sizeof text, d);
    return std::string(text, r.ptr);
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  bool negative = !sci.empty() && sci[0] == '-';
  if (negative) sci.remove_prefix(1);
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  int exp10 = 0;
  std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exp10);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  int len = static_cast<int>(digits.size());
  int decpt = exp10 + 1;  // position of the decimal point relative to the digits
  if (digits == "0") decpt = 1;
  int width = 34 - (d < 0 ? 1 : 0);  // MY_GCVT_MAX_FIELD_WIDTH, minus the sign
  int f_len = decpt <= 0 ? len - decpt + 2 : (decpt < len ? len + 1 : decpt);
  bool have_space = f_len <= width;
  bool f_format = have_space && decpt >= -14 && (decpt <= 15 || len > decpt);
  std::string out;
  if (negative) out.push_back('-');
  if (f_format) {
    if (decpt <= 0) {
      out += "0.";
      out.append(static_cast<size_t>(-decpt), '0');
      out += digits;
    } else if (decpt < len) {
      out.append(digits, 0, static_cast<size_t>(decpt));
      out.push_back('.');
      out.append(digits, static_cast<size_t>(decpt), std::string::npos);
    } else {
      out += digits;
      out.append(static_cast<size_t>(decpt - len), '0');
    }
  } else {
    out.push_back(digits[0]);
    if (len > 1) {
      out.push_back('.');
      out.append(digits, 1, std::string::npos);
    }
    out += fmt::format("e{}", decpt - 1);
  }
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

namespace {

class BinaryPrinter {
 public:
  explicit BinaryPrinter(std::string* out) : out_(out) {}

  // Prints the value of `type` whose bytes start at data[offset] (data = the enclosing
  // container, or the whole document after its type byte).
  Status Value(uint8_t type, std::string_view data, size_t offset, int depth) {
    if (depth > kMaxDepth) return CorruptionError("JSON nesting deeper than {}", kMaxDepth);
    if (offset > data.size()) {
      return CorruptionError("JSON value offset {} beyond its container of {} bytes", offset,
                             data.size());
    }
    std::string_view v = data.substr(offset);
    ByteReader in(v);
    switch (type) {
      case kSmallObject:
      case kLargeObject:
        return Container(v, type == kLargeObject, /*object=*/true, depth);
      case kSmallArray:
      case kLargeArray:
        return Container(v, type == kLargeArray, /*object=*/false, depth);
      case kLiteral: {
        ASSIGN_OR_RETURN(uint8_t lit, in.U8());
        return PrintLiteral(lit);
      }
      case kInt16: {
        ASSIGN_OR_RETURN(uint64_t x, in.UintLE(2));
        out_->append(fmt::format("{}", static_cast<int16_t>(x)));
        return Status::OK();
      }
      case kUint16: {
        ASSIGN_OR_RETURN(uint64_t x, in.UintLE(2));
        out_->append(fmt::format("{}", x));
        return Status::OK();
      }
      case kInt32: {
        ASSIGN_OR_RETURN(uint64_t x, in.UintLE(4));
        out_->append(fmt::format("{}", static_cast<int32_t>(x)));
        return Status::OK();
      }
      case kUint32: {
        ASSIGN_OR_RETURN(uint64_t x, in.UintLE(4));
        out_->append(fmt::format("{}", x));
        return Status::OK();
      }
      case kInt64: {
        ASSIGN_OR_RETURN(uint64_t x, in.UintLE(8));
        out_->append(fmt::format("{}", static_cast<int64_t>(x)));
        return Status::OK();
      }
      case kUint64: {
        ASSIGN_OR_RETURN(uint64_t x, in.UintLE(8));
        out_->append(fmt::format("{}", x));
        return Status::OK();
      }
      case kDouble: {
        ASSIGN_OR_RETURN(std::string_view b, in.Bytes(8));
        double d;
        std::memcpy(&d, b.data(), 8);
        // JSON has no NaN or infinity and MySQL never stores them: the bytes are damaged.
        if (!std::isfinite(d)) return CorruptionError("binary JSON double is not finite");
        out_->append(FormatJsonDouble(d));
        return Status::OK();
      }
      case kString: {
        ASSIGN_OR_RETURN(uint64_t len, VarLength(&in));
        ASSIGN_OR_RETURN(std::string_view s, in.Bytes(len));
        AppendQuoted(out_, s);
        return Status::OK();
      }
      case kOpaque: {
        ASSIGN_OR_RETURN(uint8_t field_type, in.U8());
        ASSIGN_OR_RETURN(uint64_t len, VarLength(&in));
        ASSIGN_OR_RETURN(std::string_view payload, in.Bytes(len));
        return Opaque(field_type, payload);
      }
      default:
        return CorruptionError("unknown binary JSON value type 0x{:02x}", type);
    }
  }

 private:
  Status PrintLiteral(uint8_t lit) {
    switch (lit) {
      case kNullLiteral:
        out_->append("null");
        return Status::OK();
      case kTrueLiteral:
        out_->append("true");
        return Status::OK();
      case kFalseLiteral:
        out_->append("false");
        return Status::OK();
      default:
        return CorruptionError("unknown binary JSON literal 0x{:02x}", lit);
    }
  }

  // MySQL's variable-length integer: 7 bits per byte, low bits first, high bit = more.
  static Result<uint64_t> VarLength(ByteReader* in) {
    uint64_t len = 0;
    for (int i = 0; i < 5; ++i) {
      ASSIGN_OR_RETURN(uint8_t b, in->U8());
      len |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) return len;
    }
    return CorruptionError("binary JSON string length longer than 5 bytes");
  }

  Status Container(std::string_view v, bool large, bool object, int depth) {
    int w = large ? 4 : 2;
    ByteReader in(v);
    ASSIGN_OR_RETURN(uint64_t count, in.UintLE(w));
    ASSIGN_OR_RETURN(uint64_t size, in.UintLE(w));
    if (size > v.size()) {
      return CorruptionError("binary JSON {} claims {} bytes but only {} remain",
                             object ? "object" : "array", size, v.size());
    }
    v = v.substr(0, size);
    size_t key_entry = static_cast<size_t>(w) + 2;
    size_t value_entry = 1 + static_cast<size_t>(w);
    size_t header = 2 * static_cast<size_t>(w);
    size_t values_at = header + (object ? count * key_entry : 0);
    if (count > size || values_at + count * value_entry > size) {
      return CorruptionError("binary JSON {} with {} members does not fit in {} bytes",
                             object ? "object" : "array", count, size);
    }
    const auto* p = reinterpret_cast<const uint8_t*>(v.data());
    out_->push_back(object ? '{' : '[');
    for (size_t i = 0; i < count; ++i) {
      if (i > 0) out_->append(", ");
      if (object) {
        const uint8_t* k = p + header + i * key_entry;
        uint64_t key_offset = LoadLE(k, w);
        uint64_t key_len = LoadLE(k + w, 2);
        if (key_offset + key_len > size) {
          return CorruptionError("binary JSON key {} at offset {} overruns its object", i,
                                 key_offset);
        }
        AppendQuoted(out_, v.substr(key_offset, key_len));
        out_->append(": ");
      }
      const uint8_t* e = p + values_at + i * value_entry;
      uint8_t type = e[0];
      bool inlined = type == kLiteral || type == kInt16 || type == kUint16 ||
                     (large && (type == kInt32 || type == kUint32));
      if (inlined) {
        // Inlined scalars sit in the entry itself.
        std::string_view entry(reinterpret_cast<const char*>(e + 1), static_cast<size_t>(w));
        RETURN_IF_ERROR(Value(type, entry, 0, depth + 1));
      } else {
        RETURN_IF_ERROR(Value(type, v, LoadLE(e + 1, w), depth + 1));
      }
    }
    out_->push_back(object ? '}' : ']');
    return Status::OK();
  }

  Status Opaque(uint8_t field_type, std::string_view payload) {
    switch (field_type) {
      case kOpaqueVarString:
        AppendQuoted(out_, payload);
        return Status::OK();
      case kOpaqueNewDecimal: {
        if (payload.size() < 2) return CorruptionError("binary JSON DECIMAL shorter than 2 bytes");
        int precision = static_cast<uint8_t>(payload[0]);
        int scale = static_cast<uint8_t>(payload[1]);
        ASSIGN_OR_RETURN(std::string text, DecodeDecimal(payload.substr(2), precision, scale));
        out_->append(text);
        return Status::OK();
      }
      case kOpaqueDate:
      case kOpaqueTime:
      case kOpaqueDateTime:
      case kOpaqueTimestamp: {
        if (payload.size() != 8) {
          return CorruptionError("binary JSON temporal value of {} bytes, expected 8",
                                 payload.size());
        }
        int64_t packed =
            static_cast<int64_t>(LoadLE(reinterpret_cast<const uint8_t*>(payload.data()), 8));
        out_->append(Temporal(field_type, packed));
        return Status::OK();
      }
      default: {
        std::string text = fmt::format("base64:type{}:{}", field_type, Base64(payload));
        AppendQuoted(out_, text);
        return Status::OK();
      }
    }
  }

  // MySQL's packed temporal longlong, printed as my_TIME_to_str(..., 6) inside quotes.
  static std::string Temporal(uint8_t field_type, int64_t packed) {
    bool negative = packed < 0;
    // In unsigned arithmetic: negating INT64_MIN (corrupt input) is undefined in int64_t.
    uint64_t mag = negative ? 0 - static_cast<uint64_t>(packed) : static_cast<uint64_t>(packed);
    uint64_t micros = mag & 0xffffff;
    uint64_t intpart = mag >> 24;
    if (field_type == kOpaqueTime) {
      uint64_t hour = (intpart >> 12) & 0x3ff;
      return fmt::format("\"{}{:02d}:{:02d}:{:02d}.{:06d}\"", negative ? "-" : "", hour,
                         (intpart >> 6) & 63, intpart & 63, micros);
    }
    uint64_t ymd = intpart >> 17;
    uint64_t hms = intpart & 0x1ffff;
    uint64_t ym = ymd >> 5;
    std::string date = fmt::format("{:04d}-{:02d}-{:02d}", ym / 13, ym % 13, ymd & 31);
    if (field_type == kOpaqueDate) return "\"" + date + "\"";
    return fmt::format("\"{} {:02d}:{:02d}:{:02d}.{:06d}\"", date, hms >> 12, (hms >> 6) & 63,
                       hms & 63, micros);
  }

  std::string* out_;
};

}  // namespace

Result<std::string> JsonBinaryToText(std::string_view binary) {
  // An empty value is what the server stores for JSON columns filled without strict mode;
  // MySQL reads it as the JSON null literal.
  if (binary.empty()) return std::string("null");
  std::string out;
  BinaryPrinter printer(&out);
  Status s = printer.Value(static_cast<uint8_t>(binary[0]), binary.substr(1), 0, 0);
  if (!s.ok()) return s.Context("binary JSON document");
  return out;
}

namespace {

// ---- JSON partial updates (PARTIAL_UPDATE_ROWS) -------------------------------------------
//
// The before-image is JSON text as printed above; it is parsed into a small tree whose
// scalars keep their printed text, the diffs are applied, and the tree is printed again with
// the same separators. Object members stay in MySQL's key order (shorter keys first, then
// bytewise), which is the stored order, so inserted keys go where the server puts them.

struct Node {
  // Declared here, defined below: a member container of the incomplete Node type needs the
  // constructor out of line for every compiler (clang rejects the implicit one).
  Node();
  enum class Kind : uint8_t { kScalar, kObject, kArray };
  Kind kind = Kind::kScalar;
  std::string scalar;                                 // printed text of a scalar
  std::vector<std::pair<std::string, Node>> members;  // object: decoded key, value
  std::vector<Node> elements;                         // array
};

Node::Node() = default;

bool KeyLess(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return std::memcmp(a.data(), b.data(), a.size()) < 0;
}

class TextParser {
 public:
  explicit TextParser(std::string_view text) : s_(text) {}

  Status Parse(Node* out) {
    RETURN_IF_ERROR(ParseValue(out, 0));
    SkipSpace();
    if (pos_ != s_.size()) return Error("trailing characters");
    return Status::OK();
  }

  // Parses a quoted string at the cursor into its decoded bytes.
  Status ParseString(std::string* out) {
    if (pos_ >= s_.size() || s_[pos_] != '"') return Error("expected '\"'");
    ++pos_;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      char c = s_[pos_++];
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) return Error("unfinished escape");
      char e = s_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out->push_back(e);
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          ASSIGN_OR_RETURN(uint32_t cp, Hex4());
          if (cp >= 0xd800 && cp < 0xdc00 && s_.substr(pos_, 2) == "\\u") {
            pos_ += 2;
            ASSIGN_OR_RETURN(uint32_t lo, Hex4());
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          }
          AppendUtf8(out, cp);
          break;
        }
        default:
          return Error("unknown escape");
      }
    }
    if (pos_ >= s_.size()) return Error("unterminated string");
    ++pos_;
    return Status::OK();
  }

  size_t position() const { return pos_; }

 private:
  Result<uint32_t> Hex4() {
    if (pos_ + 4 > s_.size()) return Error("short \\u escape");
    uint32_t v = 0;
    auto r = std::from_chars(s_.data() + pos_, s_.data() + pos_ + 4, v, 16);
    if (r.ptr != s_.data() + pos_ + 4) return Error("bad \\u escape");
    pos_ += 4;
    return v;
  }

  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  Status ParseValue(Node* out, int depth) {
    if (depth > kMaxDepth) return Error("nesting too deep");
    SkipSpace();
    if (pos_ >= s_.size()) return Error("unexpected end");
    char c = s_[pos_];
    if (c == '{' || c == '[') {
      bool object = c == '{';
      out->kind = object ? Node::Kind::kObject : Node::Kind::kArray;
      ++pos_;
      SkipSpace();
      if (pos_ < s_.size() && s_[pos_] == (object ? '}' : ']')) {
        ++pos_;
        return Status::OK();
      }
      while (true) {
        SkipSpace();
        if (object) {
          std::string key;
          RETURN_IF_ERROR(ParseString(&key));
          SkipSpace();
          if (pos_ >= s_.size() || s_[pos_] != ':') return Error("expected ':'");
          ++pos_;
          out->members.emplace_back(std::move(key), Node());
          RETURN_IF_ERROR(ParseValue(&out->members.back().second, depth + 1));
        } else {
          out->elements.emplace_back();
          RETURN_IF_ERROR(ParseValue(&out->elements.back(), depth + 1));
        }
        SkipSpace();
        if (pos_ >= s_.size()) return Error("unexpected end");
        if (s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (s_[pos_] != (object ? '}' : ']')) return Error("expected ',' or closing bracket");
        ++pos_;
        return Status::OK();
      }
    }
    out->kind = Node::Kind::kScalar;
    size_t start = pos_;
    if (c == '"') {
      std::string ignored;
      RETURN_IF_ERROR(ParseString(&ignored));
    } else {
      while (pos_ < s_.size() &&
             std::string_view(",]} \n\t\r").find(s_[pos_]) == std::string_view::npos) {
        ++pos_;
      }
      if (pos_ == start) return Error("expected a value");
    }
    out->scalar.assign(s_.substr(start, pos_ - start));
    return Status::OK();
  }

  Status Error(std::string_view what) const {
    return CorruptionError("JSON text before-image: {} at character {}", what, pos_);
  }

  std::string_view s_;
  size_t pos_ = 0;
};

void Print(const Node& n, std::string* out) {
  switch (n.kind) {
    case Node::Kind::kScalar:
      out->append(n.scalar);
      return;
    case Node::Kind::kObject:
      out->push_back('{');
      for (size_t i = 0; i < n.members.size(); ++i) {
        if (i > 0) out->append(", ");
        AppendQuoted(out, n.members[i].first);
        out->append(": ");
        Print(n.members[i].second, out);
      }
      out->push_back('}');
      return;
    case Node::Kind::kArray:
      out->push_back('[');
      for (size_t i = 0; i < n.elements.size(); ++i) {
        if (i > 0) out->append(", ");
        Print(n.elements[i], out);
      }
      out->push_back(']');
      return;
  }
}

// One leg of a diff path: a member name or an array position.
struct Leg {
  bool member = false;
  std::string name;
  bool last = false;  // [last-N]: index counts from the end
  uint64_t index = 0;
};

// Parses the path text MySQL writes into diffs: $ followed by .name, ."quoted name", [N]
// or [last-N].
Result<std::vector<Leg>> ParsePath(std::string_view path) {
  auto bad = [&](std::string_view why) {
    return CorruptionError("JSON diff path '{}' is malformed: {}", path, why);
  };
  if (path.empty() || path[0] != '$') return bad("does not start with '$'");
  std::vector<Leg> legs;
  size_t i = 1;
  while (i < path.size()) {
    while (i < path.size() && path[i] == ' ') ++i;
    if (i >= path.size()) break;
    Leg leg;
    if (path[i] == '.') {
      ++i;
      while (i < path.size() && path[i] == ' ') ++i;
      leg.member = true;
      if (i < path.size() && path[i] == '"') {
        TextParser p(path.substr(i));
        RETURN_IF_ERROR(p.ParseString(&leg.name));
        i += p.position();
      } else {
        size_t start = i;
        while (i < path.size() && path[i] != '.' && path[i] != '[' && path[i] != ' ') ++i;
        if (i == start) return bad("empty member name");
        leg.name.assign(path.substr(start, i - start));
      }
    } else if (path[i] == '[') {
      size_t close = path.find(']', i);
      if (close == std::string_view::npos) return bad("unclosed '['");
      std::string_view cell = path.substr(i + 1, close - i - 1);
      while (!cell.empty() && cell.front() == ' ') cell.remove_prefix(1);
      while (!cell.empty() && cell.back() == ' ') cell.remove_suffix(1);
      if (cell.substr(0, 4) == "last") {
        leg.last = true;
        cell.remove_prefix(4);
        while (!cell.empty() && cell.front() == ' ') cell.remove_prefix(1);
        if (!cell.empty()) {
          if (cell.front() != '-') return bad("expected '-' after 'last'");
          cell.remove_prefix(1);
          while (!cell.empty() && cell.front() == ' ') cell.remove_prefix(1);
        }
      }
      if (!cell.empty() || !leg.last) {
        auto r = std::from_chars(cell.data(), cell.data() + cell.size(), leg.index);
        if (r.ec != std::errc() || r.ptr != cell.data() + cell.size()) {
          return bad("array index is not a number");
        }
      }
      i = close + 1;
    } else {
      return bad(fmt::format("unexpected character '{}'", path[i]));
    }
    legs.push_back(std::move(leg));
  }
  return legs;
}

// Position a [N] / [last-N] leg names in an array of `size` elements (may be >= size).
uint64_t ArrayPosition(const Leg& leg, size_t size) {
  if (!leg.last) return leg.index;
  return leg.index + 1 > size ? size : size - 1 - leg.index;  // out of range stays out
}

enum DiffOp : uint8_t { kReplace = 0, kInsert = 1, kRemove = 2 };

Status ApplyOne(Node* root, DiffOp op, std::string_view path_text, const std::vector<Leg>& legs,
                Node value) {
  auto missing = [&]() {
    return CorruptionError(
        "JSON diff {} at path '{}' does not match the before-image document (the "
        "before-image must be complete: binlog_row_image=FULL)",
        op == kReplace  ? "REPLACE"
        : op == kInsert ? "INSERT"
                        : "REMOVE",
        path_text);
  };
  if (legs.empty()) {
    if (op != kReplace) return missing();
    *root = std::move(value);
    return Status::OK();
  }
  Node* parent = root;
  for (size_t i = 0; i + 1 < legs.size(); ++i) {
    const Leg& leg = legs[i];
    Node* next = nullptr;
    if (leg.member && parent->kind == Node::Kind::kObject) {
      for (auto& m : parent->members) {
        if (m.first == leg.name) next = &m.second;
      }
    } else if (!leg.member && parent->kind == Node::Kind::kArray) {
      uint64_t pos = ArrayPosition(leg, parent->elements.size());
      if (pos < parent->elements.size()) next = &parent->elements[pos];
    }
    if (next == nullptr) return missing();
    parent = next;
  }
  const Leg& leg = legs.back();
  if (leg.member) {
    if (parent->kind != Node::Kind::kObject) return missing();
    auto& members = parent->members;
    auto it = std::find_if(members.begin(), members.end(),
                           [&](const auto& m) { return m.first == leg.name; });
    switch (op) {
      case kReplace:
        if (it == members.end()) return missing();
        it->second = std::move(value);
        return Status::OK();
      case kInsert: {
        if (it != members.end()) {
          it->second = std::move(value);
          return Status::OK();
        }
        auto at = std::find_if(members.begin(), members.end(),
                               [&](const auto& m) { return KeyLess(leg.name, m.first); });
        members.emplace(at, leg.name, std::move(value));
        return Status::OK();
      }
      case kRemove:
        if (it == members.end()) return missing();
        members.erase(it);
        return Status::OK();
    }
    return missing();
  }
  if (parent->kind != Node::Kind::kArray) return missing();
  auto& elements = parent->elements;
  uint64_t pos = ArrayPosition(leg, elements.size());
  switch (op) {
    case kReplace:
      if (pos >= elements.size()) return missing();
      elements[pos] = std::move(value);
      return Status::OK();
    case kInsert:
      // JSON_ARRAY_INSERT past the end appends.
      elements.insert(
          elements.begin() + static_cast<ptrdiff_t>(std::min<uint64_t>(pos, elements.size())),
          std::move(value));
      return Status::OK();
    case kRemove:
      if (pos >= elements.size()) return missing();
      elements.erase(elements.begin() + static_cast<ptrdiff_t>(pos));
      return Status::OK();
  }
  return missing();
}

}  // namespace

Result<std::string> ApplyJsonDiff(std::string_view before_text, std::string_view diff) {
  Node root;
  RETURN_IF_ERROR(TextParser(before_text).Parse(&root));
  ByteReader in(diff);
  int n = 0;
  while (!in.empty()) {
    ++n;
    ASSIGN_OR_RETURN_CTX(uint8_t op, in.U8(), "JSON diff #{}", n);
    if (op > kRemove) {
      return CorruptionError("JSON diff #{} has unknown operation {} (expected 0-2)", n, op);
    }
    ASSIGN_OR_RETURN_CTX(std::string_view path, in.LengthEncodedString(), "JSON diff #{} path", n);
    ASSIGN_OR_RETURN(std::vector<Leg> legs, ParsePath(path));
    Node value;
    if (op != kRemove) {
      ASSIGN_OR_RETURN_CTX(std::string_view bin, in.LengthEncodedString(), "JSON diff #{} value",
                           n);
      ASSIGN_OR_RETURN_CTX(std::string text, JsonBinaryToText(bin), "JSON diff #{} value", n);
      RETURN_IF_ERROR(TextParser(text).Parse(&value));
    }
    RETURN_IF_ERROR(ApplyOne(&root, static_cast<DiffOp>(op), path, legs, std::move(value)));
  }
  std::string out;
  Print(root, &out);
  return out;
}

}  // namespace binlake
