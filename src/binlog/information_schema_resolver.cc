#include "binlog/information_schema_resolver.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include "common/logging.h"
#include "mysql/sql_text.h"

namespace binlake {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool IsBinaryType(std::string_view data_type) {
  return data_type == "binary" || data_type == "varbinary" || data_type == "tinyblob" ||
         data_type == "blob" || data_type == "mediumblob" || data_type == "longblob";
}

std::string_view Text(const std::optional<std::string>& v) {
  return v ? std::string_view(*v) : std::string_view();
}

}  // namespace

Result<std::vector<std::string>> ParseEnumSetMembers(std::string_view type) {
  size_t open = type.find('(');
  std::string_view kind = type.substr(0, open);
  if (open == std::string_view::npos || (kind != "enum" && kind != "set") || type.back() != ')') {
    return InvalidArgumentError("'{}' is not an ENUM or SET column type", type);
  }
  std::vector<std::string> members;
  size_t i = open + 1;
  size_t end = type.size() - 1;
  while (i < end) {
    if (type[i] != '\'') {
      return InvalidArgumentError("'{}': expected a quoted member at offset {}", type, i);
    }
    ++i;
    std::string member;
    while (true) {
      if (i >= end) return InvalidArgumentError("'{}': unterminated member", type);
      char c = type[i];
      if (c == '\'' && i + 1 < end && type[i + 1] == '\'') {
        member.push_back('\'');
        i += 2;
      } else if (c == '\'') {
        ++i;
        break;
      } else if (c == '\\' && i + 1 < end) {
        char n = type[i + 1];
        switch (n) {
          case '0':
            member.push_back('\0');
            break;
          case 'n':
            member.push_back('\n');
            break;
          case 'r':
            member.push_back('\r');
            break;
          case 't':
            member.push_back('\t');
            break;
          case 'b':
            member.push_back('\b');
            break;
          case 'Z':
            member.push_back('\x1a');
            break;
          default:
            member.push_back(n);
            break;
        }
        i += 2;
      } else {
        member.push_back(c);
        ++i;
      }
    }
    members.push_back(std::move(member));
    if (i < end) {
      if (type[i] != ',') {
        return InvalidArgumentError("'{}': expected ',' at offset {}", type, i);
      }
      ++i;
    }
  }
  return members;
}

InformationSchemaResolver::InformationSchemaResolver(ConnectOptions options)
    : options_(std::move(options)) {}

InformationSchemaResolver::~InformationSchemaResolver() = default;

Result<ResolvedTable> InformationSchemaResolver::Resolve(std::string_view database,
                                                         std::string_view table) {
  if (!warned_) {
    warned_ = true;
    LOG_WARN(
        "TABLE_MAP events from {}:{} carry no column names (binlog_row_metadata=MINIMAL): "
        "binlake reads names, keys and ENUM/SET members from information_schema, which "
        "describes tables as they are now, not as they were when the event was written. Set "
        "binlog_row_metadata=FULL on the server (SET GLOBAL binlog_row_metadata = 'FULL', "
        "and in its configuration) so that schema changes cannot race with capture",
        options_.host, options_.port);
  }
  // A lost connection (the server restarting under a replicator) is retried on fresh
  // connections, with about 13 s of backoff in all, before the error reaches the pipeline.
  Result<ResolvedTable> r = Query(database, table);
  auto delay = std::chrono::milliseconds(100);
  for (int attempt = 0; attempt < 8 && !r.ok() && r.status().IsRetryable(); ++attempt) {
    connection_.reset();
    if (attempt > 0) {
      std::this_thread::sleep_for(delay);
      delay = std::min(delay * 2, std::chrono::milliseconds(8000));
    }
    r = Query(database, table);
  }
  return r;
}

Result<ResolvedTable> InformationSchemaResolver::Query(std::string_view database,
                                                       std::string_view table) {
  if (connection_ == nullptr) {
    ASSIGN_OR_RETURN(connection_, Connection::Connect(options_));
  }
  std::string schema = sql::QuoteString(database);
  std::string name_literal = sql::QuoteString(table);
  ASSIGN_OR_RETURN(
      QueryResult columns,
      connection_->Query(fmt::format(
          "SELECT c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE, c.IS_NULLABLE, co.ID, c.EXTRA "
          "FROM information_schema.COLUMNS c LEFT JOIN information_schema.COLLATIONS co "
          "ON co.COLLATION_NAME = c.COLLATION_NAME "
          "WHERE c.TABLE_SCHEMA = {} AND c.TABLE_NAME = {} ORDER BY c.ORDINAL_POSITION",
          schema, name_literal)));
  std::string name = fmt::format("{}.{}", database, table);
  if (columns.rows.empty()) {
    return NotFoundError(
        "table {} does not exist on {} (any more), so information_schema cannot name the "
        "columns of its binlog events (binlog_row_metadata=MINIMAL). Set "
        "binlog_row_metadata=FULL so events carry their own names, or exclude the table",
        name, connection_->peer());
  }
  ResolvedTable out;
  for (const auto& row : columns.rows) {
    Column c;
    c.name = std::string(Text(row[0]));
    std::string_view data_type = Text(row[1]);
    std::string_view column_type = Text(row[2]);
    c.is_unsigned = column_type.find(" unsigned") != std::string_view::npos;
    c.nullable = Text(row[3]) == "YES";
    if (IsBinaryType(data_type)) {
      c.collation_id = kBinaryCollationId;
    } else if (row[4]) {
      c.collation_id = static_cast<uint16_t>(std::strtoul(row[4]->c_str(), nullptr, 10));
    }
    if (StartsWith(column_type, "enum(") || StartsWith(column_type, "set(")) {
      Result<std::vector<std::string>> members = ParseEnumSetMembers(column_type);
      if (!members.ok()) {
        return members.status().Context(
            fmt::format("column {} of {} in information_schema", c.name, name));
      }
      c.elements = std::move(members).value();
    }
    std::string extra(Text(row[5]));
    std::transform(extra.begin(), extra.end(), extra.begin(), ::toupper);
    c.invisible = extra.find("INVISIBLE") != std::string::npos;
    out.columns.push_back(std::move(c));
  }

  ASSIGN_OR_RETURN(
      QueryResult keys,
      connection_->Query(fmt::format("SELECT INDEX_NAME, COLUMN_NAME, NON_UNIQUE FROM "
                                     "information_schema.STATISTICS WHERE TABLE_SCHEMA = {} AND "
                                     "TABLE_NAME = {} ORDER BY INDEX_NAME, SEQ_IN_INDEX",
                                     schema, name_literal)));
  // Unique indexes by name, in key order; PRIMARY wins, else the first whose columns are all
  // NOT NULL (a unique index over NULLable columns does not identify rows).
  std::map<std::string, std::vector<int>> unique;
  for (const auto& row : keys.rows) {
    if (Text(row[2]) != "0") continue;
    std::string index(Text(row[0]));
    int column = -1;
    for (size_t i = 0; i < out.columns.size(); ++i) {
      if (out.columns[i].name == Text(row[1])) column = static_cast<int>(i);
    }
    unique[index].push_back(column);
  }
  auto usable = [&](const std::vector<int>& cols) {
    return std::all_of(cols.begin(), cols.end(),
                       [&](int i) { return i >= 0 && !out.columns[i].nullable; });
  };
  if (auto it = unique.find("PRIMARY"); it != unique.end() && usable(it->second)) {
    out.key_columns = it->second;
  } else {
    for (const auto& [index, cols] : unique) {
      if (usable(cols)) {
        out.key_columns = cols;
        break;
      }
    }
  }
  return out;
}

}  // namespace binlake
