#include "pipeline/full_loader.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <thread>

#include "common/crash_point.h"
#include "common/logging.h"
#include "pipeline/change_rows.h"
#include "pipeline/writer_factory.h"

namespace binlake {
namespace {

constexpr uint64_t kMaxChunkBytes = 64ull << 20;

std::string Commas(uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

std::string Seconds(double s) {
  if (s < 90) return fmt::format("{:.0f}s", s);
  if (s < 5400) return fmt::format("{:.0f}m{:02.0f}s", s / 60, std::fmod(s, 60.0));
  return fmt::format("{:.0f}h{:02.0f}m", s / 3600, std::fmod(s / 60, 60.0));
}

}  // namespace

struct FullLoader::Finished {
  Chunk chunk;
  ChunkResult result;
  uint64_t written = 0;  // rows in the file: those the table mapping's filters admit
  std::unique_ptr<SpillBuffer> buffer;
  std::unique_ptr<RowWriter> writer;
};

struct FullLoader::TableState {
  std::string schema;
  std::string table;
  LoadTable plan;
  std::unique_ptr<ChangeRowShape> shape;
  std::shared_ptr<const TableView> view;  // the table mapping's (null: rows as read)
  bool one_at_a_time = false;             // parallel-load none: one chunk in flight
  std::optional<Interval> cursor;         // the key range still to plan
  bool planning = false;                  // a worker is computing the next boundary
  uint64_t next_ordinal = 0;              // chunks are numbered in key order as they are planned
  uint64_t next_commit = 0;               // ... and become LOAD files in that order
  std::map<uint64_t, std::unique_ptr<Finished>> finished;
  size_t in_flight = 0;
  bool committing = false;
  bool complete = false;
  uint64_t next_seq = 1;
  uint32_t next_counter = 1;
  uint64_t rows_this_run = 0;
  int64_t run_started_us = 0;   // monotonic: the first chunk of this run began
  int64_t run_ended_us = 0;     // ... and the table finished
  int64_t row_time_micros = 0;  // LoadStart::row_time_micros; 0: each file's read time
  FullLoadStats stats;
};

Result<std::vector<std::pair<std::string, std::string>>> PrepareFullLoad(
    Connection* connection, const TableFilter& filter, const TableMapping& mapping,
    CheckpointStore* checkpoints, const Checkpoint& checkpoint, bool enabled,
    const BinlogPosition& cdc_from, Clock* clock) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!enabled) return out;
  // information_schema lists only the tables a user has some privilege on: without SELECT a
  // table is invisible here, so it would not be loaded while CDC still captures its changes.
  ASSIGN_OR_RETURN(QueryResult global,
                   connection->Query("SELECT 1 FROM information_schema.USER_PRIVILEGES "
                                     "WHERE PRIVILEGE_TYPE = 'SELECT'"));
  if (global.rows.empty()) {
    LOG_WARN(
        "the source user has no global SELECT privilege: the full load sees only the tables it "
        "may read, and a replicated table it cannot see is not loaded (its changes are still "
        "captured). Make sure it has SELECT on every replicated schema (docs/source-setup.md)");
  }
  // The source's clock, in the binlog's unit (docs/consuming.md).
  ASSIGN_OR_RETURN(QueryResult now, connection->Query("SELECT UNIX_TIMESTAMP()"));
  int64_t source_secs = clock->NowMicros() / 1'000'000;
  if (!now.rows.empty() && now.rows[0][0]) {
    const std::string& text = *now.rows[0][0];
    int64_t secs = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), secs);
    if (ec == std::errc() && end == text.data() + text.size()) source_secs = secs;
  }
  const int64_t row_time_micros = (source_secs - 1) * 1'000'000 - 1;
  ASSIGN_OR_RETURN(QueryResult tables,
                   connection->Query("SELECT TABLE_SCHEMA, TABLE_NAME FROM "
                                     "information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' "
                                     "ORDER BY TABLE_SCHEMA, TABLE_NAME"));
  for (const auto& row : tables.rows) {
    if (!row[0] || !row[1]) continue;
    const std::string& schema = *row[0];
    const std::string& table = *row[1];
    if (!filter.Matches(schema, table)) continue;
    ASSIGN_OR_RETURN(std::optional<LoadStart> start, checkpoints->LoadLoadStart(schema, table));
    if (!start) {
      // CDC has written this table before: it was created after the lake began (CDC has
      // every row of it) or the lake ran without full load then.
      if (checkpoint.tables.count(mapping.TargetName(schema, table))) continue;
      LoadStart s{schema, table, cdc_from, clock->NowMicros() / 1000, row_time_micros};
      RETURN_IF_ERROR(checkpoints->WriteLoadStart(s));
    }
    out.emplace_back(schema, table);
  }
  return out;
}

FullLoader::FullLoader(Options options, std::vector<std::pair<std::string, std::string>> tables,
                       ObjectStore* store, ChangeLogSink* schemas, Clock* clock)
    : options_(std::move(options)),
      names_(std::move(tables)),
      store_(store),
      schemas_(schemas),
      clock_(clock),
      checkpoints_(store),
      memory_(std::make_unique<MemoryBudget>(options_.memory_limit)) {}

FullLoader::~FullLoader() = default;

void FullLoader::Fail(Status s) {
  std::lock_guard<std::mutex> lock(mu_);
  if (error_.ok()) error_ = std::move(s);
  changed_.notify_all();
}

Status FullLoader::RecoverTable(TableState* t) {
  ASSIGN_OR_RETURN(std::vector<LoadRecord> records,
                   checkpoints_.LoadLoadRecords(t->schema, t->table));
  ASSIGN_OR_RETURN(std::optional<LoadStart> start, checkpoints_.LoadLoadStart(t->schema, t->table));
  t->stats.started_ms = start ? start->started_ms : 0;
  t->row_time_micros = start ? start->row_time_micros : 0;
  if (!records.empty() && !records.back().object.empty()) {
    // Only the last record can lack its file: records are written one at a time, each
    // after the previous file exists.
    const LoadRecord& last = records.back();
    Result<ObjectInfo> head = store_->Head(last.object);
    if (head.status().code() == StatusCode::kNotFound) {
      LOG_WARN(
          "{}.{}: {} was not written before the previous run stopped; its key range is "
          "read again",
          t->schema, t->table, last.object);
      RETURN_IF_ERROR(checkpoints_.DeleteLoadRecord(t->schema, t->table, last.seq));
      records.pop_back();
    } else if (!head.ok()) {
      return head.status().Context(fmt::format("checking {}/{}", store_->Url(), last.object));
    }
  }
  for (const LoadRecord& r : records) {
    t->stats.rows += r.rows;
    if (!r.object.empty()) {
      ++t->stats.files;
      t->next_counter = std::max(t->next_counter, r.counter + 1);
    }
  }
  t->next_seq = records.size() + 1;
  if (!records.empty() && !records.back().through) {
    t->complete = true;
    t->stats.state = "done";
    t->stats.finished_ms = records.back().finished_ms;
    return Status::OK();
  }
  t->cursor = Interval{records.empty() ? std::nullopt : records.back().through};
  t->stats.state = records.empty() ? "pending" : "loading";
  if (!records.empty()) {
    LOG_INFO("{}.{}: resuming the full load after {} rows in {} files", t->schema, t->table,
             Commas(t->stats.rows), t->stats.files);
  }
  return Status::OK();
}

Status FullLoader::Setup() {
  ASSIGN_OR_RETURN(layout_, ObjectLayout::Create(options_.output));
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(options_.connect));
  uint64_t max_chunk_bytes = std::min<uint64_t>(kMaxChunkBytes, options_.output.max_file_size);
  for (const auto& [schema, table] : names_) {
    auto t = std::make_unique<TableState>();
    t->schema = schema;
    t->table = table;
    t->stats.table = schema + "." + table;
    RETURN_IF_ERROR(RecoverTable(t.get()));
    if (t->complete) continue;  // loaded by an earlier run
    Result<LoadTable> plan =
        PlanLoadTable(c.get(), schema, table, options_.config.chunk_rows, max_chunk_bytes);
    if (plan.status().code() == StatusCode::kNotFound) {
      LOG_WARN("{}.{} was dropped before its full load finished; skipping it", schema, table);
      continue;
    }
    if (!plan.ok()) return plan.status().Context(fmt::format("planning {}.{}", schema, table));
    t->plan = std::move(plan).value();
    t->stats.estimated_rows = t->plan.estimated_rows;
    ASSIGN_OR_RETURN_CTX(t->view, schemas_->View(t->plan.described), "table {}.{}", schema, table);
    ASSIGN_OR_RETURN_CTX(t->plan.lake, schemas_->LakeSchema(t->plan.described, t->view),
                         "table {}.{}", schema, table);
    t->one_at_a_time = options_.mapping && options_.mapping->SingleChunk(schema, table);
    t->shape = std::make_unique<ChangeRowShape>(options_.output, t->plan.lake, /*load=*/true);
    if (!t->plan.chunked) {
      LOG_WARN(
          "{}.{} has no primary key or unique NOT NULL key that can be split into ranges: it is "
          "read in one pass (one snapshot, one LOAD file, not resumable part-way). Add a "
          "primary key for a parallel, resumable load",
          schema, table);
    }
    tables_.push_back(std::move(t));
  }
  return Status::OK();
}

Status FullLoader::Run(const std::atomic<bool>* stop) {
  stop_ = stop;
  started_us_ = clock_->MonotonicMicros();
  // Setup only reads (and is repeatable): a server restarting meanwhile is waited for.
  Status setup = Setup();
  for (int64_t attempt = 0, backoff_ms = 200; !setup.ok() && setup.IsRetryable() && attempt < 8;
       ++attempt, backoff_ms = std::min<int64_t>(backoff_ms * 2, 15'000)) {
    if (stop_ && stop_->load()) return Status::OK();
    LOG_WARN("full load: {}; retrying in {} ms", setup.ToString(), backoff_ms);
    clock_->SleepForMicros(backoff_ms * 1000);
    tables_.clear();
    setup = Setup();
  }
  RETURN_IF_ERROR(setup);
  size_t pending = 0;
  for (const auto& t : tables_) pending += t->complete ? 0 : 1;
  if (pending == 0) return Status::OK();

  WatermarkMode mode = WatermarkMode::kWindow;
  if (options_.config.watermarks == "snapshot") {
    mode = WatermarkMode::kSnapshot;
  } else if (options_.config.watermarks == "auto") {
    ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(options_.connect));
    ASSIGN_OR_RETURN(bool snapshot, HasSnapshotPosition(c.get()));
    if (snapshot) mode = WatermarkMode::kSnapshot;
  }
  LOG_INFO("full load of {} tables on {} connections ({} watermarks)", pending,
           options_.config.threads, mode == WatermarkMode::kSnapshot ? "snapshot" : "window");

  std::atomic<int> running{options_.config.threads};
  std::vector<std::thread> workers;
  for (int i = 0; i < options_.config.threads; ++i) {
    workers.emplace_back([this, i, mode, &running]() {
      Worker(static_cast<size_t>(i), mode);
      --running;
      changed_.notify_all();
    });
  }
  int64_t every_us = options_.progress_bars ? 500'000 : 10'000'000;
  int64_t last_report = clock_->MonotonicMicros();
  while (running.load() > 0) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait_for(lock, std::chrono::milliseconds(100));
    }
    if (clock_->MonotonicMicros() - last_report >= every_us) {
      ReportProgress(false);
      last_report = clock_->MonotonicMicros();
    }
  }
  for (std::thread& w : workers) w.join();
  ReportProgress(true);
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

Status FullLoader::WithRetries(Link* link, const std::function<Status(ChunkReader*)>& fn) {
  int64_t backoff_ms = 200;
  for (int attempt = 0;; ++attempt) {
    Status s = link->reader ? fn(link->reader.get()) : link->error;
    if (s.ok() || !s.IsRetryable() || attempt >= 8 || (stop_ && stop_->load())) return s;
    LOG_WARN("full load: {}; retrying on a new connection in {} ms", s.ToString(), backoff_ms);
    clock_->SleepForMicros(backoff_ms * 1000);
    backoff_ms = std::min<int64_t>(backoff_ms * 2, 15'000);
    link->reader.reset();
    Result<std::unique_ptr<ChunkReader>> r =
        ChunkReader::Create(options_.connect, link->mode, link->server_id);
    if (r.ok()) {
      link->reader = std::move(r).value();
    } else {
      link->error = r.status();
    }
  }
}

void FullLoader::Worker(size_t index, WatermarkMode mode) {
  Link link;
  link.mode = mode;
  link.server_id = options_.server_id + 1 + static_cast<uint32_t>(index);
  if (link.server_id == 0) link.server_id = 1;
  Result<std::unique_ptr<ChunkReader>> reader =
      ChunkReader::Create(options_.connect, mode, link.server_id);
  if (!reader.ok()) {
    Fail(reader.status().Context("opening a full-load connection"));
    return;
  }
  link.reader = std::move(reader).value();
  size_t max_queued = 2 * static_cast<size_t>(options_.config.threads);
  while (true) {
    TableState* t = nullptr;
    {
      std::unique_lock<std::mutex> lock(mu_);
      while (true) {
        if (!error_.ok() || (stop_ && stop_->load())) return;
        bool all_done = true;
        for (const auto& ts : tables_) {
          if (ts->complete) continue;
          all_done = false;
          if (ts->planning || !ts->cursor) continue;
          if (ts->in_flight + ts->finished.size() >= max_queued) continue;
          if (ts->one_at_a_time && ts->in_flight > 0) continue;
          t = ts.get();
          break;
        }
        if (t != nullptr || all_done) break;
        changed_.wait_for(lock, std::chrono::milliseconds(200));
      }
      if (t == nullptr) return;
      t->planning = true;
    }
    Status s = WorkOn(&link, t);
    // Asked to stop while the source was unreachable: the unfinished chunk is simply not
    // recorded, and the next run reads it.
    if (!s.ok() && s.IsRetryable() && stop_ && stop_->load()) return;
    if (!s.ok()) {
      Fail(s.Context(fmt::format("full load of {}.{}", t->schema, t->table)));
      return;
    }
  }
}

Status FullLoader::WorkOn(Link* link, TableState* t) {
  Interval from;
  uint64_t ordinal = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    from = *t->cursor;
    t->cursor.reset();
    ordinal = t->next_ordinal++;
    ++t->in_flight;
    if (t->run_started_us == 0) t->run_started_us = clock_->MonotonicMicros();
    if (t->stats.state == "pending") {
      t->stats.state = "loading";
      if (t->stats.started_ms == 0) t->stats.started_ms = clock_->NowMicros() / 1000;
    }
  }
  auto release = [&](bool planned) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!planned) t->planning = false;
    --t->in_flight;
    changed_.notify_all();
  };
  auto f = std::make_unique<Finished>();
  f->chunk.after = from.after;
  if (t->plan.chunked) {
    Status s = WithRetries(link, [&](ChunkReader* reader) -> Status {
      ASSIGN_OR_RETURN(f->chunk.through, reader->Boundary(t->plan, from.after));
      return Status::OK();
    });
    if (!s.ok()) {
      release(false);
      return s;
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (f->chunk.through) t->cursor = Interval{f->chunk.through};
    t->planning = false;
    changed_.notify_all();
  }

  Status read = WithRetries(link, [&](ChunkReader* reader) -> Status {
    // Each attempt starts a fresh file: a failed one is thrown away whole.
    if (f->writer) f->writer->Abandon();
    f->buffer = std::make_unique<SpillBuffer>(options_.spill_dir, memory_.get());
    ASSIGN_OR_RETURN(f->writer, NewRowWriter(options_.output, t->shape->columns(),
                                             t->shape->json_places(), f->buffer.get()));
    f->written = 0;
    ChangeContext context;
    context.commit_time_micros = t->row_time_micros ? t->row_time_micros : clock_->NowMicros();
    ChangeFacts facts;
    facts.load = true;
    facts.commit_time_micros = context.commit_time_micros;
    Row out;
    return reader->Read(
        t->plan, f->chunk,
        [&](Row&& row) -> Status {
          context.begin = f->result.position;
          RowChange change{
              Op::kInsert, t->view ? t->plan.described : t->plan.lake, {}, std::move(row)};
          if (t->view) {
            ASSIGN_OR_RETURN(bool keep, t->view->Keep(&change));
            if (!keep) return Status::OK();
            facts.change_seq = SequenceValue(context.begin, 0);
            facts.stream_position = context.begin.ToString();
            ASSIGN_OR_RETURN(keep, t->view->Apply(&change, facts));
            if (!keep) return Status::OK();
            change.table = t->plan.lake;
          }
          t->shape->Build(std::move(change), context, 0, &out);
          ++f->written;
          return f->writer->Append(out);
        },
        &f->result);
  });
  if (read.ok() && f->written > 0) read = f->writer->Finish();
  if (!read.ok()) {
    release(true);
    return read;
  }
  if (f->written == 0) f->writer->Abandon();
  {
    std::lock_guard<std::mutex> lock(mu_);
    // A tail chunk that found more rows than it may hold leaves the rest for the next one.
    if (f->result.more) t->cursor = Interval{f->result.last_key};
    t->finished[ordinal] = std::move(f);
    --t->in_flight;
    changed_.notify_all();
  }
  return CommitReady(t);
}

Status FullLoader::CommitReady(TableState* t) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (t->committing) return Status::OK();
    t->committing = true;
  }
  while (true) {
    std::unique_ptr<Finished> f;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = t->finished.find(t->next_commit);
      if (it == t->finished.end()) {
        t->committing = false;
        return Status::OK();
      }
      f = std::move(it->second);
      t->finished.erase(it);
    }
    Status s = Commit(t, f.get());
    std::lock_guard<std::mutex> lock(mu_);
    if (!s.ok()) {
      t->committing = false;
      return s;
    }
    ++t->next_commit;
    changed_.notify_all();
  }
}

Status FullLoader::Commit(TableState* t, Finished* f) {
  LoadRecord r;
  r.seq = t->next_seq;
  r.after = f->chunk.after;
  r.through =
      f->chunk.through ? f->chunk.through : (f->result.more ? f->result.last_key : std::nullopt);
  r.rows = f->written;
  r.snapshot = f->result.position;
  r.finished_ms = clock_->NowMicros() / 1000;
  if (r.rows > 0) {
    r.counter = t->next_counter;
    // Under the table mapping's names.
    r.object = layout_->LoadKey(t->plan.lake->database, t->plan.lake->table, r.counter);
  }
  RETURN_IF_ERROR(checkpoints_.WriteLoadRecord(t->schema, t->table, r));
  CrashPoint("load.record");
  if (r.rows > 0) {
    Status s = UploadCreateOnly(store_, r.object, f->buffer.get());
    if (s.code() == StatusCode::kAlreadyExists) {
      return AbortedError(
          "{}/{} already exists although no finished load step names it: another binlake "
          "process is loading into this lake. Nothing was overwritten",
          store_->Url(), r.object);
    }
    RETURN_IF_ERROR(s);
    CrashPoint("load.file");
  }
  std::lock_guard<std::mutex> lock(mu_);
  ++t->next_seq;
  if (r.rows > 0) {
    ++t->next_counter;
    ++t->stats.files;
  }
  t->stats.rows += r.rows;
  t->stats.dropped += f->result.dropped;
  t->rows_this_run += r.rows;
  if (!r.through) {
    t->complete = true;
    t->run_ended_us = clock_->MonotonicMicros();
    t->stats.state = "done";
    t->stats.finished_ms = r.finished_ms;
    double seconds = std::max<double>(
        0.001, static_cast<double>(t->stats.finished_ms - t->stats.started_ms) / 1000.0);
    // On a terminal the table's bar says it (and the run's summary); a log line would be
    // overdrawn by the next redraw of the bars.
    auto level = options_.progress_bars ? spdlog::level::debug : spdlog::level::info;
    spdlog::log(level, "full load of {} finished: {} rows in {} LOAD files, {}{}", t->stats.table,
                Commas(t->stats.rows), t->stats.files, Seconds(seconds),
                t->stats.dropped ? fmt::format(", {} rows changed during their chunk were left to "
                                               "CDC",
                                               Commas(t->stats.dropped))
                                 : "");
  }
  return Status::OK();
}

std::vector<FullLoadStats> FullLoader::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<FullLoadStats> out;
  for (const auto& t : tables_) out.push_back(t->stats);
  return out;
}

void FullLoader::ReportProgress(bool final) {
  std::vector<FullLoadStats> stats = Stats();
  std::vector<uint64_t> this_run;
  std::vector<double> table_rate;  // rows/s of each table in this run
  int64_t now = clock_->MonotonicMicros();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& t : tables_) {
      this_run.push_back(t->rows_this_run);
      int64_t end = t->run_ended_us ? t->run_ended_us : now;
      double seconds = t->run_started_us ? static_cast<double>(end - t->run_started_us) / 1e6 : 0;
      table_rate.push_back(seconds > 0 ? static_cast<double>(t->rows_this_run) / seconds : 0);
    }
  }
  double elapsed =
      std::max(0.001, static_cast<double>(clock_->MonotonicMicros() - started_us_) / 1e6);
  uint64_t rows = 0, estimated = 0, run_rows = 0;
  size_t done = 0;
  for (size_t i = 0; i < stats.size(); ++i) {
    rows += stats[i].rows;
    estimated += std::max(stats[i].estimated_rows, stats[i].rows);
    run_rows += this_run[i];
    done += stats[i].state == "done" ? 1 : 0;
  }
  double rate = static_cast<double>(run_rows) / elapsed;
  auto eta = [&](uint64_t have, uint64_t total, double per_second) {
    if (per_second <= 0 || total <= have) return std::string("-");
    return Seconds(static_cast<double>(total - have) / per_second);
  };
  std::string overall =
      fmt::format("full load: {}/{} tables, {} rows of ~{}, {} rows/s, ETA {}", done, stats.size(),
                  Commas(rows), Commas(estimated), Commas(static_cast<uint64_t>(rate)),
                  done == stats.size() ? "-" : eta(rows, estimated, rate));
  if (!options_.progress_bars) {
    if (!final) LOG_INFO("{}", overall);
    return;
  }
  std::string screen;
  for (int i = 0; i < progress_lines_; ++i) screen += "\x1b[1A\x1b[2K";
  int lines = 0;
  for (size_t i = 0; i < stats.size(); ++i) {
    const FullLoadStats& s = stats[i];
    if (s.state == "pending" || (s.state == "done" && !final && this_run[i] == 0)) continue;
    uint64_t total = std::max(s.estimated_rows, s.rows);
    double frac = s.state == "done" ? 1.0
                  : total == 0      ? 0.0
                                    : static_cast<double>(s.rows) / static_cast<double>(total);
    int filled = static_cast<int>(frac * 30);
    screen += fmt::format("{:<32.32} [{}{}] {:3.0f}%  {} rows  {} rows/s  {}\n", s.table,
                          std::string(static_cast<size_t>(filled), '#'),
                          std::string(static_cast<size_t>(30 - filled), '.'), frac * 100,
                          Commas(s.rows), Commas(static_cast<uint64_t>(table_rate[i])),
                          s.state == "done" ? "done" : "ETA " + eta(s.rows, total, table_rate[i]));
    ++lines;
  }
  screen += overall + "\n";
  ++lines;
  progress_lines_ = final ? 0 : lines;
  std::fputs(screen.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace binlake
