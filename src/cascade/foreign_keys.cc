#include "cascade/foreign_keys.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "mysql/connection.h"

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

Result<std::vector<ForeignKey>> ReadForeignKeys(Connection* c) {
  ASSIGN_OR_RETURN(
      QueryResult r,
      c->Query("SELECT rc.CONSTRAINT_SCHEMA, rc.CONSTRAINT_NAME, rc.TABLE_NAME, "
               "rc.UNIQUE_CONSTRAINT_SCHEMA, rc.REFERENCED_TABLE_NAME, rc.UPDATE_RULE, "
               "rc.DELETE_RULE, k.COLUMN_NAME, k.REFERENCED_COLUMN_NAME "
               "FROM information_schema.REFERENTIAL_CONSTRAINTS rc "
               "JOIN information_schema.KEY_COLUMN_USAGE k "
               "ON k.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA "
               "AND k.CONSTRAINT_NAME = rc.CONSTRAINT_NAME AND k.TABLE_NAME = rc.TABLE_NAME "
               "WHERE k.REFERENCED_COLUMN_NAME IS NOT NULL "
               "ORDER BY rc.CONSTRAINT_SCHEMA, rc.TABLE_NAME, rc.CONSTRAINT_NAME, "
               "k.ORDINAL_POSITION"));
  std::vector<ForeignKey> keys;
  for (const auto& row : r.rows) {
    if (row.size() < 9 || !row[0] || !row[1] || !row[2] || !row[3] || !row[4] || !row[7] ||
        !row[8]) {
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
      k.on_update = ParseFkAction(row[5].value_or("")).value_or(FkAction::kRestrict);
      k.on_delete = ParseFkAction(row[6].value_or("")).value_or(FkAction::kRestrict);
      keys.push_back(std::move(k));
    }
    keys.back().child_columns.push_back(*row[7]);
    keys.back().parent_columns.push_back(*row[8]);
  }
  return keys;
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
