#include "pipeline/chunk_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "binlog/event_stream.h"
#include "binlog/event_type.h"
#include "binlog/information_schema_resolver.h"
#include "binlog/replication_source.h"
#include "binlog/transaction_assembler.h"
#include "common/logging.h"
#include "format/value_text.h"
#include "mysql/sql_text.h"

namespace binlake {
namespace {

std::vector<std::string> KeyColumnNames(const LoadTable& t) {
  std::vector<std::string> out;
  for (int k : t.key) out.push_back(sql::QuoteIdentifier(t.described->columns[k].name));
  return out;
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// Copies the key columns' text of a row (`first`: where they start in it) into raw.
template <typename Text>
Status CopyKeyText(const LoadTable& t, const std::vector<Text>& row, size_t first,
                   std::vector<std::string>* raw) {
  raw->resize(t.key.size());
  for (size_t j = 0; j < t.key.size(); ++j) {
    if (!row[first + j]) {
      return FailedPreconditionError(
          "{}: key column {} holds NULL, so the table cannot be split into ranges of its key; "
          "make the key's columns NOT NULL",
          t.QualifiedName(), t.described->columns[t.key[j]].name);
    }
    (*raw)[j].assign(*row[first + j]);
  }
  return Status::OK();
}

// The key as SQL literals, from the key columns' plain SELECT text.
KeyBound KeyLiterals(const LoadTable& t, const std::vector<std::string>& raw) {
  KeyBound key;
  for (size_t j = 0; j < t.key.size(); ++j) {
    key.push_back(KeyLiteral(t.described->columns[t.key[j]], t.server.charsets[t.key[j]], raw[j]));
  }
  return key;
}

// Collects the keys a binlog range changes in one table.
class KeyCollector : public ChangeSink {
 public:
  KeyCollector(const LoadTable& table, std::unordered_set<std::string>* keys)
      : table_(table), keys_(keys) {}
  Status Begin(const TransactionBegin&) override { return Status::OK(); }
  Status Row(RowChange change) override {
    const TableSchema& s = *change.table;
    if (s.database != table_.server.database || s.table != table_.server.table) {
      return Status::OK();
    }
    for (const ::binlake::Row* image : {&change.before, &change.after}) {
      if (image->empty()) continue;
      keys_->insert(RowKey(*image, *table_.described, table_.key));
    }
    return Status::OK();
  }
  Status Schema(const SchemaChange&) override { return Status::OK(); }
  Status Commit(const TransactionEnd&) override { return Status::OK(); }
  void Discard() override {}

 private:
  const LoadTable& table_;
  std::unordered_set<std::string>* keys_;
};

}  // namespace

std::string RowKey(const Row& row, const TableSchema& schema, const std::vector<int>& key) {
  std::string out;
  for (int k : key) {
    const Value& v = row[static_cast<size_t>(k)];
    out.push_back(static_cast<char>(v.kind()));
    AppendValueText(v, schema.columns[static_cast<size_t>(k)], &out);
    out.push_back('\x1f');
  }
  return out;
}

std::string KeyCondition(const std::vector<std::string>& columns, const KeyBound& bound,
                         bool lower) {
  std::vector<std::string> terms;
  for (size_t i = 0; i < columns.size(); ++i) {
    std::string term;
    for (size_t j = 0; j < i; ++j) term += fmt::format("{} = {} AND ", columns[j], bound[j]);
    bool last = i + 1 == columns.size();
    const char* op = lower ? ">" : (last ? "<=" : "<");
    term += fmt::format("{} {} {}", columns[i], op, bound[i]);
    terms.push_back("(" + term + ")");
  }
  return "(" + Join(terms, " OR ") + ")";
}

Result<LoadTable> PlanLoadTable(Connection* connection, const std::string& schema,
                                const std::string& table, uint64_t chunk_rows,
                                uint64_t max_chunk_bytes) {
  LoadTable t;
  ASSIGN_OR_RETURN(t.server, DescribeServerTable(connection, schema, table));
  t.described = ServerTableSchema(t.server);
  t.from = sql::QualifiedName(schema, table);
  t.key = t.described->key_columns;
  t.chunked = !t.key.empty();
  std::vector<std::string> select;
  for (const Column& c : t.described->columns) select.push_back(SelectExpression(c));
  for (int k : t.key) {
    const Column& c = t.described->columns[k];
    t.chunked = t.chunked && ChunkableKeyColumn(c);
    select.push_back(sql::QuoteIdentifier(c.name));
  }
  t.select_list = Join(select, ", ");
  ASSIGN_OR_RETURN(QueryResult stats,
                   connection->Query(fmt::format(
                       "SELECT TABLE_ROWS, AVG_ROW_LENGTH FROM information_schema.TABLES "
                       "WHERE TABLE_SCHEMA = {} AND TABLE_NAME = {}",
                       sql::QuoteString(schema), sql::QuoteString(table))));
  uint64_t avg = 0;
  if (!stats.rows.empty()) {
    const auto& r = stats.rows[0];
    if (r[0]) t.estimated_rows = std::strtoull(r[0]->c_str(), nullptr, 10);
    if (r[1]) avg = std::strtoull(r[1]->c_str(), nullptr, 10);
  }
  t.chunk_rows = chunk_rows;
  if (avg > 0) t.chunk_rows = std::clamp<uint64_t>(max_chunk_bytes / avg, 1, chunk_rows);
  return t;
}

Result<bool> HasSnapshotPosition(Connection* connection) {
  ASSIGN_OR_RETURN(QueryResult r,
                   connection->Query("SHOW GLOBAL STATUS LIKE 'binlog_snapshot_position'"));
  return !r.rows.empty();
}

ChunkReader::ChunkReader(ConnectOptions connect, WatermarkMode mode, uint32_t server_id,
                         bool snapshot_pos, std::unique_ptr<Connection> connection)
    : connect_(std::move(connect)),
      mode_(mode),
      server_id_(server_id),
      snapshot_position_(snapshot_pos),
      connection_(std::move(connection)) {}

ChunkReader::~ChunkReader() = default;

Result<std::unique_ptr<Connection>> ConnectForRows(const ConnectOptions& connect) {
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(connect));
  // TIMESTAMP text in UTC; strings in their column's charset, converted exactly as the
  // binlog decoder converts them; snapshots need REPEATABLE READ.
  for (const char* sql :
       {"SET SESSION time_zone = '+00:00'", "SET SESSION character_set_results = NULL",
        "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
        "SET SESSION net_write_timeout = 600", "SET SESSION net_read_timeout = 600"}) {
    RETURN_IF_ERROR(c->Execute(sql).Context(sql));
  }
  return c;
}

Result<std::unique_ptr<ChunkReader>> ChunkReader::Create(const ConnectOptions& connect,
                                                         WatermarkMode mode, uint32_t server_id) {
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, ConnectForRows(connect));
  ASSIGN_OR_RETURN(bool snapshot_pos, HasSnapshotPosition(c.get()));
  if (mode == WatermarkMode::kSnapshot && !snapshot_pos) {
    return FailedPreconditionError(
        "full_load.watermarks is 'snapshot', but {} does not report the binlog position of a "
        "consistent snapshot (MariaDB does, MySQL does not): set full_load.watermarks to "
        "'window' or 'auto'",
        c->peer());
  }
  return std::unique_ptr<ChunkReader>(
      new ChunkReader(connect, mode, server_id, snapshot_pos, std::move(c)));
}

Result<std::optional<KeyBound>> ChunkReader::Boundary(const LoadTable& t,
                                                      const std::optional<KeyBound>& after) {
  std::vector<std::string> cols = KeyColumnNames(t);
  std::string where = after ? " WHERE " + KeyCondition(cols, *after, true) : "";
  std::string sql =
      fmt::format("SELECT {} FROM {}{} ORDER BY {} LIMIT 1 OFFSET {}", Join(cols, ", "), t.from,
                  where, Join(cols, ", "), t.chunk_rows - 1);
  ASSIGN_OR_RETURN_CTX(QueryResult r, connection_->Query(sql), "finding a chunk boundary of {}",
                       t.QualifiedName());
  if (r.rows.empty()) return std::optional<KeyBound>();
  std::vector<std::string> raw;
  RETURN_IF_ERROR(CopyKeyText(t, r.rows[0], 0, &raw));
  return std::optional<KeyBound>(KeyLiterals(t, raw));
}

Result<BinlogPosition> ChunkReader::BeginSnapshot() {
  RETURN_IF_ERROR(connection_->Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT"));
  ASSIGN_OR_RETURN(QueryResult r, connection_->Query("SHOW STATUS LIKE 'binlog_snapshot_%'"));
  BinlogPosition p;
  for (const auto& row : r.rows) {
    if (!row[0] || !row[1]) continue;
    if (*row[0] == "Binlog_snapshot_file") p.file = *row[1];
    if (*row[0] == "Binlog_snapshot_position") {
      p.offset = std::strtoull(row[1]->c_str(), nullptr, 10);
    }
  }
  if (p.file.empty()) {
    return FailedPreconditionError("{} reported no binlog snapshot position (binary log off?)",
                                   connection_->peer());
  }
  return p;
}

Status ChunkReader::Read(const LoadTable& t, const Chunk& chunk,
                         const std::function<Status(Row&& row)>& on_row, ChunkResult* result) {
  *result = ChunkResult();
  std::vector<std::string> cols = KeyColumnNames(t);
  std::vector<std::string> where;
  if (t.chunked && chunk.after) where.push_back(KeyCondition(cols, *chunk.after, true));
  if (t.chunked && chunk.through) where.push_back(KeyCondition(cols, *chunk.through, false));
  std::string sql = fmt::format("SELECT {} FROM {}", t.select_list, t.from);
  if (!where.empty()) sql += " WHERE " + Join(where, " AND ");
  bool tail = t.chunked && !chunk.through;
  if (t.chunked) sql += " ORDER BY " + Join(cols, ", ");
  if (tail) sql += fmt::format(" LIMIT {}", t.chunk_rows + 1);

  // Low watermark.
  BinlogPosition low;
  bool in_snapshot = snapshot_position_;
  if (in_snapshot) {
    ASSIGN_OR_RETURN(low, BeginSnapshot());
  } else {
    ASSIGN_OR_RETURN(low, CurrentBinlogEnd(connection_.get()));
    RETURN_IF_ERROR(connection_->Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT"));
  }

  const std::vector<Column>& columns = t.described->columns;
  // Without a key nothing can be reconciled; in a snapshot whose position is known the rows
  // are exact at the low watermark anyway.
  bool window = mode_ == WatermarkMode::kWindow && !(t.key.empty() && in_snapshot);
  if (!window) result->position = low;
  std::vector<Row> buffered;  // window mode: rows wait for the binlog check
  uint64_t seen = 0;
  Row row;
  std::vector<std::string> last_raw;  // the key text of the last row read
  Status read = connection_->QueryEach(sql, nullptr, [&](const TextRowView& text) -> Status {
    ++seen;
    if (tail && seen > t.chunk_rows) {
      result->more = true;
      return Status::OK();
    }
    row.resize(columns.size());
    for (size_t i = 0; i < columns.size(); ++i) {
      Status parsed = ParseSelectedValue(columns[i], text[i], &row[i]);
      if (!parsed.ok()) return parsed.Context(fmt::format("reading {}", t.QualifiedName()));
    }
    // Only the last row's key is needed, as literals: keep its text, convert once.
    if (t.chunked) RETURN_IF_ERROR(CopyKeyText(t, text, columns.size(), &last_raw));
    if (window) {
      buffered.push_back(std::move(row));
      row = Row();
      return Status::OK();
    }
    ++result->rows;
    return on_row(std::move(row));
  });
  Status ended = connection_->Execute("COMMIT");
  RETURN_IF_ERROR(read.Context(fmt::format("reading a chunk of {}", t.QualifiedName())));
  RETURN_IF_ERROR(ended);
  if (t.chunked && seen > 0) result->last_key = KeyLiterals(t, last_raw);
  if (!window) return Status::OK();

  // High watermark; drop rows the binlog changed in between.
  ASSIGN_OR_RETURN(BinlogPosition high, CurrentBinlogEnd(connection_.get()));
  result->position = high;
  std::unordered_set<std::string> touched;
  if (low < high && !t.key.empty()) RETURN_IF_ERROR(CollectWindowKeys(t, low, high, &touched));
  for (Row& r : buffered) {
    if (!touched.empty() && touched.count(RowKey(r, *t.described, t.key))) {
      ++result->dropped;
      continue;
    }
    ++result->rows;
    RETURN_IF_ERROR(on_row(std::move(r)));
  }
  return Status::OK();
}

Status ChunkReader::CollectWindowKeys(const LoadTable& t, const BinlogPosition& low,
                                      const BinlogPosition& high,
                                      std::unordered_set<std::string>* keys) {
  KeyCollector collector(t, keys);
  ReplicationOptions ro;
  ro.connect = connect_;
  ro.server_id = server_id_;
  ro.start = low;
  ro.non_blocking = true;
  ASSIGN_OR_RETURN_CTX(std::unique_ptr<ReplicationSource> source, ReplicationSource::Open(ro),
                       "reading the binlog between the watermarks {} and {} of a chunk of {}",
                       low.ToString(), high.ToString(), t.QualifiedName());
  EventStream stream(source.get());
  stream.mutable_decoder()->set_checksum(source->info().checksums ? ChecksumAlgorithm::kCrc32
                                                                  : ChecksumAlgorithm::kOff);
  InformationSchemaResolver resolver(connect_, [&t](std::string_view db, std::string_view name) {
    return db == t.server.database && name == t.server.table;
  });
  AssemblerOptions ao;
  ao.binlog_file = low.file;
  ao.resolver = &resolver;
  // An XA COMMIT in the window whose XA PREPARE came before it: the main stream has its rows.
  ao.commit_unknown_xa_empty = true;
  TransactionAssembler assembler(&collector, ao);
  while (true) {
    ASSIGN_OR_RETURN(const Event* event, stream.Next());
    if (event == nullptr) return Status::OK();  // the end of the binlog
    RETURN_IF_ERROR(assembler.Consume(*event));
    // A ROTATE's offset belongs to the file it ends, not to the next one the assembler names.
    if (event->header.type == event_type::kRotate) continue;
    BinlogPosition at{assembler.binlog_file(), event->next_position};
    if (event->next_position > 0 && !assembler.in_transaction() && !(at < high)) {
      return Status::OK();
    }
  }
}

}  // namespace binlake
