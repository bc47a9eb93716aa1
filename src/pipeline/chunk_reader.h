#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "binlog/server_table.h"
#include "common/result.h"
#include "model/change.h"
#include "model/table_schema.h"
#include "model/value.h"
#include "mysql/connect_options.h"
#include "mysql/connection.h"

namespace binlake {

// A key value as SQL literals, one per key column (binlog/server_table.h KeyLiteral).
using KeyBound = std::vector<std::string>;

// How one table is read by the full load. Immutable once built; shared by the workers.
struct LoadTable {
  ServerTable server;
  TableSchemaPtr described;  // the schema the binlog decoder publishes for the table
  TableSchemaPtr lake;       // the lake schema (field ids) its LOAD files are written with
  std::string from;          // `schema`.`table`
  std::string select_list;   // every column's SelectExpression, then the key columns as is
  std::vector<int> key;      // key column indexes; empty: no usable key
  bool chunked = false;      // the key can be split into ranges (ChunkableKeyColumn)
  uint64_t chunk_rows = 0;   // rows per chunk
  uint64_t estimated_rows = 0;

  std::string QualifiedName() const { return server.database + "." + server.table; }
};

// Describes a table for loading: its schema, key and select list. Chunks hold chunk_rows
// rows, fewer when the table's average row length says a chunk would pass max_chunk_bytes.
Result<LoadTable> PlanLoadTable(Connection* connection, const std::string& schema,
                                const std::string& table, uint64_t chunk_rows,
                                uint64_t max_chunk_bytes);

// A range of a table's key: rows with key > after (absent: from the first row) and
// key <= through (absent: the table's tail, read at most chunk_rows rows at a time).
struct Chunk {
  std::optional<KeyBound> after;
  std::optional<KeyBound> through;
};

struct ChunkResult {
  BinlogPosition position;           // where the chunk's rows sit in the binlog (high watermark)
  uint64_t rows = 0;                 // rows passed on
  uint64_t dropped = 0;              // rows changed inside the watermark window: CDC carries them
  std::optional<KeyBound> last_key;  // key of the last row read (chunked tables)
  bool more = false;  // a tail chunk stopped after chunk_rows rows; rows follow last_key
};

// How a chunk is tied to the binlog (docs/full-load.md):
//   kSnapshot  the SELECT runs in a consistent snapshot whose exact binlog position the
//              server reports (MariaDB's binlog_snapshot_file/position): rows are the state
//              at that position, no reconciliation needed.
//   kWindow    DBLog: low watermark before the SELECT, high watermark after; rows whose key
//              the binlog changed between the two are dropped (CDC carries their changes),
//              the rest are placed at the high watermark. On MariaDB the low watermark is
//              the snapshot position, which makes the window exact.
enum class WatermarkMode { kSnapshot, kWindow };

// One full-load connection: computes chunk boundaries and reads chunks. Owns its SQL
// connection (and, in window mode, opens short binlog dumps). Not thread-safe: one per
// worker thread.
class ChunkReader {
 public:
  // server_id: the replica id for window-mode binlog reads, unique per reader.
  static Result<std::unique_ptr<ChunkReader>> Create(const ConnectOptions& connect,
                                                     WatermarkMode mode, uint32_t server_id);
  ~ChunkReader();

  // The key of the chunk_rows-th row after `after`, or nullopt when fewer rows follow.
  Result<std::optional<KeyBound>> Boundary(const LoadTable& table,
                                           const std::optional<KeyBound>& after);

  // Reads a chunk and passes each row (the described schema's columns, decoded exactly as
  // the binlog decoder would) to on_row.
  Status Read(const LoadTable& table, const Chunk& chunk,
              const std::function<Status(Row&& row)>& on_row, ChunkResult* result);

 private:
  ChunkReader(ConnectOptions connect, WatermarkMode mode, uint32_t server_id, bool snapshot_pos,
              std::unique_ptr<Connection> connection);
  Result<BinlogPosition> BeginSnapshot();
  Status CollectWindowKeys(const LoadTable& table, const BinlogPosition& low,
                           const BinlogPosition& high, std::unordered_set<std::string>* keys);

  const ConnectOptions connect_;
  const WatermarkMode mode_;
  const uint32_t server_id_;
  const bool snapshot_position_;  // the server reports binlog_snapshot_position
  std::unique_ptr<Connection> connection_;
};

// A connection whose SELECT text ParseSelectedValue decodes exactly as the binlog decoder
// decodes the same row: TIMESTAMP in UTC, strings in their column's own charset; REPEATABLE
// READ for consistent snapshots. Every reader of table rows connects with it.
Result<std::unique_ptr<Connection>> ConnectForRows(const ConnectOptions& connect);

// Whether the server reports the binlog position of a consistent snapshot (MariaDB).
Result<bool> HasSnapshotPosition(Connection* connection);

// The key of a row as a comparable string (the same key gives the same string whether the
// row came from SELECT or from the binlog).
std::string RowKey(const Row& row, const TableSchema& schema, const std::vector<int>& key);

// SQL condition "key > bound" (lower) or "key <= bound" (upper) over the key columns, in the
// expanded form range optimizers use: (a > x) OR (a = x AND b > y) ...
std::string KeyCondition(const std::vector<std::string>& columns, const KeyBound& bound,
                         bool lower);

}  // namespace binlake
