#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/byte_reader.h"
#include "common/result.h"

namespace binlake {

// A server UUID (MySQL source id), 16 raw bytes.
using Uuid = std::array<uint8_t, 16>;

// "3e11fa47-71ca-11e1-9e33-c80aa9429562" (lowercase).
std::string FormatUuid(const Uuid& uuid);
Result<Uuid> ParseUuid(std::string_view text);

// mysql::serialization variable-length unsigned integers (MySQL 8.3+ tagged GTID formats):
// 1-9 bytes, little-endian, the count of trailing one bits of the first byte + 1 is the byte
// count.
Result<uint64_t> ReadVarlenUnsigned(ByteReader* in);
void AppendVarlenUnsigned(std::string* out, uint64_t v);

// The set of transactions a server has executed, in either flavour:
//
//   MySQL    uuid[:tag]:intervals, e.g. "3e11fa47-...:1-5:7-9:tag1:1-3,4c2...:1-10". One
//            set of closed intervals per (uuid, tag); tags are lowercase [a-z_][a-z0-9_]{0,31}.
//   MariaDB  domain-server-seq per replication domain, e.g. "0-1-100,1-2-7": the last
//            transaction of each domain (MariaDB positions are per domain, not sets).
//
// A set holds one flavour; adding the other flavour to a non-empty set is an error.
// Value type: copyable, thread-compatible.
class GtidSet {
 public:
  // A closed interval [first, last] of transaction numbers (gno), first >= 1.
  struct Interval {
    uint64_t first;
    uint64_t last;
    bool operator==(const Interval&) const = default;
  };
  struct MariaDbGtid {
    uint32_t domain = 0;
    uint32_t server = 0;
    uint64_t seq = 0;
    bool operator==(const MariaDbGtid&) const = default;
  };

  GtidSet() = default;

  // Parses either flavour ("" is the empty set). Whitespace and newlines around entries
  // (as SHOW MASTER STATUS prints them) are ignored.
  static Result<GtidSet> Parse(std::string_view text);

  // Decodes the binary form used by PREVIOUS_GTIDS events and COM_BINLOG_DUMP_GTID (both the
  // classic and the tagged layout of MySQL 8.3+), reading from `in`.
  static Result<GtidSet> DecodeMySql(ByteReader* in);

  bool empty() const { return mysql_.empty() && mariadb_.empty(); }
  bool is_mariadb() const { return !mariadb_.empty(); }

  // MySQL: adds one transaction / one closed interval. `tag` is "" for untagged GTIDs.
  Status AddMySql(const Uuid& uuid, std::string_view tag, uint64_t gno) {
    return AddInterval(uuid, tag, gno, gno);
  }
  Status AddInterval(const Uuid& uuid, std::string_view tag, uint64_t first, uint64_t last);
  bool ContainsMySql(const Uuid& uuid, std::string_view tag, uint64_t gno) const;

  // MariaDB: records gtid as the latest of its domain (replacing the previous one).
  Status AddMariaDb(const MariaDbGtid& gtid);
  // True when the domain's recorded seq is >= gtid.seq (that transaction is behind us).
  bool ContainsMariaDb(const MariaDbGtid& gtid) const;

  // Union (MySQL) or per-domain maximum by seq (MariaDB).
  Status Merge(const GtidSet& other);
  // True when every transaction of `other` is in this set.
  bool Contains(const GtidSet& other) const;

  // Canonical text: MySQL entries ordered by uuid, untagged intervals first then tags in
  // order; MariaDB entries ordered by domain.
  std::string ToString() const;

  // The binary form for COM_BINLOG_DUMP_GTID's data (and PREVIOUS_GTIDS): classic layout when
  // no tag is present, else the tagged layout. Empty for MariaDB sets (MariaDB sends its
  // position as the @slave_connect_state variable instead).
  std::string EncodeMySql() const;

  const std::map<uint32_t, MariaDbGtid>& mariadb() const { return mariadb_; }

  bool operator==(const GtidSet&) const = default;

 private:
  using Key = std::pair<Uuid, std::string>;  // (uuid, tag)
  std::map<Key, std::vector<Interval>> mysql_;
  std::map<uint32_t, MariaDbGtid> mariadb_;
};

}  // namespace binlake
