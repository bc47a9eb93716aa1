#pragma once

#include <string>
#include <vector>

#include "cascade/row_state.h"
#include "common/result.h"
#include "model/change.h"
#include "mysql/connect_options.h"

namespace binlake {

// Fills the row state with the current rows of `tables` ("db.table"), all read in one
// consistent snapshot whose binlog position the server reports (MariaDB), and records that
// position as the state's. Returns it. The state is reset first.
//
// A server that reports no snapshot position (MySQL) is refused with a message: the rows
// could not be placed exactly in the binlog.
Result<BinlogPosition> LoadRowState(const ConnectOptions& connect,
                                    const std::vector<std::string>& tables, RowState* state);

// The source's description of a table (columns, key), as the binlog decoder would publish it.
Result<TableSchemaPtr> DescribeSourceTable(const ConnectOptions& connect,
                                           const std::string& database, const std::string& table);

}  // namespace binlake
