#include "binlog/charset.h"

#include <cstring>

namespace binlake {
namespace {

// Charset names of collation ids 0-255, shared by MySQL and MariaDB (MySQL adds 76, 248-250
// and 255; ids 256-323 are MySQL's utf8mb4 *_0900_* collations).
static constexpr const char* kLowCollations[256] = {
    "",         "big5",    "latin2",  "dec8",    "cp850",   "latin1",   "hp8",     "koi8r",
    "latin1",   "latin2",  "swe7",    "ascii",   "ujis",    "sjis",     "cp1251",  "latin1",
    "hebrew",   "",        "tis620",  "euckr",   "latin7",  "latin2",   "koi8u",   "cp1251",
    "gb2312",   "greek",   "cp1250",  "latin2",  "gbk",     "cp1257",   "latin5",  "latin1",
    "armscii8", "utf8mb3", "cp1250",  "ucs2",    "cp866",   "keybcs2",  "macce",   "macroman",
    "cp852",    "latin7",  "latin7",  "macce",   "cp1250",  "utf8mb4",  "utf8mb4", "latin1",
    "latin1",   "latin1",  "cp1251",  "cp1251",  "cp1251",  "macroman", "utf16",   "utf16",
    "utf16le",  "cp1256",  "cp1257",  "cp1257",  "utf32",   "utf32",    "utf16le", "binary",
    "armscii8", "ascii",   "cp1250",  "cp1256",  "cp866",   "dec8",     "greek",   "hebrew",
    "hp8",      "keybcs2", "koi8r",   "koi8u",   "utf8mb3", "latin2",   "latin5",  "latin7",
    "cp850",    "cp852",   "swe7",    "utf8mb3", "big5",    "euckr",    "gb2312",  "gbk",
    "sjis",     "tis620",  "ucs2",    "ujis",    "geostd8", "geostd8",  "latin1",  "cp932",
    "cp932",    "eucjpms", "eucjpms", "cp1250",  "",        "utf16",    "utf16",   "utf16",
    "utf16",    "utf16",   "utf16",   "utf16",   "utf16",   "utf16",    "utf16",   "utf16",
    "utf16",    "utf16",   "utf16",   "utf16",   "utf16",   "utf16",    "utf16",   "utf16",
    "utf16",    "utf16",   "utf16",   "utf16",   "utf16",   "",         "",        "",
    "ucs2",     "ucs2",    "ucs2",    "ucs2",    "ucs2",    "ucs2",     "ucs2",    "ucs2",
    "ucs2",     "ucs2",    "ucs2",    "ucs2",    "ucs2",    "ucs2",     "ucs2",    "ucs2",
    "ucs2",     "ucs2",    "ucs2",    "ucs2",    "ucs2",    "ucs2",     "ucs2",    "ucs2",
    "",         "",        "",        "",        "",        "",         "",        "ucs2",
    "utf32",    "utf32",   "utf32",   "utf32",   "utf32",   "utf32",    "utf32",   "utf32",
    "utf32",    "utf32",   "utf32",   "utf32",   "utf32",   "utf32",    "utf32",   "utf32",
    "utf32",    "utf32",   "utf32",   "utf32",   "utf32",   "utf32",    "utf32",   "utf32",
    "",         "",        "",        "",        "",        "",         "",        "",
    "utf8mb3",  "utf8mb3", "utf8mb3", "utf8mb3", "utf8mb3", "utf8mb3",  "utf8mb3", "utf8mb3",
    "utf8mb3",  "utf8mb3", "utf8mb3", "utf8mb3", "utf8mb3", "utf8mb3",  "utf8mb3", "utf8mb3",
    "utf8mb3",  "utf8mb3", "utf8mb3", "utf8mb3", "utf8mb3", "utf8mb3",  "utf8mb3", "utf8mb3",
    "",         "",        "",        "",        "",        "",         "",        "utf8mb3",
    "utf8mb4",  "utf8mb4", "utf8mb4", "utf8mb4", "utf8mb4", "utf8mb4",  "utf8mb4", "utf8mb4",
    "utf8mb4",  "utf8mb4", "utf8mb4", "utf8mb4", "utf8mb4", "utf8mb4",  "utf8mb4", "utf8mb4",
    "utf8mb4",  "utf8mb4", "utf8mb4", "utf8mb4", "utf8mb4", "utf8mb4",  "utf8mb4", "utf8mb4",
    "gb18030",  "gb18030", "gb18030", "",        "",        "",         "",        "utf8mb4",
};

// Charset name of a collation id, or "" when the id is not known.
std::string_view CharsetName(uint16_t id) {
  if (id < 256) return kLowCollations[id];
  if (id <= 323) return "utf8mb4";  // MySQL 8.0+ utf8mb4_0900_* and friends
  // MariaDB's extra UCA collations (myanmar, thai_520_w2, unicode_520_nopad ...).
  if (id >= 576 && id <= 607) return "utf8mb3";
  if (id >= 608 && id <= 639) return "utf8mb4";
  if (id >= 640 && id <= 671) return "ucs2";
  if (id >= 672 && id <= 703) return "utf16";
  if (id >= 736 && id <= 767) return "utf32";
  // MariaDB NO PAD variants: 1024 + the id of the PAD SPACE collation they mirror.
  if (id >= 1024 && id < 2048) {
    uint16_t base = static_cast<uint16_t>(id - 1024);
    return base < 1024 ? CharsetName(base) : "";
  }
  // MariaDB 10.10+ UCA 14.0.0 collations: 2048 + 256 * charset + tailoring.
  if (id >= 2048 && id < 2048 + 5 * 256) {
    static constexpr const char* kUca1400[5] = {"utf8mb3", "utf8mb4", "ucs2", "utf16", "utf32"};
    return kUca1400[(id - 2048) / 256];
  }
  return "";
}

// MySQL's latin1 is Windows-1252, except that the five bytes cp1252 leaves undefined map to
// the C1 controls of the same value (strings/ctype-latin1.cc).
constexpr uint16_t kLatin1High[32] = {
    0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008d, 0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
    0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
};

uint32_t Load(const uint8_t* p, int n, bool big_endian) {
  uint32_t v = 0;
  for (int i = 0; i < n; ++i) {
    v |= static_cast<uint32_t>(p[i]) << (8 * (big_endian ? n - 1 - i : i));
  }
  return v;
}

Result<std::string> FromUtf16(std::string_view text, bool big_endian, bool allow_surrogates) {
  if (text.size() % 2 != 0) {
    return CorruptionError("UTF-16/UCS-2 text has an odd byte length {}", text.size());
  }
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); i += 2) {
    uint32_t u = Load(p + i, 2, big_endian);
    if (u >= 0xd800 && u <= 0xdfff) {
      if (!allow_surrogates || u >= 0xdc00 || i + 4 > text.size()) {
        return CorruptionError("invalid UTF-16 surrogate 0x{:04x} at byte {} of the value", u, i);
      }
      uint32_t lo = Load(p + i + 2, 2, big_endian);
      if (lo < 0xdc00 || lo > 0xdfff) {
        return CorruptionError("unpaired UTF-16 surrogate 0x{:04x} at byte {} of the value", u, i);
      }
      u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
      i += 2;
    }
    AppendUtf8(&out, u);
  }
  return out;
}

}  // namespace

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

Charset CharsetOfCollation(uint16_t collation_id) {
  std::string_view name = CharsetName(collation_id);
  if (name.empty()) return Charset::kUnknown;
  if (name == "binary") return Charset::kBinary;
  if (name == "utf8mb3" || name == "utf8mb4") return Charset::kUtf8;
  if (name == "latin1") return Charset::kLatin1;
  if (name == "ascii") return Charset::kAscii;
  if (name == "ucs2") return Charset::kUcs2;
  if (name == "utf16") return Charset::kUtf16;
  if (name == "utf16le") return Charset::kUtf16le;
  if (name == "utf32") return Charset::kUtf32;
  return Charset::kOther;
}

std::string_view CollationCharsetName(uint16_t collation_id) {
  std::string_view name = CharsetName(collation_id);
  return name.empty() ? "unknown" : name;
}

Result<std::string> ToUtf8(Charset charset, std::string_view text) {
  switch (charset) {
    case Charset::kUtf8:
    case Charset::kBinary:
      return std::string(text);
    case Charset::kAscii:
    case Charset::kLatin1: {
      std::string out;
      out.reserve(text.size());
      for (unsigned char c : text) {
        if (c < 0x80) {
          out.push_back(static_cast<char>(c));
        } else if (charset == Charset::kAscii) {
          out.push_back('?');  // what MySQL prints when converting ascii's undefined bytes
        } else if (c < 0xa0) {
          AppendUtf8(&out, kLatin1High[c - 0x80]);
        } else {
          AppendUtf8(&out, c);
        }
      }
      return out;
    }
    case Charset::kUcs2:
      return FromUtf16(text, /*big_endian=*/true, /*allow_surrogates=*/false);
    case Charset::kUtf16:
      return FromUtf16(text, /*big_endian=*/true, /*allow_surrogates=*/true);
    case Charset::kUtf16le:
      return FromUtf16(text, /*big_endian=*/false, /*allow_surrogates=*/true);
    case Charset::kUtf32: {
      if (text.size() % 4 != 0) {
        return CorruptionError("UTF-32 text has a byte length {} not divisible by 4", text.size());
      }
      const auto* p = reinterpret_cast<const uint8_t*>(text.data());
      std::string out;
      out.reserve(text.size());
      for (size_t i = 0; i < text.size(); i += 4) {
        uint32_t cp = Load(p + i, 4, true);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
          return CorruptionError("invalid UTF-32 code point 0x{:x} at byte {} of the value", cp, i);
        }
        AppendUtf8(&out, cp);
      }
      return out;
    }
    case Charset::kOther:
    case Charset::kUnknown:
      break;
  }
  return UnimplementedError("conversion of this character set to UTF-8 is not supported");
}

}  // namespace binlake
