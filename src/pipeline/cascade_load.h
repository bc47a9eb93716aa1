#pragma once

#include <string>
#include <vector>

#include "cascade/row_state.h"
#include "common/result.h"
#include "model/change.h"
#include "mysql/connect_options.h"

namespace binlake {

class Connection;

// Opens a consistent snapshot on `c` and returns its binlog position. `exact`: the server
// reports the snapshot's own position (MariaDB, HasSnapshotPosition). Otherwise (MySQL) commits
// are held with FLUSH TABLES WITH READ LOCK while the snapshot opens and the binlog end is
// read; without the RELOAD privilege that is refused with a message naming the way out.
Result<BinlogPosition> OpenSnapshot(Connection* c, bool exact, size_t tables);

// Fills the row state with the current rows of `tables` ("db.table"), all read in one
// consistent snapshot (OpenSnapshot), and records its position as the state's. Returns it.
// The state is reset first.
Result<BinlogPosition> LoadRowState(const ConnectOptions& connect,
                                    const std::vector<std::string>& tables, RowState* state);

// The source's description of a table (columns, key), as the binlog decoder would publish it.
Result<TableSchemaPtr> DescribeSourceTable(const ConnectOptions& connect,
                                           const std::string& database, const std::string& table);

}  // namespace binlake
