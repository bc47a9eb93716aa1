#include "mapping/table_view.h"

#include <algorithm>
#include <cctype>

#include "common/logging.h"
#include "config/table_filter.h"
#include "mapping/value_convert.h"

namespace binlake {
namespace {

bool IsLob(const Column& c) {
  switch (c.mysql_type) {
    case MysqlType::kTinyBlob:
    case MysqlType::kMediumBlob:
    case MysqlType::kLongBlob:
    case MysqlType::kBlob:
    case MysqlType::kJson:
      return true;
    default:
      return false;
  }
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool ColumnMatches(const std::string& pattern, const std::string& name) {
  // MySQL column names are case-insensitive.
  return LikeMatch(Lower(pattern), Lower(name));
}

bool StartsWith(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }
bool EndsWith(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

}  // namespace

std::string ApplyNameAction(const TransformRule& r, const std::string& name) {
  using A = TransformRule::Action;
  std::string out = name;
  switch (r.action) {
    case A::kRename:
      return r.value;
    case A::kLowercase:
      return Lower(name);
    case A::kUppercase:
      for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return out;
    case A::kAddPrefix:
      return r.value + name;
    case A::kRemovePrefix:
      return StartsWith(name, r.value) ? name.substr(r.value.size()) : name;
    case A::kReplacePrefix:
      return StartsWith(name, r.old_value) ? r.value + name.substr(r.old_value.size()) : name;
    case A::kAddSuffix:
      return name + r.value;
    case A::kRemoveSuffix:
      return EndsWith(name, r.value) ? name.substr(0, name.size() - r.value.size()) : name;
    case A::kReplaceSuffix:
      return EndsWith(name, r.old_value)
                 ? name.substr(0, name.size() - r.old_value.size()) + r.value
                 : name;
    default:
      return name;
  }
}

Result<std::shared_ptr<const TableView>> TableView::Compile(
    const TableSchemaPtr& source, const std::vector<std::shared_ptr<const TransformRule>>& rules,
    const std::vector<FilterSpec>& filters, const TablesConfig& options) {
  using A = TransformRule::Action;
  using T = TransformRule::Target;
  std::shared_ptr<TableView> v(new TableView());
  v->source_ = source;
  v->options_ = options;
  v->keep_rules_ = rules;
  const TableSchema& src = *source;
  ASSIGN_OR_RETURN(v->filter_, RowFilter::Compile(filters, src));

  auto mapped = std::make_shared<TableSchema>();
  mapped->database = src.database;
  mapped->table = src.table;
  mapped->version = src.version;
  std::vector<Column> columns = src.columns;
  std::vector<Out> outs(src.columns.size());
  std::vector<bool> removed(src.columns.size(), false);
  for (size_t i = 0; i < outs.size(); ++i) {
    outs[i].source = static_cast<int>(i);
    outs[i].cut_lob = options.lob_max_size > 0 && IsLob(src.columns[i]);
  }
  std::vector<Column> added;
  std::vector<Out> added_outs;
  std::vector<int> key_source = src.key_columns;
  std::vector<std::string> key_names;  // define-primary-key, resolved after renames

  for (const auto& rp : rules) {
    const TransformRule& r = *rp;
    if (!LikeMatch(r.schema, src.database)) continue;
    if (r.target != T::kSchema && !LikeMatch(r.table, src.table)) continue;
    switch (r.target) {
      case T::kSchema:
        mapped->database = ApplyNameAction(r, mapped->database);
        continue;
      case T::kTable:
        if (r.action == A::kDefinePrimaryKey) {
          key_names = r.key_columns;
        } else {
          mapped->table = ApplyNameAction(r, mapped->table);
        }
        continue;
      case T::kColumn:
        break;
    }
    if (r.action == A::kAddColumn) {
      Column c = r.type;
      c.name = r.value;
      c.nullable = true;
      for (const std::string& name : r.expression->Columns()) {
        if (src.FindColumn(name) < 0) {
          return InvalidArgumentError(
              "table-mapping rule-id {}: the expression reads ${}, which {} does not have",
              r.rule_id, name, src.QualifiedName());
        }
      }
      added.push_back(std::move(c));
      Out o;
      o.from = Out::From::kExpression;
      o.rule = &r;
      added_outs.push_back(o);
      continue;
    }
    if (r.action == A::kAddBeforeImageColumns) {
      for (size_t i = 0; i < src.columns.size(); ++i) {
        const Column& sc = src.columns[i];
        bool in_key = std::find(src.key_columns.begin(), src.key_columns.end(),
                                static_cast<int>(i)) != src.key_columns.end();
        if (removed[i] || !ColumnMatches(r.column, sc.name)) continue;
        if (r.bi_filter == "pk-only" && !in_key) continue;
        if (r.bi_filter == "non-lob" && IsLob(sc)) continue;
        Column c = sc;
        c.name = r.bi_prefix + columns[i].name + r.bi_suffix;
        c.nullable = true;
        c.field_id = 0;
        added.push_back(std::move(c));
        Out o;
        o.from = Out::From::kBefore;
        o.source = static_cast<int>(i);
        o.rule = &r;
        added_outs.push_back(o);
      }
      continue;
    }
    for (size_t i = 0; i < src.columns.size(); ++i) {
      if (removed[i] || !ColumnMatches(r.column, src.columns[i].name)) continue;
      if (r.action == A::kRemoveColumn) {
        removed[i] = true;
      } else if (r.action == A::kChangeDataType) {
        Column c = r.type;
        c.name = columns[i].name;
        c.nullable = columns[i].nullable;
        c.invisible = columns[i].invisible;
        columns[i] = std::move(c);
        outs[i].convert = true;
        outs[i].rule = &r;
      } else {
        columns[i].name = ApplyNameAction(r, columns[i].name);
        outs[i].rule = &r;
      }
    }
  }

  for (size_t i = 0; i < columns.size(); ++i) {
    if (removed[i]) continue;
    columns[i].field_id = 0;
    mapped->columns.push_back(columns[i]);
    v->out_.push_back(outs[i]);
  }
  for (size_t i = 0; i < added.size(); ++i) {
    mapped->columns.push_back(added[i]);
    v->out_.push_back(added_outs[i]);
  }
  // Names must stay unique (case-insensitively, as MySQL).
  for (size_t i = 0; i < mapped->columns.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (Lower(mapped->columns[i].name) == Lower(mapped->columns[j].name)) {
        const TransformRule* r = v->out_[i].rule ? v->out_[i].rule : v->out_[j].rule;
        return InvalidArgumentError(
            "table-mapping{}: {} would have two columns named '{}'; rename one of them",
            r ? " rule-id " + r->rule_id : std::string(), src.QualifiedName(),
            mapped->columns[i].name);
      }
    }
  }
  // The mapped key: define-primary-key's columns (mapped or source names), else the source
  // key while all its columns are kept.
  if (!key_names.empty()) {
    key_source.clear();
    for (const std::string& name : key_names) {
      int found = -1;
      for (size_t i = 0; i < v->out_.size(); ++i) {
        const Out& o = v->out_[i];
        if (o.from != Out::From::kSource) continue;
        if (Lower(mapped->columns[i].name) == Lower(name) ||
            Lower(src.columns[static_cast<size_t>(o.source)].name) == Lower(name)) {
          found = static_cast<int>(i);
        }
      }
      if (found < 0) {
        return InvalidArgumentError(
            "table-mapping define-primary-key for {}: '{}' is not a column of the table",
            src.QualifiedName(), name);
      }
      mapped->key_columns.push_back(found);
      key_source.push_back(v->out_[static_cast<size_t>(found)].source);
    }
  } else {
    for (int k : src.key_columns) {
      auto it = std::find_if(v->out_.begin(), v->out_.end(), [&](const Out& o) {
        return o.from == Out::From::kSource && o.source == k;
      });
      if (it == v->out_.end()) {
        // A key column was removed: the change log has no key for the table.
        mapped->key_columns.clear();
        break;
      }
      mapped->key_columns.push_back(static_cast<int>(it - v->out_.begin()));
    }
  }
  v->key_source_ = key_source;
  v->mapped_ = std::move(mapped);
  return std::shared_ptr<const TableView>(std::move(v));
}

Result<bool> TableView::Keep(RowChange* change) const {
  if (filter_.empty()) return true;
  switch (change->op) {
    case Op::kInsert:
      return filter_.Admits(change->after);
    case Op::kDelete:
      return filter_.Admits(change->before);
    case Op::kUpdate: {
      ASSIGN_OR_RETURN(bool was, filter_.Admits(change->before));
      ASSIGN_OR_RETURN(bool is, filter_.Admits(change->after));
      if (was && is) return true;
      if (!was && !is) return false;
      if (was) {
        change->op = Op::kDelete;
        change->after.clear();
      } else {
        change->op = Op::kInsert;
        change->before.clear();
      }
      return true;
    }
  }
  return true;
}

Result<bool> TableView::DataError(const Status& why, size_t column, Value* value) const {
  const Column& c = mapped_->columns[column];
  const Out& o = out_[column];
  std::string where = fmt::format("{} column {}{}", source_->QualifiedName(), c.name,
                                  o.rule ? " (table-mapping rule-id " + o.rule->rule_id + ")" : "");
  if (options_.data_error == DataErrorAction::kStop) {
    return FailedPreconditionError(
        "{}: {}; fix the rule, or set tables.data_error: log-error (NULL) or ignore-record", where,
        why.message());
  }
  uint64_t n = ++errors_;
  bool drop = options_.data_error == DataErrorAction::kIgnoreRecord;
  if (n <= 10 || n % 1000 == 0) {
    LOG_ERROR("{}: {}; the row is {} (data error {} of this table version)", where, why.message(),
              drop ? "left out" : "written with NULL", n);
  }
  if (drop) return false;
  *value = Value::Null();
  return true;
}

Result<bool> TableView::CutLob(size_t column, Value* value) const {
  if (value->kind() != Value::Kind::kString && value->kind() != Value::Kind::kBytes &&
      value->kind() != Value::Kind::kJson) {
    return true;
  }
  const uint64_t max = options_.lob_max_size;
  std::string* bytes = value->mutable_bytes();
  if (bytes->size() <= max) return true;
  const Column& c = mapped_->columns[column];
  std::string where = fmt::format("{} column {}: a LOB of {} bytes is longer than lob_max_size {}",
                                  source_->QualifiedName(), c.name, bytes->size(), max);
  switch (options_.truncation_error) {
    case DataErrorAction::kStop:
      return FailedPreconditionError(
          "{}; raise tables.lob_max_size (DMS LobMaxSize), set it to 0 to keep LOBs whole, or "
          "set tables.truncation_error: log-error to cut them",
          where);
    case DataErrorAction::kIgnoreRecord:
      LOG_ERROR("{}: the row is left out (tables.truncation_error: ignore-record)", where);
      return false;
    case DataErrorAction::kLogError:
      break;
  }
  size_t keep = max;
  if (value->kind() != Value::Kind::kBytes) {
    // Whole UTF-8 characters only.
    while (keep > 0 && (static_cast<unsigned char>((*bytes)[keep]) & 0xC0) == 0x80) --keep;
  }
  bytes->resize(keep);
  uint64_t n = ++errors_;
  if (n <= 10 || n % 1000 == 0) LOG_WARN("{}: cut to {} bytes", where, keep);
  return true;
}

Result<bool> TableView::MapImage(Row* image, const Row* before, Op op, const ChangeFacts& facts,
                                 Row* out) const {
  out->clear();
  out->resize(out_.size());
  ExpressionContext ec;
  ec.op = op;
  ec.load = facts.load;
  ec.commit_time_micros = facts.commit_time_micros;
  ec.change_seq = facts.change_seq;
  ec.stream_position = facts.stream_position;
  ec.transaction_id = facts.transaction_id;
  ec.source = source_.get();
  ec.row = image;
  for (size_t i = 0; i < out_.size(); ++i) {
    const Out& o = out_[i];
    Value& v = (*out)[i];
    switch (o.from) {
      case Out::From::kSource:
        v = (*image)[static_cast<size_t>(o.source)];
        break;
      case Out::From::kBefore:
        if (before != nullptr) v = (*before)[static_cast<size_t>(o.source)];
        continue;
      case Out::From::kExpression: {
        Column type;
        Value raw = o.rule->expression->Evaluate(ec, &type);
        Result<Value> conv = ConvertValue(raw, type, mapped_->columns[i]);
        if (!conv.ok()) {
          ASSIGN_OR_RETURN(bool keep, DataError(conv.status(), i, &v));
          if (!keep) return false;
        } else {
          v = std::move(*conv);
        }
        continue;
      }
    }
    if (o.convert) {
      Result<Value> conv =
          ConvertValue(v, source_->columns[static_cast<size_t>(o.source)], mapped_->columns[i]);
      if (!conv.ok()) {
        ASSIGN_OR_RETURN(bool keep, DataError(conv.status(), i, &v));
        if (!keep) return false;
      } else {
        v = std::move(*conv);
      }
    }
    if (o.cut_lob) {
      ASSIGN_OR_RETURN(bool keep, CutLob(i, &v));
      if (!keep) return false;
    }
  }
  return true;
}

Result<bool> TableView::Apply(RowChange* change, const ChangeFacts& facts) const {
  Row after, before;
  if (!change->after.empty()) {
    const Row* old = change->op == Op::kUpdate ? &change->before : nullptr;
    ASSIGN_OR_RETURN(bool keep, MapImage(&change->after, old, change->op, facts, &after));
    if (!keep) return false;
  }
  if (!change->before.empty()) {
    // A delete shows its before-image, with the before-image columns filled from it too.
    const Row* old = change->op == Op::kDelete ? &change->before : nullptr;
    ASSIGN_OR_RETURN(bool keep, MapImage(&change->before, old, change->op, facts, &before));
    if (!keep) return false;
  }
  change->after = std::move(after);
  change->before = std::move(before);
  change->table = mapped_;
  return true;
}

}  // namespace binlake
