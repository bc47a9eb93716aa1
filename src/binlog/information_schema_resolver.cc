#include "binlog/information_schema_resolver.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include "binlog/server_table.h"
#include "common/logging.h"
#include "mysql/sql_text.h"

namespace binlake {

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

InformationSchemaResolver::InformationSchemaResolver(ConnectOptions options, Wanted wants)
    : options_(std::move(options)), wants_(std::move(wants)) {}

InformationSchemaResolver::~InformationSchemaResolver() = default;

Result<ResolvedTable> InformationSchemaResolver::Resolve(std::string_view database,
                                                         std::string_view table) {
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
  Result<ServerTable> described = DescribeServerTable(connection_.get(), database, table);
  if (described.status().code() == StatusCode::kNotFound) {
    return NotFoundError(
        "table {}.{} does not exist on {} (any more), so information_schema cannot name the "
        "columns of its binlog events (binlog_row_metadata=MINIMAL). Set "
        "binlog_row_metadata=FULL so events carry their own names, or exclude the table",
        database, table, connection_->peer());
  }
  if (!described.ok()) return described.status();
  return std::move(described->resolved);
}

}  // namespace binlake
