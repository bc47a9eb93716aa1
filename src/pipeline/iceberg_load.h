#pragma once

#include <atomic>
#include <cstdint>

#include "common/status.h"
#include "config/table_filter.h"
#include "iceberg/iceberg_sink.h"
#include "mysql/connect_options.h"

namespace binlake {

// The full load of the Iceberg tables: every replicated base table whose Iceberg table lacks
// its rows (IcebergSink::NeedsLoad) is read in one consistent snapshot whose binlog position
// the server reports (MariaDB), and its rows become the table's content at that position;
// CDC then applies only later transactions to it. Runs before CDC starts, one table at a
// time; a table whose load was interrupted is loaded again from the start.
//
// A server that reports no snapshot position (MySQL) is refused with a message: the rows of
// a table could not be placed exactly in the binlog.
// Loads one table the same way, at the source's current position (IcebergSink's reloader).
// A table the source no longer has is left as it is.
Status LoadIcebergTable(const ConnectOptions& connect, uint32_t server_id,
                        const std::string& database, const std::string& table, IcebergSink* sink);

Status LoadIcebergTables(const ConnectOptions& connect, uint32_t server_id,
                         const TableFilter& filter, IcebergSink* sink,
                         const std::atomic<bool>* stop);

}  // namespace binlake
