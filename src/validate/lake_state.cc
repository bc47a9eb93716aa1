#include "validate/lake_state.h"

namespace binlake::validate {
namespace {
constexpr uint64_t kWritesPerTxn = 20'000;
}

Result<std::unique_ptr<LakeState>> LakeState::Open(const std::string& dir) {
  ASSIGN_OR_RETURN(std::unique_ptr<LmdbEnv> env,
                   LmdbEnv::Open(dir, "", "the validated lake rows", {{"rows"}, {"seen"}}));
  return std::unique_ptr<LakeState>(new LakeState(std::move(env)));
}

Status LakeState::Maybe() {
  if (++writes_ % kWritesPerTxn == 0) return env_->Commit();
  return Status::OK();
}

Status LakeState::Put(std::string_view key, std::string_view row) {
  ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
  MDB_val k = Val(key), v = Val(row);
  RETURN_IF_ERROR(env_->Check(mdb_put(txn, env_->dbi(0), &k, &v, 0), "put"));
  return Maybe();
}

Status LakeState::Erase(std::string_view key) {
  ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
  MDB_val k = Val(key);
  RETURN_IF_ERROR(env_->Check(mdb_del(txn, env_->dbi(0), &k, nullptr), "delete"));
  return Maybe();
}

Result<std::optional<std::string>> LakeState::Get(std::string_view key) {
  ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
  MDB_val k = Val(key), v;
  int rc = mdb_get(txn, env_->dbi(0), &k, &v);
  if (rc == MDB_NOTFOUND) return std::optional<std::string>();
  RETURN_IF_ERROR(env_->Check(rc, "get"));
  return std::optional<std::string>(std::string(View(v)));
}

Status LakeState::MarkSeen(std::string_view key) {
  ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
  MDB_val k = Val(key), v = Val("");
  RETURN_IF_ERROR(env_->Check(mdb_put(txn, env_->dbi(1), &k, &v, 0), "mark seen"));
  return Maybe();
}

Status LakeState::ClearSeen() {
  ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
  RETURN_IF_ERROR(env_->Check(mdb_drop(txn, env_->dbi(1), 0), "clear seen"));
  return env_->Commit();
}

Status LakeState::Clear() {
  ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
  RETURN_IF_ERROR(env_->Check(mdb_drop(txn, env_->dbi(0), 0), "clear"));
  RETURN_IF_ERROR(env_->Check(mdb_drop(txn, env_->dbi(1), 0), "clear seen"));
  return env_->Commit();
}

uint64_t LakeState::rows() {
  Result<MDB_txn*> txn = env_->Txn();
  if (!txn.ok()) return 0;
  MDB_stat st;
  if (mdb_stat(*txn, env_->dbi(0), &st) != 0) return 0;
  return st.ms_entries;
}

Status LakeState::Commit() { return env_->Commit(); }

Status LakeState::ForEachUnseen(
    const std::function<Status(std::string_view key, std::string_view row)>& fn) {
  // In slices, each its own transaction, so that the pages a slice read are released (Commit)
  // before the next: a scan of a large table does not keep the whole map resident.
  constexpr size_t kSlice = 50'000;
  std::string resume;  // the key after which the next slice starts
  for (bool first = true;; first = false) {
    RETURN_IF_ERROR(env_->Commit());
    ASSIGN_OR_RETURN(MDB_txn * txn, env_->Txn());
    MDB_cursor* cursor = nullptr;
    RETURN_IF_ERROR(env_->Check(mdb_cursor_open(txn, env_->dbi(0), &cursor), "cursor"));
    MDB_val k = Val(resume), v;
    int rc = first ? mdb_cursor_get(cursor, &k, &v, MDB_FIRST)
                   : mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE);
    if (!first && rc == 0 && View(k) == resume) rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT);
    Status s;
    size_t n = 0;
    for (; rc == 0 && s.ok() && n < kSlice; rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT), ++n) {
      resume.assign(View(k));
      MDB_val seen;
      if (mdb_get(txn, env_->dbi(1), &k, &seen) == 0) continue;
      s = fn(View(k), View(v));
    }
    mdb_cursor_close(cursor);
    RETURN_IF_ERROR(s);
    if (rc == MDB_NOTFOUND) return env_->Commit();
    RETURN_IF_ERROR(env_->Check(rc, "cursor"));
  }
}

}  // namespace binlake::validate
