#pragma once

#include "binlog/replication_source.h"
#include "common/result.h"
#include "model/change.h"
#include "model/gtid_set.h"

namespace binlake {

// Translates a GTID start ("these transactions are already captured") into the binlog
// position where capture begins, so that a GTID start is checkpointed like any other:
//
//  1. The server's binlog end E is read (SHOW MASTER STATUS).
//  2. A non-blocking dump after `captured` (ReplicationSource::start_gtid) names the first
//     transaction the server would send; its GTID event's position is P. Without one, P = E:
//     the dump read past E and found nothing after the set.
//  3. The GTID state at P (the file's PREVIOUS_GTIDS / GTID_LIST plus every GTID before P,
//     read by a dump of P's file) must equal `captured`. Otherwise some transaction before P
//     is not in the set, or one after P is (a set with gaps, several MariaDB domains
//     interleaved), and no single position starts exactly after the set: that is an error
//     naming both sets, never a silent loss or repeat.
//
// `options` supplies the connection and server id; its start fields are ignored. Opens its
// own connections and closes them before returning.
Result<BinlogPosition> FindGtidStart(const ReplicationOptions& options, const GtidSet& captured);

// The GTID state at `position` (a transaction boundary) of the server's binlog: what a
// server would report as executed after reading up to there.
Result<GtidSet> GtidStateAt(const ReplicationOptions& options, const BinlogPosition& position);

}  // namespace binlake
