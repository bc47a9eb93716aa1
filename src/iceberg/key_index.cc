#include "iceberg/key_index.h"

#include <lmdb.h>
#include <openssl/sha.h>
#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "format/parquet_value_converter.h"

namespace binlake {
namespace {

constexpr int32_t kDeleteFilePathId = 2147483546;
constexpr int32_t kDeletePosId = 2147483545;

bool IsDecimal(const IcebergColumn& c) { return c.type.rfind("decimal", 0) == 0; }

template <typename T>
std::string LittleEndian(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}

}  // namespace

Result<std::shared_ptr<KeyIndexStore>> KeyIndexStore::Open(const std::string& parent) {
  std::string base = parent;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp && *tmp ? tmp : "/tmp";
  }
  std::string pattern = base + "/binlake-keyindex-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    return UnavailableError(
        "creating the Iceberg key index directory under {}: {} (set spill.dir "
        "to a writable folder)",
        base, std::strerror(errno));
  }
  std::shared_ptr<KeyIndexStore> s(new KeyIndexStore());
  s->dir_ = pattern;
  MDB_env* env = nullptr;
  int rc = mdb_env_create(&env);
  if (rc == 0) rc = mdb_env_set_mapsize(env, size_t{1} << 40);  // address space, not disk
  if (rc == 0) {
    rc = mdb_env_open(env, s->dir_.c_str(),
                      MDB_NOSYNC | MDB_NOMETASYNC | MDB_WRITEMAP | MDB_NORDAHEAD | MDB_NOTLS, 0600);
  }
  s->env_ = env;
  if (rc != 0) {
    return UnavailableError("opening the Iceberg key index in {}: {}", s->dir_, mdb_strerror(rc));
  }
  ASSIGN_OR_RETURN(void* txn, s->Txn());
  MDB_dbi dbi;
  rc = mdb_dbi_open(static_cast<MDB_txn*>(txn), nullptr, MDB_DUPSORT | MDB_DUPFIXED, &dbi);
  if (rc != 0) return UnavailableError("opening the Iceberg key index: {}", mdb_strerror(rc));
  s->dbi_ = dbi;
  RETURN_IF_ERROR(s->MaybeCommit(0));
  return s;
}

KeyIndexStore::~KeyIndexStore() {
  if (txn_) mdb_txn_abort(static_cast<MDB_txn*>(txn_));
  if (env_) mdb_env_close(static_cast<MDB_env*>(env_));
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

Result<void*> KeyIndexStore::Txn() {
  if (txn_) return txn_;
  MDB_txn* txn = nullptr;
  int rc = mdb_txn_begin(static_cast<MDB_env*>(env_), nullptr, 0, &txn);
  if (rc != 0) return UnavailableError("Iceberg key index: {}", mdb_strerror(rc));
  txn_ = txn;
  return txn_;
}

Status KeyIndexStore::MaybeCommit(uint64_t every) {
  if (!txn_ || changes_ < every) return Status::OK();
  int rc = mdb_txn_commit(static_cast<MDB_txn*>(txn_));
  txn_ = nullptr;
  changes_ = 0;
  if (rc != 0) {
    return ResourceExhaustedError("Iceberg key index in {}: {} (is its disk full?)", dir_,
                                  mdb_strerror(rc));
  }
  return Status::OK();
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
  ASSIGN_OR_RETURN(void* t, store_->Txn());
  MDB_txn* txn = static_cast<MDB_txn*>(t);
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

Status KeyIndex::Add(const std::string& key, RowLocation at) {
  ASSIGN_OR_RETURN(void* t, store_->Txn());
  std::string k = StoreKey(key);
  std::string v = PackLocation(at);
  MDB_val mk{k.size(), k.data()};
  MDB_val mv{v.size(), v.data()};
  int rc = mdb_put(static_cast<MDB_txn*>(t), store_->dbi_, &mk, &mv, MDB_NODUPDATA);
  if (rc == MDB_KEYEXIST) return Status::OK();
  RETURN_IF_ERROR(Check(rc, "insert"));
  ++live_[at.file];
  ++rows_;
  ++store_->changes_;
  return store_->MaybeCommit(kChangesPerCommit);
}

Result<bool> KeyIndex::Remove(const std::string& key, RowLocation at) {
  ASSIGN_OR_RETURN(void* t, store_->Txn());
  std::string k = StoreKey(key);
  std::string v = PackLocation(at);
  MDB_val mk{k.size(), k.data()};
  MDB_val mv{v.size(), v.data()};
  int rc = mdb_del(static_cast<MDB_txn*>(t), store_->dbi_, &mk, &mv);
  if (rc == MDB_NOTFOUND) return false;
  RETURN_IF_ERROR(Check(rc, "delete"));
  --live_[at.file];
  --rows_;
  ++store_->changes_;
  RETURN_IF_ERROR(store_->MaybeCommit(kChangesPerCommit));
  return true;
}

Status KeyIndex::Clear() {
  if (rows_ > 0) {
    const std::string prefix = StoreKey("").substr(0, 4);
    for (;;) {
      ASSIGN_OR_RETURN(void* t, store_->Txn());
      MDB_txn* txn = static_cast<MDB_txn*>(t);
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

void AppendCanonicalKeyPart(const IcebergColumn& column, ParquetType physical,
                            const std::optional<std::string>& plain, std::string* key) {
  if (!plain) {
    key->push_back('\0');
    return;
  }
  std::string v;
  if (IsDecimal(column)) {
    if (physical == ParquetType::kInt32 || physical == ParquetType::kInt64) {
      int64_t x = 0;
      if (physical == ParquetType::kInt32) {
        int32_t y;
        std::memcpy(&y, plain->data(), 4);
        x = y;
      } else {
        std::memcpy(&x, plain->data(), 8);
      }
      std::string be(8, '\0');
      for (int i = 0; i < 8; ++i) be[static_cast<size_t>(i)] = static_cast<char>(x >> (56 - 8 * i));
      v = MinimalBigEndian(be);
    } else {
      v = MinimalBigEndian(*plain);
    }
  } else if (physical == ParquetType::kInt32 && plain->size() == 4) {
    int32_t y;
    std::memcpy(&y, plain->data(), 4);
    v = LittleEndian<int64_t>(y);
  } else if (physical == ParquetType::kFloat && plain->size() == 4) {
    float f;
    std::memcpy(&f, plain->data(), 4);
    v = LittleEndian<double>(f);
  } else {
    v = *plain;
  }
  key->push_back('\1');
  uint32_t n = static_cast<uint32_t>(v.size());
  key->append(reinterpret_cast<const char*>(&n), 4);
  key->append(v);
}

Result<std::vector<ParquetColumnPlan>> IcebergPlans(const IcebergSchema& schema) {
  std::vector<ParquetColumnPlan> plans;
  ParquetOptions options = IcebergParquetOptions();
  for (const IcebergColumn& c : schema.columns) {
    ASSIGN_OR_RETURN(ParquetColumnPlan p, PlanColumn(c.file_column, options));
    plans.push_back(std::move(p));
  }
  return plans;
}

Result<std::string> CanonicalKey(const IcebergSchema& schema,
                                 const std::vector<ParquetColumnPlan>& plans, const Row& row) {
  std::string key;
  const ZeroDateRule rule = IcebergParquetOptions().zero_date;
  std::string scratch;
  for (int k : schema.key_columns) {
    const ParquetColumnPlan& plan = plans[static_cast<size_t>(k)];
    const IcebergColumn& column = schema.columns[static_cast<size_t>(k)];
    const Value& v = row[static_cast<size_t>(k)];
    std::optional<std::string> plain;
    if (!v.is_null()) {
      bool is_null = false;
      switch (plan.type) {
        case ParquetType::kBoolean: {
          bool b;
          RETURN_IF_ERROR(ConvertToBool(plan, v, &b));
          plain = std::string(1, b ? '\1' : '\0');
          break;
        }
        case ParquetType::kInt32: {
          int32_t x;
          RETURN_IF_ERROR(ConvertToInt32(plan, rule, v, &x, &is_null));
          plain = LittleEndian(x);
          break;
        }
        case ParquetType::kInt64: {
          int64_t x;
          RETURN_IF_ERROR(ConvertToInt64(plan, rule, v, &x, &is_null));
          plain = LittleEndian(x);
          break;
        }
        case ParquetType::kFloat: {
          float x;
          RETURN_IF_ERROR(ConvertToFloat(plan, v, &x));
          plain = LittleEndian(x);
          break;
        }
        case ParquetType::kDouble: {
          double x;
          RETURN_IF_ERROR(ConvertToDouble(plan, v, &x));
          plain = LittleEndian(x);
          break;
        }
        default: {
          std::string_view b;
          RETURN_IF_ERROR(ConvertToBytes(plan, v, &scratch, &b));
          plain = std::string(b);
          break;
        }
      }
      if (is_null) plain.reset();
    }
    AppendCanonicalKeyPart(column, plan.type, plain, &key);
  }
  return key;
}

Status ReadFileKeys(const IcebergSchema& schema, const ParquetReader& reader,
                    const std::string& path, std::vector<std::string>* keys) {
  const size_t rows = static_cast<size_t>(reader.num_rows());
  keys->assign(rows, std::string());
  std::vector<std::optional<std::string>> values;
  for (int k : schema.key_columns) {
    const IcebergColumn& column = schema.columns[static_cast<size_t>(k)];
    int at = reader.FindByFieldId(column.file_column.field_id);
    ParquetType physical = ParquetType::kByteArray;
    if (at >= 0) {
      RETURN_IF_ERROR(reader.ReadColumn(at, &values));
      if (values.size() != rows) {
        return CorruptionError("{}: column '{}' has {} values for {} rows", path,
                               column.file_column.name, values.size(), rows);
      }
      physical = reader.columns()[static_cast<size_t>(at)].type;
    } else {
      values.assign(rows, std::nullopt);
    }
    for (size_t r = 0; r < rows; ++r) {
      AppendCanonicalKeyPart(column, physical, values[r], &(*keys)[r]);
    }
  }
  return Status::OK();
}

Status IndexDataFile(const IcebergSchema& schema, std::string_view bytes, const std::string& path,
                     const std::vector<int64_t>& deleted, KeyIndex* index) {
  ASSIGN_OR_RETURN(std::unique_ptr<ParquetReader> reader, ParquetReader::Open(bytes, path));
  std::vector<std::string> keys;
  RETURN_IF_ERROR(ReadFileKeys(schema, *reader, path, &keys));
  uint32_t file = index->FileNumber(path);
  std::vector<int64_t> gone = deleted;
  std::sort(gone.begin(), gone.end());
  for (size_t r = 0; r < keys.size(); ++r) {
    if (std::binary_search(gone.begin(), gone.end(), static_cast<int64_t>(r))) continue;
    RETURN_IF_ERROR(index->Add(keys[r], RowLocation{file, static_cast<int64_t>(r)}));
  }
  return Status::OK();
}

Status ReadPositionDeletes(std::string_view bytes, const std::string& path,
                           std::map<std::string, std::vector<int64_t>>* out) {
  ASSIGN_OR_RETURN(std::unique_ptr<ParquetReader> reader, ParquetReader::Open(bytes, path));
  int path_col = reader->FindByFieldId(kDeleteFilePathId);
  if (path_col < 0) path_col = reader->FindByName("file_path");
  int pos_col = reader->FindByFieldId(kDeletePosId);
  if (pos_col < 0) pos_col = reader->FindByName("pos");
  if (path_col < 0 || pos_col < 0) {
    return CorruptionError("{} is not a position delete file (no file_path and pos columns)", path);
  }
  std::vector<std::optional<std::string>> paths, positions;
  RETURN_IF_ERROR(reader->ReadColumn(path_col, &paths));
  RETURN_IF_ERROR(reader->ReadColumn(pos_col, &positions));
  if (paths.size() != positions.size()) {
    return CorruptionError("{}: file_path and pos columns differ in length", path);
  }
  for (size_t i = 0; i < paths.size(); ++i) {
    if (!paths[i] || !positions[i] || positions[i]->size() != 8) {
      return CorruptionError("{}: row {} has a NULL or malformed file_path/pos", path, i);
    }
    int64_t pos;
    std::memcpy(&pos, positions[i]->data(), 8);
    (*out)[*paths[i]].push_back(pos);
  }
  return Status::OK();
}

}  // namespace binlake
