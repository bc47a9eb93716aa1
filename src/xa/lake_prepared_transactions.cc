#include "xa/lake_prepared_transactions.h"

#include <algorithm>
#include <map>

#include "cascade/row_codec.h"
#include "checkpoint/records.h"
#include "common/logging.h"
#include "kv/lmdb_env.h"
#include "storage/storage_util.h"

namespace binlake {
namespace {

constexpr std::string_view kMagic = "binlake-xa 1\n";

void PutBytes(std::string_view b, std::string* out) {
  AppendBigEndian(b.size(), 4, out);
  out->append(b);
}

// Reads what the Put* functions wrote, failing with the object's name.
class Reader {
 public:
  Reader(std::string_view in, std::string_view origin) : in_(in), origin_(origin) {}
  Result<uint64_t> Int(int bytes) {
    if (in_.size() < static_cast<size_t>(bytes)) return Short();
    uint64_t v = ReadBigEndian(in_.data(), bytes);
    in_.remove_prefix(static_cast<size_t>(bytes));
    return v;
  }
  Result<std::string_view> Bytes() {
    ASSIGN_OR_RETURN(uint64_t n, Int(4));
    if (in_.size() < n) return Short();
    std::string_view out = in_.substr(0, n);
    in_.remove_prefix(n);
    return out;
  }
  Result<Row> Values() {
    ASSIGN_OR_RETURN(uint64_t n, Int(4));
    if (n > in_.size()) return Short();
    Row row;
    row.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      Result<Value> v = ReadStateValue(&in_);
      if (!v.ok()) return CorruptionError("{}: {}", origin_, v.status().message());
      row.push_back(std::move(v).value());
    }
    return row;
  }
  bool done() const { return in_.empty(); }

 private:
  Status Short() const {
    return CorruptionError("{}: the parked XA transaction ends early", origin_);
  }
  std::string_view in_;
  std::string_view origin_;
};

// "<file>@<offset>" of a key's last segment.
std::optional<BinlogPosition> KeyPosition(std::string_view name) {
  size_t at = name.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= name.size()) return std::nullopt;
  BinlogPosition p;
  p.file.assign(name.substr(0, at));
  for (char c : name.substr(at + 1)) {
    if (c < '0' || c > '9' || p.offset > (uint64_t{1} << 60)) return std::nullopt;
    p.offset = p.offset * 10 + static_cast<uint64_t>(c - '0');
  }
  return p;
}

}  // namespace

std::string EncodeParked(const std::string& xid, const BinlogPosition& position,
                         const std::vector<RowChange>& rows) {
  std::string out(kMagic);
  PutBytes(xid, &out);
  PutBytes(position.file, &out);
  AppendBigEndian(position.offset, 8, &out);
  // Each table shape once, then the rows naming theirs by index.
  std::vector<const TableSchema*> shapes;
  std::map<const TableSchema*, size_t> index;
  for (const RowChange& r : rows) {
    if (index.emplace(r.table.get(), shapes.size()).second) shapes.push_back(r.table.get());
  }
  AppendBigEndian(shapes.size(), 4, &out);
  for (const TableSchema* s : shapes) PutBytes(EncodeSchema(*s, position), &out);
  AppendBigEndian(rows.size(), 4, &out);
  for (const RowChange& r : rows) {
    out.push_back(static_cast<char>(r.op));
    out.push_back(static_cast<char>(r.origin));
    out.push_back(r.foreign_key_checks ? 1 : 0);
    AppendBigEndian(index.at(r.table.get()), 4, &out);
    for (const Row* image : {&r.before, &r.after}) {
      AppendBigEndian(image->size(), 4, &out);
      for (const Value& v : *image) AppendStateValue(v, &out);
    }
  }
  return out;
}

Result<PreparedTransactions::Parked> DecodeParked(std::string_view bytes, std::string_view origin) {
  if (bytes.substr(0, kMagic.size()) != kMagic) {
    return CorruptionError("{}: not a parked XA transaction of this binlake version", origin);
  }
  Reader in(bytes.substr(kMagic.size()), origin);
  PreparedTransactions::Parked parked;
  ASSIGN_OR_RETURN(std::string_view xid, in.Bytes());
  (void)xid;
  ASSIGN_OR_RETURN(std::string_view file, in.Bytes());
  parked.position.file.assign(file);
  ASSIGN_OR_RETURN(parked.position.offset, in.Int(8));
  ASSIGN_OR_RETURN(uint64_t shape_count, in.Int(4));
  std::vector<TableSchemaPtr> shapes;
  for (uint64_t i = 0; i < shape_count; ++i) {
    ASSIGN_OR_RETURN(std::string_view json, in.Bytes());
    ASSIGN_OR_RETURN(TableSchema s, DecodeSchema(json, origin));
    shapes.push_back(std::make_shared<const TableSchema>(std::move(s)));
  }
  ASSIGN_OR_RETURN(uint64_t row_count, in.Int(4));
  for (uint64_t i = 0; i < row_count; ++i) {
    RowChange r;
    ASSIGN_OR_RETURN(uint64_t op, in.Int(1));
    ASSIGN_OR_RETURN(uint64_t row_origin, in.Int(1));
    ASSIGN_OR_RETURN(uint64_t fk, in.Int(1));
    ASSIGN_OR_RETURN(uint64_t shape, in.Int(4));
    if (op > static_cast<uint64_t>(Op::kDelete) || shape >= shapes.size() || fk > 1 ||
        row_origin > static_cast<uint64_t>(ChangeOrigin::kTruncate)) {
      return CorruptionError("{}: row {} of the parked XA transaction is malformed", origin, i);
    }
    r.op = static_cast<Op>(op);
    r.origin = static_cast<ChangeOrigin>(row_origin);
    r.foreign_key_checks = fk == 1;
    r.table = shapes[shape];
    ASSIGN_OR_RETURN(r.before, in.Values());
    ASSIGN_OR_RETURN(r.after, in.Values());
    parked.rows.push_back(std::move(r));
  }
  if (!in.done()) return CorruptionError("{}: bytes after the parked XA transaction", origin);
  return parked;
}

std::string LakePreparedTransactions::Key(const std::string& xid, const BinlogPosition& p) {
  return std::string(kPrefix) + HexEncode(xid) + "/" + p.file + "@" + std::to_string(p.offset);
}

Status LakePreparedTransactions::Park(const std::string& xid, const BinlogPosition& position,
                                      const std::vector<RowChange>& rows) {
  return store_->Put(Key(xid, position), EncodeParked(xid, position, rows));
}

Result<std::vector<BinlogPosition>> LakePreparedTransactions::Prepares(const std::string& xid) {
  std::string prefix = std::string(kPrefix) + HexEncode(xid) + "/";
  ASSIGN_OR_RETURN(ListResult list, store_->List(prefix));
  std::vector<BinlogPosition> out;
  for (const ObjectInfo& o : list.objects) {
    std::optional<BinlogPosition> p = KeyPosition(std::string_view(o.key).substr(prefix.size()));
    if (p) out.push_back(*p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<PreparedTransactions::Parked> LakePreparedTransactions::Find(const std::string& xid,
                                                                    const BinlogPosition& before) {
  ASSIGN_OR_RETURN(std::vector<BinlogPosition> prepares, Prepares(xid));
  auto it = std::lower_bound(prepares.begin(), prepares.end(), before);
  if (it == prepares.begin()) {
    return NotFoundError("no XA transaction {} was prepared before {}", xid, before.ToString());
  }
  std::string key = Key(xid, *std::prev(it));
  ASSIGN_OR_RETURN(std::string bytes, store_->Get(key));
  ASSIGN_OR_RETURN(Parked parked, DecodeParked(bytes, key));
  if (parked.position != *std::prev(it)) {
    return CorruptionError("{} holds the transaction prepared at {}", key,
                           parked.position.ToString());
  }
  return parked;
}

void LakePreparedTransactions::Ended(const std::string& xid, const BinlogPosition& prepared,
                                     const BinlogPosition& end) {
  ended_.push_back({Key(xid, prepared), end});
}

Status LakePreparedTransactions::Release(const BinlogPosition& durable) {
  Status first;
  std::erase_if(ended_, [&](const Ending& e) {
    if (durable < e.end) return false;
    Status s = store_->Delete(e.key);
    if (s.ok() || s.code() == StatusCode::kNotFound) return true;
    if (first.ok()) first = s.Context(fmt::format("deleting {}", e.key));
    return false;  // tried again at the next Release
  });
  return first;
}

Status LakePreparedTransactions::Prune(const BinlogPosition& from) {
  ASSIGN_OR_RETURN(ListResult list, store_->List(kPrefix));
  // Per xid, the prepares before `from`, oldest first (keys list in order within an xid only
  // by name, so sort by position).
  std::map<std::string, std::vector<std::pair<BinlogPosition, std::string>>> before;
  for (const ObjectInfo& o : list.objects) {
    std::string_view rest = std::string_view(o.key).substr(sizeof(kPrefix) - 1);
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos) continue;
    std::optional<BinlogPosition> p = KeyPosition(rest.substr(slash + 1));
    if (!p || !(*p < from)) continue;
    before[std::string(rest.substr(0, slash))].emplace_back(*p, o.key);
  }
  size_t deleted = 0;
  for (auto& [xid, prepares] : before) {
    std::sort(prepares.begin(), prepares.end());
    for (size_t i = 0; i + 1 < prepares.size(); ++i) {
      Status s = store_->Delete(prepares[i].second);
      if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
      ++deleted;
    }
  }
  if (deleted > 0) {
    LOG_INFO("deleted {} parked XA transactions that had already ended", deleted);
  }
  return Status::OK();
}

}  // namespace binlake
