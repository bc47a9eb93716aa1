#include "binlog/event_dumper.h"

#include <fmt/format.h>

#include "binlog/event_stream.h"
#include "binlog/event_type.h"
#include "binlog/transaction_assembler.h"
#include "binlog/value_json.h"

namespace binlake {
namespace {

// A sink that renders row changes as ROW lines for the event being consumed.
class DumpSink : public ChangeSink {
 public:
  DumpSink(const std::function<void(std::string_view)>* emit) : emit_(emit) {}
  void set_event(const Event* event, const std::string* gtid) {
    event_ = event;
    gtid_ = gtid;
  }
  Status Begin(const TransactionBegin&) override { return Status::OK(); }
  Status Schema(const SchemaChange&) override { return Status::OK(); }
  Status Commit(const TransactionEnd&) override { return Status::OK(); }
  void Discard() override {}
  Status Row(RowChange change) override {
    line_.clear();
    auto it = std::back_inserter(line_);
    fmt::format_to(it, "{{\"type\":\"ROW\",\"pos\":{},\"next_pos\":{},\"table\":", event_->position,
                   event_->next_position);
    AppendJsonString(change.table->QualifiedName(), &line_);
    fmt::format_to(it, ",\"op\":\"{}\"", OpLetter(change.op));
    if (!gtid_->empty()) {
      line_.append(",\"gtid\":");
      AppendJsonString(*gtid_, &line_);
    }
    if (change.op != Op::kInsert) {
      line_.append(",\"before\":");
      AppendJsonRow(change.before, *change.table, &line_);
    }
    if (change.op != Op::kDelete) {
      line_.append(",\"after\":");
      AppendJsonRow(change.after, *change.table, &line_);
    }
    line_.push_back('}');
    (*emit_)(line_);
    return Status::OK();
  }

 private:
  const std::function<void(std::string_view)>* emit_;
  const Event* event_ = nullptr;
  const std::string* gtid_ = nullptr;
  std::string line_;
};

void AppendKey(std::string_view key, std::string* out) {
  out->push_back(',');
  AppendJsonString(key, out);
  out->push_back(':');
}

void AppendDetails(const Event& e, const TransactionAssembler& assembler, std::string* out) {
  auto it = std::back_inserter(*out);
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, FormatDescription>) {
          AppendKey("server_version", out);
          AppendJsonString(b.server_version, out);
          fmt::format_to(it, ",\"binlog_version\":{},\"checksum\":\"{}\"", b.binlog_version,
                         b.checksum == ChecksumAlgorithm::kCrc32 ? "CRC32" : "NONE");
        } else if constexpr (std::is_same_v<T, RotateEvent>) {
          AppendKey("next_file", out);
          AppendJsonString(b.next_file, out);
          fmt::format_to(it, ",\"position\":{}", b.position);
        } else if constexpr (std::is_same_v<T, QueryEvent>) {
          AppendKey("db", out);
          AppendJsonString(b.database, out);
          AppendKey("sql", out);
          AppendJsonString(b.sql, out);
        } else if constexpr (std::is_same_v<T, XidEvent>) {
          fmt::format_to(it, ",\"xid\":{}", b.xid);
        } else if constexpr (std::is_same_v<T, GtidEvent>) {
          AppendKey("gtid", out);
          AppendJsonString(b.Text(), out);
          if (b.kind == GtidEvent::Kind::kMariaDb) {
            fmt::format_to(it, ",\"flags\":{}", b.flags);
          } else {
            fmt::format_to(it, ",\"last_committed\":{},\"sequence_number\":{}", b.last_committed,
                           b.sequence_number);
            if (b.immediate_commit_micros != 0) {
              fmt::format_to(it, ",\"commit_micros\":{}", b.immediate_commit_micros);
            }
          }
        } else if constexpr (std::is_same_v<T, GtidSetEvent>) {
          AppendKey("gtid_set", out);
          AppendJsonString(b.set.ToString(), out);
        } else if constexpr (std::is_same_v<T, TableMapEvent>) {
          fmt::format_to(it, ",\"table_id\":{}", b.map->table_id);
          AppendKey("table", out);
          AppendJsonString(b.map->database + "." + b.map->table, out);
          const TableEntry* entry = assembler.tables().Find(b.map->table_id);
          if (entry != nullptr) {
            out->append(",\"columns\":[");
            for (size_t i = 0; i < entry->schema->columns.size(); ++i) {
              const Column& c = entry->schema->columns[i];
              if (i > 0) out->push_back(',');
              out->append("{\"name\":");
              AppendJsonString(c.name, out);
              AppendKey("type", out);
              AppendJsonString(LogicalTypeName(c.type), out);
              if (c.is_unsigned) out->append(",\"unsigned\":true");
              if (c.invisible) out->append(",\"invisible\":true");
              out->push_back('}');
            }
            out->push_back(']');
            if (!entry->schema->key_columns.empty()) {
              out->append(",\"key\":[");
              for (size_t i = 0; i < entry->schema->key_columns.size(); ++i) {
                if (i > 0) out->push_back(',');
                AppendJsonString(entry->schema->columns[entry->schema->key_columns[i]].name, out);
              }
              out->push_back(']');
            }
            if (entry->names_guessed) out->append(",\"names\":\"guessed\"");
          }
        } else if constexpr (std::is_same_v<T, RowsEvent>) {
          fmt::format_to(it, ",\"table_id\":{}", b.table_id);
          const TableEntry* entry = assembler.tables().Find(b.table_id);
          if (entry != nullptr) {
            AppendKey("table", out);
            AppendJsonString(entry->schema->QualifiedName(), out);
          }
        } else if constexpr (std::is_same_v<T, TransactionPayloadEvent>) {
          fmt::format_to(it, ",\"compression\":\"{}\",\"uncompressed_size\":{}",
                         b.compression == kPayloadZstd ? "zstd" : "none", b.uncompressed_size);
        } else if constexpr (std::is_same_v<T, HeartbeatEvent>) {
          AppendKey("file", out);
          AppendJsonString(b.file, out);
          fmt::format_to(it, ",\"position\":{}", b.position);
        } else if constexpr (std::is_same_v<T, RowsQueryEvent>) {
          AppendKey("sql", out);
          AppendJsonString(b.sql, out);
        } else if constexpr (std::is_same_v<T, IncidentEvent>) {
          fmt::format_to(it, ",\"code\":{}", b.code);
          AppendKey("message", out);
          AppendJsonString(b.message, out);
        } else if constexpr (std::is_same_v<T, BinlogCheckpointEvent>) {
          AppendKey("file", out);
          AppendJsonString(b.file, out);
        }
      },
      e.body);
}

}  // namespace

Status DumpEvents(EventSource* source, const DumpOptions& options,
                  const std::function<void(std::string_view line)>& emit) {
  EventStream stream(source);
  if (options.initial_checksum) stream.mutable_decoder()->set_checksum(*options.initial_checksum);
  DumpSink sink(&emit);
  AssemblerOptions assembler_options;
  assembler_options.resolver = options.resolver;
  assembler_options.binlog_file = std::string(source->binlog_name());
  // A dump may start between an XA PREPARE and its XA COMMIT: show the commit, rows unknown.
  assembler_options.commit_unknown_xa_empty = true;
  TransactionAssembler assembler(&sink, std::move(assembler_options));
  std::string line;
  while (true) {
    ASSIGN_OR_RETURN(const Event* e, stream.Next());
    if (e == nullptr) return Status::OK();
    // TABLE_MAP lines show the schema, so the assembler sees the event first; for every other
    // event the line comes first so that ROW lines follow their rows event.
    bool table_map = std::holds_alternative<TableMapEvent>(e->body);
    Status consumed;
    sink.set_event(e, &assembler.current_gtid());
    if (table_map) consumed = assembler.Consume(*e);
    line.clear();
    fmt::format_to(std::back_inserter(line), "{{\"type\":\"{}\",\"pos\":{},\"next_pos\":{}",
                   EventTypeName(e->header.type), e->position, e->next_position);
    if (e->in_payload) line.append(",\"in_payload\":true");
    AppendDetails(*e, assembler, &line);
    line.push_back('}');
    emit(line);
    if (!table_map) consumed = assembler.Consume(*e);
    RETURN_IF_ERROR(consumed);
  }
}

}  // namespace binlake
