#include "pipeline/iceberg_load.h"

#include <limits>

#include "common/logging.h"
#include "mysql/connection.h"
#include "mysql/sql_text.h"
#include "pipeline/chunk_reader.h"

namespace binlake {

namespace {

Status LoadOnce(Connection* c, ChunkReader* reader, const std::string& schema,
                const std::string& table, IcebergSink* sink) {
  constexpr uint64_t kAll = std::numeric_limits<uint32_t>::max();
  ASSIGN_OR_RETURN(LoadTable t, PlanLoadTable(c, schema, table, kAll, kAll));
  t.chunked = false;  // one SELECT in one snapshot: the table at one binlog position
  LOG_INFO("iceberg: loading {} (about {} rows)", t.QualifiedName(), t.estimated_rows);
  // The reader starts its snapshot and sets the position before the first row: the sink
  // reads it only when it commits.
  ChunkResult result;
  return sink->Load(t.described, &result.position,
                    [&](const std::function<Status(Row &&)>& on_row) -> Status {
                      return reader->Read(t, Chunk{}, on_row, &result);
                    });
}

// Loads a table, again when its shape changed between describing and reading it (a DDL
// statement running meanwhile: the SELECT names a column that is gone). A table that is gone
// is left to the DROP or RENAME the binlog will bring.
Status LoadOne(Connection* c, ChunkReader* reader, const std::string& schema,
               const std::string& table, IcebergSink* sink) {
  for (int attempt = 1;; ++attempt) {
    Status s = LoadOnce(c, reader, schema, table, sink);
    if (s.ok()) return s;
    const std::string& m = s.message();
    if (s.code() == StatusCode::kNotFound || m.find("server error 1146") != std::string::npos) {
      LOG_WARN("iceberg: {}.{} disappeared while it was being loaded", schema, table);
      return Status::OK();
    }
    bool changed = m.find("server error 1054") != std::string::npos ||
                   m.find("server error 1412") != std::string::npos;
    if (!changed || attempt >= 5) return s;
    LOG_INFO("iceberg: {}.{} changed shape while it was being loaded; loading it again", schema,
             table);
  }
}

}  // namespace

Status LoadIcebergTable(const ConnectOptions& connect, uint32_t server_id,
                        const std::string& database, const std::string& table, IcebergSink* sink) {
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(connect));
  ASSIGN_OR_RETURN(QueryResult found,
                   c->Query(fmt::format("SELECT 1 FROM information_schema.TABLES WHERE "
                                        "TABLE_SCHEMA = {} AND TABLE_NAME = {}",
                                        sql::QuoteString(database), sql::QuoteString(table))));
  if (found.rows.empty()) {
    LOG_INFO("iceberg: {}.{} no longer exists on the source; nothing to load", database, table);
    return Status::OK();
  }
  ASSIGN_OR_RETURN(bool exact, HasSnapshotPosition(c.get()));
  if (!exact) {
    return UnimplementedError(
        "the Iceberg table of {}.{} must be loaded again, but the source does not report the "
        "binlog position of a consistent snapshot (a MariaDB feature)",
        database, table);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ChunkReader> reader,
                   ChunkReader::Create(connect, WatermarkMode::kSnapshot, server_id));
  return LoadOne(c.get(), reader.get(), database, table, sink);
}

Status LoadIcebergTables(const ConnectOptions& connect, uint32_t server_id,
                         const TableFilter& filter, IcebergSink* sink,
                         const std::atomic<bool>* stop) {
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(connect));
  ASSIGN_OR_RETURN(QueryResult tables,
                   c->Query("SELECT TABLE_SCHEMA, TABLE_NAME FROM "
                            "information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' "
                            "ORDER BY TABLE_SCHEMA, TABLE_NAME"));
  std::vector<std::pair<std::string, std::string>> todo;
  for (const auto& row : tables.rows) {
    if (!row[0] || !row[1] || !filter.Matches(*row[0], *row[1])) continue;
    ASSIGN_OR_RETURN(bool needed, sink->NeedsLoad(*row[0], *row[1]));
    if (needed) todo.emplace_back(*row[0], *row[1]);
  }
  if (todo.empty()) return Status::OK();
  ASSIGN_OR_RETURN(bool exact, HasSnapshotPosition(c.get()));
  if (!exact) {
    return UnimplementedError(
        "{} tables need their rows loaded into Iceberg, but the source does not report the "
        "binlog position of a consistent snapshot (a MariaDB feature): binlake cannot yet load "
        "Iceberg tables from this server exactly. Set full_load: false to build the Iceberg "
        "tables from changes only (existing rows are then missing), or use a MariaDB source",
        todo.size());
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ChunkReader> reader,
                   ChunkReader::Create(connect, WatermarkMode::kSnapshot, server_id));
  for (const auto& [schema, table] : todo) {
    if (stop && stop->load()) return CancelledError("stopped during the Iceberg full load");
    RETURN_IF_ERROR(LoadOne(c.get(), reader.get(), schema, table, sink));
  }
  return Status::OK();
}

}  // namespace binlake
