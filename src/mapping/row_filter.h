#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/table_schema.h"
#include "model/value.h"

namespace binlake {

// One DMS source filter condition: filter-operator eq | noteq | ste | gte | between |
// notbetween | null | notnull, with value or start-value / end-value.
struct FilterCondition {
  enum class Op { kEq, kNotEq, kSte, kGte, kBetween, kNotBetween, kNull, kNotNull };
  Op op = Op::kEq;
  std::string value;  // kBetween / kNotBetween: the start value
  std::string end;    // kBetween / kNotBetween: the end value
};

// A DMS "filters" entry: a column and conditions, any of which admits a row (OR). A row is
// kept when every filter of its table admits it (AND).
struct FilterSpec {
  std::string column;
  std::vector<FilterCondition> conditions;
  std::string rule_id;
};

// Parses a filter-operator name; an error lists the ones binlake evaluates.
Result<FilterCondition::Op> ParseFilterOp(std::string_view name);

// A filter literal read as a value of one column's type, ready to compare.
struct FilterLiteral {
  std::string text;                // as written: compared with strings, byte by byte
  std::optional<std::string> num;  // normalised exact decimal: integers, DECIMAL, BIT, YEAR
  std::optional<double> real;      // FLOAT, DOUBLE
  std::optional<int64_t> instant;  // DATE, DATETIME, TIMESTAMP: an order-preserving code
  std::optional<int64_t> micros;   // TIME: signed microseconds
};

// Reads `text` as a literal for `column`; an error says what the column's type needs.
Result<FilterLiteral> ParseFilterLiteral(std::string_view text, const Column& column);
// Three-way comparison of a (non-NULL, present) value with a literal of its column.
int CompareWithLiteral(const Value& value, const FilterLiteral& literal);

// Source filters compiled against one table schema. Values compare by the column's type:
// integers, DECIMAL, BIT and YEAR exactly as numbers; FLOAT/DOUBLE as doubles; DATE,
// DATETIME and TIMESTAMP (UTC) by their value, a literal 'YYYY-MM-DD[ HH:MM:SS[.ffffff]]';
// TIME as a signed duration; strings, ENUM, SET and JSON by their UTF-8 bytes (binary, not
// the column's collation); binary strings by their bytes. NULL satisfies only `null` (as
// SQL, a comparison with NULL is not true). Immutable; thread-safe.
class RowFilter {
 public:
  // Errors name the rule-id, the column and the literal.
  static Result<RowFilter> Compile(const std::vector<FilterSpec>& specs, const TableSchema& table);

  bool empty() const { return filters_.empty(); }
  // Whether the row image passes. A filtered column absent from the image (binlog_row_image
  // MINIMAL) is an error: the row cannot be placed.
  Result<bool> Admits(const Row& row) const;

 private:
  struct Condition {
    FilterCondition::Op op;
    FilterLiteral value;
    FilterLiteral end;
  };
  struct Compiled {
    int column = -1;
    std::string rule_id;
    std::string name;
    std::vector<Condition> conditions;
  };
  std::vector<Compiled> filters_;
};

}  // namespace binlake
