#include "validate/source_scan.h"

#include <fmt/format.h>

#include <limits>

#include "binlog/server_table.h"
#include "mysql/sql_text.h"
#include "pipeline/cascade_load.h"

namespace binlake::validate {
namespace {
constexpr size_t kBatchRows = 2000;
constexpr size_t kKeysPerQuery = 200;
constexpr uint64_t kAll = std::numeric_limits<uint32_t>::max();
}  // namespace

Result<std::unique_ptr<SourceScan>> SourceScan::Open(const ConnectOptions& connect,
                                                     const std::string& database,
                                                     const std::string& table) {
  std::unique_ptr<SourceScan> s(new SourceScan());
  ASSIGN_OR_RETURN(s->c_, ConnectForRows(connect));
  ASSIGN_OR_RETURN(s->exact_, HasSnapshotPosition(s->c_.get()));
  ASSIGN_OR_RETURN(s->plan_, PlanLoadTable(s->c_.get(), database, table, kAll, kAll));
  return s;
}

Result<BinlogPosition> SourceScan::Begin() {
  Result<BinlogPosition> at = OpenSnapshot(c_.get(), exact_, 1);
  if (!at.ok() && !exact_) {
    return FailedPreconditionError(
        "validate reads {} in a consistent snapshot at a known binlog position; {} does not "
        "report a snapshot's position, so commits are held with FLUSH TABLES WITH READ LOCK for "
        "the moment the snapshot opens, and that failed ({}). Grant the binlake user RELOAD",
        plan_.QualifiedName(), c_->peer(),
        c_->last_server_error() ? c_->last_server_error()->Describe() : at.status().message());
  }
  return at;
}

Status SourceScan::End() { return c_->Execute("COMMIT"); }

Status SourceScan::Select(
    const std::string& sql,
    const std::function<Status(std::vector<Row>*, std::vector<KeyBound>*)>& on_rows) {
  const std::vector<Column>& columns = plan_.described->columns;
  std::vector<Row> rows;
  std::vector<KeyBound> keys;
  Status read = c_->QueryEach(sql, nullptr, [&](const TextRowView& text) -> Status {
    Row row(columns.size());
    for (size_t i = 0; i < columns.size(); ++i) {
      RETURN_IF_ERROR(ParseSelectedValue(columns[i], text[i], &row[i]));
    }
    KeyBound key;
    for (size_t j = 0; j < plan_.key.size(); ++j) {
      const auto& raw = text[columns.size() + j];
      if (!raw)
        return FailedPreconditionError("{}: a key column holds NULL", plan_.QualifiedName());
      int k = plan_.key[j];
      key.push_back(KeyLiteral(columns[k], plan_.server.charsets[k], *raw));
    }
    rows.push_back(std::move(row));
    keys.push_back(std::move(key));
    if (rows.size() < kBatchRows) return Status::OK();
    Status s = on_rows(&rows, &keys);
    rows.clear();
    keys.clear();
    return s;
  });
  RETURN_IF_ERROR(read.Context("validate: reading " + plan_.QualifiedName()));
  if (!rows.empty()) RETURN_IF_ERROR(on_rows(&rows, &keys));
  return Status::OK();
}

Status SourceScan::Read(
    const std::vector<KeyBound>* keys,
    const std::function<Status(std::vector<Row>*, std::vector<KeyBound>*)>& on_rows) {
  const std::string base = "SELECT " + plan_.select_list + " FROM " + plan_.from;
  if (!keys) return Select(base, on_rows);
  for (size_t i = 0; i < keys->size(); i += kKeysPerQuery) {
    std::string where;
    for (size_t n = i; n < keys->size() && n < i + kKeysPerQuery; ++n) {
      std::string one;
      for (size_t j = 0; j < plan_.key.size(); ++j) {
        one += fmt::format("{}{} = {}", j ? " AND " : "",
                           sql::QuoteIdentifier(plan_.described->columns[plan_.key[j]].name),
                           (*keys)[n][j]);
      }
      where += (where.empty() ? "(" : " OR (") + one + ")";
    }
    RETURN_IF_ERROR(Select(base + " WHERE " + where, on_rows));
  }
  return Status::OK();
}

}  // namespace binlake::validate
