#pragma once

#include <memory>
#include <vector>

#include "common/output_stream.h"
#include "config/config.h"
#include "format/jsonl_writer.h"
#include "format/row_writer.h"

namespace binlake {

// Creates the RowWriter for the configured output format and compression, writing into
// `out` (which must outlive it). `places` is used by JSON lines only. Parquet CDC files
// use row groups sized for change batches rather than bulk loads.
Result<std::unique_ptr<RowWriter>> NewRowWriter(const OutputConfig& output,
                                                std::vector<Column> columns,
                                                const std::vector<JsonPlace>& places,
                                                OutputStream* out);

}  // namespace binlake
