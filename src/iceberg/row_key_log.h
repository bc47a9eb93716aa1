#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "common/result.h"

namespace binlake {

// A row's place: a file (an index into a list of files the caller keeps) and a position.
using FilePosition = std::pair<uint32_t, int64_t>;

// Rows' keys with where each row is (and, for a row moved by a compaction, where it was),
// appended in order and read back in the same order, in an unnamed file on local disk: the
// file is gone once the log is destroyed, or the process dies, whatever the way. It keeps the
// keys of a full load's data file, or of the millions of rows a compaction moves, out of
// memory until they go into the key index. Not thread-safe (one owner at a time).
class RowKeyLog {
 public:
  // A new, empty log in folder `dir` (empty: /tmp); `what` names it in messages.
  static Result<std::unique_ptr<RowKeyLog>> Create(const std::string& dir, std::string what);
  ~RowKeyLog();
  RowKeyLog(const RowKeyLog&) = delete;
  RowKeyLog& operator=(const RowKeyLog&) = delete;

  Status Append(const std::string& key, FilePosition at, FilePosition from = {0, -1});
  // Calls `fn` for every row, in the order appended; appending may go on afterwards.
  Status ForEach(
      const std::function<Status(const std::string& key, FilePosition at, FilePosition from)>& fn);
  uint64_t size() const { return rows_; }

 private:
  RowKeyLog() = default;
  Status Failed(const char* what) const;
  Status ReadAll(
      const std::function<Status(const std::string& key, FilePosition at, FilePosition from)>& fn);

  std::FILE* file_ = nullptr;
  std::string dir_;
  std::string what_;
  uint64_t rows_ = 0;
};

}  // namespace binlake
