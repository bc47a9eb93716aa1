#include "binlog/xa.h"

#include <algorithm>
#include <cctype>
#include <iterator>

#include "common/status.h"

namespace binlake {
namespace {

constexpr char kHex[] = "0123456789abcdef";

std::string Hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void SkipSpace(std::string_view* s) {
  while (!s->empty() && std::isspace(static_cast<unsigned char>(s->front()))) s->remove_prefix(1);
}

// One xid part: 'text', X'hex' or 0xhex. Returns the raw bytes.
std::optional<std::string> ReadPart(std::string_view* s) {
  SkipSpace(s);
  if (s->empty()) return std::nullopt;
  auto hex = [](std::string_view digits) -> std::optional<std::string> {
    if (digits.size() % 2 != 0) return std::nullopt;
    std::string out;
    for (size_t i = 0; i < digits.size(); i += 2) {
      int hi = HexDigit(digits[i]), lo = HexDigit(digits[i + 1]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
    }
    return out;
  };
  char first = static_cast<char>(std::toupper(static_cast<unsigned char>(s->front())));
  if (first == 'X' && s->size() > 1 && (*s)[1] == '\'') {
    size_t end = s->find('\'', 2);
    if (end == std::string_view::npos) return std::nullopt;
    std::optional<std::string> out = hex(s->substr(2, end - 2));
    s->remove_prefix(end + 1);
    return out;
  }
  if (first == '0' && s->size() > 1 && (std::tolower(static_cast<unsigned char>((*s)[1])) == 'x')) {
    size_t end = 2;
    while (end < s->size() && HexDigit((*s)[end]) >= 0) ++end;
    std::optional<std::string> out = hex(s->substr(2, end - 2));
    s->remove_prefix(end);
    return out;
  }
  if (first == '\'' || first == '"') {
    std::string out;
    size_t i = 1;
    for (; i < s->size(); ++i) {
      char c = (*s)[i];
      if (c == '\\' && i + 1 < s->size()) {
        out.push_back((*s)[++i]);
      } else if (c == first) {
        if (i + 1 < s->size() && (*s)[i + 1] == first) {
          out.push_back(c);
          ++i;
        } else {
          break;
        }
      } else {
        out.push_back(c);
      }
    }
    if (i >= s->size()) return std::nullopt;
    s->remove_prefix(i + 1);
    return out;
  }
  return std::nullopt;
}

}  // namespace

std::string XidText(int64_t format_id, std::string_view gtrid, std::string_view bqual) {
  return "X'" + Hex(gtrid) + "',X'" + Hex(bqual) + "'," + std::to_string(format_id);
}

std::optional<std::string> ParseXid(std::string_view s) {
  std::optional<std::string> gtrid = ReadPart(&s);
  if (!gtrid) return std::nullopt;
  std::string bqual;
  int64_t format_id = 1;
  SkipSpace(&s);
  if (!s.empty() && s.front() == ',') {
    s.remove_prefix(1);
    std::optional<std::string> b = ReadPart(&s);
    if (!b) return std::nullopt;
    bqual = std::move(*b);
    SkipSpace(&s);
    if (!s.empty() && s.front() == ',') {
      s.remove_prefix(1);
      SkipSpace(&s);
      bool negative = !s.empty() && s.front() == '-';
      if (negative) s.remove_prefix(1);
      if (s.empty() || !std::isdigit(static_cast<unsigned char>(s.front()))) return std::nullopt;
      format_id = 0;
      while (!s.empty() && std::isdigit(static_cast<unsigned char>(s.front()))) {
        if (format_id > (int64_t{1} << 40)) return std::nullopt;
        format_id = format_id * 10 + (s.front() - '0');
        s.remove_prefix(1);
      }
      if (negative) format_id = -format_id;
    }
  }
  return XidText(format_id, *gtrid, bqual);
}

Status InMemoryPreparedTransactions::Park(const std::string& xid, const BinlogPosition& position,
                                          const std::vector<RowChange>& rows) {
  parked_[{xid, position}] = rows;
  return Status::OK();
}

Result<PreparedTransactions::Parked> InMemoryPreparedTransactions::Find(
    const std::string& xid, const BinlogPosition& before) {
  auto it = parked_.lower_bound({xid, before});
  if (it == parked_.begin() || std::prev(it)->first.first != xid) {
    return NotFoundError("no XA transaction {} was prepared before {}", xid, before.ToString());
  }
  --it;
  return Parked{it->first.second, it->second};
}

void InMemoryPreparedTransactions::Ended(const std::string& xid, const BinlogPosition& prepared,
                                         const BinlogPosition& end) {
  ended_.push_back({xid, prepared, end});
}

Status InMemoryPreparedTransactions::Release(const BinlogPosition& durable) {
  std::erase_if(ended_, [&](const Ending& e) {
    if (durable < e.end) return false;
    parked_.erase({e.xid, e.prepared});
    return true;
  });
  return Status::OK();
}

}  // namespace binlake
