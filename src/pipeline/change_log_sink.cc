#include "pipeline/change_log_sink.h"

#include <algorithm>

#include "common/crash_point.h"
#include "common/logging.h"
#include "format/gzip_output_stream.h"
#include "pipeline/writer_factory.h"

namespace binlake {
namespace {

constexpr size_t kUploadChunk = 8u << 20;  // comparing a replayed object
constexpr size_t kKeepCheckpoints = 16;

int64_t GraceMs(int64_t interval_ms) { return std::max<int64_t>(50, interval_ms / 4); }

}  // namespace

// Rows of different tables have different columns, so no single format writer can take them.
// Each run of consecutive rows of one shape gets its own text writer, writing (without
// compression) straight into the file; a row of another shape finishes that run first. CSV
// and JSON lines have no header (refused) or footer, so the runs' bytes form one valid file,
// and one gzip member spans all of them.
class ChangeLogSink::StreamWriter : public RowWriter {
 public:
  static Result<std::unique_ptr<StreamWriter>> Create(const OutputConfig& output,
                                                      OutputStream* out) {
    std::unique_ptr<StreamWriter> w(new StreamWriter(output));
    OutputStream* target = out;
    if (output.compression == Compression::kGzip) {
      ASSIGN_OR_RETURN(w->gzip_, GzipOutputStream::Create(out));
      target = w->gzip_.get();
    }
    w->counter_.out = target;
    return w;
  }

  // Makes `shape` the shape of the rows appended next. `shape` must outlive the writer.
  Status Use(const ChangeRowShape* shape) {
    if (shape == shape_) return Status::OK();
    RETURN_IF_ERROR(EndRun());
    ASSIGN_OR_RETURN(run_,
                     NewRowWriter(run_output_, shape->columns(), shape->json_places(), &counter_));
    shape_ = shape;
    run_start_ = counter_.bytes;
    return Status::OK();
  }

  // REQUIRES: Use() was called.
  Status Append(const ::binlake::Row& row) override {
    if (!run_) return InternalError("stream row appended before its shape was chosen");
    ++rows_;
    return run_->Append(row);
  }
  uint64_t rows() const override { return rows_; }
  uint64_t EstimatedSize() const override {
    uint64_t raw = run_ ? run_start_ + run_->EstimatedSize() : counter_.bytes;
    if (!gzip_) return raw;
    // As the text writers estimate: compressed so far plus the rest at a typical 4:1.
    return gzip_->Tell() + (raw - counter_.bytes) / 4;
  }
  Status Finish() override {
    RETURN_IF_ERROR(EndRun());
    if (gzip_) RETURN_IF_ERROR(gzip_->Finish());
    return Status::OK();
  }
  void Abandon() override {
    if (run_) run_->Abandon();
    run_.reset();
    shape_ = nullptr;
  }

 private:
  // Counts the uncompressed bytes the runs have written.
  struct Counter : OutputStream {
    Status Write(std::string_view data) override {
      bytes += data.size();
      return out->Write(data);
    }
    uint64_t Tell() const override { return bytes; }
    OutputStream* out = nullptr;
    uint64_t bytes = 0;
  };

  explicit StreamWriter(const OutputConfig& output) : run_output_(output) {
    run_output_.compression = Compression::kNone;  // the stream compresses as a whole
    run_output_.add_column_name = false;
  }

  Status EndRun() {
    if (!run_) return Status::OK();
    Status s = run_->Finish();
    run_.reset();
    shape_ = nullptr;
    return s;
  }

  OutputConfig run_output_;
  std::unique_ptr<GzipOutputStream> gzip_;
  Counter counter_;
  const ChangeRowShape* shape_ = nullptr;
  std::unique_ptr<RowWriter> run_;
  uint64_t run_start_ = 0;  // counter_.bytes when the run began
  uint64_t rows_ = 0;
};

ChangeLogSink::ChangeLogSink(Options options, TableFilter filter, ObjectLayout layout,
                             ObjectStore* store, Clock* clock)
    : options_(std::move(options)),
      filter_(std::move(filter)),
      layout_(std::move(layout)),
      store_(store),
      clock_(clock),
      checkpoints_(store),
      schemas_(&checkpoints_),
      memory_(options_.memory_limit) {}

Result<std::unique_ptr<ChangeLogSink>> ChangeLogSink::Create(Options options, ObjectStore* store,
                                                             Clock* clock) {
  const OutputConfig& out = options.output;
  if (out.preserve_transactions && out.cdc_path.empty()) {
    return InvalidArgumentError(
        "output.preserve_transactions needs output.cdc_path, the folder for the "
        "transaction-ordered files (as DMS requires CdcPath with PreserveTransactions); set "
        "cdc_path, e.g. 'changes'");
  }
  if (out.preserve_transactions && out.format == OutputFormat::kParquet) {
    return InvalidArgumentError(
        "output.preserve_transactions cannot be used with format parquet: its files hold the "
        "rows of every table in binlog order, and a Parquet file has one schema. Use format "
        "csv or jsonl for the transaction-ordered stream (DMS too writes it as CSV only), or "
        "keep parquet without preserve_transactions and order changes across tables by "
        "output.sequence_column_name");
  }
  if (out.preserve_transactions && out.format == OutputFormat::kCsv && out.add_column_name) {
    return InvalidArgumentError(
        "output.add_column_name cannot be used with preserve_transactions: one header line "
        "cannot name the columns of rows from different tables (DMS refuses the combination "
        "too); remove add_column_name");
  }
  ASSIGN_OR_RETURN(TableFilter filter, TableFilter::Create(options.include, options.exclude));
  ASSIGN_OR_RETURN(ObjectLayout layout, ObjectLayout::Create(options.output));
  return std::unique_ptr<ChangeLogSink>(
      new ChangeLogSink(std::move(options), std::move(filter), std::move(layout), store, clock));
}

Result<BinlogPosition> ChangeLogSink::Recover(
    const std::function<Result<BinlogPosition>()>& first_start) {
  ASSIGN_OR_RETURN(std::optional<Checkpoint> latest, checkpoints_.LoadLatest());
  if (!latest) {
    ASSIGN_OR_RETURN(BinlogPosition start, first_start());
    Checkpoint zero;
    zero.seq = 0;
    zero.position = start;
    RETURN_IF_ERROR(checkpoints_.WriteCheckpoint(zero));
    LOG_INFO("new lake at {}: replication starts at {}", store_->Url(), start.ToString());
    latest = zero;
  }
  checkpoint_ = *latest;
  ResetToCheckpoint();
  ASSIGN_OR_RETURN(replay_, checkpoints_.LoadIntent(checkpoint_.seq + 1));
  replay_filter_.reset();
  if (replay_ && (!replay_->include.empty() || !replay_->exclude.empty())) {
    ASSIGN_OR_RETURN_CTX(TableFilter f, TableFilter::Create(replay_->include, replay_->exclude),
                         "the table filter recorded in intent {}", replay_->seq);
    replay_filter_ = std::move(f);
  }
  if (replay_) {
    LOG_WARN("batch {} was interrupted before its checkpoint; replaying {} .. {} to complete it",
             replay_->seq, checkpoint_.position.ToString(), replay_->end.ToString());
  } else {
    LOG_INFO("resuming at checkpoint {}: {}", checkpoint_.seq, checkpoint_.position.ToString());
  }
  return checkpoint_.position;
}

void ChangeLogSink::ResetToCheckpoint() {
  batch_.reset();
  in_txn_ = false;
  std::lock_guard<std::mutex> lock(schemas_mu_);
  schemas_.Restore(checkpoint_.tables);
  schemas_.TakePending();
}

Result<TableSchemaPtr> ChangeLogSink::LakeSchema(const TableSchemaPtr& described,
                                                 const std::shared_ptr<const TableView>& view) {
  const TableSchemaPtr& shape = view ? view->schema() : described;
  std::lock_guard<std::mutex> lock(schemas_mu_);
  std::string target = shape->QualifiedName();
  std::string source = described->QualifiedName();
  auto [it, fresh] = targets_.try_emplace(target, source);
  if (!fresh && it->second != source) {
    return InvalidArgumentError(
        "the table mapping writes both {} and {} as {}: their files would collide. Give them "
        "different names in the transformation rules",
        it->second, source, target);
  }
  return schemas_.Resolve(shape);
}

namespace {

// Whether an update moves its row to another key. Absent values (MINIMAL row images) are
// unchanged columns.
// `key`: the key's source columns when a table mapping defines its own (else the table's).
bool KeyChanged(const RowChange& change, const std::vector<int>* key) {
  const std::vector<int>& columns = key ? *key : change.table->key_columns;
  for (int k : columns) {
    size_t i = static_cast<size_t>(k);
    if (i >= change.before.size() || i >= change.after.size()) return false;
    const Value& a = change.before[i];
    const Value& b = change.after[i];
    if (a.kind() == Value::Kind::kAbsent || b.kind() == Value::Kind::kAbsent) continue;
    if (!(a == b)) return true;
  }
  return false;
}

}  // namespace

uint64_t ChangeLogSink::BatchBytes() const {
  uint64_t max = 0;
  if (!batch_) return 0;
  for (const auto& [name, t] : batch_->tables) {
    for (const OpenFile& f : t.files) max = std::max(max, f.writer->EstimatedSize());
  }
  for (const OpenFile& f : batch_->stream) max = std::max(max, f.writer->EstimatedSize());
  return max;
}

std::vector<ChangeLogSink::OpenFile*> ChangeLogSink::BatchFiles() {
  std::vector<OpenFile*> out;
  if (!batch_) return out;
  for (auto& [name, t] : batch_->tables) {
    for (OpenFile& f : t.files) out.push_back(&f);
  }
  for (OpenFile& f : batch_->stream) out.push_back(&f);
  return out;
}

Status ChangeLogSink::Begin(const TransactionBegin& begin) {
  int64_t window = begin.commit_time_micros / 1000 / interval_ms() * interval_ms();
  window = std::max(window, checkpoint_.next_window_ms);
  // While replaying a crashed batch, it ends exactly where its intent says, nowhere else.
  if (batch_ && !replay_) {
    // A batch open longer than its interval (plus grace) in real time closes even though
    // transactions keep arriving inside its window: MariaDB's commit times have whole
    // seconds, so without this a steady stream would fill one batch per second whatever
    // the interval. Catching up on old binlog, windows close by commit time long before.
    int64_t open_ms = (clock_->MonotonicMicros() - batch_->opened_us) / 1000;
    bool overdue = open_ms >= interval_ms() + GraceMs(interval_ms());
    if (window > batch_->window_ms) {
      RETURN_IF_ERROR(CloseBatch(CloseReason::kWindow));
    } else if (BatchBytes() >= options_.output.cdc_min_file_size) {
      RETURN_IF_ERROR(CloseBatch(CloseReason::kSize));
      window = std::max(window, checkpoint_.next_window_ms);
    } else if (overdue) {
      RETURN_IF_ERROR(CloseBatch(CloseReason::kClock));
      window = std::max(window, checkpoint_.next_window_ms);
    }
  }
  if (!batch_) {
    // Batch{}: Clang does not see a nested class with member initializers as default
    // constructible inside its enclosing class, where std::optional<Batch> is declared.
    batch_.emplace(Batch{});
    batch_->opened_us = clock_->MonotonicMicros();
    batch_->window_ms = replay_ ? replay_->window_ms : window;
    batch_->end = checkpoint_.position;
  }
  in_txn_ = true;
  ++txn_number_;
  row_in_txn_ = 0;
  txn_.commit_time_micros = begin.commit_time_micros;
  txn_.begin = begin.position;
  txn_.gtid = begin.gtid;
  return Status::OK();
}

Result<ChangeLogSink::OpenFile> ChangeLogSink::NewFile(const TableSchemaPtr& schema, int part) {
  OpenFile f;
  f.key = layout_.CdcKey(schema->database, schema->table, batch_->window_ms, part);
  f.schema = schema;
  f.shape = std::make_unique<ChangeRowShape>(options_.output, schema);
  f.buffer = std::make_unique<SpillBuffer>(options_.spill_dir, &memory_);
  ASSIGN_OR_RETURN(f.writer, NewRowWriter(options_.output, f.shape->columns(),
                                          f.shape->json_places(), f.buffer.get()));
  return f;
}

void ChangeLogSink::Count(const std::string& table, const std::string& lake, Op op) {
  TableCounts& n = batch_->counts[lake];
  ++(op == Op::kInsert ? n.inserts : op == Op::kUpdate ? n.updates : n.deletes);
  n.last_update_ms = txn_.commit_time_micros / 1000;
  TableStats& st = stats_[table];
  switch (op) {
    case Op::kInsert:
      ++st.inserts;
      break;
    case Op::kUpdate:
      ++st.updates;
      break;
    case Op::kDelete:
      ++st.deletes;
      break;
  }
}

Result<ChangeLogSink::OpenFile> ChangeLogSink::NewStreamFile(int part) {
  OpenFile f;
  f.key = layout_.CdcPathKey(batch_->window_ms, part);
  f.buffer = std::make_unique<SpillBuffer>(options_.spill_dir, &memory_);
  ASSIGN_OR_RETURN(std::unique_ptr<StreamWriter> w,
                   StreamWriter::Create(options_.output, f.buffer.get()));
  f.stream = w.get();
  f.writer = std::move(w);
  return f;
}

Status ChangeLogSink::StreamRow(const RowChange& change) {
  Batch& b = *batch_;
  // The stream ends a file only between transactions, whatever tables and shapes it holds.
  bool first_in_txn = b.stream_txn_seen != txn_number_;
  b.stream_txn_seen = txn_number_;
  if (b.stream.empty() ||
      (first_in_txn && b.stream.back().writer->EstimatedSize() >= options_.output.max_file_size)) {
    ASSIGN_OR_RETURN(OpenFile f, NewStreamFile(static_cast<int>(b.stream.size()) + 1));
    b.stream.push_back(std::move(f));
  }
  OpenFile& f = b.stream.back();
  std::unique_ptr<ChangeRowShape>& shape = b.stream_shapes[change.table];
  if (!shape) shape = ChangeRowShape::ForStream(options_.output, change.table);
  if (!shape->Build(change, txn_, row_in_txn_, &scratch_)) return Status::OK();
  RETURN_IF_ERROR(f.stream->Use(shape.get()));
  Status s = f.writer->Append(scratch_);
  if (s.ok()) return s;  // the context is built only for an error: this runs for every row
  return s.Context(fmt::format("writing {} (binlog {}, table {})", f.key, txn_.begin.ToString(),
                               change.table->QualifiedName()));
}

Status ChangeLogSink::Row(RowChange change) {
  if (!in_txn_) return InternalError("row change outside a transaction");
  const TableSchemaPtr decoded_schema = change.table;  // kept: the mapping replaces change.table
  const TableSchema& decoded = *decoded_schema;
  const bool replicated = filter().Matches(decoded.database, decoded.table);
  std::shared_ptr<const TableView> view;
  if (replicated && options_.mapping) {
    ASSIGN_OR_RETURN(view, options_.mapping->View(change.table));
    if (view) {
      ASSIGN_OR_RETURN(bool keep, view->Keep(&change));
      if (!keep) {
        ++row_in_txn_;
        return Status::OK();
      }
    }
  }
  if (change.op == Op::kUpdate &&
      KeyChanged(change, view ? &view->key_source_columns() : nullptr)) {
    // A row that moves to another key is written as the delete of its old key and the
    // insert of its new one, so that "last change per key" rebuilds the table exactly.
    RowChange removed{Op::kDelete, change.table, std::move(change.before), {}, change.origin};
    RowChange added{Op::kInsert, change.table, {}, std::move(change.after), change.origin};
    RETURN_IF_ERROR(Row(std::move(removed)));
    return Row(std::move(added));
  }
  ++row_in_txn_;
  if (!replicated) return Status::OK();
  ASSIGN_OR_RETURN_CTX(TableSchemaPtr lake, LakeSchema(change.table, view), "table {}",
                       decoded.QualifiedName());
  std::string name = decoded.QualifiedName();
  if (view) {
    ChangeFacts facts;
    facts.commit_time_micros = txn_.commit_time_micros;
    facts.change_seq = SequenceValue(txn_.begin, row_in_txn_);
    facts.stream_position = txn_.begin.ToString();
    facts.transaction_id = txn_.gtid;
    ASSIGN_OR_RETURN(bool keep, view->Apply(&change, facts));
    if (!keep) return Status::OK();
  }
  if (options_.output.preserve_transactions) {
    Count(name, lake->QualifiedName(), change.op);
    change.table = lake;
    return StreamRow(change);
  }
  TableFiles& t = batch_->tables[name];
  // A file holds one schema, and ends only between transactions.
  bool first_in_txn = t.txn_seen != txn_number_;
  t.txn_seen = txn_number_;
  if (t.files.empty() || t.files.back().schema != lake ||
      (first_in_txn && t.files.back().writer->EstimatedSize() >= options_.output.max_file_size)) {
    ASSIGN_OR_RETURN(OpenFile f, NewFile(lake, static_cast<int>(t.files.size()) + 1));
    t.files.push_back(std::move(f));
  }
  OpenFile& f = t.files.back();
  Count(name, lake->QualifiedName(), change.op);
  change.table = lake;
  if (!f.shape->Build(std::move(change), txn_, row_in_txn_, &scratch_)) return Status::OK();
  Status s = f.writer->Append(scratch_);
  if (s.ok()) return s;  // the context is built only for an error: this runs for every row
  return s.Context(fmt::format("writing {} (binlog {})", f.key, txn_.begin.ToString()));
}

Status ChangeLogSink::Schema(const SchemaChange& change) {
  // Shapes are taken from the row events that follow (TABLE_MAP), which is what a
  // changed table's next file is written with; the statement itself is only logged.
  LOG_DEBUG("schema change in {}: {}", change.database, change.sql);
  return Status::OK();
}

Status ChangeLogSink::Commit(const TransactionEnd& end) {
  if (!in_txn_) return InternalError("commit outside a transaction");
  in_txn_ = false;
  batch_->end = end.next_position;
  batch_->gtid_set = end.gtid_set;
  batch_->last_commit_us = txn_.commit_time_micros;
  last_activity_us_ = clock_->MonotonicMicros();
  if (replay_ && end.next_position == replay_->end) return CloseBatch(replay_->reason);
  if (replay_ && replay_->end < end.next_position) {
    return InternalError(
        "replaying batch {}: passed its recorded end {} at {} without reaching it; the binlog "
        "differs from the one the batch was cut from",
        replay_->seq, replay_->end.ToString(), end.next_position.ToString());
  }
  return Status::OK();
}

void ChangeLogSink::Discard() {
  LOG_WARN("transaction at {} was interrupted; replaying the open batch from {}",
           txn_.begin.ToString(), checkpoint_.position.ToString());
  for (OpenFile* f : BatchFiles()) f->writer->Abandon();
  ResetToCheckpoint();
}

Status ChangeLogSink::Tick() {
  if (!batch_ || in_txn_ || replay_) return Status::OK();
  int64_t grace = GraceMs(interval_ms());
  bool window_over = clock_->NowMicros() / 1000 >= batch_->window_ms + interval_ms() + grace;
  bool waited = clock_->MonotonicMicros() - last_activity_us_ >= (interval_ms() + grace) * 1000;
  if (window_over || waited) return CloseBatch(CloseReason::kIdle);
  return Status::OK();
}

Status ChangeLogSink::Flush() {
  if (in_txn_) return FailedPreconditionError("cannot flush inside a transaction");
  if (!batch_ || replay_) return Status::OK();
  return CloseBatch(CloseReason::kShutdown);
}

Status ChangeLogSink::Upload(const std::string& key, SpillBuffer* buffer) {
  Status s = UploadCreateOnly(store_, key, buffer);
  if (s.code() != StatusCode::kAlreadyExists) return s;
  // Written by the run that crashed: it must be exactly what this replay produced.
  ASSIGN_OR_RETURN_CTX(std::string existing, store_->Get(key), "reading {}/{}", store_->Url(), key);
  std::string ours;
  RETURN_IF_ERROR(buffer->ForEachChunk(kUploadChunk, [&](std::string_view piece) {
    ours.append(piece);
    return Status::OK();
  }));
  if (existing != ours) {
    return AbortedError(
        "{}/{} exists with different contents than this replay of its batch produced; another "
        "binlake process may be writing to this lake. Nothing was overwritten",
        store_->Url(), key);
  }
  return Status::OK();
}

Status ChangeLogSink::CloseBatch(CloseReason reason) {
  const int64_t started_us = clock_->MonotonicMicros();
  Batch& b = *batch_;
  Intent intent;
  intent.seq = checkpoint_.seq + 1;
  intent.from_seq = checkpoint_.seq;
  intent.end = b.end;
  intent.gtid_set = b.gtid_set;
  intent.window_ms = b.window_ms;
  intent.reason = reason;
  intent.include = options_.include;
  intent.exclude = options_.exclude;
  std::vector<OpenFile*> files;
  for (OpenFile* f : BatchFiles()) {
    if (f->writer->rows() == 0) continue;  // every change of it was filtered out
    RETURN_IF_ERROR(f->writer->Finish().Context(fmt::format("finishing {}", f->key)));
    intent.objects.push_back(f->key);
    files.push_back(f);
  }
  std::sort(intent.objects.begin(), intent.objects.end());
  if (replay_) {
    if (intent.objects != replay_->objects || intent.end != replay_->end) {
      return InternalError(
          "replaying batch {} produced {} objects ending at {}, but its intent records {} "
          "ending at {}; refusing to write a different batch",
          intent.seq, intent.objects.size(), intent.end.ToString(), replay_->objects.size(),
          replay_->end.ToString());
    }
    intent.reason = replay_->reason;
    intent.include = replay_->include;
    intent.exclude = replay_->exclude;
  }
  RETURN_IF_ERROR(checkpoints_.WriteIntent(intent));
  CrashPoint("changelog.intent");
  // The schema versions the checkpoint names are exactly those whose records are written
  // here: a full-load worker may resolve a new schema at any moment, and its record belongs
  // to the next batch, so the states are taken in the same breath as the pending records.
  std::vector<TableSchemaPtr> pending;
  std::map<std::string, TableState> tables;
  {
    std::lock_guard<std::mutex> lock(schemas_mu_);
    pending = schemas_.TakePending();
    tables = schemas_.States();
  }
  for (const TableSchemaPtr& s : pending) {
    RETURN_IF_ERROR(checkpoints_.WriteSchema(*s, b.end));
    CrashPoint("changelog.schema");
  }
  uint64_t bytes = 0;
  for (OpenFile* f : files) {
    RETURN_IF_ERROR(Upload(f->key, f->buffer.get()));
    CrashPoint("changelog.file");
    bytes += f->buffer->Tell();
  }
  const size_t file_count = files.size();

  Checkpoint next;
  next.seq = intent.seq;
  next.position = b.end;
  next.gtid_set = b.gtid_set;
  next.window_ms = b.window_ms;
  // File names are unique per table: the next batch's window is later than this one's.
  next.next_window_ms = b.window_ms + 1;
  next.tables = std::move(tables);
  next.counts = checkpoint_.counts;
  for (const auto& [name, n] : b.counts) {
    TableCounts& total = next.counts[name];
    total.inserts += n.inserts;
    total.updates += n.updates;
    total.deletes += n.deletes;
    total.last_update_ms = std::max(total.last_update_ms, n.last_update_ms);
  }
  next.commit_time_ms = b.last_commit_us ? b.last_commit_us / 1000 : checkpoint_.commit_time_ms;
  RETURN_IF_ERROR(checkpoints_.WriteCheckpoint(next));
  CrashPoint("changelog.checkpoint");
  LOG_DEBUG("batch {} closed ({}): {} files, resume at {}", next.seq, CloseReasonName(reason),
            files.size(), next.position.ToString());
  checkpoint_ = std::move(next);
  batch_.reset();
  if (replay_) {
    LOG_INFO("completed interrupted batch {}", replay_->seq);
    replay_.reset();
    replay_filter_.reset();
  }
  if (checkpoint_.seq % kKeepCheckpoints == 0) checkpoints_.Prune(kKeepCheckpoints);
  // `files` pointed into the batch, which is gone.
  if (metrics_ != nullptr) {
    Publish(file_count, bytes, (clock_->MonotonicMicros() - started_us) / 1e6);
  }
  return Status::OK();
}

void ChangeLogSink::Publish(size_t files, uint64_t bytes, double seconds) {
  Metrics& m = *metrics_;
  m.Add("binlake_files_written_total", {}, static_cast<double>(files));
  m.Add("binlake_bytes_written_total", {}, static_cast<double>(bytes));
  m.Observe("binlake_batch_commit_seconds", seconds);
  m.Set("binlake_checkpoint_binlog_offset", {{"file", checkpoint_.position.file}},
        static_cast<double>(checkpoint_.position.offset));
  for (const auto& [table, st] : stats_) {
    m.Set("binlake_rows_total", {{"table", table}, {"op", "I"}}, static_cast<double>(st.inserts));
    m.Set("binlake_rows_total", {{"table", table}, {"op", "U"}}, static_cast<double>(st.updates));
    m.Set("binlake_rows_total", {{"table", table}, {"op", "D"}}, static_cast<double>(st.deletes));
  }
}

}  // namespace binlake
