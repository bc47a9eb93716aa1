#include "cascade/row_state.h"

#include <nlohmann/json.hpp>

#include "common/logging.h"

namespace binlake {
namespace {

// Changes and time a write transaction gathers before it is committed to disk.
constexpr uint64_t kChangesPerCommit = 20'000;
constexpr auto kCommitEvery = std::chrono::seconds(1);

std::string PackPosition(const BinlogPosition& p) {
  std::string out;
  AppendBigEndian(p.file.size(), 2, &out);
  out += p.file;
  AppendBigEndian(p.offset, 8, &out);
  return out;
}

bool UnpackPosition(std::string_view* in, BinlogPosition* p) {
  if (in->size() < 2) return false;
  size_t n = ReadBigEndian(in->data(), 2);
  if (in->size() < 2 + n + 8) return false;
  p->file.assign(in->data() + 2, n);
  p->offset = ReadBigEndian(in->data() + 2 + n, 8);
  in->remove_prefix(2 + n + 8);
  return true;
}

std::string Prefix32(uint32_t n) {
  std::string out;
  AppendBigEndian(n, 4, &out);
  return out;
}

uint64_t ShapeHash(const std::vector<Column>& columns) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (const Column& c : columns) {
    for (char ch : c.name) h = (h ^ static_cast<uint8_t>(ch)) * 1099511628211ull;
    h = (h ^ 0xffu) * 1099511628211ull;
  }
  return h;
}

}  // namespace

Result<std::unique_ptr<RowState>> RowState::Open(const std::string& parent,
                                                 const std::string& name) {
  ASSIGN_OR_RETURN(std::unique_ptr<LmdbEnv> env,
                   LmdbEnv::Open(parent, name, "the row state",
                                 {{"rows", 0}, {"lookups", 0}, {"undo", 0}, {"meta", 0}}));
  std::unique_ptr<RowState> s(new RowState(std::move(env)));
  s->rows_ = s->env_->dbi(0);
  s->lookups_ = s->env_->dbi(1);
  s->undo_ = s->env_->dbi(2);
  s->meta_ = s->env_->dbi(3);
  RETURN_IF_ERROR(s->LoadMeta());
  return s;
}

Status RowState::LoadMeta() {
  ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
  auto get = [&](const std::string& k) -> std::optional<std::string> {
    MDB_val mk = Val(k), mv;
    if (mdb_get(txn, meta_, &mk, &mv) != 0) return std::nullopt;
    return std::string(View(mv));
  };
  std::optional<std::string> boot = get("boot");
  std::optional<std::string> pos = get("position");
  const std::string now = LmdbEnv::BootId();
  if (!pos || !boot || now.empty() || *boot != now) {
    if (pos) {
      LOG_WARN(
          "the row state in {} was written before the machine last started: it is "
          "rebuilt",
          env_->dir());
    }
    return Reset();
  }
  std::string_view p = *pos;
  if (!UnpackPosition(&p, &position_)) return Reset();
  if (std::optional<std::string> h = get("horizon")) {
    std::string_view hv = *h;
    UnpackPosition(&hv, &horizon_);
  }
  // The next undo sequence: one past the last.
  MDB_cursor* c = nullptr;
  RETURN_IF_ERROR(env_->Check(mdb_cursor_open(txn, undo_, &c), "cursor"));
  MDB_val k, v;
  if (mdb_cursor_get(c, &k, &v, MDB_LAST) == 0 && k.mv_size == 8) {
    next_undo_ = ReadBigEndian(k.mv_data, 8) + 1;
  }
  mdb_cursor_close(c);
  return env_->Commit();
}

Status RowState::RestoreFrom(const std::string& path) {
  txn_begin_.reset();
  pending_position_.reset();
  RETURN_IF_ERROR(env_->ReplaceFrom(path));
  tables_.clear();
  shapes_.clear();
  position_ = BinlogPosition();
  horizon_ = BinlogPosition();
  next_undo_ = 1;
  uncommitted_ = 0;
  RETURN_IF_ERROR(PutMeta("boot", LmdbEnv::BootId()));
  RETURN_IF_ERROR(env_->Commit());
  return LoadMeta();
}

Status RowState::Reset() {
  ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
  for (MDB_dbi d : {rows_, lookups_, undo_, meta_}) {
    RETURN_IF_ERROR(env_->Check(mdb_drop(txn, d, 0), "reset"));
  }
  tables_.clear();
  shapes_.clear();
  position_ = BinlogPosition();
  horizon_ = BinlogPosition();
  next_undo_ = 1;
  RETURN_IF_ERROR(PutMeta("boot", LmdbEnv::BootId()));
  return env_->Commit();
}

Status RowState::PutMeta(const std::string& key, std::string_view value) {
  ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
  MDB_val mk = Val(key), mv = Val(value);
  return env_->Check(mdb_put(txn, meta_, &mk, &mv, 0), "meta");
}

Result<uint32_t> RowState::Number(const std::string& meta_key) {
  ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
  MDB_val mk = Val(meta_key), mv;
  if (mdb_get(txn, meta_, &mk, &mv) == 0 && mv.mv_size == 4) {
    return static_cast<uint32_t>(ReadBigEndian(mv.mv_data, 4));
  }
  std::string next_key = "next-number";
  MDB_val nk = Val(next_key);
  uint32_t n = 1;
  if (mdb_get(txn, meta_, &nk, &mv) == 0 && mv.mv_size == 4) {
    n = static_cast<uint32_t>(ReadBigEndian(mv.mv_data, 4));
  }
  RETURN_IF_ERROR(PutMeta(next_key, Prefix32(n + 1)));
  RETURN_IF_ERROR(PutMeta(meta_key, Prefix32(n)));
  return n;
}

Status RowState::Keep(const std::string& table,
                      const std::vector<std::vector<std::string>>& lookups) {
  ASSIGN_OR_RETURN(uint32_t number, Number("table:" + table));
  Table t{number, {}};
  std::vector<Lookup> fresh;
  for (const auto& cols : lookups) {
    std::string name = "lookup:" + std::to_string(number);
    for (const std::string& c : cols) name += ":" + c;
    ASSIGN_OR_RETURN(uint32_t n, Number(name));
    Lookup l{n, cols};
    t.lookups.push_back(l);
    ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
    std::string built = "built:" + std::to_string(n);
    MDB_val bk = Val(built), bv;
    if (mdb_get(txn, meta_, &bk, &bv) != 0) fresh.push_back(l);
  }
  tables_[table] = t;
  // Committed at once: numbers handed out must never be handed out again after Abandon.
  if (fresh.empty()) return MaybeCommit(true);
  // A lookup declared for the first time: index the rows already stored.
  Table only{number, fresh};
  const std::string prefix = Prefix32(number);
  std::vector<std::pair<std::string, std::string>> batch;
  std::string from = prefix;
  for (;;) {
    batch.clear();
    {
      ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
      MDB_cursor* c = nullptr;
      RETURN_IF_ERROR(env_->Check(mdb_cursor_open(txn, rows_, &c), "cursor"));
      MDB_val k = Val(from), v;
      int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
      while (rc == 0 && View(k).substr(0, 4) == prefix && batch.size() < 10'000) {
        if (View(k) != from || batch.empty()) batch.emplace_back(View(k), View(v));
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
      }
      mdb_cursor_close(c);
    }
    if (!batch.empty() && batch.front().first == from && from != prefix) {
      batch.erase(batch.begin());
    }
    if (batch.empty()) break;
    ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
    for (const auto& [k, v] : batch) {
      std::vector<std::string> keys;
      RETURN_IF_ERROR(LookupKeys(only, k.substr(4), v, &keys));
      for (const std::string& lk : keys) {
        MDB_val mk = Val(lk), mv = Val("");
        RETURN_IF_ERROR(env_->Check(mdb_put(txn, lookups_, &mk, &mv, 0), "lookup"));
      }
    }
    from = batch.back().first;
    RETURN_IF_ERROR(MaybeCommit(false));
  }
  for (const Lookup& l : fresh) RETURN_IF_ERROR(PutMeta("built:" + std::to_string(l.number), ""));
  return MaybeCommit(true);
}

Result<RowState::Table*> RowState::TableOf(const std::string& table) {
  auto it = tables_.find(table);
  if (it == tables_.end()) return nullptr;
  return &it->second;
}

std::string RowState::RowKey(const TableSchema& schema, const Row& row) const {
  std::string key;
  if (schema.key_columns.empty()) {
    for (const Value& v : row) AppendStateValue(v, &key);
  } else {
    for (int i : schema.key_columns) AppendStateValue(row[static_cast<size_t>(i)], &key);
  }
  return key;
}

std::string RowState::Encode(const TableSchema& schema, const Row& row, uint32_t count) {
  uint64_t shape = ShapeHash(schema.columns);
  if (!shapes_.count(shape)) {
    std::vector<std::string> names;
    for (const Column& c : schema.columns) names.push_back(c.name);
    nlohmann::json j = names;
    PutMeta("shape:" + std::to_string(shape), j.dump()).IgnoreError();
    shapes_[shape] = names;
  }
  std::string out;
  AppendBigEndian(count, 4, &out);
  AppendBigEndian(shape, 8, &out);
  for (const Value& v : row) AppendStateValue(v, &out);
  return out;
}

Result<StoredRow> RowState::Decode(std::string_view stored) {
  if (stored.size() < 12) return CorruptionError("the row state holds a truncated row");
  uint64_t shape = ReadBigEndian(stored.data() + 4, 8);
  auto it = shapes_.find(shape);
  if (it == shapes_.end()) {
    ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
    std::string k = "shape:" + std::to_string(shape);
    MDB_val mk = Val(k), mv;
    if (mdb_get(txn, meta_, &mk, &mv) != 0) {
      return CorruptionError("the row state in {} lacks a row shape", env_->dir());
    }
    nlohmann::json j = nlohmann::json::parse(View(mv), nullptr, false);
    if (!j.is_array()) return CorruptionError("the row state in {} has a bad shape", env_->dir());
    it = shapes_.emplace(shape, j.get<std::vector<std::string>>()).first;
  }
  StoredRow row;
  row.names = it->second;
  std::string_view in = stored.substr(12);
  while (!in.empty()) {
    ASSIGN_OR_RETURN(Value v, ReadStateValue(&in));
    row.values.push_back(std::move(v));
  }
  return row;
}

Status RowState::LookupKeys(const Table& table, const std::string& key, std::string_view stored,
                            std::vector<std::string>* out) {
  out->clear();
  if (table.lookups.empty()) return Status::OK();
  ASSIGN_OR_RETURN(StoredRow row, Decode(stored));
  for (const Lookup& l : table.lookups) {
    std::string k = Prefix32(l.number);
    bool null = false;
    for (const std::string& c : l.columns) {
      const Value* v = row.Find(c);
      if (v == nullptr || v->is_null() || v->is_absent()) null = true;  // references nothing
      if (v) AppendStateValue(*v, &k);
    }
    if (null) continue;
    out->push_back(k + key);
  }
  return Status::OK();
}

void RowState::RowLookupKeys(const Table& table, const std::string& key, const TableSchema& schema,
                             const Row& row, std::vector<std::string>* out) const {
  out->clear();
  for (const Lookup& l : table.lookups) {
    std::string k = Prefix32(l.number);
    bool null = false;
    for (const std::string& c : l.columns) {
      int i = schema.FindColumn(c);
      const Value* v = i < 0 ? nullptr : &row[static_cast<size_t>(i)];
      if (v == nullptr || v->is_null() || v->is_absent()) null = true;  // references nothing
      if (v) AppendStateValue(*v, &k);
    }
    if (null) continue;
    out->push_back(k + key);
  }
}

Status RowState::Store(const Table& table, const std::string& key,
                       const std::optional<std::string>& value,
                       const std::vector<std::string>* value_lookups) {
  ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
  std::string rk = Prefix32(table.number) + key;
  MDB_val mk = Val(rk), mv;
  std::optional<std::string> old;
  if (mdb_get(txn, rows_, &mk, &mv) == 0) old.emplace(View(mv));
  std::vector<std::string> old_keys, new_keys;
  if (old) RETURN_IF_ERROR(LookupKeys(table, key, *old, &old_keys));
  if (value) {
    if (value_lookups != nullptr) {
      new_keys = *value_lookups;
    } else {
      RETURN_IF_ERROR(LookupKeys(table, key, *value, &new_keys));
    }
  }
  if (old_keys != new_keys) {
    for (const std::string& lk : old_keys) {
      MDB_val k = Val(lk);
      RETURN_IF_ERROR(env_->Check(mdb_del(txn, lookups_, &k, nullptr), "lookup"));
    }
    for (const std::string& lk : new_keys) {
      MDB_val k = Val(lk), e = Val("");
      RETURN_IF_ERROR(env_->Check(mdb_put(txn, lookups_, &k, &e, 0), "lookup"));
    }
  }
  if (value) {
    MDB_val v = Val(*value);
    RETURN_IF_ERROR(env_->Check(mdb_put(txn, rows_, &mk, &v, 0), "row"));
  } else if (old) {
    RETURN_IF_ERROR(env_->Check(mdb_del(txn, rows_, &mk, nullptr), "row"));
  }
  if (txn_begin_) {
    std::string u = txn_begin_bytes_;
    AppendBigEndian(table.number, 4, &u);
    AppendBigEndian(key.size(), 4, &u);
    u += key;
    u.push_back(old ? 1 : 0);
    if (old) u += *old;
    std::string uk;
    AppendBigEndian(next_undo_++, 8, &uk);
    MDB_val k = Val(uk), v = Val(u);
    RETURN_IF_ERROR(env_->Check(mdb_put(txn, undo_, &k, &v, MDB_APPEND), "undo"));
  }
  ++uncommitted_;
  ++rows_written_;
  // A large transaction is committed part by part: its undo records are committed with
  // its changes, so a restart undoes a part whose transaction never ended (Rewind).
  return MaybeCommit(false);
}

Status RowState::BeginTransaction(const BinlogPosition& begin) {
  txn_begin_ = begin;
  txn_begin_bytes_ = PackPosition(begin);
  return Status::OK();
}

Status RowState::Upsert(const TableSchema& schema, const Row& row) {
  ASSIGN_OR_RETURN(Table * t, TableOf(schema.QualifiedName()));
  if (t == nullptr) return Status::OK();
  std::string key = RowKey(schema, row);
  uint32_t count = 1;
  if (schema.key_columns.empty()) {
    // Duplicates of a row without a key: count them.
    ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
    std::string rk = Prefix32(t->number) + key;
    MDB_val mk = Val(rk), mv;
    if (mdb_get(txn, rows_, &mk, &mv) == 0 && mv.mv_size >= 4) {
      count = static_cast<uint32_t>(ReadBigEndian(mv.mv_data, 4)) + 1;
    }
  }
  std::vector<std::string> lookups;
  RowLookupKeys(*t, key, schema, row, &lookups);
  return Store(*t, key, Encode(schema, row, count), &lookups);
}

Status RowState::Remove(const TableSchema& schema, const Row& row) {
  ASSIGN_OR_RETURN(Table * t, TableOf(schema.QualifiedName()));
  if (t == nullptr) return Status::OK();
  std::string key = RowKey(schema, row);
  if (schema.key_columns.empty()) {
    ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
    std::string rk = Prefix32(t->number) + key;
    MDB_val mk = Val(rk), mv;
    if (mdb_get(txn, rows_, &mk, &mv) == 0 && mv.mv_size >= 4) {
      uint32_t count = static_cast<uint32_t>(ReadBigEndian(mv.mv_data, 4));
      if (count > 1) {
        std::vector<std::string> lookups;
        RowLookupKeys(*t, key, schema, row, &lookups);
        return Store(*t, key, Encode(schema, row, count - 1), &lookups);
      }
    }
  }
  return Store(*t, key, std::nullopt);
}

Status RowState::EndTransaction(const BinlogPosition& end) {
  txn_begin_.reset();
  RETURN_IF_ERROR(PutMeta("position", PackPosition(end)));
  pending_position_ = end;
  return MaybeCommit(false);
}

Status RowState::MaybeCommit(bool now) {
  if (!env_->in_txn()) return Status::OK();
  auto t = std::chrono::steady_clock::now();
  if (!now && uncommitted_ < kChangesPerCommit && t - last_commit_ < kCommitEvery) {
    return Status::OK();
  }
  RETURN_IF_ERROR(env_->Commit());
  ++commits_;
  uncommitted_ = 0;
  last_commit_ = t;
  if (pending_position_) position_ = *pending_position_;
  pending_position_.reset();
  return Status::OK();
}

Status RowState::Flush() { return MaybeCommit(true); }

Status RowState::Abandon() {
  env_->Abort();
  txn_begin_.reset();
  pending_position_.reset();
  uncommitted_ = 0;
  shapes_.clear();
  // Re-read what the last commit holds (next undo number; the position stays).
  ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
  MDB_cursor* c = nullptr;
  RETURN_IF_ERROR(env_->Check(mdb_cursor_open(txn, undo_, &c), "cursor"));
  MDB_val k, v;
  next_undo_ = 1;
  if (mdb_cursor_get(c, &k, &v, MDB_LAST) == 0 && k.mv_size == 8) {
    next_undo_ = ReadBigEndian(k.mv_data, 8) + 1;
  }
  mdb_cursor_close(c);
  return Status::OK();
}

Status RowState::FinishLoad(const BinlogPosition& at) {
  RETURN_IF_ERROR(PutMeta("position", PackPosition(at)));
  pending_position_ = at;
  return MaybeCommit(true);
}

Status RowState::Find(const TableSchema& schema, const std::vector<std::string>& columns,
                      const std::vector<Value>& values, std::vector<Row>* out) {
  out->clear();
  ASSIGN_OR_RETURN(Table * t, TableOf(schema.QualifiedName()));
  if (t == nullptr) return Status::OK();
  const Lookup* lookup = nullptr;
  for (const Lookup& l : t->lookups) {
    if (l.columns == columns) lookup = &l;
  }
  if (lookup == nullptr) {
    return InternalError("the row state has no lookup of {} by its columns {}",
                         schema.QualifiedName(), nlohmann::json(columns).dump());
  }
  std::string prefix = Prefix32(lookup->number);
  for (const Value& v : values) AppendStateValue(v, &prefix);
  ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
  std::vector<std::string> keys;
  MDB_cursor* c = nullptr;
  RETURN_IF_ERROR(env_->Check(mdb_cursor_open(txn, lookups_, &c), "cursor"));
  MDB_val k = Val(prefix), v;
  int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
  while (rc == 0 && View(k).substr(0, prefix.size()) == prefix) {
    keys.emplace_back(View(k).substr(prefix.size()));
    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
  }
  mdb_cursor_close(c);
  for (const std::string& key : keys) {
    std::string rk = Prefix32(t->number) + key;
    MDB_val mk = Val(rk), mv;
    if (mdb_get(txn, rows_, &mk, &mv) != 0) continue;
    ASSIGN_OR_RETURN(StoredRow row, Decode(View(mv)));
    uint32_t count = static_cast<uint32_t>(ReadBigEndian(mv.mv_data, 4));
    Row r = row.As(schema);
    for (uint32_t i = 1; i < count; ++i) out->push_back(r);
    out->push_back(std::move(r));
  }
  return Status::OK();
}

Status RowState::ForEach(const TableSchema& schema, const std::function<Status(Row row)>& fn) {
  ASSIGN_OR_RETURN(Table * t, TableOf(schema.QualifiedName()));
  if (t == nullptr) return Status::OK();
  const std::string prefix = Prefix32(t->number);
  std::string from = prefix;
  bool first = true;
  for (;;) {
    // In slices: `fn` may change the state (and commit) between them.
    std::vector<std::pair<std::string, std::string>> slice;
    {
      ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
      MDB_cursor* c = nullptr;
      RETURN_IF_ERROR(env_->Check(mdb_cursor_open(txn, rows_, &c), "cursor"));
      MDB_val k = Val(from), v;
      int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
      while (rc == 0 && View(k).substr(0, 4) == prefix && slice.size() < 1000) {
        if (first || View(k) != from) slice.emplace_back(View(k), View(v));
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
      }
      mdb_cursor_close(c);
    }
    first = false;
    if (slice.empty()) return Status::OK();
    from = slice.back().first;
    for (const auto& [k, v] : slice) {
      ASSIGN_OR_RETURN(StoredRow row, Decode(v));
      uint32_t count = static_cast<uint32_t>(ReadBigEndian(v.data(), 4));
      for (uint32_t i = 0; i < count; ++i) RETURN_IF_ERROR(fn(row.As(schema)));
    }
  }
}

Status RowState::Drop(const std::string& table) {
  ASSIGN_OR_RETURN(Table * t, TableOf(table));
  if (t == nullptr) return Status::OK();
  const std::string prefix = Prefix32(t->number);
  for (;;) {
    ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
    MDB_cursor* c = nullptr;
    RETURN_IF_ERROR(env_->Check(mdb_cursor_open(txn, rows_, &c), "cursor"));
    MDB_val k = Val(prefix), v;
    int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    std::string key;
    if (rc == 0 && View(k).substr(0, 4) == prefix) key = View(k).substr(4);
    bool found = rc == 0 && View(k).substr(0, 4) == prefix;
    mdb_cursor_close(c);
    if (!found) return Status::OK();
    RETURN_IF_ERROR(Store(*t, key, std::nullopt));
  }
}

Status RowState::Rename(const std::string& from, const std::string& to) {
  ASSIGN_OR_RETURN(Table * src, TableOf(from));
  ASSIGN_OR_RETURN(Table * dst, TableOf(to));
  if (src == nullptr || dst == nullptr) return Status::OK();
  const std::string prefix = Prefix32(src->number);
  for (;;) {
    ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
    MDB_cursor* c = nullptr;
    RETURN_IF_ERROR(env_->Check(mdb_cursor_open(txn, rows_, &c), "cursor"));
    MDB_val k = Val(prefix), v;
    int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    bool found = rc == 0 && View(k).substr(0, 4) == prefix;
    std::string key, value;
    if (found) {
      key = View(k).substr(4);
      value = View(v);
    }
    mdb_cursor_close(c);
    if (!found) return Status::OK();
    RETURN_IF_ERROR(Store(*src, key, std::nullopt));
    RETURN_IF_ERROR(Store(*dst, key, value));
  }
}

Status RowState::Rewind(const BinlogPosition& to) {
  std::map<uint32_t, const Table*> by_number;
  for (const auto& [name, t] : tables_) by_number[t.number] = &t;
  uint64_t undone = 0;
  if (!horizon_.empty() && to < horizon_) {
    return FailedPreconditionError(
        "the row state in {} cannot go back to {}: it keeps undo records from {} on only",
        env_->dir(), to.ToString(), horizon_.ToString());
  }
  txn_begin_.reset();  // restoring writes no undo of its own
  for (;;) {
    // Store commits a long rewind part by part (as the changes were): the transaction is
    // fetched again after it. Each part deletes the undo records it applied, so a rewind cut
    // short goes on from the rest at the next start.
    ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
    MDB_cursor* c = nullptr;
    RETURN_IF_ERROR(env_->Check(mdb_cursor_open(txn, undo_, &c), "cursor"));
    MDB_val k, v;
    int rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
    std::string uk, u;
    if (rc == 0) {
      uk = View(k);
      u = View(v);
    }
    mdb_cursor_close(c);
    if (rc != 0) break;
    std::string_view in = u;
    BinlogPosition begin;
    if (!UnpackPosition(&in, &begin) || in.size() < 9) {
      return CorruptionError("the row state in {} holds a bad undo record", env_->dir());
    }
    if (begin < to) break;
    uint32_t number = static_cast<uint32_t>(ReadBigEndian(in.data(), 4));
    size_t n = ReadBigEndian(in.data() + 4, 4);
    std::string key(in.substr(8, n));
    in.remove_prefix(8 + n);
    bool had = in[0] != 0;
    std::optional<std::string> old;
    if (had) old.emplace(in.substr(1));
    Table fallback{number, {}};
    auto it = by_number.find(number);
    MDB_val dk = Val(uk);
    RETURN_IF_ERROR(env_->Check(mdb_del(txn, undo_, &dk, nullptr), "undo"));
    RETURN_IF_ERROR(Store(it == by_number.end() ? fallback : *it->second, key, old));
    ++undone;
  }
  if (undone == 0) return Status::OK();
  RETURN_IF_ERROR(PutMeta("position", PackPosition(to)));
  pending_position_ = to;
  LOG_INFO("row state: undid {} row changes back to {}", undone, to.ToString());
  return MaybeCommit(true);
}

Status RowState::Prune(const BinlogPosition& horizon) {
  if (!(horizon_ < horizon)) return Status::OK();
  for (;;) {
    // A long prune commits as it goes, so its pages leave resident memory.
    RETURN_IF_ERROR(MaybeCommit(false));
    ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
    MDB_cursor* c = nullptr;
    RETURN_IF_ERROR(env_->Check(mdb_cursor_open(txn, undo_, &c), "cursor"));
    MDB_val k, v;
    int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
    bool drop = false;
    if (rc == 0) {
      std::string_view in = View(v);
      BinlogPosition begin;
      drop = UnpackPosition(&in, &begin) && begin < horizon;
      if (drop) rc = mdb_cursor_del(c, 0);
    }
    mdb_cursor_close(c);
    if (rc != 0 && rc != MDB_NOTFOUND) return env_->Check(rc, "pruning undo records");
    if (!drop) break;
    ++uncommitted_;
  }
  horizon_ = horizon;
  return PutMeta("horizon", PackPosition(horizon));
}

}  // namespace binlake
