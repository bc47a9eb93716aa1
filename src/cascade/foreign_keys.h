#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace binlake {

class Connection;

// What a foreign key does to its child rows when the referenced parent row is deleted or its
// referenced columns change. InnoDB parses SET DEFAULT but refuses to create such a key.
enum class FkAction : uint8_t { kRestrict, kNoAction, kCascade, kSetNull, kSetDefault };

std::string_view FkActionName(FkAction a);
// "CASCADE", "SET NULL", ... as information_schema spells them; nullopt for anything else.
std::optional<FkAction> ParseFkAction(std::string_view rule);

// One foreign key constraint: child.child_columns REFERENCES parent(parent_columns), with
// its two actions. Column lists are in the key's order and have equal lengths.
struct ForeignKey {
  std::string name;  // the constraint's name
  std::string child_database;
  std::string child_table;
  std::vector<std::string> child_columns;
  std::string parent_database;
  std::string parent_table;
  std::vector<std::string> parent_columns;
  FkAction on_delete = FkAction::kRestrict;
  FkAction on_update = FkAction::kRestrict;

  std::string Child() const { return child_database + "." + child_table; }
  std::string Parent() const { return parent_database + "." + parent_table; }
  // CASCADE or SET NULL on delete or on update: the engine changes child rows itself.
  bool Cascades() const;
  bool operator==(const ForeignKey&) const = default;
};

// The foreign keys with cascading actions among the source's tables, indexed both ways.
// Immutable; thread-safe.
class ForeignKeyGraph {
 public:
  ForeignKeyGraph() = default;
  // Keeps the keys that cascade; the others change no row.
  explicit ForeignKeyGraph(const std::vector<ForeignKey>& keys);

  // The cascading keys that reference `parent` ("db.table").
  const std::vector<ForeignKey>& Referencing(const std::string& parent) const;
  bool IsParent(const std::string& parent) const { return by_parent_.count(parent) != 0; }
  const std::vector<ForeignKey>& keys() const { return keys_; }

  // The tables whose current rows a cascade needs: the child of every cascading key whose
  // cascade can reach a replicated table (the child itself, or a table further down a chain
  // of cascading keys). A non-replicated child in the middle of a chain is needed too.
  std::set<std::string> NeededChildren(
      const std::function<bool(const std::string& qualified)>& replicated) const;
  // How many cascading keys have a replicated child.
  size_t CountOnReplicated(
      const std::function<bool(const std::string& qualified)>& replicated) const;

  bool operator==(const ForeignKeyGraph& o) const { return keys_ == o.keys_; }

 private:
  std::vector<ForeignKey> keys_;
  std::map<std::string, std::vector<ForeignKey>> by_parent_;
};

// Every foreign key of the source, composite keys in column order: the columns from
// information_schema.KEY_COLUMN_USAGE, the actions from REFERENTIAL_CONSTRAINTS or, where that
// hides them (MariaDB shows it only to users with more than SELECT), from SHOW CREATE TABLE of
// the child. A key whose actions cannot be read is left out with a warning.
Result<std::vector<ForeignKey>> ReadForeignKeys(Connection* c);

// The ON DELETE and ON UPDATE actions of constraint `name` in SHOW CREATE TABLE text (an
// action not shown is RESTRICT). False when the text has no such foreign key.
bool ParseCreateTableActions(std::string_view create, std::string_view name, FkAction* on_delete,
                             FkAction* on_update);

// Whether the source writes the row events of the child rows its foreign keys change: MySQL
// 9.6 and later with foreign keys enforced by the SQL layer (innodb_native_foreign_keys OFF,
// the default there). MariaDB and older MySQL change child rows inside InnoDB and log only
// the parent's row. `version` is the server's version string, `native_fk_variable` the value
// of innodb_native_foreign_keys if the server has that variable.
bool SourceLogsCascades(std::string_view version,
                        const std::optional<std::string>& native_fk_variable);

}  // namespace binlake
