#include "cascade/foreign_keys.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <utility>

#include "common/logging.h"
#include "mysql/connection.h"
#include "mysql/sql_text.h"

namespace binlake {

std::string_view FkActionName(FkAction a) {
  switch (a) {
    case FkAction::kRestrict:
      return "RESTRICT";
    case FkAction::kNoAction:
      return "NO ACTION";
    case FkAction::kCascade:
      return "CASCADE";
    case FkAction::kSetNull:
      return "SET NULL";
    case FkAction::kSetDefault:
      return "SET DEFAULT";
  }
  return "?";
}

std::optional<FkAction> ParseFkAction(std::string_view rule) {
  std::string r;
  for (char c : rule) r.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  if (r == "RESTRICT") return FkAction::kRestrict;
  if (r == "NO ACTION") return FkAction::kNoAction;
  if (r == "CASCADE") return FkAction::kCascade;
  if (r == "SET NULL") return FkAction::kSetNull;
  if (r == "SET DEFAULT") return FkAction::kSetDefault;
  return std::nullopt;
}

bool ForeignKey::Cascades() const {
  auto acts = [](FkAction a) { return a == FkAction::kCascade || a == FkAction::kSetNull; };
  return acts(on_delete) || acts(on_update);
}

ForeignKeyGraph::ForeignKeyGraph(const std::vector<ForeignKey>& keys) {
  for (const ForeignKey& k : keys) {
    if (!k.Cascades()) continue;
    keys_.push_back(k);
    by_parent_[k.Parent()].push_back(k);
  }
}

const std::vector<ForeignKey>& ForeignKeyGraph::Referencing(const std::string& parent) const {
  static const std::vector<ForeignKey> kNone;
  auto it = by_parent_.find(parent);
  return it == by_parent_.end() ? kNone : it->second;
}

std::set<std::string> ForeignKeyGraph::NeededChildren(
    const std::function<bool(const std::string&)>& replicated) const {
  std::set<std::string> children;
  for (const ForeignKey& k : keys_) children.insert(k.Child());
  // Replicated children, then every child a needed one hangs below (its rows change
  // unlogged too, and their changes cascade further). Grows until nothing changes; cycles,
  // a self-reference included, end because the set only grows.
  std::set<std::string> needed;
  for (const std::string& c : children) {
    if (replicated(c)) needed.insert(c);
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (const ForeignKey& k : keys_) {
      if (needed.count(k.Child()) && children.count(k.Parent()) &&
          needed.insert(k.Parent()).second) {
        grew = true;
      }
    }
  }
  return needed;
}

size_t ForeignKeyGraph::CountOnReplicated(
    const std::function<bool(const std::string&)>& replicated) const {
  return static_cast<size_t>(std::count_if(
      keys_.begin(), keys_.end(), [&](const ForeignKey& k) { return replicated(k.Child()); }));
}

namespace {

// SHOW CREATE TABLE text as tokens: quoted identifiers (unquoted, inner quotes undoubled),
// words (upper-cased) and single punctuation characters.
struct Token {
  std::string text;
  bool identifier = false;
};

std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char ch = s[i];
    if (std::isspace(static_cast<unsigned char>(ch))) {
      ++i;
    } else if (ch == '`' || ch == '"') {
      Token t{"", true};
      ++i;
      while (i < s.size()) {
        if (s[i] == ch && i + 1 < s.size() && s[i + 1] == ch) {
          t.text.push_back(ch);
          i += 2;
        } else if (s[i] == ch) {
          ++i;
          break;
        } else {
          t.text.push_back(s[i++]);
        }
      }
      out.push_back(std::move(t));
    } else if (ch == '\'') {
      // A string literal (a default or a comment): skipped whole.
      ++i;
      while (i < s.size() && s[i] != '\'') i += s[i] == '\\' ? 2 : 1;
      ++i;
      out.push_back(Token{"'", false});
    } else if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_') {
      Token t;
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) {
        t.text.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(s[i++]))));
      }
      out.push_back(std::move(t));
    } else {
      out.push_back(Token{std::string(1, ch), false});
      ++i;
    }
  }
  return out;
}

bool IsWord(const std::vector<Token>& t, size_t i, std::string_view w) {
  return i < t.size() && !t[i].identifier && t[i].text == w;
}

// Index just past the parenthesised group starting at t[i] == "(", or t.size().
size_t SkipGroup(const std::vector<Token>& t, size_t i) {
  int depth = 0;
  for (; i < t.size(); ++i) {
    if (t[i].identifier) continue;
    if (t[i].text == "(") ++depth;
    if (t[i].text == ")" && --depth == 0) return i + 1;
  }
  return t.size();
}

std::string Key(std::string_view db, std::string_view table, std::string_view name) {
  std::string k(db);
  k.append(1, '\0').append(table).append(1, '\0').append(name);
  return k;
}

}  // namespace

bool ParseCreateTableActions(std::string_view create, std::string_view name, FkAction* on_delete,
                             FkAction* on_update) {
  std::vector<Token> t = Tokenize(create);
  for (size_t i = 0; i + 3 < t.size(); ++i) {
    if (!IsWord(t, i, "CONSTRAINT") || !t[i + 1].identifier || t[i + 1].text != name ||
        !IsWord(t, i + 2, "FOREIGN") || !IsWord(t, i + 3, "KEY")) {
      continue;
    }
    size_t j = i + 4;
    if (j < t.size() && t[j].identifier) ++j;  // an index name
    j = SkipGroup(t, j);                       // (child columns)
    if (!IsWord(t, j, "REFERENCES")) return false;
    ++j;
    while (j < t.size() && (t[j].identifier || t[j].text == ".")) ++j;
    j = SkipGroup(t, j);  // (parent columns)
    *on_delete = FkAction::kRestrict;
    *on_update = FkAction::kRestrict;
    while (IsWord(t, j, "MATCH")) j += 2;
    while (IsWord(t, j, "ON") && (IsWord(t, j + 1, "DELETE") || IsWord(t, j + 1, "UPDATE"))) {
      FkAction* target = t[j + 1].text == "DELETE" ? on_delete : on_update;
      j += 2;
      std::string words = j < t.size() ? t[j].text : "";
      if ((IsWord(t, j, "SET") || IsWord(t, j, "NO")) && j + 1 < t.size()) {
        words += " " + t[++j].text;
      }
      ++j;
      std::optional<FkAction> a = ParseFkAction(words);
      if (!a) return false;
      *target = *a;
    }
    return true;
  }
  return false;
}

Result<std::vector<ForeignKey>> ReadForeignKeys(Connection* c) {
  // KEY_COLUMN_USAGE shows a key to whoever may read its table; REFERENTIAL_CONSTRAINTS, which
  // holds the actions, is empty for a user with only SELECT on MariaDB.
  ASSIGN_OR_RETURN(
      QueryResult r,
      c->Query("SELECT CONSTRAINT_SCHEMA, CONSTRAINT_NAME, TABLE_NAME, REFERENCED_TABLE_SCHEMA, "
               "REFERENCED_TABLE_NAME, COLUMN_NAME, REFERENCED_COLUMN_NAME "
               "FROM information_schema.KEY_COLUMN_USAGE "
               "WHERE REFERENCED_TABLE_NAME IS NOT NULL "
               "ORDER BY CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION"));
  std::vector<ForeignKey> keys;
  for (const auto& row : r.rows) {
    if (row.size() < 7 || !row[0] || !row[1] || !row[2] || !row[3] || !row[4] || !row[5] ||
        !row[6]) {
      continue;
    }
    bool same = !keys.empty() && keys.back().child_database == *row[0] &&
                keys.back().name == *row[1] && keys.back().child_table == *row[2];
    if (!same) {
      ForeignKey k;
      k.name = *row[1];
      k.child_database = *row[0];
      k.child_table = *row[2];
      k.parent_database = *row[3];
      k.parent_table = *row[4];
      keys.push_back(std::move(k));
    }
    keys.back().child_columns.push_back(*row[5]);
    keys.back().parent_columns.push_back(*row[6]);
  }
  if (keys.empty()) return keys;

  std::map<std::string, std::pair<FkAction, FkAction>> rules;  // (delete, update)
  ASSIGN_OR_RETURN(QueryResult rc,
                   c->Query("SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, DELETE_RULE, "
                            "UPDATE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS"));
  for (const auto& row : rc.rows) {
    if (row.size() < 5 || !row[0] || !row[1] || !row[2]) continue;
    std::optional<FkAction> del = ParseFkAction(row[3].value_or(""));
    std::optional<FkAction> upd = ParseFkAction(row[4].value_or(""));
    if (del && upd) rules[Key(*row[0], *row[1], *row[2])] = {*del, *upd};
  }
  std::map<std::string, std::string> created;  // "db\0table" -> SHOW CREATE TABLE text
  std::vector<ForeignKey> out;
  for (ForeignKey& k : keys) {
    auto it = rules.find(Key(k.child_database, k.child_table, k.name));
    if (it != rules.end()) {
      k.on_delete = it->second.first;
      k.on_update = it->second.second;
      out.push_back(std::move(k));
      continue;
    }
    std::string table = Key(k.child_database, k.child_table, "");
    if (!created.count(table)) {
      Result<QueryResult> show =
          c->Query("SHOW CREATE TABLE " + sql::QuoteIdentifier(k.child_database) + "." +
                   sql::QuoteIdentifier(k.child_table));
      if (!show.ok()) {
        LOG_WARN(
            "foreign key {} of {}: SHOW CREATE TABLE failed ({}); its actions are unknown, "
            "so binlake synthesises nothing for it",
            k.name, k.Child(), show.status().ToString());
        created[table] = "";
      } else {
        const auto& rows = show->rows;
        created[table] = !rows.empty() && rows[0].size() > 1 ? rows[0][1].value_or("") : "";
      }
    }
    if (!ParseCreateTableActions(created[table], k.name, &k.on_delete, &k.on_update)) {
      if (!created[table].empty()) {
        LOG_WARN(
            "foreign key {} of {}: its actions could not be read from SHOW CREATE TABLE; "
            "binlake synthesises nothing for it",
            k.name, k.Child());
      }
      continue;
    }
    out.push_back(std::move(k));
  }
  return out;
}

bool SourceLogsCascades(std::string_view version,
                        const std::optional<std::string>& native_fk_variable) {
  // MariaDB says so in its version ("10.11.6-MariaDB-0+deb12u1", or "5.5.5-10.x-MariaDB").
  std::string lower;
  for (char c : version)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower.find("mariadb") != std::string::npos) return false;
  if (native_fk_variable) {
    std::string v;
    for (char c : *native_fk_variable) {
      v.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    // The variable exists only where the SQL layer can enforce foreign keys.
    return v == "OFF" || v == "0";
  }
  // Without the variable: MySQL 9.6 and later enforce foreign keys in the SQL layer.
  char* end = nullptr;
  long major = std::strtol(lower.c_str(), &end, 10);
  long minor = (end && *end == '.') ? std::strtol(end + 1, nullptr, 10) : 0;
  return major > 9 || (major == 9 && minor >= 6);
}

}  // namespace binlake
