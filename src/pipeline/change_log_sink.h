#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "checkpoint/checkpoint_store.h"
#include "common/clock.h"
#include "config/config.h"
#include "config/table_filter.h"
#include "format/row_writer.h"
#include "mapping/table_mapping.h"
#include "model/change.h"
#include "ops/metrics.h"
#include "pipeline/change_rows.h"
#include "pipeline/object_layout.h"
#include "pipeline/schema_registry.h"
#include "pipeline/spill_buffer.h"
#include "storage/object_store.h"

namespace binlake {

// Per-table counters, as DMS table statistics.
struct TableStats {
  uint64_t inserts = 0;
  uint64_t updates = 0;
  uint64_t deletes = 0;
};

// Writes the decoded change stream to the store as the DMS-layout change log, exactly
// once. Transactions are grouped into batches; when a batch closes, its files become
// visible and a checkpoint records the binlog position after it. Batch boundaries are cut
// from the binlog itself (commit-time windows, file sizes), so a replay cuts them the same
// way; the one wall-clock decision (an idle close) is recorded in an intent before any file
// of its batch appears. docs/checkpoint-format.md describes the protocol.
//
// Each batch writes one file per table (several when a table's shape changes or a file
// passes max_file_size), under cdc_path when it is set. With preserve_transactions it writes
// instead one stream of all tables in binlog order under cdc_path (DMS's transaction files;
// docs/object-layout.md), split by max_file_size only between transactions.
//
// Rows go straight into the batch's writers (which spill to disk), so memory stays bounded
// however large a transaction is. If the producer Discards a transaction, the whole open
// batch is abandoned and must be replayed from RestartPosition() — rare (a connection lost
// mid-transaction) and cheap (at most one batch of binlog).
//
// Single-threaded: all calls from the pipeline thread.
class ChangeLogSink : public ChangeSink {
 public:
  struct Options {
    OutputConfig output;
    std::vector<std::string> include = {"%.%"};
    std::vector<std::string> exclude;
    std::string spill_dir;
    // Bytes the open batch's files keep in memory together (spill.transaction_memory_limit);
    // beyond it, files spill to disk.
    uint64_t memory_limit = 64ull << 20;
    // The DMS table mapping's filters and transformations (and the LOB limit); null: rows
    // are written as the source has them.
    std::shared_ptr<const TableMapping> mapping;
  };

  // `store` and `clock` must outlive the sink. Refuses preserve_transactions without cdc_path,
  // with Parquet (one schema per file) and with add_column_name (one header per file).
  static Result<std::unique_ptr<ChangeLogSink>> Create(Options options, ObjectStore* store,
                                                       Clock* clock);

  // Reads the lake's checkpoint and finishes a batch a crash interrupted. Returns where to
  // read the binlog from. `first_start` is called only for an empty lake, to decide the
  // initial position (recorded at once as checkpoint 0).
  Result<BinlogPosition> Recover(const std::function<Result<BinlogPosition>()>& first_start);

  Status Begin(const TransactionBegin& begin) override;
  Status Row(RowChange change) override;
  Status Schema(const SchemaChange& change) override;
  Status Commit(const TransactionEnd& end) override;
  void Discard() override;

  // Closes the open batch when it has been idle past its window. Call whenever the source
  // has nothing to read.
  Status Tick();
  // Closes the open batch now (shutdown, --stop-at-end).
  Status Flush();

  // After Discard: the position to read from again (the last checkpoint's).
  BinlogPosition RestartPosition() const { return checkpoint_.position; }
  // True while replaying towards a crashed batch's recorded end (the source must not stop).
  bool replaying() const { return replay_.has_value(); }
  const Checkpoint& checkpoint() const { return checkpoint_; }
  // Whether rows of the table are written (the table filter in effect, a replayed batch's).
  bool Replicates(std::string_view database, std::string_view table) const {
    return filter().Matches(database, table);
  }
  // The lake schema (version, field ids) for a schema read from the server, shared with the
  // CDC side so LOAD and CDC files of a table agree. Thread-safe (the full load calls it).
  // Its names and columns are the table mapping's (`view`, null when none applies).
  Result<TableSchemaPtr> LakeSchema(const TableSchemaPtr& described,
                                    const std::shared_ptr<const TableView>& view = nullptr);
  // The table mapping's view of a source table (null when nothing applies). Thread-safe.
  Result<std::shared_ptr<const TableView>> View(const TableSchemaPtr& described) const {
    if (!options_.mapping) return std::shared_ptr<const TableView>();
    return options_.mapping->View(described);
  }
  const std::map<std::string, TableStats>& stats() const { return stats_; }
  // Where batch closes are published (rows per table and op, files, bytes, commit latency,
  // checkpoint position); null: nowhere. Must outlive the sink.
  void set_metrics(Metrics* metrics) { metrics_ = metrics; }
  // The commit time of the last transaction begun (µs since the epoch; 0 before the first).
  int64_t last_commit_micros() const { return txn_.commit_time_micros; }

 private:
  // The writer of a stream file: rows of several shapes, in the order appended.
  class StreamWriter;
  struct OpenFile {
    std::string key;
    TableSchemaPtr schema;                  // a table's file: its one lake schema
    std::unique_ptr<ChangeRowShape> shape;  // a table's file: its one shape
    std::unique_ptr<SpillBuffer> buffer;
    std::unique_ptr<RowWriter> writer;
    StreamWriter* stream = nullptr;  // a stream file: `writer`, as a StreamWriter
  };
  struct TableFiles {
    std::vector<OpenFile> files;
    uint64_t txn_seen = 0;  // last transaction number that wrote to the table
  };
  struct Batch {
    int64_t window_ms = 0;
    int64_t opened_us = 0;  // monotonic time the batch opened
    BinlogPosition end;
    std::string gtid_set;
    std::map<std::string, TableFiles> tables;
    // preserve_transactions: the stream's files, and each table version's row shape in it.
    std::vector<OpenFile> stream;
    uint64_t stream_txn_seen = 0;
    std::map<TableSchemaPtr, std::unique_ptr<ChangeRowShape>> stream_shapes;
    std::map<std::string, TableCounts> counts;  // by lake table name
    int64_t last_commit_us = 0;
  };

  ChangeLogSink(Options options, TableFilter filter, ObjectLayout layout, ObjectStore* store,
                Clock* clock);

  int64_t interval_ms() const { return options_.output.cdc_max_batch_interval_ms; }
  uint64_t BatchBytes() const;
  Result<OpenFile> NewFile(const TableSchemaPtr& schema, int part);
  Result<OpenFile> NewStreamFile(int part);
  // Appends a change (already resolved to its lake schema) to the transaction stream.
  Status StreamRow(const RowChange& change);
  // Every open file of the batch: tables' files, then the stream's.
  std::vector<OpenFile*> BatchFiles();
  // Counts a change of source table `table` (stats) written to lake table `lake` (the batch's
  // counts, which the checkpoint accumulates).
  void Count(const std::string& table, const std::string& lake, Op op);
  Status CloseBatch(CloseReason reason);
  void Publish(size_t files, uint64_t bytes, double seconds);
  Status Upload(const std::string& key, SpillBuffer* buffer);
  const TableFilter& filter() const { return replay_filter_ ? *replay_filter_ : filter_; }
  void ResetToCheckpoint();

  const Options options_;
  const TableFilter filter_;
  const ObjectLayout layout_;
  ObjectStore* const store_;
  Clock* const clock_;
  CheckpointStore checkpoints_;
  SchemaRegistry schemas_;

  Checkpoint checkpoint_;         // the last durable checkpoint
  std::optional<Intent> replay_;  // set while replaying a crashed batch
  // The filter the replayed batch was cut with (the config's may have changed since).
  std::optional<TableFilter> replay_filter_;
  std::mutex schemas_mu_;       // guards schemas_ and targets_ (the full load resolves schemas too)
  MemoryBudget memory_;         // shared by the open batch's files
  std::optional<Batch> batch_;  // the open batch
  bool in_txn_ = false;
  uint64_t txn_number_ = 0;
  uint64_t row_in_txn_ = 0;
  ChangeContext txn_;
  int64_t last_activity_us_ = 0;  // monotonic time of the last transaction
  std::map<std::string, TableStats> stats_;
  // Lake table name -> the source table it is written for: two source tables a mapping
  // renames to one name are refused.
  std::map<std::string, std::string> targets_;
  ::binlake::Row scratch_;
  Metrics* metrics_ = nullptr;
};

}  // namespace binlake
