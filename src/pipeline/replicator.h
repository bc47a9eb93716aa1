#pragma once

#include <atomic>
#include <memory>
#include <optional>

#include "cascade/cascade_sink.h"
#include "cascade/row_state.h"
#include "common/clock.h"
#include "config/config.h"
#include "iceberg/iceberg_sink.h"
#include "model/change.h"
#include "mysql/connect_options.h"
#include "ops/metrics.h"
#include "pipeline/change_log_sink.h"
#include "pipeline/full_loader.h"
#include "pipeline/retention_guard.h"
#include "pipeline/state_backup.h"
#include "pipeline/tee_sink.h"
#include "storage/object_store.h"
#include "xa/lake_prepared_transactions.h"

namespace binlake {

struct RunOptions {
  // Exit once caught up with the binlog end observed at start (tests, benchmarks).
  bool stop_at_end = false;
  // Set (by a signal handler) to stop: the open batch is flushed and checkpointed first.
  const std::atomic<bool>* stop_requested = nullptr;
  // Draw full-load progress bars (stderr is a terminal) instead of periodic log lines.
  bool progress_bars = false;
};

// Full load and CDC from a MySQL/MariaDB server into the change log: recovers the lake's
// checkpoint, starts the full load of tables that need one (FullLoader, on its own threads,
// beside CDC), streams the binlog from there (ReplicationSource → EventStream →
// TransactionAssembler → ChangeLogSink), closes idle batches on heartbeats, and reconnects with
// exponential backoff when the connection drops — between transactions it resumes right after the
// last one; inside a transaction the open batch is replayed from the checkpoint, so nothing is lost
// or written twice. Not thread-safe; Run blocks.
class Replicator {
 public:
  // `store` and `clock` must outlive the replicator.
  static Result<std::unique_ptr<Replicator>> Create(const Config& config, ObjectStore* store,
                                                    Clock* clock);

  Status Run(const RunOptions& options);

  // Publishes progress into `metrics` (docs/metrics.md); must outlive the replicator. Call
  // before Run.
  void SetMetrics(Metrics* metrics);

  const ChangeLogSink& sink() const { return *sink_; }
  // Statistics of the tables the last Run loaded (empty when none needed loading).
  const std::vector<FullLoadStats>& load_stats() const { return load_stats_; }

 private:
  Replicator(const Config& config, ConnectOptions connect, std::unique_ptr<ChangeLogSink> sink,
             std::unique_ptr<IcebergSink> iceberg, uint32_t server_id, ObjectStore* store,
             Clock* clock);
  // The sink the binlog stream feeds: the change log, or both outputs, behind the cascade
  // stage when there is one.
  ChangeSink* Output();
  // Where the outputs need the stream from (the earlier of the change log's checkpoint and
  // the Iceberg tables' position).
  BinlogPosition OutputsPosition() const;
  // Sets up the cascade stage: whether the source logs cascades itself, the row state (read
  // from the source where it holds nothing trusted). May move *position back to the state's.
  Status StartCascades(bool first_start, BinlogPosition* position);
  Status TickOutputs();
  Status FlushOutputs();
  // Drops the parked rows of XA transactions that every output holds.
  void ReleasePrepared();
  // A clean stop: FlushOutputs, then a last copy of the row state into the lake.
  Status Finish();
  // Replaces an empty row state with the newest copy in the lake when the source still has
  // the binlog from its position. False (state empty) when there is none to use.
  Result<bool> TakeOverState();
  // Where to read again after a transaction was discarded.
  BinlogPosition RestartPosition() const;
  Status Stream(const RunOptions& options, BinlogPosition position, FullLoader* loader,
                const std::atomic<bool>* load_done);
  Result<BinlogPosition> FirstStart();
  // The tables the row state keeps now (cascade children; every replicated base table with
  // truncate: delete-rows).
  Result<std::vector<std::string>> StateTables();

  const Config config_;
  const ConnectOptions connect_;
  std::unique_ptr<ChangeLogSink> sink_;
  std::unique_ptr<IcebergSink> iceberg_;         // null without iceberg.enabled
  std::unique_ptr<TeeSink> tee_;                 // both outputs, when iceberg_ is set
  std::unique_ptr<RowState> state_;              // null with cascades: off and truncate: warn...
  std::unique_ptr<CascadeSink> cascade_;         // ...else in front of the outputs (set up by Run)
  std::unique_ptr<StateBackup> backup_;          // copies of the state into the lake
  LakePreparedTransactions prepared_;            // rows of XA transactions not yet committed
  std::shared_ptr<const TableMapping> mapping_;  // the DMS table mapping (or tables.include)
  Metrics* metrics_ = nullptr;                   // null: not published
  std::optional<RetentionGuard> retention_;      // set when streaming starts
  int64_t published_us_ = 0;                     // monotonic time of the last Publish
  // Checks the lag against the binlog retention; publishes lag, position and full-load
  // progress into the metrics at most every 250 ms unless `now`.
  void Publish(const BinlogPosition& seen, bool caught_up, FullLoader* loader, bool now = false);
  const uint32_t server_id_;  // replica id on the replication connection
  ObjectStore* const store_;
  Clock* const clock_;
  std::vector<FullLoadStats> load_stats_;
};

// The source connection settings of a config.
Result<ConnectOptions> SourceConnectOptions(const SourceConfig& source);

// The replica server id used when source.server_id is not set: the host-derived id
// (DefaultServerId) mixed with the lake's URL. A server drops the older connection of a
// replica id when another registers with it, so binlake processes on one host that write
// different lakes need different ids; each lake keeps its id across restarts, so a restart
// replaces its own stale connection.
uint32_t LakeServerId(const std::string& lake_url);

}  // namespace binlake
