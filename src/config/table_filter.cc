#include "config/table_filter.h"

namespace binlake {
namespace {

bool IsSystemSchema(std::string_view s) {
  return s == "mysql" || s == "sys" || s == "information_schema" || s == "performance_schema";
}

}  // namespace

namespace {

// Matches one pattern element at pattern[p] against c: `_`, a bracket class `[ab]`, `[a-d]`
// (`[_]`, `[%]` are the literal characters), or a literal. Sets *next past the element.
// An unclosed `[` is a literal.
bool MatchElement(std::string_view pattern, size_t p, char c, size_t* next) {
  if (pattern[p] == '_') {
    *next = p + 1;
    return true;
  }
  if (pattern[p] == '[') {
    size_t close = pattern.find(']', p + 2);
    if (close != std::string_view::npos) {
      *next = close + 1;
      for (size_t i = p + 1; i < close; ++i) {
        if (i + 2 < close && pattern[i + 1] == '-') {
          if (c >= pattern[i] && c <= pattern[i + 2]) return true;
          i += 2;
        } else if (pattern[i] == c) {
          return true;
        }
      }
      return false;
    }
  }
  *next = p + 1;
  return pattern[p] == c;
}

}  // namespace

bool LikeMatch(std::string_view pattern, std::string_view text) {
  // Iterative matcher with backtracking to the last %.
  size_t p = 0, t = 0, star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    size_t next = 0;
    if (p < pattern.size() && pattern[p] != '%' && MatchElement(pattern, p, text[t], &next)) {
      p = next;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '%') {
      star_p = p++;
      star_t = t;
    } else if (star_p != std::string_view::npos) {
      p = star_p + 1;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

std::string EscapeLike(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '%' || c == '_' || c == '[') {
      out += '[';
      out += c;
      out += ']';
    } else {
      out += c;
    }
  }
  return out;
}

Result<TableFilter::Pattern> TableFilter::ParsePattern(std::string_view text) {
  if (text.empty()) return InvalidArgumentError("empty table pattern: use e.g. 'shop.%'");
  size_t dot = text.find('.');
  if (dot == std::string_view::npos) return Pattern{std::string(text), "%"};
  if (text.find('.', dot + 1) != std::string_view::npos) {
    return InvalidArgumentError(
        "table pattern '{}' has more than one '.': write schema.table, e.g. 'shop.order%'", text);
  }
  Pattern p{std::string(text.substr(0, dot)), std::string(text.substr(dot + 1))};
  if (p.schema.empty() || p.table.empty()) {
    return InvalidArgumentError("table pattern '{}' needs both a schema and a table part", text);
  }
  return p;
}

Result<TableFilter> TableFilter::Create(const std::vector<std::string>& include,
                                        const std::vector<std::string>& exclude) {
  TableFilter f;
  for (const std::string& s : include) {
    ASSIGN_OR_RETURN_CTX(Pattern p, ParsePattern(s), "tables.include");
    f.include_.push_back(std::move(p));
  }
  for (const std::string& s : exclude) {
    ASSIGN_OR_RETURN_CTX(Pattern p, ParsePattern(s), "tables.exclude");
    f.exclude_.push_back(std::move(p));
  }
  return f;
}

bool TableFilter::Matches(std::string_view schema, std::string_view table) const {
  if (IsSystemSchema(schema)) return false;
  auto hit = [&](const std::vector<Pattern>& ps) {
    for (const Pattern& p : ps) {
      if (LikeMatch(p.schema, schema) && LikeMatch(p.table, table)) return true;
    }
    return false;
  };
  return hit(include_) && !hit(exclude_);
}

bool TableFilter::MayMatchSchema(std::string_view schema) const {
  if (IsSystemSchema(schema)) return false;
  for (const Pattern& p : include_) {
    if (LikeMatch(p.schema, schema)) return true;
  }
  return false;
}

}  // namespace binlake
