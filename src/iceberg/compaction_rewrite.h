#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "format/parquet_writer.h"
#include "iceberg/iceberg_schema.h"
#include "iceberg/row_key_log.h"
#include "iceberg/table_files.h"
#include "storage/object_store.h"

namespace binlake {

// The half of a compaction that reads and writes files and touches nothing else, so it can
// run on a thread of its own while commits go on: the live rows of some data files, as one
// snapshot saw them, copied into new target-size files. Committing the result (and carrying
// over rows deleted since that snapshot) is the table's job (IcebergTable, compaction.cc).
struct RewriteInput {
  ObjectStore* store = nullptr;  // thread-safe
  IcebergSchema schema;          // the current schema: files are written with it
  std::vector<ParquetColumnPlan> plans;
  std::string schema_json;
  uint64_t target_file_size = 0;
  uint64_t row_group_bytes = 0;
  std::function<std::string()> new_data_key;  // called on the rewriting thread only
  // The data files to rewrite (URIs) and their sizes, and every position-delete file of the
  // snapshot that may hold positions of them (URIs): a row is live unless one of these
  // deletes it.
  std::vector<std::string> files;
  std::vector<uint64_t> file_sizes;
  std::vector<std::string> delete_files;
  // A folder on local disk for the rows' moves (RowKeyLog).
  std::string scratch_dir;
  const std::atomic<bool>* cancel = nullptr;  // set: give up soon (kCancelled)
};

struct RewriteOutput {
  std::vector<WrittenFile> written;  // in the store already (bytes empty)
  // Every copied row in the order written: its key, where it is now (index into `written`,
  // position) and where it was (index into RewriteInput::files, position).
  std::unique_ptr<RowKeyLog> moved;
};

// Copies the live rows of input.files into new data files, file by file and row group by
// row group (memory: one row group in, one out; the rows' moves go to local disk).
Result<RewriteOutput> RewriteDataFiles(const RewriteInput& input);

// A rewrite running on its own thread, and what committing its result needs to check.
struct CompactionJob {
  RewriteInput input;
  std::string key_prefix;              // every file it writes is named key_prefix...
  int32_t schema_id = 0;               // the schema the new files carry
  std::set<std::string> delete_files;  // input.delete_files: the deletes already applied
  std::atomic<bool> cancel{false};
  std::future<Result<RewriteOutput>> result;
};

}  // namespace binlake
