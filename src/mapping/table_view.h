#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/config.h"
#include "mapping/expression.h"
#include "mapping/row_filter.h"
#include "model/change.h"

namespace binlake {

// One DMS transformation rule, checked (TableMapping::Parse) but not yet applied.
struct TransformRule {
  enum class Target { kSchema, kTable, kColumn };
  enum class Action {
    kRename,
    kLowercase,
    kUppercase,
    kAddPrefix,
    kRemovePrefix,
    kReplacePrefix,
    kAddSuffix,
    kRemoveSuffix,
    kReplaceSuffix,
    kRemoveColumn,
    kAddColumn,
    kChangeDataType,
    kAddBeforeImageColumns,
    kDefinePrimaryKey,
  };
  std::string rule_id;
  Target target = Target::kTable;
  Action action = Action::kRename;
  std::string schema = "%";  // object-locator patterns over the source's names
  std::string table = "%";
  std::string column = "%";
  std::string value;                     // the new name, prefix or suffix
  std::string old_value;                 // replace-prefix / replace-suffix
  Column type;                           // add-column, change-data-type (name unset)
  std::optional<Expression> expression;  // add-column
  // add-before-image-columns.
  std::string bi_prefix = "BI_";
  std::string bi_suffix;
  std::string bi_filter = "pk-only";     // pk-only | non-lob | all
  std::vector<std::string> key_columns;  // define-primary-key
};

// A name after a rename/case/prefix/suffix action (others leave it).
std::string ApplyNameAction(const TransformRule& rule, const std::string& name);

// The facts of one change a view needs beyond its images.
struct ChangeFacts {
  bool load = false;
  int64_t commit_time_micros = 0;
  std::string change_seq;
  std::string stream_position;
  std::string transaction_id;
};

// How one source table (one schema version) is written to the change log: its source
// filters, and its mapped shape (names, columns, key) with the rule that makes each column.
// Output columns are the kept source columns in source order, then add-column columns in
// rule order, then before-image columns. Immutable; thread-safe.
class TableView {
 public:
  static Result<std::shared_ptr<const TableView>> Compile(
      const TableSchemaPtr& source, const std::vector<std::shared_ptr<const TransformRule>>& rules,
      const std::vector<FilterSpec>& filters, const TablesConfig& options);

  // The mapped schema rows come out in (field ids and version are the change log's to give).
  const TableSchemaPtr& schema() const { return mapped_; }
  // Source column indexes of the mapped key (an update that changes them moves its row).
  const std::vector<int>& key_source_columns() const { return key_source_; }
  bool filters() const { return !filter_.empty(); }

  // Applies the source filters: false drops the change. An update whose row leaves the
  // filtered set becomes a delete of the before-image, one whose row enters it an insert
  // of the after-image, so the rows in the lake are always those the filters admit.
  Result<bool> Keep(RowChange* change) const;
  // Rewrites the change into the mapped shape. False: a data error with ignore-record left
  // it out (logged).
  Result<bool> Apply(RowChange* change, const ChangeFacts& facts) const;

 private:
  struct Out {
    enum class From { kSource, kExpression, kBefore };
    From from = From::kSource;
    int source = -1;                      // kSource, kBefore: index into the source row
    bool convert = false;                 // change-data-type: source type -> column type
    bool cut_lob = false;                 // a LOB cut at lob_max_size
    const TransformRule* rule = nullptr;  // the rule that made or changed the column
  };
  TableView() = default;
  // Fills *out from one image; `before` for kBefore columns (null: NULLs).
  Result<bool> MapImage(Row* image, const Row* before, Op op, const ChangeFacts& facts,
                        Row* out) const;
  // Handles a value that does not fit: by data_error, stop / NULL / leave the row out.
  Result<bool> DataError(const Status& why, size_t column, Value* value) const;
  Result<bool> CutLob(size_t column, Value* value) const;

  TableSchemaPtr source_;
  TableSchemaPtr mapped_;
  std::vector<Out> out_;
  std::vector<int> key_source_;
  RowFilter filter_;
  TablesConfig options_;
  std::vector<std::shared_ptr<const TransformRule>> keep_rules_;
  mutable std::atomic<uint64_t> errors_{0};
};

}  // namespace binlake
