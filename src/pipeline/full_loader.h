#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "checkpoint/checkpoint_store.h"
#include "common/clock.h"
#include "config/config.h"
#include "config/table_filter.h"
#include "mysql/connect_options.h"
#include "mysql/connection.h"
#include "pipeline/change_log_sink.h"
#include "pipeline/chunk_reader.h"
#include "pipeline/object_layout.h"
#include "pipeline/spill_buffer.h"
#include "storage/object_store.h"

namespace binlake {

// A table's full-load statistics, as DMS reports them.
struct FullLoadStats {
  std::string table;  // schema.table
  std::string state;  // "pending", "loading", "done"
  uint64_t rows = 0;  // FullLoadRows
  uint64_t estimated_rows = 0;
  uint64_t files = 0;
  uint64_t dropped = 0;  // rows left to CDC by window reconciliation
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
};

// Decides, at startup, which tables the full load covers: every base table the filter
// matches that has a load record already (an unfinished or finished load), plus — when
// `enabled` — tables without one that CDC has never written (new lake, or a table just added
// to tables.include). For those it writes a LoadStart record before anything else, so a
// restart finishes their load. Returns (schema, table) pairs.
// `mapping` gives the names the change log writes tables under.
Result<std::vector<std::pair<std::string, std::string>>> PrepareFullLoad(
    Connection* connection, const TableFilter& filter, const TableMapping& mapping,
    CheckpointStore* checkpoints, const Checkpoint& checkpoint, bool enabled,
    const BinlogPosition& cdc_from, Clock* clock);

// Loads the rows that exist in tables into LOAD files, while CDC runs beside it
// (docs/full-load.md). Each table with a usable key is split into chunks of its key; the
// chunks are read on `threads` connections in parallel, each at a known binlog position
// (WatermarkMode), and become LOAD files in key order: a record naming the key range is
// written before each file, so a restart continues after the last file that exists and no
// file is written twice. LOAD rows carry their binlog position in the sequence column, which
// places each one correctly among the CDC changes of its key.
//
// Run blocks; Stats may be called from other threads.
class FullLoader {
 public:
  struct Options {
    FullLoadConfig config;
    OutputConfig output;
    ConnectOptions connect;
    uint32_t server_id = 0;  // window-mode binlog reads use server_id + 1 + worker
    std::string spill_dir;
    // Bytes the finished and in-flight chunks' files keep in memory together.
    uint64_t memory_limit = 64ull << 20;
    bool progress_bars = false;  // redraw bars on a terminal; otherwise log lines
    // parallel-load settings of the DMS table mapping (null: none).
    std::shared_ptr<const TableMapping> mapping;
  };

  // `store`, `schemas` and `clock` must outlive the loader.
  FullLoader(Options options, std::vector<std::pair<std::string, std::string>> tables,
             ObjectStore* store, ChangeLogSink* schemas, Clock* clock);
  ~FullLoader();

  // Loads every table, or returns early (OK) once *stop is set; finished files are kept.
  Status Run(const std::atomic<bool>* stop);

  std::vector<FullLoadStats> Stats() const;

 private:
  struct Interval {
    std::optional<KeyBound> after;
  };
  struct Finished;
  struct TableState;
  // A worker's connection, reopened after a transient failure.
  struct Link {
    std::unique_ptr<ChunkReader> reader;
    WatermarkMode mode = WatermarkMode::kSnapshot;
    uint32_t server_id = 0;
    Status error;  // why the last reopening failed
  };

  Status Setup();
  Status RecoverTable(TableState* t);
  void Worker(size_t index, WatermarkMode mode);
  Status WorkOn(Link* link, TableState* t);
  // Runs fn; a retryable failure (connection lost, server restarting) is retried on a new
  // connection with backoff, about a minute in all.
  Status WithRetries(Link* link, const std::function<Status(ChunkReader*)>& fn);
  Status CommitReady(TableState* t);
  Status Commit(TableState* t, Finished* f);
  void Fail(Status s);
  void ReportProgress(bool final);

  const Options options_;
  const std::vector<std::pair<std::string, std::string>> names_;
  ObjectStore* const store_;
  ChangeLogSink* const schemas_;
  Clock* const clock_;
  CheckpointStore checkpoints_;
  std::optional<ObjectLayout> layout_;
  std::unique_ptr<MemoryBudget> memory_;

  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::unique_ptr<TableState>> tables_;
  Status error_;
  const std::atomic<bool>* stop_ = nullptr;
  int64_t started_us_ = 0;
  int progress_lines_ = 0;
};

}  // namespace binlake
