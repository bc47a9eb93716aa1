#include "pipeline/change_rows.h"

#include <fmt/format.h>

namespace binlake {
namespace {

Column MetaColumn(std::string name, LogicalType type, int scale = 0) {
  Column c;
  c.name = std::move(name);
  c.type = type;
  c.scale = scale;
  c.nullable = false;
  c.mysql_type = type == LogicalType::kTimestamp ? MysqlType::kTimestamp2 : MysqlType::kVarchar;
  c.collation_id = 45;  // utf8mb4
  return c;
}

uint64_t FileNumber(const std::string& file) {
  size_t dot = file.rfind('.');
  if (dot == std::string::npos) return 0;
  uint64_t n = 0;
  for (size_t i = dot + 1; i < file.size(); ++i) {
    if (file[i] < '0' || file[i] > '9') return 0;
    n = n * 10 + static_cast<uint64_t>(file[i] - '0');
  }
  return n;
}

}  // namespace

std::string SequenceValue(const BinlogPosition& begin, uint64_t row_index) {
  return fmt::format("{:06}{:012}{:010}", FileNumber(begin.file) % 1000000,
                     begin.offset % 1000000000000ull, row_index);
}

ChangeRowShape::ChangeRowShape(const OutputConfig& output, TableSchemaPtr table, bool load)
    : ChangeRowShape(output, std::move(table), load ? Kind::kLoad : Kind::kCdc) {}

std::unique_ptr<ChangeRowShape> ChangeRowShape::ForStream(const OutputConfig& output,
                                                          TableSchemaPtr table) {
  return std::unique_ptr<ChangeRowShape>(
      new ChangeRowShape(output, std::move(table), Kind::kStream));
}

ChangeRowShape::ChangeRowShape(const OutputConfig& output, TableSchemaPtr table, Kind kind)
    : output_(output), table_(std::move(table)) {
  json_ = output.format == OutputFormat::kJsonl;
  op_column_ = kind == Kind::kLoad ? output.include_op_for_full_load
                                   : !output.cdc_inserts_only || output.include_op_for_full_load;
  names_column_ = kind == Kind::kStream && !json_;
  // Metadata columns get negative field ids: never confused with the table's own.
  auto add = [&](Column c, JsonPlace place) {
    c.field_id = -static_cast<int32_t>(columns_.size() + 1);
    columns_.push_back(std::move(c));
    places_.push_back(place);
  };
  if (json_) {
    add(MetaColumn("op", LogicalType::kString), JsonPlace::kTop);
    add(MetaColumn("schema", LogicalType::kString), JsonPlace::kTop);
    add(MetaColumn("table", LogicalType::kString), JsonPlace::kTop);
    add(MetaColumn("commit_ts", LogicalType::kTimestamp, 6), JsonPlace::kTop);
    add(MetaColumn("pos", LogicalType::kString), JsonPlace::kTop);
    add(MetaColumn("gtid", LogicalType::kString), JsonPlace::kTop);
    // "cascade" or "truncate" on a change binlake synthesised; left out of logged ones.
    add(MetaColumn("synthesized", LogicalType::kString), JsonPlace::kTop);
    if (!output.sequence_column_name.empty()) {
      add(MetaColumn(output.sequence_column_name, LogicalType::kString), JsonPlace::kTop);
    }
  } else {
    if (op_column_) add(MetaColumn("Op", LogicalType::kString), JsonPlace::kTop);
    if (names_column_) {
      add(MetaColumn("table_name", LogicalType::kString), JsonPlace::kTop);
      add(MetaColumn("database_schema_name", LogicalType::kString), JsonPlace::kTop);
    }
    if (!output.timestamp_column_name.empty()) {
      add(MetaColumn(output.timestamp_column_name, LogicalType::kTimestamp, 6), JsonPlace::kTop);
    }
    if (!output.sequence_column_name.empty()) {
      add(MetaColumn(output.sequence_column_name, LogicalType::kString), JsonPlace::kTop);
    }
  }
  for (const Column& c : table_->columns) {
    columns_.push_back(c);
    places_.push_back(JsonPlace::kData);
  }
  if (json_ && output.include_before_image) {
    for (const Column& c : table_->columns) {
      columns_.push_back(c);
      places_.push_back(JsonPlace::kOld);
    }
  }
}

bool ChangeRowShape::Build(const RowChange& change, const ChangeContext& ctx, uint64_t row_index,
                           Row* out) const {
  RowChange copy = change;
  return Build(std::move(copy), ctx, row_index, out);
}

bool ChangeRowShape::Build(RowChange&& change, const ChangeContext& ctx, uint64_t row_index,
                           Row* out) const {
  if (output_.cdc_inserts_only && change.op != Op::kInsert) return false;
  if (output_.cdc_inserts_and_updates && change.op == Op::kDelete) return false;
  out->clear();
  out->reserve(columns_.size());
  Timestamp commit{ctx.commit_time_micros / 1'000'000,
                   static_cast<uint32_t>(ctx.commit_time_micros % 1'000'000)};
  std::string op(1, OpLetter(change.op));
  if (json_) {
    out->push_back(Value::String(op));
    out->push_back(Value::String(table_->database));
    out->push_back(Value::String(table_->table));
    out->push_back(Value::OfTimestamp(commit));
    out->push_back(Value::String(ctx.begin.ToString()));
    out->push_back(ctx.gtid.empty() ? Value::Null() : Value::String(ctx.gtid));
    out->push_back(change.origin == ChangeOrigin::kLogged
                       ? Value::Absent()
                       : Value::String(std::string(OriginName(change.origin))));
    if (!output_.sequence_column_name.empty()) {
      out->push_back(Value::String(SequenceValue(ctx.begin, row_index)));
    }
  } else {
    if (op_column_) out->push_back(Value::String(op));
    if (names_column_) {
      out->push_back(Value::String(table_->table));
      out->push_back(Value::String(table_->database));
    }
    if (!output_.timestamp_column_name.empty()) out->push_back(Value::OfTimestamp(commit));
    if (!output_.sequence_column_name.empty()) {
      out->push_back(Value::String(SequenceValue(ctx.begin, row_index)));
    }
  }
  // An update carries its after-image, a delete its before-image (as DMS).
  // The images are moved, not copied: strings are the bulk of a row.
  Row& data = change.op == Op::kDelete ? change.before : change.after;
  out->insert(out->end(), std::make_move_iterator(data.begin()),
              std::make_move_iterator(data.end()));
  if (json_ && output_.include_before_image) {
    if (change.op == Op::kUpdate) {
      out->insert(out->end(), std::make_move_iterator(change.before.begin()),
                  std::make_move_iterator(change.before.end()));
    } else {
      out->resize(columns_.size(), Value::Absent());
    }
  }
  return true;
}

}  // namespace binlake
