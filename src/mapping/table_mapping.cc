#include "mapping/table_mapping.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "config/table_filter.h"
#include "mapping/value_convert.h"

namespace binlake {
namespace {

using Json = nlohmann::json;

// One rule of the document being read, with the keys it may use checked off.
class RuleText {
 public:
  RuleText(const Json& j, size_t index) : j_(j) {
    if (j.contains("rule-id") && (j["rule-id"].is_string() || j["rule-id"].is_number())) {
      id_ = j["rule-id"].is_string() ? j["rule-id"].get<std::string>() : j["rule-id"].dump();
    } else {
      id_ = fmt::format("#{} (no rule-id)", index + 1);
    }
  }
  const std::string& id() const { return id_; }

  Status Error(std::string_view what) const {
    return InvalidArgumentError("table-mapping rule-id {}: {}", id_, what);
  }
  // A string (or number) member; "" when absent.
  Result<std::string> Text(const char* key, bool required = false) {
    seen_.insert(key);
    if (!j_.contains(key) || j_[key].is_null()) {
      if (required) return Error(fmt::format("\"{}\" is missing", key));
      return std::string();
    }
    const Json& v = j_[key];
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number()) return v.dump();
    return Error(fmt::format("\"{}\" must be a string", key));
  }
  const Json* Member(const char* key) {
    seen_.insert(key);
    return j_.contains(key) && !j_[key].is_null() ? &j_[key] : nullptr;
  }
  // Every member was asked for.
  Status CheckAllUsed(std::string_view kind) const {
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      if (!seen_.count(it.key())) {
        return Error(fmt::format("\"{}\" is not a key binlake reads in a {} rule; remove it",
                                 it.key(), kind));
      }
    }
    return Status::OK();
  }

 private:
  const Json& j_;
  std::string id_;
  std::set<std::string> seen_ = {"rule-type", "rule-id", "rule-name", "description"};
};

std::string Str(const Json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return "";
  return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

struct Locator {
  std::string schema, table, column;
};

Result<Locator> ReadLocator(RuleText& r, bool column) {
  const Json* loc = r.Member("object-locator");
  if (loc == nullptr || !loc->is_object()) return r.Error("\"object-locator\" is missing");
  Locator l;
  for (auto it = loc->begin(); it != loc->end(); ++it) {
    const std::string& k = it.key();
    if (k == "schema-name") {
      l.schema = Str(*loc, "schema-name");
    } else if (k == "table-name") {
      l.table = Str(*loc, "table-name");
    } else if (k == "column-name" && column) {
      l.column = Str(*loc, "column-name");
    } else if (k == "table-type") {
      std::string t = Str(*loc, "table-type");
      if (t != "table") {
        return r.Error(fmt::format(
            "table-type '{}': binlake replicates base tables only (views have no row events in "
            "the binlog); use \"table\" or leave it out",
            t));
      }
    } else {
      return r.Error(fmt::format("object-locator key \"{}\" is not one binlake reads{}", k,
                                 k == "data-type" ? " (select columns by name)" : ""));
    }
  }
  if (l.schema.empty()) return r.Error("object-locator needs \"schema-name\"");
  if (l.table.empty()) l.table = "%";
  if (l.column.empty()) l.column = "%";
  return l;
}

Result<Column> ReadType(RuleText& r) {
  const Json* t = r.Member("data-type");
  if (t == nullptr || !t->is_object()) return r.Error("\"data-type\" is missing");
  std::string type = Str(*t, "type");
  auto num = [&](const char* k) -> int {
    if (!t->contains(k)) return 0;
    const Json& v = (*t)[k];
    if (v.is_number_integer()) return v.get<int>();
    if (v.is_string()) return std::atoi(v.get<std::string>().c_str());
    return 0;
  };
  for (auto it = t->begin(); it != t->end(); ++it) {
    if (it.key() != "type" && it.key() != "length" && it.key() != "precision" &&
        it.key() != "scale") {
      return r.Error(fmt::format("data-type key \"{}\" is not one binlake reads", it.key()));
    }
  }
  Result<Column> c = DmsColumnType(type, num("length"), num("precision"), num("scale"));
  if (!c.ok()) return r.Error(c.status().message());
  return c;
}

Status ReadFilters(RuleText& r, std::vector<FilterSpec>* out) {
  const Json* fs = r.Member("filters");
  if (fs == nullptr) return Status::OK();
  if (!fs->is_array()) return r.Error("\"filters\" must be a list");
  for (const Json& f : *fs) {
    FilterSpec spec;
    spec.rule_id = r.id();
    std::string type = Str(f, "filter-type");
    if (!type.empty() && type != "source") {
      return r.Error(fmt::format(
          "filter-type '{}' is not evaluated by binlake: only source filters (filter-type "
          "\"source\") are",
          type));
    }
    spec.column = Str(f, "column-name");
    if (spec.column.empty()) return r.Error("a filter needs \"column-name\"");
    for (auto it = f.begin(); it != f.end(); ++it) {
      if (it.key() != "filter-type" && it.key() != "column-name" &&
          it.key() != "filter-conditions") {
        return r.Error(fmt::format("filter key \"{}\" is not one binlake reads", it.key()));
      }
    }
    if (!f.contains("filter-conditions") || !f["filter-conditions"].is_array() ||
        f["filter-conditions"].empty()) {
      return r.Error(fmt::format("the filter on {} needs \"filter-conditions\"", spec.column));
    }
    for (const Json& c : f["filter-conditions"]) {
      FilterCondition fc;
      Result<FilterCondition::Op> op = ParseFilterOp(Str(c, "filter-operator"));
      if (!op.ok()) return r.Error(op.status().message());
      fc.op = *op;
      using Op = FilterCondition::Op;
      bool range = fc.op == Op::kBetween || fc.op == Op::kNotBetween;
      bool none = fc.op == Op::kNull || fc.op == Op::kNotNull;
      fc.value = Str(c, range ? "start-value" : "value");
      fc.end = Str(c, "end-value");
      if (range && (!c.contains("start-value") || !c.contains("end-value"))) {
        return r.Error(fmt::format("{} on {} needs \"start-value\" and \"end-value\"",
                                   Str(c, "filter-operator"), spec.column));
      }
      if (!range && !none && !c.contains("value")) {
        return r.Error(
            fmt::format("{} on {} needs \"value\"", Str(c, "filter-operator"), spec.column));
      }
      spec.conditions.push_back(std::move(fc));
    }
    out->push_back(std::move(spec));
  }
  return Status::OK();
}

Result<TransformRule::Action> ReadAction(RuleText& r, TransformRule::Target target) {
  using A = TransformRule::Action;
  using T = TransformRule::Target;
  ASSIGN_OR_RETURN(std::string a, r.Text("rule-action", true));
  static const std::pair<std::string_view, A> kNames[] = {
      {"rename", A::kRename},
      {"convert-lowercase", A::kLowercase},
      {"convert-uppercase", A::kUppercase},
      {"add-prefix", A::kAddPrefix},
      {"remove-prefix", A::kRemovePrefix},
      {"replace-prefix", A::kReplacePrefix},
      {"add-suffix", A::kAddSuffix},
      {"remove-suffix", A::kRemoveSuffix},
      {"replace-suffix", A::kReplaceSuffix},
      {"remove-column", A::kRemoveColumn},
      {"add-column", A::kAddColumn},
      {"change-data-type", A::kChangeDataType},
      {"add-before-image-columns", A::kAddBeforeImageColumns},
      {"define-primary-key", A::kDefinePrimaryKey},
  };
  for (const auto& [name, action] : kNames) {
    if (a != name) continue;
    bool column_only = action == A::kRemoveColumn || action == A::kAddColumn ||
                       action == A::kChangeDataType || action == A::kAddBeforeImageColumns;
    if (column_only && target != T::kColumn) {
      return r.Error(fmt::format("rule-action {} needs rule-target \"column\"", a));
    }
    if (action == A::kDefinePrimaryKey && target != T::kTable) {
      return r.Error("rule-action define-primary-key needs rule-target \"table\"");
    }
    return action;
  }
  std::string hint =
      "use one of rename, convert-lowercase, convert-uppercase, "
      "add-/remove-/replace-prefix, add-/remove-/replace-suffix, remove-column, "
      "add-column, change-data-type, add-before-image-columns, define-primary-key";
  if (a == "include-column") hint = "remove the columns you do not want with remove-column";
  if (a == "exclude-column") hint = "use remove-column";
  return r.Error(fmt::format("rule-action '{}' is not carried out by binlake: {}", a, hint));
}

Result<std::shared_ptr<TransformRule>> ReadTransformation(RuleText& r) {
  using A = TransformRule::Action;
  using T = TransformRule::Target;
  auto rule = std::make_shared<TransformRule>();
  rule->rule_id = r.id();
  ASSIGN_OR_RETURN(std::string target, r.Text("rule-target", true));
  if (target == "schema") {
    rule->target = T::kSchema;
  } else if (target == "table") {
    rule->target = T::kTable;
  } else if (target == "column") {
    rule->target = T::kColumn;
  } else {
    return r.Error(fmt::format(
        "rule-target '{}' has no meaning for a data lake target (binlake writes files, not "
        "tablespaces or indexes): use schema, table or column",
        target));
  }
  ASSIGN_OR_RETURN(rule->action, ReadAction(r, rule->target));
  ASSIGN_OR_RETURN(Locator l, ReadLocator(r, rule->target == T::kColumn));
  rule->schema = l.schema;
  rule->table = l.table;
  rule->column = l.column;
  ASSIGN_OR_RETURN(rule->value, r.Text("value"));
  ASSIGN_OR_RETURN(rule->old_value, r.Text("old-value"));
  const A a = rule->action;
  bool needs_value = a == A::kRename || a == A::kAddPrefix || a == A::kRemovePrefix ||
                     a == A::kReplacePrefix || a == A::kAddSuffix || a == A::kRemoveSuffix ||
                     a == A::kReplaceSuffix || a == A::kAddColumn;
  if (needs_value && rule->value.empty()) return r.Error("\"value\" is missing");
  if ((a == A::kReplacePrefix || a == A::kReplaceSuffix) && rule->old_value.empty()) {
    return r.Error("\"old-value\" is missing");
  }
  if (a == A::kAddColumn || a == A::kChangeDataType) {
    ASSIGN_OR_RETURN(rule->type, ReadType(r));
  }
  if (a == A::kAddColumn) {
    ASSIGN_OR_RETURN(std::string expr, r.Text("expression", true));
    Result<Expression> e = Expression::Parse(expr);
    if (!e.ok()) return r.Error(fmt::format("expression \"{}\": {}", expr, e.status().message()));
    rule->expression = std::move(*e);
  }
  if (a == A::kAddBeforeImageColumns) {
    if (const Json* bi = r.Member("before-image-def")) {
      for (auto it = bi->begin(); it != bi->end(); ++it) {
        const std::string& k = it.key();
        if (k == "column-prefix") {
          rule->bi_prefix = Str(*bi, "column-prefix");
        } else if (k == "column-suffix") {
          rule->bi_suffix = Str(*bi, "column-suffix");
        } else if (k == "column-filter") {
          rule->bi_filter = Str(*bi, "column-filter");
          if (rule->bi_filter != "pk-only" && rule->bi_filter != "non-lob" &&
              rule->bi_filter != "all") {
            return r.Error("column-filter must be pk-only, non-lob or all");
          }
        } else {
          return r.Error(fmt::format("before-image-def key \"{}\" is not one binlake reads", k));
        }
      }
    }
  }
  if (a == A::kDefinePrimaryKey) {
    const Json* pk = r.Member("primary-key-def");
    if (pk == nullptr || !pk->contains("columns") || !(*pk)["columns"].is_array() ||
        (*pk)["columns"].empty()) {
      return r.Error("define-primary-key needs \"primary-key-def\" with \"columns\"");
    }
    for (const Json& c : (*pk)["columns"]) {
      rule->key_columns.push_back(c.is_string() ? c.get<std::string>() : c.dump());
    }
    std::string origin = Str(*pk, "origin");
    if (!origin.empty() && origin != "primary-key" && origin != "unique-index") {
      return r.Error("primary-key-def origin must be primary-key or unique-index");
    }
  }
  RETURN_IF_ERROR(r.CheckAllUsed("transformation"));
  return rule;
}

}  // namespace

Result<std::shared_ptr<const TableMapping>> TableMapping::Load(const TablesConfig& options) {
  if (options.mapping_file.empty()) return Parse("", "", options);
  bool default_include = options.include.size() == 1 && options.include[0] == "%.%";
  if (!default_include || !options.exclude.empty()) {
    return InvalidArgumentError(
        "tables.include / tables.exclude cannot be used with the table mapping {}: its "
        "selection rules choose the tables. Move the patterns into selection rules, or drop "
        "the mapping",
        options.mapping_file);
  }
  std::ifstream in(options.mapping_file);
  if (!in) {
    return NotFoundError("cannot read the table mapping {}: check tables.mapping_file",
                         options.mapping_file);
  }
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), options.mapping_file, options);
}

Result<std::shared_ptr<const TableMapping>> TableMapping::Parse(std::string_view json,
                                                                std::string_view origin,
                                                                const TablesConfig& options) {
  std::shared_ptr<TableMapping> m(new TableMapping());
  m->options_ = options;
  if (origin.empty()) {
    m->include_ = options.include;
    m->exclude_ = options.exclude;
    return std::shared_ptr<const TableMapping>(std::move(m));
  }
  Json doc = Json::parse(json, nullptr, false);
  if (doc.is_discarded()) {
    return InvalidArgumentError("the table mapping {} is not valid JSON", origin);
  }
  if (!doc.is_object() || !doc.contains("rules") || !doc["rules"].is_array()) {
    return InvalidArgumentError("the table mapping {} needs a \"rules\" list, as DMS's", origin);
  }
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it.key() != "rules") {
      return InvalidArgumentError(
          "the table mapping {}: top-level key \"{}\" is not one binlake "
          "reads (only \"rules\")",
          origin, it.key());
    }
  }
  size_t index = 0;
  for (const Json& j : doc["rules"]) {
    if (!j.is_object()) {
      return InvalidArgumentError("the table mapping {}: rule {} is not an object", origin,
                                  index + 1);
    }
    RuleText r(j, index++);
    Status s = [&]() -> Status {
      ASSIGN_OR_RETURN(std::string type, r.Text("rule-type", true));
      if (type == "selection") {
        ASSIGN_OR_RETURN(Locator l, ReadLocator(r, false));
        ASSIGN_OR_RETURN(std::string action, r.Text("rule-action", true));
        Selection sel{l.schema, l.table, 0, {}};
        ASSIGN_OR_RETURN(std::string order, r.Text("load-order"));
        if (!order.empty()) {
          char* end = nullptr;
          long v = std::strtol(order.c_str(), &end, 10);
          if (*end != '\0') return r.Error("load-order must be a whole number");
          sel.load_order = static_cast<int>(v);
        }
        RETURN_IF_ERROR(ReadFilters(r, &sel.filters));
        RETURN_IF_ERROR(r.CheckAllUsed("selection"));
        if (action == "include") {
          m->include_.push_back(l.schema + "." + l.table);
        } else if (action == "explicit") {
          // Explicit names are taken literally: wildcard characters match only themselves.
          m->include_.push_back(EscapeLike(l.schema) + "." + EscapeLike(l.table));
          sel.schema = EscapeLike(l.schema);
          sel.table = EscapeLike(l.table);
        } else if (action == "exclude") {
          if (!sel.filters.empty()) {
            return r.Error("an exclude rule cannot have filters; put them on the include rule");
          }
          m->exclude_.push_back(l.schema + "." + l.table);
          return Status::OK();
        } else {
          return r.Error(fmt::format(
              "selection rule-action '{}' is not one of include, exclude, explicit", action));
        }
        m->selections_.push_back(std::move(sel));
        return Status::OK();
      }
      if (type == "transformation") {
        ASSIGN_OR_RETURN(std::shared_ptr<TransformRule> t, ReadTransformation(r));
        m->transformations_.push_back(std::move(t));
        return Status::OK();
      }
      if (type == "table-settings") {
        ASSIGN_OR_RETURN(Locator l, ReadLocator(r, false));
        Settings st{l.schema, l.table, false};
        if (const Json* pl = r.Member("parallel-load")) {
          std::string t = Str(*pl, "type");
          if (t == "none") {
            st.single_chunk = true;
          } else if (t != "partitions-auto" && t != "subpartitions-auto" && t != "ranges" &&
                     t != "partitions-list") {
            return r.Error(fmt::format("parallel-load type '{}' is not one DMS defines", t));
          }
          // Every other type maps onto the full load's own parallelism: chunks of the table's
          // key read by full_load.threads connections (docs/full-load.md).
        }
        if (r.Member("lob-settings") != nullptr) {
          return r.Error(
              "lob-settings per table is not carried out: binlake writes LOBs whole, or cut at "
              "tables.lob_max_size for every table (DMS task settings LobMaxSize)");
        }
        RETURN_IF_ERROR(r.CheckAllUsed("table-settings"));
        m->settings_.push_back(std::move(st));
        return Status::OK();
      }
      return r.Error(fmt::format(
          "rule-type '{}' is not carried out by binlake: use selection, transformation or "
          "table-settings",
          type));
    }();
    if (!s.ok()) return s.Context(fmt::format("the table mapping {}", origin));
  }
  if (m->include_.empty()) {
    return InvalidArgumentError(
        "the table mapping {} selects no table: add a selection rule with rule-action include "
        "(DMS requires one too)",
        origin);
  }
  return std::shared_ptr<const TableMapping>(std::move(m));
}

int TableMapping::LoadOrder(std::string_view schema, std::string_view table) const {
  int order = 0;
  for (const Selection& s : selections_) {
    if (LikeMatch(s.schema, schema) && LikeMatch(s.table, table)) {
      order = std::max(order, s.load_order);
    }
  }
  return order;
}

bool TableMapping::SingleChunk(std::string_view schema, std::string_view table) const {
  bool single = false;
  for (const Settings& s : settings_) {
    if (LikeMatch(s.schema, schema) && LikeMatch(s.table, table)) single = s.single_chunk;
  }
  return single;
}

std::string TableMapping::TargetName(const std::string& schema, const std::string& table) const {
  std::string db = schema, name = table;
  for (const auto& r : transformations_) {
    if (!LikeMatch(r->schema, schema)) continue;
    if (r->target == TransformRule::Target::kSchema) {
      db = ApplyNameAction(*r, db);
    } else if (r->target == TransformRule::Target::kTable && LikeMatch(r->table, table)) {
      name = ApplyNameAction(*r, name);
    }
  }
  return db + "." + name;
}

std::vector<FilterSpec> TableMapping::FiltersFor(const TableSchema& t) const {
  std::vector<FilterSpec> out;
  for (const Selection& s : selections_) {
    if (LikeMatch(s.schema, t.database) && LikeMatch(s.table, t.table)) {
      out.insert(out.end(), s.filters.begin(), s.filters.end());
    }
  }
  return out;
}

Result<std::shared_ptr<const TableView>> TableMapping::View(const TableSchemaPtr& source) const {
  return Cached(source, false);
}

Result<std::shared_ptr<const TableView>> TableMapping::FilterView(
    const TableSchemaPtr& source) const {
  return Cached(source, true);
}

Result<std::shared_ptr<const TableView>> TableMapping::Cached(const TableSchemaPtr& source,
                                                              bool filters_only) const {
  std::lock_guard<std::mutex> lock(mu_);
  // Views are cheap to compile again: the cache stays small however many schema versions
  // pass.
  if (views_.size() >= 4096) views_.clear();
  auto [it, fresh] = views_.try_emplace(source.get());
  Entry& e = it->second;
  if (fresh) {
    e.source = source;
    std::vector<FilterSpec> filters = FiltersFor(*source);
    std::vector<std::shared_ptr<const TransformRule>> rules;
    for (const auto& r : transformations_) {
      if (LikeMatch(r->schema, source->database) &&
          (r->target == TransformRule::Target::kSchema || LikeMatch(r->table, source->table))) {
        rules.push_back(r);
      }
    }
    bool lob = false;
    for (const Column& c : source->columns) {
      lob |= c.mysql_type == MysqlType::kBlob || c.mysql_type == MysqlType::kTinyBlob ||
             c.mysql_type == MysqlType::kMediumBlob || c.mysql_type == MysqlType::kLongBlob ||
             c.mysql_type == MysqlType::kJson;
    }
    lob &= options_.lob_max_size > 0;
    Status s;
    if (!filters.empty() || !rules.empty() || lob) {
      Result<std::shared_ptr<const TableView>> v =
          TableView::Compile(source, rules, filters, options_);
      if (v.ok()) e.view = *v;
      s = v.status();
    }
    if (s.ok() && !filters.empty()) {
      TablesConfig plain = options_;
      plain.lob_max_size = 0;
      Result<std::shared_ptr<const TableView>> v = TableView::Compile(source, {}, filters, plain);
      if (v.ok()) e.filter_view = *v;
      s = v.status();
    }
    if (!s.ok()) {
      views_.erase(it);
      return s;
    }
  }
  return filters_only ? e.filter_view : e.view;
}

}  // namespace binlake
