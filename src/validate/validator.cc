#include "validate/validator.h"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <set>

#include "checkpoint/checkpoint_store.h"
#include "common/clock.h"
#include "common/logging.h"
#include "config/table_filter.h"
#include "mapping/table_mapping.h"
#include "pipeline/replicator.h"
#include "storage/open_object_store.h"
#include "validate/lake_table.h"
#include "validate/source_scan.h"

namespace binlake {
namespace validate {
namespace {

using MaybeRow = std::optional<std::string>;

bool Same(const MaybeRow& a, const MaybeRow& b) {
  if (!a || !b) return !a && !b;
  return DifferingColumns(*a, *b).empty();
}

// A key that differed, with what each side held at the last round.
struct Pending {
  MaybeRow source, lake;
  KeyBound literal;  // empty when only the lake has the key
  MaybeRow source_now;
  int steady = 0;  // re-checks in a row that found both sides as they were
};

// One table against one output.
struct Comparison {
  std::unique_ptr<LakeTable> lake;
  std::unique_ptr<Canonicalizer> canon;
  std::unique_ptr<LakeState> state;
  std::map<std::string, Pending> pending;
  ValidateResult result;

  bool live() const { return result.skipped.empty() && result.error.empty(); }

  void Fail(const Status& s) {
    if (result.error.empty()) result.error = s.ToString();
  }

  void AddPending(const std::string& key, MaybeRow source, MaybeRow lake_row, KeyBound literal) {
    if (pending.size() >= max_pending) {
      ++result.unchecked;
      return;
    }
    pending[key] = Pending{std::move(source), std::move(lake_row), std::move(literal), {}};
  }

  // What one differing key is, for people.
  std::string Describe(const std::string& key, const Pending& p) const {
    std::string k = canon->DisplayKey(key);
    if (!p.lake) return "missing from the lake: " + k;
    if (!p.source) return "only in the lake: " + k;
    std::string out = "differs: " + k;
    std::vector<CanonicalField> a, b;
    SplitCanonical(*p.source, &a);
    SplitCanonical(*p.lake, &b);
    for (size_t i : DifferingColumns(*p.source, *p.lake)) {
      if (i >= a.size() || i >= b.size()) continue;
      out += fmt::format("; {}: source {}, lake {}", canon->table().columns[i].name,
                         canon->Display(i, a[i]), canon->Display(i, b[i]));
    }
    return out;
  }

  size_t max_pending = 0;
};

// Waits until the output holds every change up to `at`, then folds its rows.
Status CatchUp(Comparison* c, const BinlogPosition& at, int64_t wait_ms) {
  Clock* clock = Clock::System();
  const int64_t deadline = clock->NowMicros() + wait_ms * 1000;
  for (;;) {
    ASSIGN_OR_RETURN(std::optional<BinlogPosition> pos, c->lake->Position());
    if (pos && !(*pos < at)) break;
    if (clock->NowMicros() >= deadline) {
      return DeadlineExceededError(
          "{} holds changes up to {}, behind the source's snapshot at {} after waiting {} s: "
          "validate compares once the lake has caught up; is `binlake run` running? (--wait "
          "sets how long to wait)",
          c->lake->name(), pos ? pos->ToString() : "nothing", at.ToString(), wait_ms / 1000);
    }
    clock->SleepForMicros(250'000);
  }
  ASSIGN_OR_RETURN(BinlogPosition folded, c->lake->Refresh(c->canon.get(), c->state.get()));
  c->result.at = at.ToString();
  (void)folded;
  return Status::OK();
}

// Converts a batch of source rows for each live comparison and passes them on.
Status ForEachConverted(
    std::vector<Comparison>* comparisons, std::vector<Row>* rows,
    const std::function<Status(Comparison* c, std::vector<CanonicalRow>* canon)>& fn) {
  std::vector<CanonicalRow> canon;
  size_t last = comparisons->size();  // the last live comparison takes the rows themselves
  for (size_t i = 0; i < comparisons->size(); ++i) {
    if ((*comparisons)[i].live()) last = i;
  }
  for (size_t i = 0; i < comparisons->size(); ++i) {
    Comparison& c = (*comparisons)[i];
    if (!c.live()) continue;
    std::vector<Row> copy;
    if (i != last) copy = *rows;
    Status s = c.canon->Convert(i == last ? rows : &copy, &canon);
    if (s.ok()) s = fn(&c, &canon);
    if (!s.ok()) c.Fail(s);
  }
  return Status::OK();
}

// Round 1: the whole table.
Status FirstRound(SourceScan* source, std::vector<Comparison>* comparisons,
                  const ValidateOptions& options) {
  ASSIGN_OR_RETURN(BinlogPosition at, source->Begin());
  for (Comparison& c : *comparisons) {
    if (!c.live()) continue;
    Status s = CatchUp(&c, at, options.wait_ms);
    if (s.ok()) s = c.state->ClearSeen();
    if (!s.ok()) c.Fail(s);
    c.result.rounds = 1;
  }
  Status read = source->Read(nullptr, [&](std::vector<Row>* rows, std::vector<KeyBound>* keys) {
    return ForEachConverted(comparisons, rows,
                            [&](Comparison* c, std::vector<CanonicalRow>* canon) {
                              for (size_t i = 0; i < canon->size(); ++i) {
                                CanonicalRow& r = (*canon)[i];
                                ++c->result.source_rows;
                                ASSIGN_OR_RETURN(MaybeRow lake, c->state->Get(r.key));
                                RETURN_IF_ERROR(c->state->MarkSeen(r.key));
                                if (!Same(r.row, lake))
                                  c->AddPending(r.key, r.row, std::move(lake), (*keys)[i]);
                              }
                              return Status::OK();
                            });
  });
  Status ended = source->End();
  RETURN_IF_ERROR(read);
  RETURN_IF_ERROR(ended);
  for (Comparison& c : *comparisons) {
    if (!c.live()) continue;
    c.result.lake_rows = c.state->rows();
    Status s = c.state->ForEachUnseen([&](std::string_view key, std::string_view row) {
      c.AddPending(std::string(key), std::nullopt, std::string(row), {});
      return Status::OK();
    });
    if (!s.ok()) c.Fail(s);
  }
  return Status::OK();
}

// A re-check round over the pending keys.
Status Recheck(SourceScan* source, std::vector<Comparison>* comparisons,
               const ValidateOptions& options) {
  bool whole = false;
  std::map<std::string, KeyBound> literals;  // by joined literal text, deduplicated
  for (Comparison& c : *comparisons) {
    if (!c.live()) continue;
    for (auto& [key, p] : c.pending) {
      p.source_now.reset();
      if (p.literal.empty()) {
        whole = true;
      } else {
        std::string joined;
        for (const std::string& l : p.literal) joined += l + '\0';
        literals.emplace(joined, p.literal);
      }
    }
  }
  std::vector<KeyBound> keys;
  for (auto& [joined, k] : literals) keys.push_back(k);
  ASSIGN_OR_RETURN(BinlogPosition at, source->Begin());
  for (Comparison& c : *comparisons) {
    if (!c.live() || c.pending.empty()) continue;
    Status s = CatchUp(&c, at, options.wait_ms);
    if (!s.ok()) c.Fail(s);
    ++c.result.rounds;
  }
  Status read =
      source->Read(whole ? nullptr : &keys, [&](std::vector<Row>* rows, std::vector<KeyBound>*) {
        return ForEachConverted(comparisons, rows,
                                [&](Comparison* c, std::vector<CanonicalRow>* canon) {
                                  for (CanonicalRow& r : *canon) {
                                    auto it = c->pending.find(r.key);
                                    if (it != c->pending.end())
                                      it->second.source_now = std::move(r.row);
                                  }
                                  return Status::OK();
                                });
      });
  Status ended = source->End();
  RETURN_IF_ERROR(read);
  RETURN_IF_ERROR(ended);
  for (Comparison& c : *comparisons) {
    if (!c.live()) continue;
    for (auto it = c.pending.begin(); it != c.pending.end();) {
      Pending& p = it->second;
      Result<MaybeRow> lake = c.state->Get(it->first);
      if (!lake.ok()) {
        c.Fail(lake.status());
        break;
      }
      if (Same(p.source_now, *lake)) {
        it = c.pending.erase(it);  // a change in flight at the earlier round
        continue;
      }
      p.steady = p.source_now == p.source && *lake == p.lake ? p.steady + 1 : 0;
      p.source = std::move(p.source_now);
      p.lake = std::move(*lake);
      // Two steady re-checks (one when only one is allowed): a row flipping between two values
      // in step with a single re-check does not pass for a difference.
      if (p.steady >= std::min(2, options.rechecks)) {
        ++c.result.differences;
        if (c.result.listed.size() < options.list)
          c.result.listed.push_back(c.Describe(it->first, p));
        it = c.pending.erase(it);
        continue;
      }
      ++it;
    }
  }
  return Status::OK();
}

std::pair<std::string, std::string> SplitName(const std::string& q) {
  size_t dot = q.find('.');
  return {q.substr(0, dot), q.substr(dot + 1)};
}

// Why the change log's CSV files cannot be read by column name, or "" when they can: a header
// names their columns, or the table has kept one schema (the source's) all along.
std::string CsvLayoutProblem(ObjectStore* store, const OutputConfig& o, const std::string& db,
                             const std::string& t, const TableSchema& source) {
  if (o.format != OutputFormat::kCsv) return "";
  if (o.csv_row_delimiter.empty()) {
    return "output.csv_row_delimiter is empty, so CSV rows cannot be told apart";
  }
  if (o.add_column_name) return "";
  Result<ListResult> versions = store->List("_binlake/schemas/" + db + "/" + t + "/");
  if (!versions.ok()) return versions.status().ToString();
  if (versions->objects.size() > 1) {
    return "its schema changed while binlake ran, and CSV files without a header "
           "(output.add_column_name) do not say which columns each holds";
  }
  if (versions->objects.empty()) return "";
  CheckpointStore checkpoints(store);
  const std::string& key = versions->objects.front().key;
  int64_t version = std::strtoll(key.substr(key.rfind("/v") + 2).c_str(), nullptr, 10);
  Result<std::optional<TableSchema>> lake = checkpoints.LoadSchema(db, t, version);
  if (!lake.ok() || !*lake) return "its schema record cannot be read";
  bool same = (*lake)->columns.size() == source.columns.size();
  for (size_t i = 0; same && i < source.columns.size(); ++i) {
    same = (*lake)->columns[i].name == source.columns[i].name;
  }
  return same ? ""
              : "the source's columns are not those its CSV files were written with, and the "
                "files have no header (output.add_column_name)";
}

// The comparisons of one source table: its change log and its Iceberg table.
std::vector<Comparison> Plan(const Config& config, const ValidateOptions& options,
                             const TableMapping& mapping, const TableFilter& iceberg,
                             ObjectStore* store, const std::string& db, const std::string& t,
                             const TableSchemaPtr& schema) {
  std::vector<Comparison> out;
  auto add = [&](std::string output) -> Comparison& {
    out.emplace_back();
    out.back().result.table = db + "." + t;
    out.back().result.output = std::move(output);
    out.back().max_pending = options.max_pending;
    return out.back();
  };
  auto [lake_db, lake_t] = SplitName(mapping.TargetName(db, t));
  Comparison& log = add("change log " + lake_db + "/" + lake_t);
  const OutputConfig& o = config.output;
  Result<std::shared_ptr<const TableView>> view = mapping.View(schema);
  if (std::string why = CsvLayoutProblem(store, o, lake_db, lake_t, *schema); !why.empty()) {
    log.result.skipped = why;
  } else if (o.cdc_inserts_only || o.cdc_inserts_and_updates || o.preserve_transactions) {
    log.result.skipped =
        "the change log does not hold every change per table (cdc_inserts_only, "
        "cdc_inserts_and_updates or preserve_transactions)";
  } else if (!view.ok() || *view) {
    log.result.skipped =
        "table-mapping rules or lob_max_size reshape its rows; validate compares rows as the "
        "source holds them";
  } else {
    log.lake = NewChangeLogTable(store, o, lake_db, lake_t);
    Result<std::unique_ptr<Canonicalizer>> canon = Canonicalizer::ForChangeLog(schema, o);
    if (canon.ok())
      log.canon = std::move(*canon);
    else
      log.Fail(canon.status());
  }
  if (config.iceberg.enabled && iceberg.Matches(db, t)) {
    std::string key = config.iceberg.path + "/" + db + "/" + t;
    Comparison& ice = add("iceberg " + key);
    Result<std::shared_ptr<const TableView>> filter = mapping.FilterView(schema);
    Result<std::unique_ptr<IcebergLakeTable>> table = IcebergLakeTable::Open(store, key);
    if (!filter.ok() || *filter) {
      ice.result.skipped = "a table-mapping filter selects some of its rows";
    } else if (!table.ok()) {
      ice.Fail(table.status());
    } else {
      Result<std::unique_ptr<Canonicalizer>> canon = Canonicalizer::ForIceberg(
          schema, (*table)->field_ids(), config.iceberg.soft_delete_column);
      ice.lake = std::move(*table);
      if (canon.ok())
        ice.canon = std::move(*canon);
      else
        ice.Fail(canon.status());
    }
  }
  for (Comparison& c : out) {
    if (!c.live()) continue;
    Result<std::unique_ptr<LakeState>> state = LakeState::Open(options.work_dir);
    if (state.ok())
      c.state = std::move(*state);
    else
      c.Fail(state.status());
  }
  return out;
}

}  // namespace
}  // namespace validate

Result<ValidateReport> RunValidate(const Config& config, const ValidateOptions& options) {
  using namespace validate;
  ASSIGN_OR_RETURN(ConnectOptions connect, SourceConnectOptions(config.source));
  ASSIGN_OR_RETURN(std::shared_ptr<const TableMapping> mapping, TableMapping::Load(config.tables));
  ASSIGN_OR_RETURN(TableFilter selected,
                   TableFilter::Create(mapping->include(), mapping->exclude()));
  ASSIGN_OR_RETURN(
      TableFilter asked,
      TableFilter::Create(options.tables.empty() ? std::vector<std::string>{"%.%"} : options.tables,
                          {}));
  ASSIGN_OR_RETURN(TableFilter iceberg,
                   TableFilter::Create(config.iceberg.include, config.iceberg.exclude));
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectStore> store,
                   OpenObjectStore(options.target_url, options.s3, Clock::System()));
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(connect));
  ASSIGN_OR_RETURN(QueryResult listed,
                   c->Query("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES "
                            "WHERE TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_SCHEMA, TABLE_NAME"));
  ValidateReport report;
  CheckpointStore checkpoints(store.get());
  for (const auto& row : listed.rows) {
    if (row.size() < 2 || !row[0] || !row[1]) continue;
    const std::string& db = *row[0];
    const std::string& t = *row[1];
    if (!selected.Matches(db, t) || !asked.Matches(db, t)) continue;
    ValidateResult base;
    base.table = db + "." + t;
    base.output = "source";
    // A table whose full load has not finished is not comparable yet.
    Result<std::vector<LoadRecord>> loads = checkpoints.LoadLoadRecords(db, t);
    Result<std::optional<LoadStart>> start = checkpoints.LoadLoadStart(db, t);
    bool loading = start.ok() && *start &&
                   (!loads.ok() || loads->empty() || loads->back().through.has_value());
    Result<std::unique_ptr<SourceScan>> source = SourceScan::Open(connect, db, t);
    if (!source.ok()) {
      base.error = source.status().ToString();
      report.results.push_back(base);
      continue;
    }
    if (loading) {
      base.skipped = "its full load has not finished";
      report.results.push_back(base);
      continue;
    }
    if (!(*source)->has_key()) {
      base.skipped = "no primary key or NOT NULL unique key: rows cannot be matched one to one";
      report.results.push_back(base);
      continue;
    }
    LOG_INFO("validate: {}", base.table);
    std::vector<Comparison> comparisons =
        Plan(config, options, *mapping, iceberg, store.get(), db, t, (*source)->schema());
    Status s = FirstRound(source->get(), &comparisons, options);
    for (int round = 0; s.ok() && round < options.rechecks; ++round) {
      bool any = false;
      for (const Comparison& cmp : comparisons) any = any || (cmp.live() && !cmp.pending.empty());
      if (!any) break;
      s = Recheck(source->get(), &comparisons, options);
    }
    for (Comparison& cmp : comparisons) {
      if (!s.ok()) cmp.Fail(s);
      for (const auto& [key, p] : cmp.pending) {
        ++cmp.result.unsettled;
        if (cmp.result.listed.size() < options.list) {
          cmp.result.listed.push_back("unsettled (changed in every re-check): " +
                                      cmp.canon->DisplayKey(key));
        }
      }
      report.results.push_back(std::move(cmp.result));
    }
  }
  return report;
}

}  // namespace binlake
