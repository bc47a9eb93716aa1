#include "storage/storage_util.h"

#include <openssl/evp.h>

#include <array>
#include <charconv>

#include "common/civil_time.h"

namespace binlake {
namespace {

std::string Digest(const EVP_MD* md, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out;
  unsigned int len = 0;
  // EVP_Digest cannot fail for these built-in digests short of memory exhaustion.
  EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr);
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

bool ParseInt(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

std::string Md5Raw(std::string_view data) { return Digest(EVP_md5(), data); }
std::string Md5Hex(std::string_view data) { return HexEncode(Md5Raw(data)); }
std::string Sha256Hex(std::string_view data) { return HexEncode(Digest(EVP_sha256(), data)); }

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

std::string UriEncode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3 / 2);
  for (unsigned char c : s) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

Result<int64_t> ParseIso8601Micros(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.f+]Z
  int64_t y, mo, d, h, mi, s;
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text.back() != 'Z' || !ParseInt(text.substr(0, 4), &y) ||
      !ParseInt(text.substr(5, 2), &mo) || !ParseInt(text.substr(8, 2), &d) ||
      !ParseInt(text.substr(11, 2), &h) || !ParseInt(text.substr(14, 2), &mi) ||
      !ParseInt(text.substr(17, 2), &s) || mo < 1 || mo > 12 || d < 1 || d > 31) {
    return InvalidArgumentError("malformed ISO 8601 timestamp '{}'", text);
  }
  int64_t micros = 0;
  std::string_view rest = text.substr(19, text.size() - 20);
  if (!rest.empty()) {
    if (rest[0] != '.' || rest.size() < 2) {
      return InvalidArgumentError("malformed ISO 8601 timestamp '{}'", text);
    }
    std::string_view frac = rest.substr(1);
    for (size_t i = 0; i < 6; ++i) {
      char c = i < frac.size() ? frac[i] : '0';
      if (c < '0' || c > '9')
        return InvalidArgumentError("malformed ISO 8601 timestamp '{}'", text);
      micros = micros * 10 + (c - '0');
    }
  }
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi) * 60'000'000 + s * 1'000'000 + micros;
}

Result<int64_t> ParseHttpDateMicros(std::string_view text) {
  // "Sun, 22 Nov 2026 17:25:39 GMT"
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t d, y, h, mi, s;
  if (text.size() != 29 || text[3] != ',' || text.substr(25) != " GMT" ||
      !ParseInt(text.substr(5, 2), &d) || !ParseInt(text.substr(12, 4), &y) ||
      !ParseInt(text.substr(17, 2), &h) || !ParseInt(text.substr(20, 2), &mi) ||
      !ParseInt(text.substr(23, 2), &s)) {
    return InvalidArgumentError("malformed HTTP date '{}'", text);
  }
  unsigned month = 0;
  for (unsigned i = 0; i < 12; ++i) {
    if (text.substr(8, 3) == kMonths[i]) month = i + 1;
  }
  if (month == 0) return InvalidArgumentError("malformed HTTP date '{}'", text);
  int64_t days = DaysFromCivil(y, month, static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi) * 60'000'000 + s * 1'000'000;
}

}  // namespace binlake
