#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/table_map_cache.h"
#include "common/result.h"
#include "mysql/connect_options.h"
#include "mysql/connection.h"

namespace binlake {

// A SchemaResolver that asks the source server's information_schema, over its own SQL
// connection, for what TABLE_MAP events written with binlog_row_metadata=MINIMAL (MySQL's
// default) leave out:
//
//   COLUMNS      names in table order, unsigned (from COLUMN_TYPE), nullability, collation
//                ids (joined with COLLATIONS; 63 for BINARY/VARBINARY/BLOB), ENUM/SET
//                members (parsed from COLUMN_TYPE), INVISIBLE columns
//   STATISTICS   the key: PRIMARY, else the unique index whose columns are all NOT NULL
//                and whose name sorts first
//
// The description is of the table as it is now, which is why the TableMapCache consults it
// only for what a TABLE_MAP lacks (names and more with MINIMAL metadata, where it warns that
// FULL avoids the race around schema changes; the unique key of a table without primary key)
// and only for tables the pipeline replicates (Wants).
//
// Connects on first use; when the connection is lost, retries on fresh connections with
// backoff, about 13 s in all (blocking the caller). Owns its connection. Not
// thread-safe.
class InformationSchemaResolver : public SchemaResolver {
 public:
  // `wants`: the tables worth describing (all when empty), e.g. those the pipeline replicates.
  using Wanted = std::function<bool(std::string_view database, std::string_view table)>;
  explicit InformationSchemaResolver(ConnectOptions options, Wanted wants = nullptr);
  ~InformationSchemaResolver() override;

  // kNotFound when the table does not exist (any more) on the server.
  Result<ResolvedTable> Resolve(std::string_view database, std::string_view table) override;
  bool Wants(std::string_view database, std::string_view table) override {
    return !wants_ || wants_(database, table);
  }

 private:
  Result<ResolvedTable> Query(std::string_view database, std::string_view table);

  const ConnectOptions options_;
  const Wanted wants_;
  std::unique_ptr<Connection> connection_;
};

// The members of an ENUM or SET from information_schema's COLUMN_TYPE, e.g.
// "enum('a','b''c','d\\e')" -> {"a", "b'c", "d\e"}: quotes doubled, backslash escapes as in
// SQL string literals. kInvalidArgument when the text is not an ENUM/SET definition.
Result<std::vector<std::string>> ParseEnumSetMembers(std::string_view column_type);

}  // namespace binlake
