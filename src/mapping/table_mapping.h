#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "config/config.h"
#include "mapping/row_filter.h"
#include "mapping/table_view.h"
#include "model/table_schema.h"

namespace binlake {

// An AWS DMS table-mapping document, compiled (docs/migrating-from-dms.md):
//   selection rules       include / exclude / explicit, with source filters and load-order;
//   transformation rules  rename, case and prefix/suffix changes of schemas, tables and
//                         columns; remove-column, add-column (DMS expressions),
//                         change-data-type, add-before-image-columns, define-primary-key;
//   table-settings rules  parallel-load.
// Every rule is checked when the document is read: a rule type, action, operator or
// expression binlake does not carry out is refused naming its rule-id, never skipped.
// Object-locators match the source's names (DMS wildcards: LikeMatch); transformations apply
// in document order, each to the name the previous ones produced.
//
// Without a document the mapping selects by tables.include / exclude and its views only cut
// LOBs (tables.lob_max_size). Immutable after Parse but for the cache of compiled views;
// thread-safe.
class TableMapping {
 public:
  // Reads options.mapping_file when set. Refuses a mapping file together with
  // tables.include / exclude (its selection rules choose the tables).
  static Result<std::shared_ptr<const TableMapping>> Load(const TablesConfig& options);
  // `origin` names the document in messages.
  static Result<std::shared_ptr<const TableMapping>> Parse(std::string_view json,
                                                           std::string_view origin,
                                                           const TablesConfig& options);

  // The selection as table patterns (tables.include / exclude syntax); explicit rules are
  // exact patterns.
  const std::vector<std::string>& include() const { return include_; }
  const std::vector<std::string>& exclude() const { return exclude_; }
  // Full-load order: tables with a higher load-order are loaded first (0 by default).
  int LoadOrder(std::string_view schema, std::string_view table) const;
  // True when a table-settings rule sets parallel-load type none for the table: it is read
  // as one chunk by one connection.
  bool SingleChunk(std::string_view schema, std::string_view table) const;

  // "schema.table" the change log writes a source table under (its schema and table rules).
  std::string TargetName(const std::string& schema, const std::string& table) const;

  // The view the change log writes a source table's rows through; null when nothing applies
  // (no filter, transformation or LOB limit). Cached by schema identity.
  Result<std::shared_ptr<const TableView>> View(const TableSchemaPtr& source) const;
  // The view with the table's source filters only (the Iceberg tables keep the source's
  // names and columns); null when no filter applies.
  Result<std::shared_ptr<const TableView>> FilterView(const TableSchemaPtr& source) const;

 private:
  struct Selection {
    std::string schema, table;
    int load_order = 0;
    std::vector<FilterSpec> filters;
  };
  struct Settings {
    std::string schema, table;
    bool single_chunk = false;
  };

  TableMapping() = default;
  std::vector<FilterSpec> FiltersFor(const TableSchema& t) const;
  Result<std::shared_ptr<const TableView>> Cached(const TableSchemaPtr& source,
                                                  bool filters_only) const;

  TablesConfig options_;
  std::vector<std::string> include_;
  std::vector<std::string> exclude_;
  std::vector<Selection> selections_;
  std::vector<std::shared_ptr<const TransformRule>> transformations_;
  std::vector<Settings> settings_;

  mutable std::mutex mu_;
  struct Entry {
    TableSchemaPtr source;  // keeps the key's schema alive
    std::shared_ptr<const TableView> view;
    std::shared_ptr<const TableView> filter_view;
  };
  mutable std::map<const TableSchema*, Entry> views_;
};

}  // namespace binlake
