#include "binlog/timestamp_start.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/event_stream.h"
#include "common/civil_time.h"
#include "common/logging.h"

namespace binlake {
namespace {

// "2033-05-18T03:33:20Z", with ".ffffff" when the microseconds are not zero.
std::string IsoTime(int64_t micros) {
  int64_t seconds = micros >= 0 ? micros / 1'000'000 : -((-micros + 999'999) / 1'000'000);
  int64_t fraction = micros - seconds * 1'000'000;
  int64_t days = seconds >= 0 ? seconds / 86'400 : -((-seconds + 86'399) / 86'400);
  int64_t rest = seconds - days * 86'400;
  int64_t year = 0;
  unsigned month = 0, day = 0;
  CivilFromDays(days, &year, &month, &day);
  std::string text = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", year, month, day,
                                 rest / 3600, rest / 60 % 60, rest % 60);
  if (fraction != 0) text += fmt::format(".{:06}", fraction);
  return text + "Z";
}

// The time as a user wrote it and as a date, for messages.
std::string DescribeTime(int64_t micros) {
  if (micros % 1'000'000 == 0) return fmt::format("{} ({})", micros / 1'000'000, IsoTime(micros));
  return fmt::format("{} µs ({})", micros, IsoTime(micros));
}

// How a statement in a QUERY event bears on transaction boundaries.
enum class Statement { kBegin, kEnd, kInside, kOther };

// Whether `s` starts with `word` (upper case) as a whole word, ignoring case.
bool StartsWithWord(std::string_view s, std::string_view word) {
  if (s.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) != word[i]) return false;
  }
  return s.size() == word.size() || !std::isalnum(static_cast<unsigned char>(s[word.size()]));
}

// Drops leading blanks and plain comments (executable /*! ... */ comments are statement text).
std::string_view SkipBlanks(std::string_view s) {
  while (!s.empty()) {
    if (std::isspace(static_cast<unsigned char>(s.front()))) {
      s.remove_prefix(1);
    } else if (s.substr(0, 2) == "/*" && s.substr(0, 3) != "/*!") {
      size_t end = s.find("*/", 2);
      s.remove_prefix(end == std::string_view::npos ? s.size() : end + 2);
    } else {
      break;
    }
  }
  return s;
}

Statement Classify(std::string_view sql) {
  sql = SkipBlanks(sql);
  if (StartsWithWord(sql, "BEGIN")) return Statement::kBegin;
  if (StartsWithWord(sql, "COMMIT")) return Statement::kEnd;
  if (StartsWithWord(sql, "SAVEPOINT") || StartsWithWord(sql, "RELEASE")) {
    return Statement::kInside;
  }
  if (StartsWithWord(sql, "ROLLBACK")) {
    if (StartsWithWord(SkipBlanks(sql.substr(8)), "TO")) return Statement::kInside;
    return Statement::kEnd;
  }
  return Statement::kOther;
}

}  // namespace

bool TransactionStartTracker::Begins(const Event& e, int64_t* commit_micros) {
  const int64_t header_micros = int64_t{e.header.timestamp} * 1'000'000;
  if (const auto* g = std::get_if<GtidEvent>(&e.body)) {
    state_ = State::kAnnounced;
    *commit_micros = g->immediate_commit_micros != 0
                         ? static_cast<int64_t>(g->immediate_commit_micros)
                         : header_micros;
    return true;
  }
  if (std::holds_alternative<XidEvent>(e.body) ||
      std::holds_alternative<FormatDescription>(e.body)) {
    state_ = State::kNone;
    return false;
  }
  if (std::holds_alternative<TableMapEvent>(e.body)) {
    if (state_ != State::kNone) return false;
    // Rows without BEGIN (MySQL before 5.7 without GTIDs, a non-transactional table): the
    // statement is its own transaction, from its first TABLE_MAP to the rows event that
    // ends the statement.
    state_ = State::kStatement;
    *commit_micros = header_micros;
    return true;
  }
  if (const auto* rows = std::get_if<RowsEvent>(&e.body)) {
    if (state_ == State::kStatement && (rows->flags & kRowsFlagStatementEnd)) {
      state_ = State::kNone;
    }
    return false;
  }
  const auto* q = std::get_if<QueryEvent>(&e.body);
  if (q == nullptr) return false;
  switch (Classify(q->sql)) {
    case Statement::kBegin: {
      bool begins = state_ == State::kNone || state_ == State::kStatement;
      state_ = State::kOpen;
      *commit_micros = header_micros;
      return begins;
    }
    case Statement::kEnd:
      state_ = State::kNone;
      return false;
    case Statement::kInside:
      return false;
    case Statement::kOther:
      break;
  }
  if (state_ == State::kOpen) return false;  // a statement inside BEGIN ... COMMIT
  // A statement of its own (DDL): one transaction, announced by a GTID or not.
  bool begins = state_ == State::kNone || state_ == State::kStatement;
  state_ = State::kNone;
  *commit_micros = header_micros;
  return begins;
}

namespace {

// A transaction found in the binlog.
struct Found {
  BinlogPosition position;
  int64_t commit_micros = 0;
};

// What one non-blocking dump from the start of a file saw.
struct Reading {
  // The header time of the file's FORMAT_DESCRIPTION: when the server created the file.
  int64_t created_micros = 0;
  // The first transaction that committed at or after the time asked for.
  std::optional<Found> found;
  // Without one: the end of the binlog as the dump reached it (the end of the last event the
  // server sent; everything before it was read).
  std::optional<BinlogPosition> end;
};

// Reads the binlog of the server from the start of `file` on, through the later files, until
// the first transaction that committed at or after `min_micros` or the end of the binlog.
Result<Reading> ReadFrom(const ReplicationOptions& options, const std::string& file,
                         int64_t min_micros) {
  ReplicationOptions o = options;
  o.start_gtid.reset();
  o.start = {file, 4};
  o.non_blocking = true;
  ASSIGN_OR_RETURN(std::unique_ptr<ReplicationSource> source, ReplicationSource::Open(o));
  EventStream stream(source.get());
  stream.mutable_decoder()->set_checksum(source->info().checksums ? ChecksumAlgorithm::kCrc32
                                                                  : ChecksumAlgorithm::kOff);
  Reading reading;
  TransactionStartTracker starts;
  BinlogPosition last;
  while (true) {
    ASSIGN_OR_RETURN(const Event* e, stream.Next());
    if (e == nullptr) {
      reading.end = last;
      return reading;
    }
    std::string_view name = source->binlog_name();
    // The fake ROTATE opening the stream has position 0; heartbeats carry no event of the log.
    if (e->position < 4 || std::holds_alternative<HeartbeatEvent>(e->body)) continue;
    if (std::holds_alternative<FormatDescription>(e->body) && name == file &&
        reading.created_micros == 0) {
      reading.created_micros = int64_t{e->header.timestamp} * 1'000'000;
    }
    int64_t commit_micros = 0;
    if (starts.Begins(*e, &commit_micros) && commit_micros >= min_micros) {
      reading.found = Found{{std::string(name), e->position}, commit_micros};
      return reading;
    }
    // A ROTATE has already moved the source's file name on; its own position is in the file
    // before. Inner events of a compressed transaction end inside it.
    if (!e->in_payload && !std::holds_alternative<RotateEvent>(e->body)) {
      last = {std::string(name), e->next_position};
    }
  }
}

// Log_name of every row of SHOW BINARY LOGS, oldest first.
Result<std::vector<std::string>> ListBinaryLogs(Connection* c) {
  Result<QueryResult> r = c->Query("SHOW BINARY LOGS");
  if (!r.ok()) {
    return r.status().Context(
        fmt::format("listing the binary logs of {} (SHOW BINARY LOGS needs the REPLICATION CLIENT "
                    "privilege, on MariaDB BINLOG MONITOR)",
                    c->peer()));
  }
  std::vector<std::string> files;
  for (const auto& row : r->rows) {
    if (!row.empty() && row[0]) files.push_back(*row[0]);
  }
  if (files.empty()) {
    return FailedPreconditionError(
        "{} lists no binary logs (SHOW BINARY LOGS is empty): enable the binary log (log_bin) "
        "and start from the binlog end instead of a start.timestamp",
        c->peer());
  }
  return files;
}

// Whether `file` is the first binlog file the server wrote since it was set up (or since
// RESET MASTER): "binlog.000001". Nothing older can have been purged then.
bool IsFirstBinlogFile(std::string_view file) {
  size_t dot = file.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == file.size()) return false;
  std::string_view counter = file.substr(dot + 1);
  if (!std::all_of(counter.begin(), counter.end(),
                   [](char ch) { return ch >= '0' && ch <= '9'; })) {
    return false;
  }
  return counter.find_first_not_of('0') == counter.size() - 1 && counter.back() == '1';
}

// The binary search's state: the files and what the dumps found, each file read once.
class Search {
 public:
  Search(const ReplicationOptions& options, std::vector<std::string> files, std::string peer,
         int64_t unix_micros)
      : options_(options), files_(std::move(files)), peer_(std::move(peer)), t_(unix_micros) {}

  size_t size() const { return files_.size(); }
  const std::string& file(size_t i) const { return files_[i]; }

  // The first transaction from the start of file i on (in a later file when file i has
  // none), or where the binlog ended.
  Result<const Reading*> Probe(size_t i) {
    auto it = probes_.find(i);
    if (it != probes_.end()) return &it->second;
    ASSIGN_OR_RETURN(Reading r, Checked(i, INT64_MIN));
    return &probes_.emplace(i, std::move(r)).first->second;
  }

  // Whether nothing before the time starts at file i: its first transaction (or the next
  // file's) committed at or after the time, or there is none.
  Result<bool> StartsAtOrAfter(size_t i) {
    ASSIGN_OR_RETURN(const Reading* r, Probe(i));
    return !r->found || r->found->commit_micros >= t_;
  }

  // The first transaction at or after the time from the start of file i on, or where the
  // binlog ended.
  Result<Reading> Scan(size_t i) { return Checked(i, t_); }

 private:
  // ReadFrom, telling a file purged during the search from other failures.
  Result<Reading> Checked(size_t i, int64_t min_micros) {
    Result<Reading> r = ReadFrom(options_, files_[i], min_micros);
    if (r.ok()) return r;
    Result<std::unique_ptr<Connection>> c = Connection::Connect(options_.connect);
    if (c.ok()) {
      Result<std::vector<std::string>> now = ListBinaryLogs(c->get());
      if (now.ok() && std::find(now->begin(), now->end(), files_[i]) == now->end()) {
        return FailedPreconditionError(
            "binlog file {} of {} was purged while binlake searched it for start.timestamp "
            "{} (binlog expiry or PURGE BINARY LOGS): run again to search the files still on "
            "the server, or give start.file and start.pos",
            files_[i], peer_, DescribeTime(t_));
      }
    }
    return r.status().Context(fmt::format("searching binlog file {} of {} for start.timestamp {}",
                                          files_[i], peer_, DescribeTime(t_)));
  }

  const ReplicationOptions& options_;
  const std::vector<std::string> files_;
  const std::string peer_;
  const int64_t t_;
  std::map<size_t, Reading> probes_;
};

// The position a reading found, or the binlog end it reached; logged.
BinlogPosition Outcome(const Reading& r, int64_t unix_micros, const std::string& peer) {
  if (r.found) {
    LOG_INFO("start.timestamp {} is {} on {} (a transaction committed at {})",
             DescribeTime(unix_micros), r.found->position.ToString(), peer,
             IsoTime(r.found->commit_micros));
    return r.found->position;
  }
  LOG_INFO(
      "start.timestamp {}: no transaction in the binlog of {} committed at or after it; "
      "starting at the binlog end, {}",
      DescribeTime(unix_micros), peer, r.end->ToString());
  return *r.end;
}

}  // namespace

Result<BinlogPosition> FindTimestampStart(const ReplicationOptions& options, int64_t unix_micros) {
  std::vector<std::string> files;
  std::string peer;
  {
    ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(options.connect));
    RETURN_IF_ERROR(CheckSource(c.get()).status());
    ASSIGN_OR_RETURN(files, ListBinaryLogs(c.get()));
    peer = c->peer();
  }
  Search search(options, std::move(files), peer, unix_micros);

  // The first file from which on nothing starts before the time (size() when none).
  size_t lo = 0, hi = search.size();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    ASSIGN_OR_RETURN(bool after, search.StartsAtOrAfter(mid));
    if (after) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }

  if (lo > 0) {
    // File lo - 1 begins before the time: the answer is in it or after it. Reading on past
    // its end (rather than using the probe of file lo) also covers a file the server
    // started after SHOW BINARY LOGS.
    ASSIGN_OR_RETURN(Reading r, search.Scan(lo - 1));
    return Outcome(r, unix_micros, peer);
  }
  // Every transaction on the server committed at or after the time. Unless the oldest file
  // is the server's first, older ones were purged and may have held such transactions too:
  // their commit times are gone with them, so no start here is provably exact.
  ASSIGN_OR_RETURN(const Reading* first, search.Probe(0));
  if (!IsFirstBinlogFile(search.file(0))) {
    if (first->found) {
      return FailedPreconditionError(
          "start.timestamp {} is before the oldest transaction still in the binlog of {}, "
          "committed at {} (at {}): the files before {} (created {}) were purged, and changes "
          "committed between the two times may have been in them. Give a start.timestamp "
          "after {}, or start.file: {} and start.pos: {} to begin with that transaction, or "
          "start the lake from a full load of the tables' current rows",
          DescribeTime(unix_micros), peer, IsoTime(first->found->commit_micros),
          first->found->position.ToString(), search.file(0), IsoTime(first->created_micros),
          DescribeTime(first->found->commit_micros), first->found->position.file,
          first->found->position.offset);
    }
    return FailedPreconditionError(
        "start.timestamp {}: the binlog of {} holds no transaction, and the files before {} "
        "(created {}) were purged, so changes committed after the time may have been in them. "
        "Leave start out to begin at the binlog end ({}), or start the lake from a full load "
        "of the tables' current rows",
        DescribeTime(unix_micros), peer, search.file(0), IsoTime(first->created_micros),
        first->end->ToString());
  }
  return Outcome(*first, unix_micros, peer);
}

}  // namespace binlake
