// The table checks of binlake check: what in the replicated tables' definitions changes how
// binlake replicates them, or stops it.

#include <fmt/format.h>

#include <map>
#include <set>

#include "cascade/foreign_keys.h"
#include "config/table_filter.h"
#include "mapping/table_mapping.h"
#include "mysql/sql_text.h"
#include "preflight/checks.h"

namespace binlake::preflight {
namespace {

using Names = std::vector<std::pair<std::string, std::string>>;

std::string Qualified(const std::string& schema, const std::string& table) {
  return schema + "." + table;
}

// The character sets binlake converts to UTF-8 (binlog/charset.h).
bool Convertible(const std::string& charset) {
  static const std::set<std::string> kSupported = {"utf8mb3", "utf8",  "utf8mb4", "latin1",
                                                   "ascii",   "ucs2",  "utf16",   "utf16le",
                                                   "utf32",   "binary"};
  return kSupported.count(charset) != 0;
}

void CheckSelect(Connection* c, const Names& tables, CheckReport* report) {
  std::vector<std::string> refused;
  for (const auto& [schema, table] : tables) {
    Status s = c->Execute(fmt::format("SELECT 1 FROM {}.{} LIMIT 0", sql::QuoteIdentifier(schema),
                                      sql::QuoteIdentifier(table)));
    if (!s.ok()) refused.push_back(Qualified(schema, table));
  }
  Result<QueryResult> global =
      c->Query("SELECT 1 FROM information_schema.USER_PRIVILEGES WHERE PRIVILEGE_TYPE = 'SELECT'");
  bool global_select = global.ok() && !global->rows.empty();
  if (!refused.empty()) {
    report->Add("grant SELECT", Verdict::kFail,
                fmt::format("refused on {} of {} replicated tables: {}", refused.size(),
                            tables.size(), ListSome(refused)),
                "GRANT SELECT ON each replicated schema (or *.*) TO the binlake user; the full "
                "load reads the tables with it");
  } else if (!global_select) {
    report->Add("grant SELECT", Verdict::kWarn,
                fmt::format("granted on the {} tables listed, but not globally: information_schema "
                            "hides the tables the user may not read, so this list and the full "
                            "load may miss a replicated table",
                            tables.size()),
                "GRANT SELECT ON *.* (or ON every replicated schema) TO the binlake user");
  } else {
    report->Add("grant SELECT", Verdict::kPass, fmt::format("{} tables readable", tables.size()));
  }
}

void CheckKeys(Connection* c, const Names& tables, CheckReport* report) {
  // Tables with a primary key or a unique index whose columns are all NOT NULL.
  Result<QueryResult> r = c->Query(
      "SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, MAX(NULLABLE = 'YES') FROM "
      "information_schema.STATISTICS WHERE NON_UNIQUE = 0 GROUP BY TABLE_SCHEMA, TABLE_NAME, "
      "INDEX_NAME");
  if (!r.ok()) {
    report->Add("primary keys", Verdict::kWarn, "not read: " + r.status().ToString());
    return;
  }
  std::set<std::string> keyed;
  for (const auto& row : r->rows) {
    if (row.size() < 4 || !row[0] || !row[1]) continue;
    if (!row[3] || *row[3] == "0") keyed.insert(Qualified(*row[0], *row[1]));
  }
  std::vector<std::string> keyless;
  for (const auto& [schema, table] : tables) {
    if (!keyed.count(Qualified(schema, table))) keyless.push_back(Qualified(schema, table));
  }
  if (keyless.empty()) {
    report->Add("primary keys", Verdict::kPass, "every replicated table has a usable key");
    return;
  }
  report->Add("primary keys", Verdict::kWarn,
              fmt::format("{} tables have no primary key or NOT NULL unique key: {}. Their full "
                          "load is one pass, not parallel; their Iceberg tables are keyed on the "
                          "whole row; a reader cannot fold their changes by key",
                          keyless.size(), ListSome(keyless)),
              "add a primary key (ALTER TABLE ... ADD PRIMARY KEY), or accept the above");
}

void CheckForeignKeys(const Config& config, Connection* c, const TableFilter& filter,
                      CheckReport* report) {
  Result<std::vector<ForeignKey>> keys = ReadForeignKeys(c);
  if (!keys.ok()) {
    report->Add("cascading foreign keys", Verdict::kWarn, "not read: " + keys.status().ToString());
    return;
  }
  ForeignKeyGraph graph(*keys);
  auto replicated = [&](const std::string& q) {
    size_t dot = q.find('.');
    return filter.Matches(q.substr(0, dot), q.substr(dot + 1));
  };
  std::vector<std::string> on_replicated;
  for (const ForeignKey& k : graph.keys()) {
    if (replicated(k.Child())) on_replicated.push_back(k.Child() + " (" + k.name + ")");
  }
  if (on_replicated.empty()) {
    report->Add("cascading foreign keys", Verdict::kPass, "none on the replicated tables");
  } else if (!config.cascades) {
    report->Add("cascading foreign keys", Verdict::kFail,
                fmt::format("{} keys cascade into replicated tables: {}. InnoDB changes those "
                            "child rows without logging them, and cascades: off leaves them "
                            "stale in the lake",
                            on_replicated.size(), ListSome(on_replicated)),
                "set cascades: auto (docs/cascades.md), or exclude the child tables");
  } else {
    std::set<std::string> needed = graph.NeededChildren(replicated);
    report->Add("cascading foreign keys", Verdict::kPass,
                fmt::format("{} keys cascade into replicated tables: {}; binlake writes the child "
                            "rows they change, keeping the rows of {} tables in its row state "
                            "(docs/cascades.md)",
                            on_replicated.size(), ListSome(on_replicated), needed.size()));
  }
}

void CheckTypes(Connection* c, const Names& tables, const TableFilter& filter,
                CheckReport* report) {
  Result<QueryResult> r = c->Query(
      "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, CHARACTER_SET_NAME FROM "
      "information_schema.COLUMNS WHERE CHARACTER_SET_NAME IS NOT NULL");
  std::vector<std::string> bad;
  if (r.ok()) {
    for (const auto& row : r->rows) {
      if (row.size() < 4 || !row[0] || !row[1] || !row[2] || !row[3]) continue;
      if (!filter.Matches(*row[0], *row[1]) || Convertible(*row[3])) continue;
      bad.push_back(fmt::format("{}.{}.{} ({})", *row[0], *row[1], *row[2], *row[3]));
    }
  }
  // MariaDB's pre-10.1.2 temporal columns with fractional seconds, shown only on request.
  std::vector<std::string> old_temporal;
  if (c->IsMariaDB() && c->Execute("SET SESSION show_old_temporals = ON").ok()) {
    Result<QueryResult> t = c->Query(
        "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS "
        "WHERE COLUMN_TYPE LIKE '%(%mariadb-5.3%'");
    if (t.ok()) {
      for (const auto& row : t->rows) {
        if (row.size() < 4 || !row[0] || !row[1] || !row[2] || !row[3]) continue;
        if (!filter.Matches(*row[0], *row[1])) continue;
        old_temporal.push_back(fmt::format("{}.{}.{} ({})", *row[0], *row[1], *row[2], *row[3]));
      }
    }
    (void)c->Execute("SET SESSION show_old_temporals = OFF");
  }
  if (!r.ok()) {
    report->Add("column types", Verdict::kWarn, "not read: " + r.status().ToString());
  } else if (!bad.empty() || !old_temporal.empty()) {
    std::vector<std::string> all = bad;
    all.insert(all.end(), old_temporal.begin(), old_temporal.end());
    report->Add("column types", Verdict::kFail,
                fmt::format("{} columns binlake cannot decode: {}", all.size(), ListSome(all)),
                bad.empty()
                    ? "rebuild the tables in the current temporal format (SET GLOBAL "
                      "mysql56_temporal_format = ON, then ALTER TABLE ... FORCE), or exclude them"
                    : "convert the columns (ALTER TABLE ... CONVERT TO CHARACTER SET utf8mb4), "
                      "or exclude the tables; binlake converts utf8mb3, utf8mb4, latin1, ascii, "
                      "ucs2, utf16, utf16le and utf32");
  } else {
    report->Add("column types", Verdict::kPass,
                fmt::format("every column of the {} tables decodes", tables.size()));
  }
}

}  // namespace

void CheckTables(const Config& config, Connection* c, CheckReport* report) {
  Result<std::shared_ptr<const TableMapping>> mapping = TableMapping::Load(config.tables);
  Result<TableFilter> filter =
      mapping.ok() ? TableFilter::Create((*mapping)->include(), (*mapping)->exclude())
                   : Result<TableFilter>(mapping.status());
  if (!filter.ok()) {
    report->Add("table selection", Verdict::kFail, filter.status().ToString(),
                "fix tables.include / tables.exclude or the table-mapping file");
    return;
  }
  Result<QueryResult> listed = c->Query(
      "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = "
      "'BASE TABLE' ORDER BY TABLE_SCHEMA, TABLE_NAME");
  if (!listed.ok()) {
    report->Add("table selection", Verdict::kFail, listed.status().ToString());
    return;
  }
  Names tables;
  std::set<std::string> schemas;
  for (const auto& row : listed->rows) {
    if (row.size() < 2 || !row[0] || !row[1] || !filter->Matches(*row[0], *row[1])) continue;
    tables.emplace_back(*row[0], *row[1]);
    schemas.insert(*row[0]);
  }
  if (tables.empty()) {
    report->Add("table selection", Verdict::kWarn,
                "no table on the source matches the selection: binlake would replicate nothing "
                "until one is created",
                "check tables.include / tables.exclude (DMS patterns such as shop.%)");
  } else {
    report->Add("table selection", Verdict::kPass,
                fmt::format("{} tables in {} schemas", tables.size(), schemas.size()));
  }
  CheckSelect(c, tables, report);
  CheckKeys(c, tables, report);
  CheckForeignKeys(config, c, *filter, report);
  CheckTypes(c, tables, *filter, report);
}

}  // namespace binlake::preflight
