#include "model/gtid_set.h"

#include <algorithm>
#include <bit>
#include <cctype>

namespace binlake {
namespace {

constexpr size_t kMaxTagLength = 32;

bool ValidTag(std::string_view tag) {
  if (tag.empty() || tag.size() > kMaxTagLength) return false;
  for (size_t i = 0; i < tag.size(); ++i) {
    char c = tag[i];
    bool ok = (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    if (at == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, at - start));
    start = at + 1;
  }
}

bool ParseU64(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Adds [first, last] into a sorted, non-overlapping, non-adjacent interval list.
void InsertInterval(std::vector<GtidSet::Interval>* list, uint64_t first, uint64_t last) {
  auto it = std::lower_bound(list->begin(), list->end(), first,
                             [](const GtidSet::Interval& iv, uint64_t v) {
                               return iv.last != UINT64_MAX && iv.last + 1 < v;
                             });
  // `it` is the first interval that touches or follows [first, last].
  uint64_t lo = first;
  uint64_t hi = last;
  auto end = it;
  while (end != list->end() && (hi == UINT64_MAX || end->first <= hi + 1)) {
    lo = std::min(lo, end->first);
    hi = std::max(hi, end->last);
    ++end;
  }
  it = list->erase(it, end);
  list->insert(it, GtidSet::Interval{lo, hi});
}

bool IntervalsContain(const std::vector<GtidSet::Interval>& list, uint64_t first, uint64_t last) {
  auto it = std::upper_bound(list.begin(), list.end(), first,
                             [](uint64_t v, const GtidSet::Interval& iv) { return v < iv.first; });
  if (it == list.begin()) return false;
  --it;
  return it->first <= first && last <= it->last;
}

}  // namespace

Result<uint64_t> ReadVarlenUnsigned(ByteReader* in) {
  uint64_t at = in->absolute_position();
  ASSIGN_OR_RETURN(uint8_t first, in->U8());
  int n = std::countr_one(first) + 1;
  if (n == 1) return static_cast<uint64_t>(first >> 1);
  auto rest = in->UintLE(n - 1);
  if (!rest.ok()) {
    return CorruptionError("variable-length integer at offset {} needs {} bytes: {}", at, n,
                           rest.status().message());
  }
  uint64_t high = *rest;
  if (n == 9) return high;  // the full 64 bits follow the 0xff marker byte
  // The first byte holds 8 - n value bits above the marker bits.
  uint64_t low = static_cast<uint64_t>(first) >> n;
  return low | (high << (8 - n));
}

void AppendVarlenUnsigned(std::string* out, uint64_t v) {
  int bits = std::bit_width(v);
  int n = ((bits * 575) >> 12) + 1;  // 1 byte per 7 bits, 9 bytes for 64 bits
  if (n >= 9) {
    out->push_back(static_cast<char>(0xff));
    AppendLE(out, v, 8);
    return;
  }
  uint8_t first = static_cast<uint8_t>(((1u << (n - 1)) - 1) | (v << n));
  out->push_back(static_cast<char>(first));
  if (n > 1) AppendLE(out, v >> (8 - n), n - 1);
}

std::string FormatUuid(const Uuid& uuid) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[uuid[i] >> 4]);
    s.push_back(kHex[uuid[i] & 15]);
  }
  return s;
}

Result<Uuid> ParseUuid(std::string_view text) {
  Uuid u{};
  size_t k = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '-') continue;
    if (k >= 32) break;
    int d = HexDigit(text[i]);
    if (d < 0) break;
    u[k / 2] = static_cast<uint8_t>(u[k / 2] | (k % 2 == 0 ? d << 4 : d));
    ++k;
    if (k == 32 && i + 1 != text.size()) k = 33;  // trailing junk
  }
  if (k != 32) {
    return InvalidArgumentError(
        "'{}' is not a server UUID (expected 32 hex digits such as "
        "3e11fa47-71ca-11e1-9e33-c80aa9429562)",
        text);
  }
  return u;
}

Result<GtidSet> GtidSet::Parse(std::string_view text) {
  GtidSet set;
  text = Trim(text);
  if (text.empty()) return set;
  for (std::string_view entry : Split(text, ',')) {
    entry = Trim(entry);
    if (entry.empty()) continue;
    // MariaDB entries are three dash-separated numbers; MySQL ones start with a UUID.
    std::vector<std::string_view> dash = Split(entry, '-');
    uint64_t d = 0, s = 0, q = 0;
    if (dash.size() == 3 && ParseU64(dash[0], &d) && ParseU64(dash[1], &s) &&
        ParseU64(dash[2], &q)) {
      if (d > UINT32_MAX || s > UINT32_MAX) {
        return InvalidArgumentError("MariaDB GTID '{}': domain and server id must fit 32 bits",
                                    entry);
      }
      RETURN_IF_ERROR(
          set.AddMariaDb(MariaDbGtid{static_cast<uint32_t>(d), static_cast<uint32_t>(s), q}));
      continue;
    }
    std::vector<std::string_view> parts = Split(entry, ':');
    auto uuid = ParseUuid(Trim(parts[0]));
    if (!uuid.ok()) {
      return InvalidArgumentError(
          "GTID set entry '{}' is neither MySQL (uuid:1-5) nor MariaDB (domain-server-seq): {}",
          entry, uuid.status().message());
    }
    std::string tag;
    for (size_t i = 1; i < parts.size(); ++i) {
      std::string_view p = Trim(parts[i]);
      if (!p.empty() && !(p[0] >= '0' && p[0] <= '9')) {
        std::string lower(p);
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (!ValidTag(lower)) {
          return InvalidArgumentError("GTID set entry '{}': '{}' is not a valid GTID tag", entry,
                                      p);
        }
        tag = lower;
        continue;
      }
      std::vector<std::string_view> range = Split(p, '-');
      uint64_t first = 0, last = 0;
      bool ok = range.size() <= 2 && ParseU64(range[0], &first);
      last = first;
      if (ok && range.size() == 2) ok = ParseU64(range[1], &last);
      if (!ok || first == 0 || last < first) {
        return InvalidArgumentError(
            "GTID set entry '{}': '{}' is not an interval such as 5 or 1-10 (numbers >= 1)", entry,
            p);
      }
      RETURN_IF_ERROR(set.AddInterval(*uuid, tag, first, last));
    }
  }
  return set;
}

Result<GtidSet> GtidSet::DecodeMySql(ByteReader* in) {
  uint64_t at = in->absolute_position();
  ASSIGN_OR_RETURN(uint64_t head, in->U64LE());
  // Tagged layout (MySQL 8.3+): format byte 1 in the lowest and highest byte, the count in
  // the six bytes between.
  bool tagged = (head >> 56) == 1;
  uint64_t count = tagged ? (head >> 8) & 0xffffffffffffULL : head;
  if (count > in->remaining() / 24) {
    return CorruptionError("GTID set at offset {} claims {} source ids but only {} bytes follow",
                           at, count, in->remaining());
  }
  GtidSet set;
  for (uint64_t i = 0; i < count; ++i) {
    ASSIGN_OR_RETURN(std::string_view raw, in->Bytes(16));
    Uuid uuid;
    std::memcpy(uuid.data(), raw.data(), 16);
    std::string tag;
    if (tagged) {
      uint64_t tag_at = in->absolute_position();
      ASSIGN_OR_RETURN(uint64_t len, ReadVarlenUnsigned(in));
      if (len > kMaxTagLength) {
        return CorruptionError("GTID tag at offset {} is {} bytes long (at most {} allowed)",
                               tag_at, len, kMaxTagLength);
      }
      ASSIGN_OR_RETURN(std::string_view t, in->Bytes(len));
      tag.assign(t);
      if (!tag.empty() && !ValidTag(tag)) {
        return CorruptionError("GTID tag at offset {} is not a valid tag", tag_at);
      }
    }
    ASSIGN_OR_RETURN(uint64_t n, in->U64LE());
    if (n > in->remaining() / 16) {
      return CorruptionError(
          "GTID set entry at offset {} claims {} intervals but only {} bytes "
          "follow",
          in->absolute_position() - 8, n, in->remaining());
    }
    for (uint64_t k = 0; k < n; ++k) {
      uint64_t iv_at = in->absolute_position();
      ASSIGN_OR_RETURN(uint64_t start, in->U64LE());
      ASSIGN_OR_RETURN(uint64_t end, in->U64LE());  // exclusive
      if (start == 0 || end <= start) {
        return CorruptionError("GTID interval at offset {} is [{}, {}): not a valid range", iv_at,
                               start, end);
      }
      RETURN_IF_ERROR(set.AddInterval(uuid, tag, start, end - 1));
    }
  }
  return set;
}

Status GtidSet::AddInterval(const Uuid& uuid, std::string_view tag, uint64_t first, uint64_t last) {
  if (!mariadb_.empty()) {
    return InvalidArgumentError("cannot add MySQL GTID {}:{} to the MariaDB GTID set {}",
                                FormatUuid(uuid), first, ToString());
  }
  if (first == 0 || last < first) {
    return InvalidArgumentError("GTID interval {}-{} of {} is empty or starts at 0", first, last,
                                FormatUuid(uuid));
  }
  InsertInterval(&mysql_[Key{uuid, std::string(tag)}], first, last);
  return Status::OK();
}

bool GtidSet::ContainsMySql(const Uuid& uuid, std::string_view tag, uint64_t gno) const {
  auto it = mysql_.find(Key{uuid, std::string(tag)});
  return it != mysql_.end() && IntervalsContain(it->second, gno, gno);
}

Status GtidSet::AddMariaDb(const MariaDbGtid& gtid) {
  if (!mysql_.empty()) {
    return InvalidArgumentError("cannot add MariaDB GTID {}-{}-{} to the MySQL GTID set {}",
                                gtid.domain, gtid.server, gtid.seq, ToString());
  }
  mariadb_[gtid.domain] = gtid;
  return Status::OK();
}

bool GtidSet::ContainsMariaDb(const MariaDbGtid& gtid) const {
  auto it = mariadb_.find(gtid.domain);
  return it != mariadb_.end() && it->second.seq >= gtid.seq;
}

Status GtidSet::Merge(const GtidSet& other) {
  for (const auto& [key, list] : other.mysql_) {
    for (const Interval& iv : list)
      RETURN_IF_ERROR(AddInterval(key.first, key.second, iv.first, iv.last));
  }
  for (const auto& [domain, g] : other.mariadb_) {
    if (!ContainsMariaDb(g)) RETURN_IF_ERROR(AddMariaDb(g));
  }
  return Status::OK();
}

bool GtidSet::Contains(const GtidSet& other) const {
  for (const auto& [key, list] : other.mysql_) {
    auto it = mysql_.find(key);
    for (const Interval& iv : list) {
      if (it == mysql_.end() || !IntervalsContain(it->second, iv.first, iv.last)) return false;
    }
  }
  for (const auto& [domain, g] : other.mariadb_) {
    if (!ContainsMariaDb(g)) return false;
  }
  return true;
}

std::string GtidSet::ToString() const {
  std::string out;
  const Uuid* current = nullptr;
  for (const auto& [key, list] : mysql_) {
    if (current == nullptr || *current != key.first) {
      if (current != nullptr) out += ',';
      out += FormatUuid(key.first);
      current = &key.first;
    }
    if (!key.second.empty()) {
      out += ':';
      out += key.second;
    }
    for (const Interval& iv : list) {
      out += ':';
      out += std::to_string(iv.first);
      if (iv.last != iv.first) {
        out += '-';
        out += std::to_string(iv.last);
      }
    }
  }
  for (const auto& [domain, g] : mariadb_) {
    if (!out.empty()) out += ',';
    out += std::to_string(g.domain) + "-" + std::to_string(g.server) + "-" + std::to_string(g.seq);
  }
  return out;
}

std::string GtidSet::EncodeMySql() const {
  bool tagged = false;
  for (const auto& [key, list] : mysql_) tagged = tagged || !key.second.empty();
  std::string out;
  uint64_t count = mysql_.size();
  AppendLE(&out, tagged ? (1ULL << 56) | (count << 8) | 1ULL : count, 8);
  for (const auto& [key, list] : mysql_) {
    out.append(reinterpret_cast<const char*>(key.first.data()), 16);
    if (tagged) {
      AppendVarlenUnsigned(&out, key.second.size());
      out += key.second;
    }
    AppendLE(&out, list.size(), 8);
    for (const Interval& iv : list) {
      AppendLE(&out, iv.first, 8);
      AppendLE(&out, iv.last + 1, 8);  // exclusive end on the wire
    }
  }
  return out;
}

}  // namespace binlake
