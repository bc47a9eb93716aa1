// The change log side of validate: a table's files folded to its latest state.

#include <fmt/format.h>

#include <algorithm>

#include "checkpoint/checkpoint_store.h"
#include "common/civil_time.h"
#include "validate/lake_table.h"

namespace binlake::validate {
namespace {

// A CDC file named <yyyymmdd-hhmmssfff>[-<part>].<ext>: its window (ms, UTC) and part.
struct CdcFile {
  int64_t window_ms = 0;
  int part = 1;
  std::string key;
  bool operator<(const CdcFile& o) const {
    return window_ms != o.window_ms ? window_ms < o.window_ms : part < o.part;
  }
};

bool ParseCdcName(const std::string& key, CdcFile* out) {
  std::string base = key.substr(key.rfind('/') + 1);
  base.resize(std::min(base.size(), base.find('.')));  // .parquet, .csv, .csv.gz, .json, ...
  if (base.size() < 18) return false;
  auto digits = [&](size_t at, size_t n, int64_t* v) {
    *v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (i >= base.size() || base[i] < '0' || base[i] > '9') return false;
      *v = *v * 10 + (base[i] - '0');
    }
    return true;
  };
  int64_t y, mo, d, h, mi, s, ms;
  if (base[8] != '-' || !digits(0, 4, &y) || !digits(4, 2, &mo) || !digits(6, 2, &d) ||
      !digits(9, 2, &h) || !digits(11, 2, &mi) || !digits(13, 2, &s) || !digits(15, 3, &ms)) {
    return false;
  }
  out->window_ms =
      ((DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 24 + h) * 60 + mi) *
          60000 +
      s * 1000 + ms;
  out->part = 1;
  if (base.size() > 18) {
    int64_t part = 0;
    if (base[18] != '-' || !digits(19, base.size() - 19, &part)) return false;
    out->part = static_cast<int>(part);
  }
  out->key = key;
  return true;
}

class ChangeLogTable : public LakeTable {
 public:
  ChangeLogTable(ObjectStore* store, const OutputConfig& output, std::string schema,
                 std::string table)
      : store_(store), schema_(std::move(schema)), table_(std::move(table)) {
    std::string cdc = output.cdc_path;
    while (!cdc.empty() && cdc.front() == '/') cdc.erase(0, 1);
    while (!cdc.empty() && cdc.back() == '/') cdc.pop_back();
    prefixes_.push_back(schema_ + "/" + table_ + "/");
    if (!cdc.empty()) prefixes_.push_back(cdc + "/" + schema_ + "/" + table_ + "/");
  }

  std::string name() const override { return "change log " + schema_ + "/" + table_; }

  Result<std::optional<BinlogPosition>> Position() override {
    CheckpointStore checkpoints(store_);
    ASSIGN_OR_RETURN(std::optional<Checkpoint> cp, checkpoints.LoadLatest());
    if (!cp) return std::optional<BinlogPosition>();
    return std::optional<BinlogPosition>(cp->position);
  }

  Result<BinlogPosition> Refresh(Canonicalizer* canon, LakeState* state) override {
    CheckpointStore checkpoints(store_);
    ASSIGN_OR_RETURN(std::optional<Checkpoint> cp, checkpoints.LoadLatest());
    if (!cp) return FailedPreconditionError("the lake holds no checkpoint yet");
    std::vector<std::string> loads;
    std::vector<CdcFile> cdc;
    for (const std::string& prefix : prefixes_) {
      ASSIGN_OR_RETURN(ListResult listed, store_->List(prefix));
      for (const ObjectInfo& o : listed.objects) {
        std::string base = o.key.substr(o.key.rfind('/') + 1);
        if (base.rfind("LOAD", 0) == 0) {
          if (prefix == prefixes_.front()) loads.push_back(o.key);
          continue;
        }
        CdcFile f;
        // Files of batches after the checkpoint (being written) wait for the next refresh.
        if (ParseCdcName(o.key, &f) && f.window_ms < cp->next_window_ms) cdc.push_back(f);
      }
    }
    std::sort(cdc.begin(), cdc.end());
    bool new_load = false;
    for (const std::string& k : loads) new_load = new_load || !loaded_.count(k);
    if (new_load && applied_) {
      // A LOAD file after changes were folded (a reload): fold everything again.
      RETURN_IF_ERROR(state->Clear());
      loaded_.clear();
      applied_.reset();
    }
    auto apply = [&](const std::string& key, bool load) -> Status {
      ASSIGN_OR_RETURN(std::string bytes, store_->Get(key));
      return canon->ReadFile(
          bytes, key, {},
          [&](char op, CanonicalRow&& row) -> Status {
            if (op == 'D' && !load) return state->Erase(row.key);
            return state->Put(row.key, row.row);
          },
          load);
    };
    for (const std::string& k : loads) {
      if (loaded_.insert(k).second) RETURN_IF_ERROR(apply(k, true));
    }
    for (const CdcFile& f : cdc) {
      if (applied_ && !(*applied_ < f)) continue;
      RETURN_IF_ERROR(apply(f.key, false));
      applied_ = f;
    }
    RETURN_IF_ERROR(state->Commit());
    return cp->position;
  }

 private:
  ObjectStore* const store_;
  const std::string schema_, table_;
  std::vector<std::string> prefixes_;  // the table's folder, and its cdc_path folder
  std::set<std::string> loaded_;       // LOAD files folded
  std::optional<CdcFile> applied_;     // the last CDC file folded
};

}  // namespace

std::unique_ptr<LakeTable> NewChangeLogTable(ObjectStore* store, const OutputConfig& output,
                                             std::string lake_schema, std::string lake_table) {
  return std::make_unique<ChangeLogTable>(store, output, std::move(lake_schema),
                                          std::move(lake_table));
}

}  // namespace binlake::validate
