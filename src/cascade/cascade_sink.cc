#include "cascade/cascade_sink.h"

#include <algorithm>

#include "common/logging.h"
#include "model/ddl.h"

namespace binlake {
namespace {

// InnoDB refuses a statement whose cascade goes deeper (FK_MAX_CASCADE_DEL).
constexpr int kMaxCascadeDepth = 15;

std::pair<std::string, std::string> SplitName(const std::string& qualified) {
  size_t dot = qualified.find('.');
  return {qualified.substr(0, dot), qualified.substr(dot + 1)};
}

bool SameKey(const TableSchema& schema, const Row& a, const Row& b) {
  if (schema.key_columns.empty()) return false;
  for (int i : schema.key_columns) {
    if (!(a[static_cast<size_t>(i)] == b[static_cast<size_t>(i)])) return false;
  }
  return true;
}

}  // namespace

CascadeSink::CascadeSink(Options options, Hooks hooks, RowState* state, ChangeSink* next)
    : options_(options),
      hooks_(std::move(hooks)),
      state_(state),
      next_(next),
      applied_(state->position()) {}

Status CascadeSink::Start() {
  RETURN_IF_ERROR(Refresh());
  auto replicated = [this](const std::string& q) {
    auto [db, t] = SplitName(q);
    return hooks_.replicated(db, t);
  };
  if (options_.cascades) {
    size_t n = graph_.CountOnReplicated(replicated);
    LOG_INFO(
        "{} foreign key{} with cascading actions on replicated tables; the row state keeps "
        "{} table{} for them ({})",
        n, n == 1 ? "" : "s", needed_.size(), needed_.size() == 1 ? "" : "s", state_->dir());
  }
  return Status::OK();
}

Status CascadeSink::Refresh() {
  ASSIGN_OR_RETURN(std::vector<ForeignKey> keys, hooks_.read_keys());
  ForeignKeyGraph graph = options_.cascades ? ForeignKeyGraph(keys) : ForeignKeyGraph();
  bool changed = !(graph == graph_);
  graph_ = std::move(graph);
  needed_ = graph_.NeededChildren([this](const std::string& q) {
    auto [db, t] = SplitName(q);
    return hooks_.replicated(db, t);
  });
  if (changed) {
    for (const std::string& t : needed_) RETURN_IF_ERROR(EnsureKept(t));
    // Kept tables whose lookups changed get them rebuilt by Keep.
    for (const ForeignKey& k : graph_.keys()) {
      if (state_->Kept(k.Child())) RETURN_IF_ERROR(EnsureKept(k.Child()));
    }
  }
  return Status::OK();
}

bool CascadeSink::Keeps(const std::string& database, const std::string& table) const {
  return needed_.count(database + "." + table) ||
         (options_.truncate_rows && hooks_.replicated(database, table));
}

Status CascadeSink::EnsureKept(const std::string& qualified) {
  std::vector<std::vector<std::string>> lookups;
  for (const ForeignKey& k : graph_.keys()) {
    if (k.Child() == qualified &&
        std::find(lookups.begin(), lookups.end(), k.child_columns) == lookups.end()) {
      lookups.push_back(k.child_columns);
    }
  }
  return state_->Keep(qualified, lookups);
}

Result<TableSchemaPtr> CascadeSink::SchemaOf(const std::string& database,
                                             const std::string& table) {
  std::string q = database + "." + table;
  auto it = schemas_.find(q);
  if (it != schemas_.end()) return it->second;
  ASSIGN_OR_RETURN(TableSchemaPtr s, hooks_.describe(database, table));
  schemas_[q] = s;
  return s;
}

Status CascadeSink::Begin(const TransactionBegin& begin) {
  if (!begin.position.empty() && !(applied_ < begin.position)) {
    // The stream went back (a restart behind the state, a dropped transaction), or a
    // transaction that never ended left a committed part (a large one, then kill -9): undo
    // whatever the state holds from this transaction's start on. Cheap when nothing is.
    RETURN_IF_ERROR(state_->Rewind(begin.position));
  }
  begin_ = begin.position;
  in_txn_ = true;
  BinlogPosition from = hooks_.outputs_from();
  forward_ = begin.position.empty() || from.empty() || !(begin.position < from);
  RETURN_IF_ERROR(state_->BeginTransaction(begin.position));
  return forward_ ? next_->Begin(begin) : Status::OK();
}

Status CascadeSink::Apply(const RowChange& c) {
  const TableSchema& s = *c.table;
  if (!state_->Kept(s.QualifiedName())) {
    if (!Keeps(s.database, s.table)) return Status::OK();
    RETURN_IF_ERROR(EnsureKept(s.QualifiedName()));
  }
  switch (c.op) {
    case Op::kInsert:
      return state_->Upsert(s, c.after);
    case Op::kDelete:
      return state_->Remove(s, c.before);
    case Op::kUpdate:
      if (!SameKey(s, c.before, c.after)) RETURN_IF_ERROR(state_->Remove(s, c.before));
      return state_->Upsert(s, c.after);
  }
  return Status::OK();
}

Status CascadeSink::Emit(RowChange change) {
  RETURN_IF_ERROR(Apply(change));
  if (change.origin != ChangeOrigin::kLogged) ++synthesized_;
  return forward_ ? next_->Row(std::move(change)) : Status::OK();
}

Status CascadeSink::Row(RowChange change) {
  schemas_[change.table->QualifiedName()] = change.table;
  if (change.op == Op::kInsert || !change.foreign_key_checks ||
      !graph_.IsParent(change.table->QualifiedName())) {
    return Emit(std::move(change));
  }
  // A parent row: its change first, then what it does to child rows.
  TableSchemaPtr table = change.table;
  ::binlake::Row before = change.before;
  std::optional<::binlake::Row> after;
  if (change.op == Op::kUpdate) after = change.after;
  RETURN_IF_ERROR(Emit(std::move(change)));
  std::vector<std::string> chain{table->QualifiedName()};
  return Cascade(*table, before, after ? &*after : nullptr, 1, &chain);
}

Status CascadeSink::Cascade(const TableSchema& table, const ::binlake::Row& before,
                            const ::binlake::Row* after, int depth,
                            std::vector<std::string>* chain) {
  for (const ForeignKey& fk : graph_.Referencing(table.QualifiedName())) {
    FkAction action = after ? fk.on_update : fk.on_delete;
    if (action != FkAction::kCascade && action != FkAction::kSetNull) continue;
    if (!state_->Kept(fk.Child())) continue;
    std::vector<Value> old_key, new_key;
    bool usable = true;
    for (const std::string& col : fk.parent_columns) {
      int i = table.FindColumn(col);
      if (i < 0 || before[static_cast<size_t>(i)].is_null() ||
          before[static_cast<size_t>(i)].is_absent()) {
        usable = false;  // NULL references nothing
        break;
      }
      old_key.push_back(before[static_cast<size_t>(i)]);
      if (after) new_key.push_back((*after)[static_cast<size_t>(i)]);
    }
    if (!usable || (after && old_key == new_key)) continue;
    // An update never cascades back into a table this cascade already updated (InnoDB
    // treats that as RESTRICT, so the server found no such row).
    if (after && std::find(chain->begin(), chain->end(), fk.Child()) != chain->end()) continue;
    if (depth > kMaxCascadeDepth) {
      if (!warned_depth_) {
        LOG_WARN(
            "a cascade from {} at {} goes deeper than InnoDB's {} levels; binlake stops "
            "there as the server would have refused the statement (is the row state "
            "behind the source?)",
            table.QualifiedName(), begin_.ToString(), kMaxCascadeDepth);
        warned_depth_ = true;
      }
      return Status::OK();
    }
    ASSIGN_OR_RETURN(TableSchemaPtr child, SchemaOf(fk.child_database, fk.child_table));
    std::vector<size_t> cols;
    for (const std::string& c : fk.child_columns) {
      int i = child->FindColumn(c);
      if (i < 0) {
        return FailedPreconditionError("foreign key {} names column {} that {} does not have",
                                       fk.name, c, fk.Child());
      }
      cols.push_back(static_cast<size_t>(i));
    }
    std::vector<::binlake::Row> rows;
    RETURN_IF_ERROR(state_->Find(*child, fk.child_columns, old_key, &rows));
    for (::binlake::Row& row : rows) {
      RowChange c;
      c.origin = ChangeOrigin::kCascade;
      c.table = child;
      c.before = std::move(row);
      if (!after && action == FkAction::kCascade) {
        c.op = Op::kDelete;
      } else {
        c.op = Op::kUpdate;
        c.after = c.before;
        for (size_t j = 0; j < cols.size(); ++j) {
          c.after[cols[j]] = action == FkAction::kSetNull ? Value::Null() : new_key[j];
        }
      }
      ::binlake::Row child_before = c.before;
      std::optional<::binlake::Row> child_after;
      if (c.op == Op::kUpdate) child_after = c.after;
      RETURN_IF_ERROR(Emit(std::move(c)));
      chain->push_back(fk.Child());
      Status s =
          Cascade(*child, child_before, child_after ? &*child_after : nullptr, depth + 1, chain);
      chain->pop_back();
      RETURN_IF_ERROR(s);
    }
  }
  return Status::OK();
}

Status CascadeSink::Schema(const SchemaChange& change) {
  DdlEffect effect = ParseDdl(change);
  for (const DdlTable& t : effect.truncated) {
    std::string q = t.database + "." + t.table;
    // A table kept in an earlier run is declared again on its first change; TRUNCATE may
    // come first.
    if (!state_->Kept(q) && Keeps(t.database, t.table)) RETURN_IF_ERROR(EnsureKept(q));
    if (!state_->Kept(q)) {
      if (hooks_.replicated(t.database, t.table)) {
        LOG_WARN(
            "TRUNCATE TABLE {} at {}: binlake keeps no row state for this table "
            "(truncate: warn), so the change log gets no D rows for the rows it removed; "
            "a latest state rebuilt from the change log keeps them. Set truncate: "
            "delete-rows to have them written",
            q, begin_.ToString());
      }
      continue;
    }
    ASSIGN_OR_RETURN(TableSchemaPtr schema, SchemaOf(t.database, t.table));
    uint64_t n = 0;
    RETURN_IF_ERROR(state_->ForEach(*schema, [&](::binlake::Row row) -> Status {
      RowChange c;
      c.op = Op::kDelete;
      c.origin = ChangeOrigin::kTruncate;
      c.table = schema;
      c.before = std::move(row);
      ++n;
      return Emit(std::move(c));
    }));
    LOG_INFO("TRUNCATE TABLE {} at {}: {} rows written as deletes", q, begin_.ToString(), n);
  }
  for (const DdlTable& t : effect.emptied) {
    RETURN_IF_ERROR(state_->Drop(t.database + "." + t.table));
  }
  for (const auto& [from, to] : effect.renamed_tables) {
    std::string f = from.database + "." + from.table, n = to.database + "." + to.table;
    if (state_->Kept(f)) {
      RETURN_IF_ERROR(EnsureKept(n));
      RETURN_IF_ERROR(state_->Rename(f, n));
    }
  }
  if (forward_) RETURN_IF_ERROR(next_->Schema(change));
  // A table's shape or its foreign keys may have changed: describe and read them again.
  schemas_.clear();
  if (effect.truncated.empty()) RETURN_IF_ERROR(Refresh());
  return Status::OK();
}

Status CascadeSink::Commit(const TransactionEnd& end) {
  in_txn_ = false;
  RETURN_IF_ERROR(state_->EndTransaction(end.next_position));
  applied_ = end.next_position;
  if (forward_) RETURN_IF_ERROR(next_->Commit(end));
  // Undo records older than what both the outputs and the state hold are never needed.
  BinlogPosition from = hooks_.outputs_from();
  if (!from.empty()) RETURN_IF_ERROR(state_->Prune(std::min(from, applied_)));
  return Status::OK();
}

void CascadeSink::Discard() {
  if (forward_ && in_txn_) next_->Discard();
  in_txn_ = false;
  Status s = state_->Abandon();
  if (!s.ok()) LOG_WARN("row state: {}", s.ToString());
  applied_ = state_->position();
}

}  // namespace binlake
