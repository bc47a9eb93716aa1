#include "mapping/expression.h"

#include <fmt/format.h>

#include <cctype>

#include "format/value_text.h"
#include "mapping/value_convert.h"

namespace binlake {
namespace {

constexpr std::string_view kSupported =
    "supported: $COLUMN, 'text', numbers, ||, operation_indicator('D','U','I'), "
    "$AR_H_TIMESTAMP, $AR_H_COMMIT_TIMESTAMP, $AR_H_CHANGE_SEQ, $AR_H_OPERATION, "
    "$AR_H_STREAM_POSITION, $AR_H_TRANSACTION_ID, $AR_M_SOURCE_SCHEMA, $AR_M_SOURCE_TABLE_NAME";

class Lexer {
 public:
  explicit Lexer(std::string_view text) : t_(text) {}
  void Skip() {
    while (i_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[i_]))) ++i_;
  }
  bool Done() {
    Skip();
    return i_ >= t_.size();
  }
  bool Eat(std::string_view s) {
    Skip();
    if (t_.substr(i_, s.size()) != s) return false;
    i_ += s.size();
    return true;
  }
  char Peek() {
    Skip();
    return i_ < t_.size() ? t_[i_] : '\0';
  }
  std::string Word() {
    Skip();
    size_t start = i_;
    while (i_ < t_.size() && (std::isalnum(static_cast<unsigned char>(t_[i_])) || t_[i_] == '_' ||
                              static_cast<unsigned char>(t_[i_]) >= 0x80)) {
      ++i_;
    }
    return std::string(t_.substr(start, i_ - start));
  }
  Result<std::string> Quoted() {
    Skip();
    if (i_ >= t_.size() || t_[i_] != '\'') return InvalidArgumentError("expected a quoted text");
    ++i_;
    std::string out;
    while (i_ < t_.size()) {
      if (t_[i_] == '\'') {
        if (i_ + 1 < t_.size() && t_[i_ + 1] == '\'') {
          out += '\'';
          i_ += 2;
          continue;
        }
        ++i_;
        return out;
      }
      out += t_[i_++];
    }
    return InvalidArgumentError("a quoted text is not closed");
  }
  std::string Rest() {
    Skip();
    return std::string(t_.substr(i_, 20));
  }

 private:
  std::string_view t_;
  size_t i_ = 0;
};

// "YYYYMMDDHHmmSShh" of a commit time.
std::string Hundredths(int64_t micros) {
  int64_t secs = micros >= 0 ? micros / 1'000'000 : (micros - 999'999) / 1'000'000;
  DateTime dt = TimestampToUtc(Timestamp{secs, 0});
  int64_t h = (micros - secs * 1'000'000) / 10'000;
  return fmt::format("{:04}{:02}{:02}{:02}{:02}{:02}{:02}", dt.year, dt.month, dt.day, dt.hour,
                     dt.minute, dt.second, h);
}

Column TextColumn() {
  Column c;
  c.type = LogicalType::kString;
  c.mysql_type = MysqlType::kVarString;
  return c;
}

}  // namespace

Result<Expression> Expression::Parse(std::string_view text) {
  Expression e;
  Lexer lx(text);
  if (lx.Done()) return InvalidArgumentError("the expression is empty; {}", kSupported);
  while (true) {
    Term t{Term::Kind::kLiteral, "", {}};
    char c = lx.Peek();
    if (c == '$') {
      lx.Eat("$");
      std::string name = lx.Word();
      if (name.empty()) return InvalidArgumentError("'$' must be followed by a column name");
      static const std::pair<std::string_view, Term::Kind> kHeaders[] = {
          {"AR_H_TIMESTAMP", Term::Kind::kTimestamp},
          {"AR_H_COMMIT_TIMESTAMP", Term::Kind::kTimestamp},
          {"AR_H_CHANGE_SEQ", Term::Kind::kChangeSeq},
          {"AR_H_OPERATION", Term::Kind::kOperationName},
          {"AR_H_STREAM_POSITION", Term::Kind::kStreamPosition},
          {"AR_H_TRANSACTION_ID", Term::Kind::kTransactionId},
          {"AR_M_SOURCE_SCHEMA", Term::Kind::kSourceSchema},
          {"AR_M_SOURCE_TABLE_NAME", Term::Kind::kSourceTable},
      };
      bool header = false;
      for (const auto& [h, kind] : kHeaders) {
        if (name == h) {
          t.kind = kind;
          header = true;
        }
      }
      if (!header && (name.rfind("AR_H_", 0) == 0 || name.rfind("AR_M_", 0) == 0)) {
        return InvalidArgumentError("header ${} is not one binlake provides; {}", name, kSupported);
      }
      if (!header) {
        t.kind = Term::Kind::kColumn;
        t.text = name;
      }
    } else if (c == '\'') {
      ASSIGN_OR_RETURN(t.text, lx.Quoted());
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '-') {
      std::string num = lx.Eat("-") ? "-" : "";
      num += lx.Word();
      if (lx.Eat(".")) num += "." + lx.Word();
      if (!NormalizeDecimal(num)) return InvalidArgumentError("'{}' is not a number", num);
      t.text = num;
    } else {
      std::string word = lx.Word();
      if (word != "operation_indicator") {
        return InvalidArgumentError("'{}' is not supported; {}", word.empty() ? lx.Rest() : word,
                                    kSupported);
      }
      if (!lx.Eat("(")) return InvalidArgumentError("operation_indicator needs '('");
      t.kind = Term::Kind::kOperation;
      for (int i = 0; i < 3; ++i) {
        if (i > 0 && !lx.Eat(",")) {
          return InvalidArgumentError(
              "operation_indicator takes three texts: for a delete, an update and an insert");
        }
        ASSIGN_OR_RETURN(std::string choice, lx.Quoted());
        t.choices.push_back(std::move(choice));
      }
      if (!lx.Eat(")")) return InvalidArgumentError("operation_indicator needs ')' after 3 texts");
    }
    e.terms_.push_back(std::move(t));
    if (lx.Done()) break;
    if (!lx.Eat("||")) {
      return InvalidArgumentError("'{}' is not supported (only || joins terms); {}", lx.Rest(),
                                  kSupported);
    }
  }
  return e;
}

std::vector<std::string> Expression::Columns() const {
  std::vector<std::string> out;
  for (const Term& t : terms_) {
    if (t.kind == Term::Kind::kColumn) out.push_back(t.text);
  }
  return out;
}

Value Expression::EvaluateTerm(const Term& t, const ExpressionContext& c, Column* type) const {
  *type = TextColumn();
  switch (t.kind) {
    case Term::Kind::kColumn: {
      int i = c.source->FindColumn(t.text);
      *type = c.source->columns[static_cast<size_t>(i)];
      return (*c.row)[static_cast<size_t>(i)];
    }
    case Term::Kind::kLiteral:
      return Value::String(t.text);
    case Term::Kind::kOperation:
      if (c.load) return Value::String(t.choices[2]);
      return Value::String(t.choices[c.op == Op::kDelete ? 0 : c.op == Op::kUpdate ? 1 : 2]);
    case Term::Kind::kTimestamp: {
      type->type = LogicalType::kDateTime;
      type->mysql_type = MysqlType::kDateTime2;
      type->scale = 6;
      int64_t us = c.commit_time_micros;
      int64_t secs = us >= 0 ? us / 1'000'000 : (us - 999'999) / 1'000'000;
      DateTime dt = TimestampToUtc(Timestamp{secs, static_cast<uint32_t>(us - secs * 1'000'000)});
      return Value::OfDateTime(dt);
    }
    case Term::Kind::kChangeSeq:
      return Value::String(Hundredths(c.commit_time_micros) + std::string(c.change_seq));
    case Term::Kind::kOperationName:
      if (c.load) return Value::String("INSERT");
      return Value::String(c.op == Op::kDelete   ? "DELETE"
                           : c.op == Op::kUpdate ? "UPDATE"
                                                 : "INSERT");
    case Term::Kind::kStreamPosition:
      return Value::String(std::string(c.stream_position));
    case Term::Kind::kTransactionId:
      return Value::String(std::string(c.transaction_id));
    case Term::Kind::kSourceSchema:
      return Value::String(c.source->database);
    case Term::Kind::kSourceTable:
      return Value::String(c.source->table);
  }
  return Value::Null();
}

Value Expression::Evaluate(const ExpressionContext& context, Column* type) const {
  if (terms_.size() == 1) return EvaluateTerm(terms_[0], context, type);
  std::string text;
  for (const Term& t : terms_) {
    Column col;
    Value v = EvaluateTerm(t, context, &col);
    if (v.is_null() || v.is_absent()) {
      *type = TextColumn();
      return Value::Null();
    }
    if (v.kind() == Value::Kind::kString || v.kind() == Value::Kind::kJson) {
      text += v.bytes();
    } else {
      AppendValueText(v, col, &text);
    }
  }
  *type = TextColumn();
  return Value::String(std::move(text));
}

}  // namespace binlake
