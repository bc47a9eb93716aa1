#pragma once

#include "iceberg/iceberg_sink.h"
#include "model/change.h"
#include "pipeline/change_log_sink.h"

namespace binlake {

// Feeds one decoded change stream to both outputs: the change log and the Iceberg tables.
// The stream may start before the change log's checkpoint (the Iceberg tables are behind
// after a crash); transactions that begin before it are not passed to the change log again.
// Both sinks must outlive the tee. Single-threaded.
class TeeSink : public ChangeSink {
 public:
  TeeSink(ChangeLogSink* log, IcebergSink* iceberg) : log_(log), iceberg_(iceberg) {}

  Status Begin(const TransactionBegin& begin) override {
    const BinlogPosition& done = log_->checkpoint().position;
    log_skip_ = !done.empty() && !begin.position.empty() && begin.position < done;
    if (!log_skip_) RETURN_IF_ERROR(log_->Begin(begin));
    return iceberg_->Begin(begin);
  }
  Status Row(RowChange change) override {
    // The Iceberg tables empty themselves on the TRUNCATE statement that follows.
    if (change.origin == ChangeOrigin::kTruncate) {
      return log_skip_ ? Status::OK() : log_->Row(std::move(change));
    }
    if (log_skip_) return iceberg_->Row(std::move(change));
    // Both outputs take the change: only the Iceberg tables' copy costs a copy, and only for
    // tables they follow.
    if (iceberg_->Follows(*change.table)) RETURN_IF_ERROR(iceberg_->Row(change));
    return log_->Row(std::move(change));
  }
  Status Schema(const SchemaChange& change) override {
    if (!log_skip_) RETURN_IF_ERROR(log_->Schema(change));
    return iceberg_->Schema(change);
  }
  Status Commit(const TransactionEnd& end) override {
    if (!log_skip_) RETURN_IF_ERROR(log_->Commit(end));
    return iceberg_->Commit(end);
  }
  void Discard() override {
    if (!log_skip_) log_->Discard();
    iceberg_->Discard();
  }

 private:
  ChangeLogSink* const log_;
  IcebergSink* const iceberg_;
  bool log_skip_ = false;
};

}  // namespace binlake
