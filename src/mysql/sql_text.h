#pragma once

#include <string>
#include <string_view>

// Building SQL text safely from names and values the server gave us.
namespace binlake::sql {

// `name` in backticks, inner backticks doubled: QuoteIdentifier("a`b") == "`a``b`".
std::string QuoteIdentifier(std::string_view name);

// `schema`.`table`
std::string QualifiedName(std::string_view schema, std::string_view table);

// A string literal in single quotes with \0 \n \r \\ ' " and \Z (0x1a) escaped by backslash,
// as mysql_real_escape_string does.
// REQUIRES: the session's sql_mode lacks NO_BACKSLASH_ESCAPES (HexLiteral works in any mode).
std::string QuoteString(std::string_view value);

// Any bytes as a hex literal with a charset introducer, exact in every sql_mode:
// HexLiteral("ab", "utf8mb4") == "_utf8mb4 X'6162'"; with an empty charset, "X'6162'"
// (a binary string). An empty value gives "_utf8mb4 ''" / "''".
std::string HexLiteral(std::string_view value, std::string_view charset);

}  // namespace binlake::sql
