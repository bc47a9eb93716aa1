#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace binlake {

// Decides which tables are replicated, from DMS-style selection patterns "schema.table"
// where % matches any run of characters (including none), _ exactly one and [ab] / [a-d]
// one of a set (LikeMatch); a pattern
// without a dot applies to the schema and matches all its tables. Matching is
// case-sensitive for names, as MySQL on Linux. Exclude wins over include. The system
// schemas (mysql, sys, information_schema, performance_schema) are never replicated.
// Immutable after Create; thread-safe.
class TableFilter {
 public:
  static Result<TableFilter> Create(const std::vector<std::string>& include,
                                    const std::vector<std::string>& exclude);

  bool Matches(std::string_view schema, std::string_view table) const;
  // True when some table of the schema could match (to skip whole schemas early).
  bool MayMatchSchema(std::string_view schema) const;

 private:
  struct Pattern {
    std::string schema;
    std::string table;
  };
  static Result<Pattern> ParsePattern(std::string_view text);

  std::vector<Pattern> include_;
  std::vector<Pattern> exclude_;
};

// Match of `text` against a DMS wildcard pattern: % any run of characters, _ exactly one,
// [ab] one of a set, [a-d] one of a range; [_], [%] and [[] are the literal characters.
bool LikeMatch(std::string_view pattern, std::string_view text);
// The pattern that matches exactly `name` (wildcard characters bracketed).
std::string EscapeLike(std::string_view name);

}  // namespace binlake
