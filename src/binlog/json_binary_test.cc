#include "binlog/json_binary.h"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "common/byte_reader.h"

namespace binlake {
namespace {

// A binary JSON value: its type byte and its bytes. Built by a small encoder written from the
// format description in MySQL's json_binary.h (independent of the decoder under test).
struct J {
  uint8_t type;
  std::string bytes;
};

std::string VarLen(size_t n) {
  std::string out;
  do {
    uint8_t b = n & 0x7f;
    n >>= 7;
    if (n) b |= 0x80;
    out.push_back(static_cast<char>(b));
  } while (n);
  return out;
}

J Lit(uint8_t v) { return {0x04, std::string(1, static_cast<char>(v))}; }
J Null() { return Lit(0); }
J True() { return Lit(1); }
J False() { return Lit(2); }
J I16(int16_t v) {
  std::string b;
  AppendLE(&b, static_cast<uint16_t>(v), 2);
  return {0x05, b};
}
J U16(uint16_t v) {
  std::string b;
  AppendLE(&b, v, 2);
  return {0x06, b};
}
J I32(int32_t v) {
  std::string b;
  AppendLE(&b, static_cast<uint32_t>(v), 4);
  return {0x07, b};
}
J U32(uint32_t v) {
  std::string b;
  AppendLE(&b, v, 4);
  return {0x08, b};
}
J I64(int64_t v) {
  std::string b;
  AppendLE(&b, static_cast<uint64_t>(v), 8);
  return {0x09, b};
}
J U64(uint64_t v) {
  std::string b;
  AppendLE(&b, v, 8);
  return {0x0a, b};
}
J Dbl(double d) {
  std::string b(8, '\0');
  std::memcpy(b.data(), &d, 8);
  return {0x0b, b};
}
J Str(std::string_view s) { return {0x0c, VarLen(s.size()) + std::string(s)}; }
J Opaque(uint8_t field_type, std::string_view data) {
  return {0x0f,
          std::string(1, static_cast<char>(field_type)) + VarLen(data.size()) + std::string(data)};
}

bool Inlined(uint8_t type, bool large) {
  return type == 0x04 || type == 0x05 || type == 0x06 || (large && (type == 0x07 || type == 0x08));
}

J Container(const std::vector<std::pair<std::string, J>>& members, bool object, bool large) {
  int w = large ? 4 : 2;
  size_t n = members.size();
  size_t fixed = 2 * w + (object ? n * (w + 2) : 0) + n * (1 + w);
  std::string keys, values, key_entries, value_entries;
  size_t next = fixed;
  if (object) {
    for (const auto& [k, v] : members) {
      AppendLE(&key_entries, next, w);
      AppendLE(&key_entries, k.size(), 2);
      keys += k;
      next += k.size();
    }
  }
  for (const auto& [k, v] : members) {
    value_entries.push_back(static_cast<char>(v.type));
    if (Inlined(v.type, large)) {
      std::string padded = v.bytes;
      padded.resize(static_cast<size_t>(w), '\0');
      value_entries += padded;
    } else {
      AppendLE(&value_entries, next, w);
      values += v.bytes;
      next += v.bytes.size();
    }
  }
  std::string out;
  AppendLE(&out, n, w);
  AppendLE(&out, next, w);
  out += key_entries + value_entries + keys + values;
  return {static_cast<uint8_t>((object ? 0x00 : 0x02) + (large ? 1 : 0)), out};
}
J Obj(const std::vector<std::pair<std::string, J>>& m, bool large = false) {
  return Container(m, true, large);
}
J Arr(const std::vector<J>& elements, bool large = false) {
  std::vector<std::pair<std::string, J>> m;
  for (const J& e : elements) m.emplace_back("", e);
  return Container(m, false, large);
}
std::string Doc(const J& j) { return std::string(1, static_cast<char>(j.type)) + j.bytes; }

std::string Text(const J& j) {
  auto r = JsonBinaryToText(Doc(j));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : "<error>";
}

TEST(JsonBinaryTest, ObjectsAndArraysSmallAndLarge) {
  for (bool large : {false, true}) {
    J doc = Obj({{"a", I16(1)}, {"bb", Arr({True(), Null(), Str("x")}, large)}}, large);
    EXPECT_EQ(Text(doc), R"({"a": 1, "bb": [true, null, "x"]})");
  }
  EXPECT_EQ(Text(Obj({})), "{}");
  EXPECT_EQ(Text(Arr({})), "[]");
  EXPECT_EQ(Text(Arr({Arr({Arr({})}), Obj({{"k", Obj({})}})})), R"([[[]], {"k": {}}])");
  // int32/uint32 are inlined only in large containers; both layouts print the same.
  EXPECT_EQ(Text(Arr({I32(-70000), U32(4000000000u)}, false)), "[-70000, 4000000000]");
  EXPECT_EQ(Text(Arr({I32(-70000), U32(4000000000u)}, true)), "[-70000, 4000000000]");
}

TEST(JsonBinaryTest, Scalars) {
  EXPECT_EQ(Text(Null()), "null");
  EXPECT_EQ(Text(True()), "true");
  EXPECT_EQ(Text(False()), "false");
  EXPECT_EQ(Text(I16(-32768)), "-32768");
  EXPECT_EQ(Text(U16(65535)), "65535");
  EXPECT_EQ(Text(I32(std::numeric_limits<int32_t>::min())), "-2147483648");
  EXPECT_EQ(Text(U32(4294967295u)), "4294967295");
  EXPECT_EQ(Text(I64(std::numeric_limits<int64_t>::min())), "-9223372036854775808");
  EXPECT_EQ(Text(U64(std::numeric_limits<uint64_t>::max())), "18446744073709551615");
  EXPECT_EQ(Text(Dbl(3.14)), "3.14");
  EXPECT_EQ(Text(Dbl(-0.0)), "-0.0");
  EXPECT_EQ(Text(Dbl(2.0)), "2.0");
  EXPECT_EQ(JsonBinaryToText("").value(), "null");
}

TEST(JsonBinaryTest, StringEscapes) {
  EXPECT_EQ(Text(Str("a\"b\\c/d")), R"("a\"b\\c/d")");
  EXPECT_EQ(Text(Str("\b\f\n\r\t")), R"("\b\f\n\r\t")");
  EXPECT_EQ(Text(Str(std::string("\x01\x1f\x7f", 3))), "\"\\u0001\\u001f\x7f\"");
  EXPECT_EQ(Text(Str("caf\xc3\xa9 \xf0\x9f\x98\x80")), "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
  std::string long_string(300, 'x');  // two-byte variable length
  EXPECT_EQ(Text(Str(long_string)), "\"" + long_string + "\"");
  EXPECT_EQ(Text(Obj({{"k\"ey", I16(1)}})), R"({"k\"ey": 1})");
}

TEST(JsonBinaryTest, DoublesAsMysqlPrintsThem) {
  EXPECT_EQ(FormatJsonDouble(1.0), "1.0");
  EXPECT_EQ(FormatJsonDouble(0.1), "0.1");
  EXPECT_EQ(FormatJsonDouble(-2.5), "-2.5");
  EXPECT_EQ(FormatJsonDouble(1e14), "100000000000000.0");
  EXPECT_EQ(FormatJsonDouble(1e15), "1e15");
  EXPECT_EQ(FormatJsonDouble(1e20), "1e20");
  EXPECT_EQ(FormatJsonDouble(-1.5e300), "-1.5e300");
  EXPECT_EQ(FormatJsonDouble(1.2345678901234568e17), "1.2345678901234568e17");
  EXPECT_EQ(FormatJsonDouble(std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(FormatJsonDouble(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(FormatJsonDouble(1234567890123456.7), "1234567890123456.8");
  EXPECT_EQ(FormatJsonDouble(0.00001), "0.00001");
  EXPECT_EQ(FormatJsonDouble(1e-15), "0.000000000000001");
  EXPECT_EQ(FormatJsonDouble(1e-16), "1e-16");
  EXPECT_EQ(FormatJsonDouble(1.7976931348623157e308), "1.7976931348623157e308");
  EXPECT_EQ(FormatJsonDouble(5e-324), "5e-324");
  EXPECT_EQ(FormatJsonDouble(0.0), "0.0");
}

std::string Packed(int64_t v) {
  std::string b;
  AppendLE(&b, static_cast<uint64_t>(v), 8);
  return b;
}

TEST(JsonBinaryTest, OpaqueValues) {
  // DECIMAL: precision, scale, binary decimal (-1234567890.1234 as DECIMAL(14,4)).
  EXPECT_EQ(Text(Opaque(246, std::string("\x0e\x04\x7e\xf2\x04\xc7\x2d\xfb\x2d", 9))),
            "-1234567890.1234");
  int64_t ymd = ((2024 * 13 + 2) << 5) | 29;
  int64_t hms = (12 << 12) | (34 << 6) | 56;
  EXPECT_EQ(Text(Opaque(10, Packed((ymd << 17) << 24))), R"("2024-02-29")");
  EXPECT_EQ(Text(Opaque(12, Packed((((ymd << 17) | hms) << 24) + 500))),
            R"("2024-02-29 12:34:56.000500")");
  EXPECT_EQ(Text(Opaque(7, Packed(((ymd << 17) | hms) << 24))), R"("2024-02-29 12:34:56.000000")");
  int64_t t = ((int64_t{838} << 12) | (59 << 6) | 59) << 24;
  EXPECT_EQ(Text(Opaque(11, Packed(-t))), R"("-838:59:59.000000")");
  EXPECT_EQ(Text(Opaque(11, Packed(500000))), R"("00:00:00.500000")");
  EXPECT_EQ(Text(Opaque(253, "plain")), R"("plain")");
  EXPECT_EQ(Text(Opaque(252, std::string("\x00\x01\x02", 3))), R"("base64:type252:AAEC")");
  EXPECT_EQ(Text(Opaque(15, "ab")), R"("base64:type15:YWI=")");
  // MySQL's base64 breaks lines after 76 characters; JSON escapes the newline.
  std::string blob(60, '\xff');
  EXPECT_EQ(Text(Opaque(252, blob)),
            "\"base64:type252:" + std::string(76, '/') + "\\n" + std::string(4, '/') + "\"");
}

TEST(JsonBinaryTest, Corruption) {
  EXPECT_EQ(JsonBinaryToText("\x0d").status().code(), StatusCode::kCorruption);
  // NaN and infinity cannot be JSON: such doubles are damaged bytes.
  EXPECT_EQ(JsonBinaryToText(Doc(Dbl(std::numeric_limits<double>::quiet_NaN()))).status().code(),
            StatusCode::kCorruption);
  EXPECT_EQ(
      JsonBinaryToText(Doc(Arr({Dbl(std::numeric_limits<double>::infinity())}))).status().code(),
      StatusCode::kCorruption);
  J doc = Obj({{"a", Str("xyz")}});
  std::string d = Doc(doc);
  EXPECT_EQ(JsonBinaryToText(d.substr(0, d.size() - 2)).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(JsonBinaryToText(std::string("\x04\x07", 2)).status().code(), StatusCode::kCorruption);
}

// One diff: operation, length-encoded path, and (except REMOVE) length-encoded binary value.
std::string Diff(uint8_t op, std::string_view path, const J* value = nullptr) {
  std::string out(1, static_cast<char>(op));
  AppendLengthEncodedString(&out, path);
  if (value != nullptr) AppendLengthEncodedString(&out, Doc(*value));
  return out;
}

std::string Apply(std::string_view before, const std::string& diff) {
  auto r = ApplyJsonDiff(before, diff);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : "<error>";
}

TEST(JsonDiffTest, ReplaceInsertRemove) {
  const std::string before = R"({"a": 1, "b": [1, 2, 3]})";
  J x = Str("x");
  J t = True();
  J nine = I16(9);
  J obj = Obj({{"n", Null()}});
  EXPECT_EQ(Apply(before, Diff(0, "$.a", &x)), R"({"a": "x", "b": [1, 2, 3]})");
  EXPECT_EQ(Apply(before, Diff(0, "$.b[2]", &obj)), R"({"a": 1, "b": [1, 2, {"n": null}]})");
  EXPECT_EQ(Apply(before, Diff(1, "$.c", &t)), R"({"a": 1, "b": [1, 2, 3], "c": true})");
  // Keys stay in MySQL order: shorter first, then bytewise.
  EXPECT_EQ(Apply(before, Diff(1, "$.aa", &t) + Diff(1, "$.c", &nine)),
            R"({"a": 1, "b": [1, 2, 3], "c": 9, "aa": true})");
  EXPECT_EQ(Apply(before, Diff(1, "$.b[1]", &nine)), R"({"a": 1, "b": [1, 9, 2, 3]})");
  EXPECT_EQ(Apply(before, Diff(1, "$.b[7]", &nine)), R"({"a": 1, "b": [1, 2, 3, 9]})");
  EXPECT_EQ(Apply(before, Diff(2, "$.b[0]")), R"({"a": 1, "b": [2, 3]})");
  EXPECT_EQ(Apply(before, Diff(2, "$.a") + Diff(2, "$.b[last]")), R"({"b": [1, 2]})");
  EXPECT_EQ(Apply(before, Diff(0, "$", &t)), "true");
}

TEST(JsonDiffTest, QuotedKeysAndEscapedValues) {
  const std::string before = R"({"k": {"x\ny": [true]}, "my key": "a\"b"})";
  J v = Str("new\tvalue");
  EXPECT_EQ(Apply(before, Diff(0, R"($."my key")", &v)),
            R"({"k": {"x\ny": [true]}, "my key": "new\tvalue"})");
  J f = False();
  EXPECT_EQ(Apply(before, Diff(0, R"($.k."x\ny"[0])", &f)),
            R"({"k": {"x\ny": [false]}, "my key": "a\"b"})");
}

TEST(JsonDiffTest, Errors) {
  const std::string before = R"({"a": 1})";
  J t = True();
  auto r = ApplyJsonDiff(before, Diff(0, "$.zz", &t));
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("$.zz"), std::string::npos) << r.status().message();
  EXPECT_EQ(ApplyJsonDiff(before, Diff(7, "$.a")).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ApplyJsonDiff(before, Diff(0, "a", &t)).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ApplyJsonDiff("{\"a\": ", Diff(2, "$.a")).status().code(), StatusCode::kCorruption);
  std::string cut = Diff(0, "$.a", &t);
  EXPECT_EQ(ApplyJsonDiff(before, cut.substr(0, cut.size() - 1)).status().code(),
            StatusCode::kCorruption);
}

// A packed temporal of INT64_MIN (found by json_binary_fuzzer: its magnitude overflowed
// int64_t, undefined behaviour that UBSan reports in the sanitizer build).
TEST(JsonBinaryTest, TemporalOfTheMostNegativePackedValue) {
  std::string doc("\x0f\x0a\x08\0\0\0\0\0\0\0\x80", 11);  // opaque DATE, 8 bytes
  Result<std::string> text = JsonBinaryToText(doc);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, "\"10082-06-00\"");
}

// Damaged input of any shape must give an error or a value, never a crash: every prefix and
// many byte flips of valid documents and diffs.
TEST(JsonBinaryTest, DamagedInputNeverCrashes) {
  J doc = Obj({{"a", I16(1)},
               {"bb", Arr({True(), Null(), Str("x"), Dbl(2.5), I64(-7)}, true)},
               {"c", Obj({{"d", Opaque(246, std::string("\x03\x01\x8c\x05", 4))}})}});
  std::string bytes = Doc(doc);
  J v = Str("v");
  std::string diff = Diff(0, "$.bb[1]", &v) + Diff(1, "$.z", &v) + Diff(2, "$.a");
  const std::string before = R"({"a": 1, "bb": [true, null, "x"], "c": {}})";
  uint32_t seed = 12345;
  auto next = [&]() { return seed = seed * 1103515245u + 12345u; };
  for (size_t n = 0; n <= bytes.size(); ++n) (void)JsonBinaryToText(bytes.substr(0, n));
  for (size_t n = 0; n <= diff.size(); ++n) (void)ApplyJsonDiff(before, diff.substr(0, n));
  for (size_t n = 0; n <= before.size(); ++n) (void)ApplyJsonDiff(before.substr(0, n), diff);
  for (int i = 0; i < 20000; ++i) {
    std::string b = bytes;
    std::string d = diff;
    for (int k = 0; k < 3; ++k) {
      b[next() % b.size()] = static_cast<char>(next() >> 8);
      d[next() % d.size()] = static_cast<char>(next() >> 8);
    }
    (void)JsonBinaryToText(b);
    (void)ApplyJsonDiff(before, d);
  }
  EXPECT_EQ(Text(doc), R"({"a": 1, "bb": [true, null, "x", 2.5, -7], "c": {"d": 12.5}})");
}

}  // namespace
}  // namespace binlake
