#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "model/change.h"

namespace binlake {

// What an add-column expression may read besides the row: the change and its transaction.
struct ExpressionContext {
  Op op = Op::kInsert;
  bool load = false;  // a full-load (LOAD) row
  // The transaction's commit time (a LOAD row: its timestamp column's time), µs since epoch.
  int64_t commit_time_micros = 0;
  std::string_view change_seq;       // binlake's sequence of the change
  std::string_view stream_position;  // "file:offset" of the transaction's first event
  std::string_view transaction_id;   // the GTID, empty without GTIDs
  const TableSchema* source = nullptr;
  const Row* row = nullptr;  // the image the output row shows (after; before for a delete)
};

// The subset of DMS's SQLite expressions binlake evaluates for add-column: terms joined
// with `||` (concatenation; NULL makes the result NULL), each one of
//   $COLUMN                       a source column
//   'text'                        a literal ('' is a quote), or a number
//   operation_indicator('D','U','I')  the text for a delete, an update, an insert (LOAD: I)
//   $AR_H_TIMESTAMP, $AR_H_COMMIT_TIMESTAMP   the commit time (LOAD rows: the load's time)
//   $AR_H_CHANGE_SEQ              commit time YYYYMMDDHHmmSShh + binlake's 28-digit sequence
//   $AR_H_OPERATION               INSERT, UPDATE or DELETE
//   $AR_H_STREAM_POSITION         binlog file:offset;  $AR_H_TRANSACTION_ID  the GTID
//   $AR_M_SOURCE_SCHEMA, $AR_M_SOURCE_TABLE_NAME
// Anything else is refused when parsed, naming what is not supported. Immutable.
class Expression {
 public:
  static Result<Expression> Parse(std::string_view text);

  // Column names the expression reads (to check them against a table).
  std::vector<std::string> Columns() const;
  // The value, and in *type the column that describes it (for conversion to the
  // add-column's data-type).
  Value Evaluate(const ExpressionContext& context, Column* type) const;

 private:
  struct Term {
    enum class Kind {
      kColumn,
      kLiteral,
      kOperation,
      kTimestamp,
      kChangeSeq,
      kOperationName,
      kStreamPosition,
      kTransactionId,
      kSourceSchema,
      kSourceTable,
    };
    Kind kind;
    std::string text;                  // column name or literal
    std::vector<std::string> choices;  // operation_indicator: delete, update, insert
  };
  Value EvaluateTerm(const Term& t, const ExpressionContext& c, Column* type) const;

  std::vector<Term> terms_;
};

}  // namespace binlake
