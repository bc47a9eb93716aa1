#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "mysql/connection.h"

namespace binlake {

// The XA transactions prepared on the source and not yet committed or rolled back
// (XA RECOVER), as XidText. MySQL shows them only with XA_RECOVER_ADMIN; without it the
// query fails and so does this.
Result<std::vector<std::string>> PreparedOnSource(Connection* c);

// At a first start: warns, naming them, of transactions prepared before the start position.
// binlake never reads their XA PREPARE, so their XA COMMIT would stop the run.
void WarnOfPreparedOnSource(Connection* c);

}  // namespace binlake
