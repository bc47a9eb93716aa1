#pragma once

#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "binlog/event_source.h"
#include "binlog/format_description.h"
#include "binlog/table_map_cache.h"
#include "common/status.h"

namespace binlake {

struct DumpOptions {
  SchemaResolver* resolver = nullptr;  // may be null: unnamed columns print as col_1...
  // The checksum in effect before the first FORMAT_DESCRIPTION: a replication stream's fake
  // ROTATE comes first and carries a CRC32 when the server checksums (SourceInfo::checksums).
  std::optional<ChecksumAlgorithm> initial_checksum;
};

// Decodes every event of `source` (payloads opened, transactions assembled) and hands one
// JSON object per event and per row change to `emit` (without a newline):
//
//   {"type":"QUERY","pos":219,"next_pos":310,"db":"test","sql":"BEGIN"}
//   {"type":"ROW","pos":...,"next_pos":...,"table":"db.t","op":"U","gtid":"...",
//    "before":{"id":1,...},"after":{...}}
//
// Values are rendered as value_json.h documents. Returns the first error, which names the
// input and offset; everything before it has been emitted.
Status DumpEvents(EventSource* source, const DumpOptions& options,
                  const std::function<void(std::string_view line)>& emit);

}  // namespace binlake
