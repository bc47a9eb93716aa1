#include "mapping/row_filter.h"

#include <charconv>
#include <cstdlib>

#include "mapping/value_convert.h"

namespace binlake {

Result<FilterCondition::Op> ParseFilterOp(std::string_view name) {
  using Op = FilterCondition::Op;
  if (name == "eq") return Op::kEq;
  if (name == "noteq") return Op::kNotEq;
  if (name == "ste") return Op::kSte;
  if (name == "gte") return Op::kGte;
  if (name == "between") return Op::kBetween;
  if (name == "notbetween") return Op::kNotBetween;
  if (name == "null") return Op::kNull;
  if (name == "notnull") return Op::kNotNull;
  return InvalidArgumentError(
      "filter-operator '{}' is not one binlake evaluates: use eq, noteq, ste, gte, between, "
      "notbetween, null or notnull",
      name);
}

Result<FilterLiteral> ParseFilterLiteral(std::string_view text, const Column& column) {
  FilterLiteral out;
  out.text = std::string(text);
  switch (column.type) {
    case LogicalType::kInt8:
    case LogicalType::kInt16:
    case LogicalType::kInt24:
    case LogicalType::kInt32:
    case LogicalType::kInt64:
    case LogicalType::kDecimal:
    case LogicalType::kBit:
    case LogicalType::kYear: {
      std::optional<std::string> n = NormalizeDecimal(text);
      if (!n) return InvalidArgumentError("'{}' is not a number (column {})", text, column.name);
      out.num = std::move(n);
      break;
    }
    case LogicalType::kFloat:
    case LogicalType::kDouble: {
      std::optional<double> d = ParseDouble(text);
      if (!d) return InvalidArgumentError("'{}' is not a number (column {})", text, column.name);
      out.real = d;
      break;
    }
    case LogicalType::kDate:
    case LogicalType::kDateTime:
    case LogicalType::kTimestamp: {
      std::optional<DateTime> dt = ParseDateTimeText(text);
      if (!dt) {
        return InvalidArgumentError(
            "'{}' is not a date or date-time (column {}): write 'YYYY-MM-DD' or "
            "'YYYY-MM-DD HH:MM:SS[.ffffff]'{}",
            text, column.name, column.type == LogicalType::kTimestamp ? " in UTC" : "");
      }
      out.instant = InstantCode(*dt);
      break;
    }
    case LogicalType::kTime: {
      std::optional<Duration> t = ParseDurationText(text);
      if (!t) {
        return InvalidArgumentError("'{}' is not a time (column {}): write '[-]HH:MM:SS[.ffffff]'",
                                    text, column.name);
      }
      out.micros = DurationMicros(*t);
      break;
    }
    default:
      break;
  }
  return out;
}

namespace {

template <typename T>
int Three(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace

int CompareWithLiteral(const Value& value, const FilterLiteral& literal) {
  switch (value.kind()) {
    case Value::Kind::kInt:
    case Value::Kind::kUInt:
    case Value::Kind::kDecimal:
      if (literal.num) return CompareDecimal(DecimalText(value), *literal.num);
      break;
    case Value::Kind::kFloat:
      if (literal.real) return Three<double>(value.float_value(), *literal.real);
      break;
    case Value::Kind::kDouble:
      if (literal.real) return Three(value.double_value(), *literal.real);
      break;
    case Value::Kind::kDate:
    case Value::Kind::kDateTime:
    case Value::Kind::kTimestamp:
      if (literal.instant) return Three(InstantCode(AsDateTime(value)), *literal.instant);
      break;
    case Value::Kind::kTime:
      if (literal.micros) return Three(DurationMicros(value.time()), *literal.micros);
      break;
    default:
      break;
  }
  // Text and bytes (and ENUM/SET held by index): byte order of the text forms.
  std::string own = value.kind() == Value::Kind::kString || value.kind() == Value::Kind::kBytes ||
                            value.kind() == Value::Kind::kJson
                        ? value.bytes()
                        : DecimalText(value);
  return Three<std::string_view>(own, literal.text);
}

Result<RowFilter> RowFilter::Compile(const std::vector<FilterSpec>& specs,
                                     const TableSchema& table) {
  RowFilter f;
  for (const FilterSpec& spec : specs) {
    Compiled c;
    c.rule_id = spec.rule_id;
    c.name = spec.column;
    c.column = table.FindColumn(spec.column);
    if (c.column < 0) {
      return InvalidArgumentError(
          "table-mapping rule-id {}: filter column '{}' is not a column of {}; filters name the "
          "source's columns",
          spec.rule_id, spec.column, table.QualifiedName());
    }
    const Column& col = table.columns[static_cast<size_t>(c.column)];
    for (const FilterCondition& fc : spec.conditions) {
      Condition cond{fc.op, {}, {}};
      using Op = FilterCondition::Op;
      if (fc.op != Op::kNull && fc.op != Op::kNotNull) {
        ASSIGN_OR_RETURN_CTX(cond.value, ParseFilterLiteral(fc.value, col),
                             "table-mapping rule-id {}: filter on {}.{}", spec.rule_id,
                             table.QualifiedName(), col.name);
      }
      if (fc.op == Op::kBetween || fc.op == Op::kNotBetween) {
        ASSIGN_OR_RETURN_CTX(cond.end, ParseFilterLiteral(fc.end, col),
                             "table-mapping rule-id {}: filter on {}.{}", spec.rule_id,
                             table.QualifiedName(), col.name);
      }
      c.conditions.push_back(std::move(cond));
    }
    f.filters_.push_back(std::move(c));
  }
  return f;
}

Result<bool> RowFilter::Admits(const Row& row) const {
  using Op = FilterCondition::Op;
  for (const Compiled& f : filters_) {
    const size_t i = static_cast<size_t>(f.column);
    if (i >= row.size() || row[i].is_absent()) {
      return FailedPreconditionError(
          "table-mapping rule-id {}: column {} is not in the row image, so its filter cannot be "
          "evaluated; set binlog_row_image=FULL on the source",
          f.rule_id, f.name);
    }
    const Value& v = row[i];
    bool any = false;
    for (const Condition& c : f.conditions) {
      if (c.op == Op::kNull) {
        any = v.is_null();
      } else if (c.op == Op::kNotNull) {
        any = !v.is_null();
      } else if (v.is_null()) {
        any = false;
      } else {
        int lo = CompareWithLiteral(v, c.value);
        switch (c.op) {
          case Op::kEq:
            any = lo == 0;
            break;
          case Op::kNotEq:
            any = lo != 0;
            break;
          case Op::kSte:
            any = lo <= 0;
            break;
          case Op::kGte:
            any = lo >= 0;
            break;
          case Op::kBetween:
          case Op::kNotBetween: {
            bool in = lo >= 0 && CompareWithLiteral(v, c.end) <= 0;
            any = c.op == Op::kBetween ? in : !in;
            break;
          }
          default:
            break;
        }
      }
      if (any) break;
    }
    if (!any) return false;
  }
  return true;
}

}  // namespace binlake
