#include "binlog/transaction_assembler.h"

#include <cctype>

#include "binlog/event_type.h"
#include "binlog/row_image.h"
#include "common/byte_reader.h"
#include "common/crash_point.h"

namespace binlake {
namespace {

enum class StatementKind { kBegin, kCommit, kRollback, kSavepoint, kXa, kOther };

bool EndsWithStartTransaction(std::string_view sql) {
  while (!sql.empty() &&
         (std::isspace(static_cast<unsigned char>(sql.back())) || sql.back() == ';')) {
    sql.remove_suffix(1);
  }
  constexpr std::string_view kTail = "START TRANSACTION";
  if (sql.size() <= kTail.size()) return false;
  std::string_view tail = sql.substr(sql.size() - kTail.size());
  for (size_t i = 0; i < kTail.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(tail[i])) != kTail[i]) return false;
  }
  return std::isspace(static_cast<unsigned char>(sql[sql.size() - kTail.size() - 1]));
}

bool StartsWithWord(std::string_view s, std::string_view word) {
  if (s.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) != word[i]) return false;
  }
  return s.size() == word.size() || !std::isalnum(static_cast<unsigned char>(s[word.size()]));
}

std::string_view SkipSpaceAndComments(std::string_view s) {
  while (!s.empty()) {
    if (std::isspace(static_cast<unsigned char>(s.front())) || s.front() == ';') {
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

StatementKind Classify(std::string_view sql) {
  sql = SkipSpaceAndComments(sql);
  if (StartsWithWord(sql, "BEGIN")) return StatementKind::kBegin;
  if (StartsWithWord(sql, "COMMIT")) return StatementKind::kCommit;
  if (StartsWithWord(sql, "SAVEPOINT")) return StatementKind::kSavepoint;
  if (StartsWithWord(sql, "ROLLBACK")) {
    std::string_view rest = SkipSpaceAndComments(sql.substr(8));
    if (StartsWithWord(rest, "TO")) return StatementKind::kSavepoint;
    return StatementKind::kRollback;
  }
  if (StartsWithWord(sql, "XA")) return StatementKind::kXa;
  return StatementKind::kOther;
}

}  // namespace

TransactionAssembler::TransactionAssembler(ChangeSink* sink, AssemblerOptions options)
    : sink_(sink),
      tables_(options.resolver),
      file_(std::move(options.binlog_file)),
      gtid_set_(std::move(options.gtid_set)),
      prepared_(options.prepared),
      commit_unknown_xa_empty_(options.commit_unknown_xa_empty) {
  if (prepared_ == nullptr) {
    own_prepared_ = std::make_unique<InMemoryPreparedTransactions>();
    prepared_ = own_prepared_.get();
  }
  gtid_set_known_ = !gtid_set_.empty();
  resume_.file = file_;
  resume_.offset = 4;
}

Status TransactionAssembler::Consume(const Event& event) {
  const EventBody& body = event.body;
  if (const auto* q = std::get_if<QueryEvent>(&body)) return OnQuery(event, *q);
  if (const auto* rows = std::get_if<RowsEvent>(&body)) return OnRows(event, *rows);
  if (const auto* t = std::get_if<TableMapEvent>(&body)) {
    ASSIGN_OR_RETURN(const TableEntry* entry, tables_.Update(t->map));
    (void)entry;
    return Status::OK();
  }
  if (std::holds_alternative<XidEvent>(body)) {
    if (!in_transaction_) return Status::OK();  // a transaction whose start was before input
    return Commit(event);
  }
  if (const auto* g = std::get_if<GtidEvent>(&body)) return OnGtid(event, *g);
  if (const auto* set = std::get_if<GtidSetEvent>(&body)) {
    if (!gtid_set_known_) {
      gtid_set_ = set->set;
      gtid_set_known_ = true;
    }
    return Status::OK();
  }
  if (const auto* r = std::get_if<RotateEvent>(&body)) {
    if (!r->next_file.empty()) {
      file_.assign(r->next_file);
      if (!in_transaction_) resume_ = BinlogPosition{file_, r->position};
    }
    return Status::OK();
  }
  if (std::holds_alternative<FormatDescription>(body)) {
    // A new log begins: a transaction still open was cut off by a server crash.
    if (in_transaction_) Discard();
    DropXa();
    has_gtid_ = false;
    return Status::OK();
  }
  if (const auto* inc = std::get_if<IncidentEvent>(&body)) {
    return FailedPreconditionError(
        "{}:{}: the source wrote an INCIDENT event (code {}: {}): changes may be missing from "
        "the binlog after this point; re-run the full load of the affected tables",
        file_, event.position, inc->code, std::string(inc->message));
  }
  if (const auto* x = std::get_if<XaPrepareEvent>(&body)) return OnXaPrepare(event, *x);
  if (event.header.type == event_type::kStop) {
    if (in_transaction_) Discard();
    DropXa();
  }
  return Status::OK();
}

Status TransactionAssembler::OnGtid(const Event& event, const GtidEvent& g) {
  if (in_transaction_) Discard();  // the previous transaction never committed in this input
  DropXa();
  has_gtid_ = true;
  gtid_ = g;
  gtid_text_ = g.Text();
  gtid_position_ = event.position;
  gtid_timestamp_ = event.header.timestamp;
  standalone_ = g.kind == GtidEvent::Kind::kMariaDb && (g.flags & kMariaDbGtidStandalone);
  if (g.kind == GtidEvent::Kind::kMariaDb && (g.flags & kMariaDbGtidPreparedXa)) {
    // XA START .. XA END .. XA PREPARE: its rows wait for the XA COMMIT.
    xa_open_ = true;
    xa_position_ = event.position;
    return Status::OK();
  }
  // MariaDB's GTID event is the transaction's BEGIN.
  if (g.kind == GtidEvent::Kind::kMariaDb && !standalone_) return Begin(event);
  return Status::OK();
}

Status TransactionAssembler::Begin(const Event& event) {
  TransactionBegin begin;
  if (has_gtid_) {
    begin.gtid = gtid_text_;
    begin.position = BinlogPosition{file_, gtid_position_};
    begin.commit_time_micros = gtid_.immediate_commit_micros != 0
                                   ? static_cast<int64_t>(gtid_.immediate_commit_micros)
                                   : int64_t{gtid_timestamp_} * 1000000;
  } else {
    begin.position = BinlogPosition{file_, event.position};
    begin.commit_time_micros = int64_t{event.header.timestamp} * 1000000;
  }
  in_transaction_ = true;
  return sink_->Begin(begin);
}

Status TransactionAssembler::AddGtid() {
  if (!has_gtid_) return Status::OK();
  if (gtid_.kind == GtidEvent::Kind::kMySql) {
    return gtid_set_.AddMySql(gtid_.uuid, gtid_.tag, static_cast<uint64_t>(gtid_.gno));
  }
  if (gtid_.kind == GtidEvent::Kind::kMariaDb) {
    return gtid_set_.AddMariaDb({gtid_.domain, gtid_.server, gtid_.seq});
  }
  return Status::OK();
}

Status TransactionAssembler::Commit(const Event& event) {
  RETURN_IF_ERROR(AddGtid());
  TransactionEnd end;
  end.next_position = BinlogPosition{file_, event.next_position};
  end.gtid_set = gtid_set_.ToString();
  in_transaction_ = false;
  has_gtid_ = false;
  standalone_ = false;
  resume_ = end.next_position;
  return sink_->Commit(end);
}

void TransactionAssembler::Discard() {
  sink_->Discard();
  in_transaction_ = false;
}

void TransactionAssembler::DropXa() {
  xa_open_ = false;
  xa_rows_.clear();
}

Status TransactionAssembler::OnXa(const Event& event, const QueryEvent& q) {
  std::string_view sql = SkipSpaceAndComments(q.sql);
  std::string_view rest = SkipSpaceAndComments(sql.substr(2));
  auto verb = [&](std::string_view word) {
    if (!StartsWithWord(rest, word)) return false;
    rest = SkipSpaceAndComments(rest.substr(word.size()));
    return true;
  };
  if (verb("START") || verb("BEGIN")) {
    // MySQL: XA START opens the group (MariaDB's GTID event already did).
    if (xa_open_) return Status::OK();
    if (in_transaction_) {
      return CorruptionError("{}:{}: '{}' inside an open transaction", file_, event.position,
                             std::string(sql.substr(0, 80)));
    }
    xa_open_ = true;
    xa_position_ = has_gtid_ ? gtid_position_ : event.position;
    return Status::OK();
  }
  if (verb("END")) return Status::OK();
  bool commit = verb("COMMIT");
  if (!commit && !verb("ROLLBACK")) {
    return UnimplementedError("{}:{}: '{}': an XA statement binlake does not know", file_,
                              event.position, std::string(sql.substr(0, 80)));
  }
  std::optional<std::string> xid = ParseXid(rest);
  if (!xid) {
    return CorruptionError("{}:{}: '{}': no XA transaction id after the verb", file_,
                           event.position, std::string(sql.substr(0, 80)));
  }
  // The transaction of this xid prepared last before here: a rollback drops it, a commit
  // writes its rows.
  Result<PreparedTransactions::Parked> parked =
      prepared_->Find(*xid, BinlogPosition{file_, event.position});
  if (!parked.ok() && parked.status().code() != StatusCode::kNotFound) {
    return parked.status().Context(fmt::format("{}:{}: XA {} {}", file_, event.position,
                                               commit ? "COMMIT" : "ROLLBACK", *xid));
  }
  if (parked.ok()) {
    for (const auto& [ended, at] : recently_ended_) {
      if (ended == *xid && at == parked->position) {
        return CorruptionError(
            "{}:{}: XA {} {} ends the transaction prepared at {} a second time; the binlog is "
            "damaged",
            file_, event.position, commit ? "COMMIT" : "ROLLBACK", *xid, at.ToString());
      }
    }
  }
  if (commit && !parked.ok() && !commit_unknown_xa_empty_) {
    return FailedPreconditionError(
        "{}:{}: XA COMMIT {} commits a transaction whose XA PREPARE binlake never read (it "
        "was prepared before the position replication started from): its rows are not in "
        "the lake. Run the full load again for the tables it changed",
        file_, event.position, *xid);
  }
  // The transaction takes effect here, at its XA COMMIT: MariaDB's GTID event has begun it.
  if (!in_transaction_) RETURN_IF_ERROR(Begin(event));
  if (commit && parked.ok()) {
    for (RowChange& row : parked->rows) RETURN_IF_ERROR(sink_->Row(std::move(row)));
  }
  RETURN_IF_ERROR(Commit(event));
  if (parked.ok()) {
    prepared_->Ended(*xid, parked->position, resume_);
    if (recently_ended_.size() >= 1024) recently_ended_.erase(recently_ended_.begin());
    recently_ended_.emplace_back(*xid, parked->position);
  }
  return Status::OK();
}

Status TransactionAssembler::OnXaPrepare(const Event& event, const XaPrepareEvent& x) {
  if (!xa_open_) return Status::OK();  // its XA START was before this input
  if (x.one_phase) {
    // XA COMMIT .. ONE PHASE (MySQL): an ordinary transaction ending here.
    xa_open_ = false;
    RETURN_IF_ERROR(Begin(event));
    for (RowChange& row : xa_rows_) RETURN_IF_ERROR(sink_->Row(std::move(row)));
    xa_rows_.clear();
    return Commit(event);
  }
  RETURN_IF_ERROR(prepared_->Park(x.xid, BinlogPosition{file_, xa_position_}, xa_rows_)
                      .Context(fmt::format("{}:{}: XA PREPARE {}", file_, event.position, x.xid)));
  CrashPoint("xa.parked");
  RETURN_IF_ERROR(AddGtid());
  DropXa();
  has_gtid_ = false;
  resume_ = BinlogPosition{file_, event.next_position};
  return Status::OK();
}

Status TransactionAssembler::OnQuery(const Event& event, const QueryEvent& q) {
  switch (Classify(q.sql)) {
    case StatementKind::kBegin:
      if (in_transaction_) return Status::OK();  // MariaDB: GTID already began it
      return Begin(event);
    case StatementKind::kCommit:
      if (!in_transaction_) return Status::OK();
      return Commit(event);
    case StatementKind::kRollback:
      if (in_transaction_) Discard();
      has_gtid_ = false;
      return Status::OK();
    case StatementKind::kSavepoint:
      return Status::OK();
    case StatementKind::kXa:
      return OnXa(event, q);
    case StatementKind::kOther:
      break;
  }
  SchemaChange change;
  change.database.assign(q.database);
  change.sql.assign(q.sql);
  // Table definitions may have changed: build schemas again from the next TABLE_MAPs.
  tables_.Invalidate();
  if (in_transaction_ && !standalone_) return sink_->Schema(change);
  if (in_transaction_) Discard();
  RETURN_IF_ERROR(Begin(event));
  RETURN_IF_ERROR(sink_->Schema(change));
  // MySQL 8 logs CREATE TABLE ... SELECT as "CREATE TABLE ... START TRANSACTION" followed by
  // the rows and an XID: one transaction.
  if (EndsWithStartTransaction(q.sql)) return Status::OK();
  return Commit(event);
}

Status TransactionAssembler::OnRows(const Event& event, const RowsEvent& rows) {
  const TableEntry* entry = tables_.Find(rows.table_id);
  if (entry == nullptr) {
    return CorruptionError(
        "{}:{}: rows event for table id {} without a preceding TABLE_MAP; the "
        "input starts inside a transaction or the binlog is damaged. Resume "
        "from a transaction boundary",
        file_, event.position, rows.table_id);
  }
  const TableMap& map = *entry->map;
  const TableSchema& schema = *entry->schema;
  if (rows.column_count != map.columns.size()) {
    return CorruptionError("{}:{}: rows event for {} has {} columns but its TABLE_MAP has {}",
                           file_, event.position, schema.QualifiedName(), rows.column_count,
                           map.columns.size());
  }
  if (!in_transaction_ && !xa_open_) RETURN_IF_ERROR(Begin(event));
  size_t json_columns = 0;
  if (rows.partial_update) {
    for (const ColumnWire& w : map.columns) json_columns += RealType(w) == MysqlType::kJson;
  }
  ByteReader in(rows.rows, rows.rows_offset);
  RowImageOptions none;
  while (!in.empty()) {
    size_t row_start = in.position();
    RowChange change;
    change.op = rows.op;
    change.table = entry->schema;
    change.foreign_key_checks = (rows.flags & kRowsFlagNoForeignKeyChecks) == 0;
    Status s;
    switch (rows.op) {
      case Op::kInsert:
        s = DecodeRowImage(&in, map.columns, schema, rows.present_before, none, &change.after);
        break;
      case Op::kDelete:
        s = DecodeRowImage(&in, map.columns, schema, rows.present_before, none, &change.before);
        break;
      case Op::kUpdate: {
        s = DecodeRowImage(&in, map.columns, schema, rows.present_before, none, &change.before);
        if (!s.ok()) break;
        RowImageOptions options;
        if (rows.partial_update) {
          // value_options, then (when partial JSON is on) one bit per JSON column.
          auto value_options = in.LengthEncodedInt();
          if (!value_options.ok()) {
            s = value_options.status();
            break;
          }
          if (*value_options & 1) {
            auto bits = in.Bytes((json_columns + 7) / 8);
            if (!bits.ok()) {
              s = bits.status();
              break;
            }
            options.partial_json = true;
            options.partial_json_bits = *bits;
            options.before = &change.before;
          }
        }
        s = DecodeRowImage(&in, map.columns, schema, rows.present_after, options, &change.after);
        break;
      }
    }
    if (!s.ok()) {
      return s.Context(fmt::format("{}:{}: {} row of {}", file_, event.position, OpLetter(rows.op),
                                   schema.QualifiedName()));
    }
    if (in.position() == row_start) {
      // An image with no columns occupies no bytes: the bytes left could never be consumed.
      return CorruptionError(
          "{}:{}: rows event for {} declares no columns in its row images but "
          "has {} bytes of rows",
          file_, event.position, schema.QualifiedName(), in.remaining());
    }
    if (xa_open_) {
      xa_rows_.push_back(std::move(change));
    } else {
      RETURN_IF_ERROR(sink_->Row(std::move(change)));
    }
  }
  return Status::OK();
}

}  // namespace binlake
