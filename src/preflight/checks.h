#pragma once

// The check groups behind RunPreflight (preflight.cc). Each adds its lines to the report and
// never stops at a failure: every check that can still run runs.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "model/change.h"
#include "mysql/connection.h"
#include "preflight/preflight.h"

namespace binlake::preflight {

// What the source checks learned that later checks use.
struct SourceFacts {
  // The binlog files and sizes SHOW BINARY LOGS lists; empty when it failed.
  std::vector<std::pair<std::string, uint64_t>> binlogs;
  bool mariadb = false;
};

// Reachable, TLS, server settings, grants, the binlog stream, retention, clock skew. Returns
// the connection for the table checks, or null when the source cannot be reached.
std::unique_ptr<Connection> CheckSource(const Config& config, const PreflightOptions& options,
                                        CheckReport* report, SourceFacts* facts);

// The replicated tables: SELECT on each, keys, cascading foreign keys, character sets and
// temporal formats binlake cannot decode.
void CheckTables(const Config& config, Connection* c, CheckReport* report);

// The target: create, list, read and delete of a probe object, and conditional create; then
// whether the lake's checkpoint can resume from the source's binlog.
void CheckTarget(const PreflightOptions& options, const SourceFacts& facts, CheckReport* report);

// "3 d 4 h", "90 s": a duration for messages.
std::string HumanSeconds(int64_t seconds);
// The first `limit` names joined with ", " and "and N more".
std::string ListSome(const std::vector<std::string>& names, size_t limit = 8);

}  // namespace binlake::preflight
