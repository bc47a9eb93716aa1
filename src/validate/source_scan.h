#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/change.h"
#include "model/value.h"
#include "mysql/connection.h"
#include "pipeline/chunk_reader.h"

namespace binlake::validate {

// Reads one source table for validation in consistent snapshots: Begin opens a snapshot and
// returns its binlog position (exact on MariaDB; on MySQL commits are held for the moment the
// snapshot opens, which needs RELOAD), Read streams rows in it, End closes it. Rows come as the
// binlog decoder would decode them, each with its key as SQL literals. Not thread-safe.
class SourceScan {
 public:
  static Result<std::unique_ptr<SourceScan>> Open(const ConnectOptions& connect,
                                                  const std::string& database,
                                                  const std::string& table);

  const TableSchemaPtr& schema() const { return plan_.described; }
  bool has_key() const { return !plan_.key.empty(); }

  Result<BinlogPosition> Begin();
  // Every row (keys null) or the rows of `keys` (a batch of rows at a time is converted by
  // the caller): on_rows gets each batch of up to 2000 rows and their keys.
  Status Read(
      const std::vector<KeyBound>* keys,
      const std::function<Status(std::vector<Row>* rows, std::vector<KeyBound>* keys)>& on_rows);
  Status End();

 private:
  SourceScan() = default;
  Status Select(const std::string& sql,
                const std::function<Status(std::vector<Row>*, std::vector<KeyBound>*)>& on_rows);

  std::unique_ptr<Connection> c_;
  LoadTable plan_;
  bool exact_ = false;
};

}  // namespace binlake::validate
