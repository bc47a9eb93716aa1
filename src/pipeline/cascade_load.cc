#include "pipeline/cascade_load.h"

#include <limits>

#include "binlog/replication_source.h"
#include "binlog/server_table.h"
#include "common/logging.h"
#include "mysql/connection.h"
#include "pipeline/chunk_reader.h"

namespace binlake {
namespace {

constexpr uint64_t kAll = std::numeric_limits<uint32_t>::max();

std::pair<std::string, std::string> Split(const std::string& qualified) {
  size_t dot = qualified.find('.');
  return {qualified.substr(0, dot), qualified.substr(dot + 1)};
}

}  // namespace

Result<BinlogPosition> OpenSnapshot(Connection* c, bool exact, size_t tables) {
  if (exact) {
    // MariaDB (and Percona Server) report the binlog position of the snapshot itself.
    RETURN_IF_ERROR(c->Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT"));
    ASSIGN_OR_RETURN(QueryResult r, c->Query("SHOW STATUS LIKE 'binlog_snapshot_%'"));
    BinlogPosition at;
    for (const auto& row : r.rows) {
      if (!row[0] || !row[1]) continue;
      if (*row[0] == "Binlog_snapshot_file") at.file = *row[1];
      if (*row[0] == "Binlog_snapshot_position") {
        at.offset = std::strtoull(row[1]->c_str(), nullptr, 10);
      }
    }
    if (at.file.empty()) {
      return FailedPreconditionError("{} reported no binlog snapshot position (binary log off?)",
                                     c->peer());
    }
    return at;
  }
  // MySQL: commits stop for the moment it takes to open the snapshot and read the binlog end
  // (mysqldump --single-transaction --source-data does the same).
  Status locked = c->Execute("FLUSH TABLES WITH READ LOCK");
  if (!locked.ok()) {
    return FailedPreconditionError(
        "the row state for foreign-key cascades and TRUNCATE needs the current rows of {} "
        "tables at a known binlog position; {} does not report a snapshot's position, and "
        "FLUSH TABLES WITH READ LOCK (held for milliseconds to read one) failed: {}. Grant "
        "binlake's user RELOAD, or set cascades: off and truncate: warn (docs/cascades.md)",
        tables, c->peer(), locked.ToString());
  }
  Status opened = c->Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
  Result<BinlogPosition> at = opened.ok() ? CurrentBinlogEnd(c) : Result<BinlogPosition>(opened);
  Status unlocked = c->Execute("UNLOCK TABLES");
  if (!at.ok()) return at.status();
  RETURN_IF_ERROR(unlocked);
  return at;
}

Result<BinlogPosition> LoadRowState(const ConnectOptions& connect,
                                    const std::vector<std::string>& tables, RowState* state) {
  RETURN_IF_ERROR(state->Reset());
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, ConnectForRows(connect));
  ASSIGN_OR_RETURN(bool exact, HasSnapshotPosition(c.get()));
  // Described before the snapshot: a DDL statement between the two fails the SELECT below.
  std::vector<LoadTable> plans;
  for (const std::string& q : tables) {
    auto [db, name] = Split(q);
    Result<LoadTable> t = PlanLoadTable(c.get(), db, name, kAll, kAll);
    if (!t.ok()) {
      LOG_WARN("row state: {} cannot be read ({}); it starts empty", q, t.status().ToString());
      continue;
    }
    plans.push_back(std::move(t).value());
  }
  ASSIGN_OR_RETURN(BinlogPosition at, OpenSnapshot(c.get(), exact, tables.size()));
  uint64_t total = 0;
  for (const LoadTable& t : plans) {
    RETURN_IF_ERROR(state->Keep(t.QualifiedName(), {}));
    const std::vector<Column>& columns = t.described->columns;
    Row row;
    uint64_t n = 0;
    Status read =
        c->QueryEach("SELECT " + t.select_list + " FROM " + t.from, nullptr,
                     [&](const TextRowView& text) -> Status {
                       row.resize(columns.size());
                       for (size_t i = 0; i < columns.size(); ++i) {
                         RETURN_IF_ERROR(ParseSelectedValue(columns[i], text[i], &row[i]));
                       }
                       ++n;
                       return state->Upsert(*t.described, row);
                     });
    RETURN_IF_ERROR(read.Context("row state: reading " + t.QualifiedName()));
    total += n;
  }
  RETURN_IF_ERROR(c->Execute("COMMIT"));
  RETURN_IF_ERROR(state->FinishLoad(at));
  LOG_INFO("row state: {} rows of {} tables read in one snapshot at {}", total, plans.size(),
           at.ToString());
  return at;
}

Result<TableSchemaPtr> DescribeSourceTable(const ConnectOptions& connect,
                                           const std::string& database, const std::string& table) {
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(connect));
  ASSIGN_OR_RETURN(LoadTable t, PlanLoadTable(c.get(), database, table, kAll, kAll));
  return t.described;
}

}  // namespace binlake
