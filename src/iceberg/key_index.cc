#include "iceberg/key_index.h"

#include <openssl/sha.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "common/logging.h"

namespace binlake {

Result<std::shared_ptr<KeyIndexStore>> KeyIndexStore::Open(const std::string& parent,
                                                           const std::string& name) {
  std::shared_ptr<KeyIndexStore> s(new KeyIndexStore());
  // A kept folder is usable by one process at a time: another binlake on the same lake
  // (which its commits will refuse anyway) gets a throwaway one, rebuilt from the tables.
  ASSIGN_OR_RETURN(s->env_, LmdbEnv::Open(parent, name, "the Iceberg key index",
                                          {{"keys", MDB_DUPSORT | MDB_DUPFIXED}, {"state", 0}}));
  s->dbi_ = s->env_->dbi(0);
  s->state_dbi_ = s->env_->dbi(1);
  if (s->kept()) RETURN_IF_ERROR(s->DropAnonymousTables());  // left by an earlier run
  return s;
}

Result<uint32_t> KeyIndexStore::TableNumber(const std::string& name) {
  ASSIGN_OR_RETURN(uint32_t n, NamedTableNumber(name));
  // A second index of the same table in this process gets a number of its own.
  if (attached_.count(n)) n = next_anonymous_++;
  attached_.insert(n);
  return n;
}

Status KeyIndexStore::DropAnonymousTables() {
  const std::string from(1, '\x80');
  for (;;) {
    ASSIGN_OR_RETURN(MDB_txn * txn, Txn());
    MDB_cursor* cursor = nullptr;
    int rc = mdb_cursor_open(txn, dbi_, &cursor);
    if (rc != 0) return UnavailableError("Iceberg key index: {}", mdb_strerror(rc));
    MDB_val mk{from.size(), const_cast<char*>(from.data())};
    MDB_val mv;
    rc = mdb_cursor_get(cursor, &mk, &mv, MDB_SET_RANGE);
    if (rc == 0) rc = mdb_cursor_del(cursor, MDB_NODUPDATA);
    mdb_cursor_close(cursor);
    if (rc == MDB_NOTFOUND) break;
    if (rc != 0) return UnavailableError("Iceberg key index: {}", mdb_strerror(rc));
    if (++changes_ >= 50'000) RETURN_IF_ERROR(MaybeCommit(0));
  }
  return MaybeCommit(0);
}

Result<uint32_t> KeyIndexStore::NamedTableNumber(const std::string& name) {
  ASSIGN_OR_RETURN(MDB_txn * txn, Txn());
  std::string k = "table:" + name;
  MDB_val mk{k.size(), k.data()};
  MDB_val mv;
  int rc = mdb_get(txn, state_dbi_, &mk, &mv);
  if (rc == 0 && mv.mv_size == 4) {
    uint32_t n;
    std::memcpy(&n, mv.mv_data, 4);
    return n;
  }
  // The next number: one past the highest given out.
  std::string next_key = "next-table";
  MDB_val nk{next_key.size(), next_key.data()};
  uint32_t n = 1;
  if (mdb_get(txn, state_dbi_, &nk, &mv) == 0 && mv.mv_size == 4) std::memcpy(&n, mv.mv_data, 4);
  uint32_t next = n + 1;
  MDB_val nv{4, &next};
  MDB_val tv{4, &n};
  rc = mdb_put(txn, state_dbi_, &nk, &nv, 0);
  if (rc == 0) rc = mdb_put(txn, state_dbi_, &mk, &tv, 0);
  if (rc != 0) return ResourceExhaustedError("Iceberg key index: {}", mdb_strerror(rc));
  RETURN_IF_ERROR(MaybeCommit(0));
  return n;
}

Status KeyIndexStore::MaybeCommit(uint64_t every) {
  if (!env_->in_txn() || changes_ < every) return Status::OK();
  changes_ = 0;
  return env_->Commit();
}

namespace {

// Changes a write transaction gathers before it is committed to the file.
constexpr uint64_t kChangesPerCommit = 50'000;

Status Check(int rc, const char* what) {
  if (rc == 0 || rc == MDB_NOTFOUND) return Status::OK();
  return ResourceExhaustedError("Iceberg key index: {}: {}", what, mdb_strerror(rc));
}

std::string PackLocation(RowLocation at) {
  std::string v(12, '\0');
  // Big-endian, so duplicates sort by file, then position.
  for (int i = 0; i < 4; ++i)
    v[static_cast<size_t>(i)] = static_cast<char>(at.file >> (24 - 8 * i));
  uint64_t pos = static_cast<uint64_t>(at.pos);
  for (int i = 0; i < 8; ++i) {
    v[static_cast<size_t>(4 + i)] = static_cast<char>(pos >> (56 - 8 * i));
  }
  return v;
}

RowLocation UnpackLocation(const MDB_val& v) {
  const auto* b = static_cast<const uint8_t*>(v.mv_data);
  RowLocation at;
  for (int i = 0; i < 4; ++i) at.file = (at.file << 8) | b[i];
  uint64_t pos = 0;
  for (int i = 0; i < 8; ++i) pos = (pos << 8) | b[4 + i];
  at.pos = static_cast<int64_t>(pos);
  return at;
}

}  // namespace

std::string KeyIndex::StoreKey(const std::string& key) const {
  std::string k(4, '\0');
  for (int i = 0; i < 4; ++i) k[static_cast<size_t>(i)] = static_cast<char>(table_ >> (24 - 8 * i));
  if (key.size() + 4 <= 400) {
    k += key;
  } else {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
    k.push_back('\xff');  // canonical keys start with 0 or 1: no clash
    k.append(reinterpret_cast<const char*>(digest), sizeof(digest));
  }
  return k;
}

uint32_t KeyIndex::FileNumber(const std::string& path) {
  auto it = file_numbers_.find(path);
  if (it != file_numbers_.end()) return it->second;
  uint32_t n = static_cast<uint32_t>(files_.size());
  files_.push_back(path);
  live_.push_back(0);
  file_numbers_.emplace(path, n);
  return n;
}

Status KeyIndex::Find(const std::string& key, std::vector<RowLocation>* out) {
  out->clear();
  ASSIGN_OR_RETURN(MDB_txn * txn, store_->Txn());
  std::string k = StoreKey(key);
  MDB_cursor* cursor = nullptr;
  RETURN_IF_ERROR(Check(mdb_cursor_open(txn, store_->dbi_, &cursor), "cursor"));
  MDB_val mk{k.size(), k.data()};
  MDB_val mv;
  int rc = mdb_cursor_get(cursor, &mk, &mv, MDB_SET_KEY);
  while (rc == 0) {
    out->push_back(UnpackLocation(mv));
    rc = mdb_cursor_get(cursor, &mk, &mv, MDB_NEXT_DUP);
  }
  mdb_cursor_close(cursor);
  return Check(rc, "lookup");
}

Status KeyIndex::Unsave(MDB_txn* txn) {
  if (!saved_) return Status::OK();
  // In the transaction of the first change: the saved state never outlives the entries it
  // describes.
  std::string k = StateKey();
  MDB_val mk{k.size(), k.data()};
  RETURN_IF_ERROR(Check(mdb_del(txn, store_->state_dbi_, &mk, nullptr), "unsave"));
  saved_ = false;
  return Status::OK();
}

std::string KeyIndex::StateKey() const { return "state:" + std::to_string(table_); }

Status KeyIndex::Save(const std::string& tag) {
  ASSIGN_OR_RETURN(MDB_txn * t, store_->Txn());
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  for (size_t i = 0; i < files_.size(); ++i) files.push_back({files_[i], live_[i]});
  const std::string boot = LmdbEnv::BootId();
  if (boot.empty()) return store_->MaybeCommit(0);  // nothing to trust it by
  std::string v =
      nlohmann::ordered_json{{"tag", tag}, {"boot", boot}, {"rows", rows_}, {"files", files}}
          .dump();
  std::string k = StateKey();
  MDB_val mk{k.size(), k.data()};
  MDB_val mv{v.size(), v.data()};
  RETURN_IF_ERROR(Check(mdb_put(t, store_->state_dbi_, &mk, &mv, 0), "save"));
  RETURN_IF_ERROR(store_->MaybeCommit(0));
  saved_ = true;
  return Status::OK();
}

Result<bool> KeyIndex::Restore(const std::string& tag) {
  ASSIGN_OR_RETURN(MDB_txn * t, store_->Txn());
  std::string k = StateKey();
  MDB_val mk{k.size(), k.data()};
  MDB_val mv;
  if (mdb_get(t, store_->state_dbi_, &mk, &mv) != 0) return false;
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(
      std::string_view(static_cast<const char*>(mv.mv_data), mv.mv_size), nullptr, false);
  const std::string boot = LmdbEnv::BootId();
  if (!j.is_object() || j.value("tag", "") != tag || boot.empty() || j.value("boot", "") != boot) {
    return false;
  }
  files_.clear();
  file_numbers_.clear();
  live_.clear();
  for (const auto& f : j["files"]) {
    file_numbers_.emplace(f[0].get<std::string>(), static_cast<uint32_t>(files_.size()));
    files_.push_back(f[0].get<std::string>());
    live_.push_back(f[1].get<int64_t>());
  }
  rows_ = j["rows"].get<size_t>();
  saved_ = true;
  return true;
}

Status KeyIndex::Add(const std::string& key, RowLocation at) {
  ASSIGN_OR_RETURN(MDB_txn * t, store_->Txn());
  RETURN_IF_ERROR(Unsave(t));
  std::string k = StoreKey(key);
  std::string v = PackLocation(at);
  MDB_val mk{k.size(), k.data()};
  MDB_val mv{v.size(), v.data()};
  int rc = mdb_put(t, store_->dbi_, &mk, &mv, MDB_NODUPDATA);
  if (rc == MDB_KEYEXIST) return Status::OK();
  RETURN_IF_ERROR(Check(rc, "insert"));
  ++live_[at.file];
  ++rows_;
  ++store_->changes_;
  return store_->MaybeCommit(kChangesPerCommit);
}

Result<bool> KeyIndex::Remove(const std::string& key, RowLocation at) {
  ASSIGN_OR_RETURN(MDB_txn * t, store_->Txn());
  RETURN_IF_ERROR(Unsave(t));
  std::string k = StoreKey(key);
  std::string v = PackLocation(at);
  MDB_val mk{k.size(), k.data()};
  MDB_val mv{v.size(), v.data()};
  int rc = mdb_del(t, store_->dbi_, &mk, &mv);
  if (rc == MDB_NOTFOUND) return false;
  RETURN_IF_ERROR(Check(rc, "delete"));
  --live_[at.file];
  --rows_;
  ++store_->changes_;
  RETURN_IF_ERROR(store_->MaybeCommit(kChangesPerCommit));
  return true;
}

Status KeyIndex::Clear() {
  {
    ASSIGN_OR_RETURN(MDB_txn * t, store_->Txn());
    RETURN_IF_ERROR(Unsave(t));
    // Whatever is stored under the table's number goes, counted in rows_ or not (left by an
    // earlier process).
    const std::string prefix = StoreKey("").substr(0, 4);
    for (;;) {
      ASSIGN_OR_RETURN(MDB_txn * txn, store_->Txn());
      MDB_cursor* cursor = nullptr;
      RETURN_IF_ERROR(Check(mdb_cursor_open(txn, store_->dbi_, &cursor), "cursor"));
      MDB_val mk{prefix.size(), const_cast<char*>(prefix.data())};
      MDB_val mv;
      int rc = mdb_cursor_get(cursor, &mk, &mv, MDB_SET_RANGE);
      std::string key;
      if (rc == 0) key.assign(static_cast<const char*>(mk.mv_data), mk.mv_size);
      mdb_cursor_close(cursor);
      RETURN_IF_ERROR(Check(rc, "clear"));
      if (rc == MDB_NOTFOUND || key.compare(0, 4, prefix) != 0) break;
      MDB_val dk{key.size(), key.data()};
      RETURN_IF_ERROR(Check(mdb_del(txn, store_->dbi_, &dk, nullptr), "clear"));
      ++store_->changes_;
      RETURN_IF_ERROR(store_->MaybeCommit(kChangesPerCommit));
    }
    RETURN_IF_ERROR(store_->MaybeCommit(0));
  }
  files_.clear();
  file_numbers_.clear();
  live_.clear();
  rows_ = 0;
  return Status::OK();
}

}  // namespace binlake
