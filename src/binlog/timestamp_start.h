#pragma once

#include <cstdint>

#include "binlog/events.h"
#include "binlog/replication_source.h"
#include "common/result.h"
#include "model/change.h"

namespace binlake {

// Translates a time start ("capture what committed at or after this time") into the binlog
// position where capture begins: the position of the first transaction, in binlog order, whose
// commit time is >= unix_micros. The commit time is the one TransactionAssembler reports (and
// the output's timestamp column holds): MySQL's immediate_commit_timestamp when the GTID event
// carries it, else the header seconds of the transaction's GTID (MariaDB: written at COMMIT) or
// BEGIN event, as mysqlbinlog --start-datetime compares them.
//
// Reads only what it needs from the live server:
//
//  1. SHOW BINARY LOGS names the files.
//  2. A binary search over the files, each probe a non-blocking dump from the start of a
//     file that stops at the first transaction (files without transactions are read
//     through), finds the last file whose first transaction committed before unix_micros.
//  3. That one file is read to its end; the answer is its first transaction at or after the
//     time, else the first transaction of the following files.
//
// Commit times are assumed to grow along the binlog from file to file, as they do on a
// server whose clock runs forward; within the chosen file the first transaction at or after
// the time wins.
//
// Outcomes:
//  - Every transaction still on the server committed at or after the time, and the oldest
//    file is not the server's first (name ending in .000001): older transactions were purged
//    and some of them may have committed after the time, so this is kFailedPrecondition naming
//    the oldest file, its creation time and first transaction (or saying there is none),
//    never a silent gap.
//  - No transaction committed at or after the time: the binlog end as the search observed it
//    (logged).
//  - A file purged while it is searched: kFailedPrecondition saying so.
//
// `options` supplies the connection and replica server id; its start fields are ignored.
// Opens its own connections (one after another) and closes them before returning.
Result<BinlogPosition> FindTimestampStart(const ReplicationOptions& options, int64_t unix_micros);

// Recognises where transactions begin in decoded events (EventStream order), by the rules
// TransactionAssembler applies: a GTID event of either flavour; without GTIDs a BEGIN, or a
// statement (DDL) outside BEGIN ... COMMIT. Rows written without BEGIN (MySQL before 5.7
// without GTIDs, non-transactional tables) begin at their statement's first TABLE_MAP, where
// a reader can resume (the assembler reports the rows event itself). Reads no rows, so
// scanning a file costs little more than framing its events. The input must start at a
// transaction boundary (a file's start).
//
// Plain state; not thread-safe.
class TransactionStartTracker {
 public:
  // True when `e` is the first event of a transaction; *commit_micros is then its commit
  // time as TransactionBegin::commit_time_micros reports it.
  bool Begins(const Event& e, int64_t* commit_micros);

 private:
  enum class State {
    kNone,       // between transactions
    kAnnounced,  // a GTID event seen, its BEGIN or statement not yet
    kOpen,       // after BEGIN
    kStatement,  // rows of a statement without BEGIN, until its STMT_END rows event
  };
  State state_ = State::kNone;
};

}  // namespace binlake
