#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "binlog/format_description.h"
#include "binlog/rows_event.h"
#include "binlog/table_map.h"
#include "model/gtid_set.h"

namespace binlake {

// Decoded events. string_views point into the raw event bytes or the decoder's scratch
// buffers: valid until the decoder's next Decode call (copy what must live longer).

struct RotateEvent {
  uint64_t position = 0;       // where the next file's events start (4)
  std::string_view next_file;  // "binlog.000043"
};

struct QueryEvent {
  uint32_t thread_id = 0;
  uint32_t exec_time = 0;
  uint16_t error_code = 0;
  std::string_view database;  // default database ("" when none)
  std::string_view sql;       // the statement (inflated for MariaDB QUERY_COMPRESSED)
  bool has_ddl_xid = false;   // MySQL 8 atomic DDL: Q_DDL_LOGGED_WITH_XID
  uint64_t ddl_xid = 0;
  int64_t start_micros = -1;  // MariaDB Q_HRNOW: statement start, µs since the epoch
};

struct XidEvent {
  uint64_t xid = 0;
};

// GTID (33), ANONYMOUS_GTID (34), GTID_TAGGED (42) and MariaDB GTID (162).
struct GtidEvent {
  enum class Kind : uint8_t { kMySql, kAnonymous, kMariaDb };
  Kind kind = Kind::kMySql;
  uint8_t flags = 0;  // MySQL: commit flag; MariaDB: FL_* bits (kMariaDbStandalone, ...)
  // MySQL
  Uuid uuid{};
  std::string tag;  // "" when untagged
  int64_t gno = 0;
  int64_t last_committed = 0;
  int64_t sequence_number = 0;
  uint64_t immediate_commit_micros = 0;  // 0 when the server did not send it (< 8.0.1)
  uint64_t original_commit_micros = 0;
  uint64_t transaction_length = 0;
  // MariaDB
  uint32_t domain = 0;
  uint32_t server = 0;  // from the event header
  uint64_t seq = 0;
  uint64_t commit_id = 0;

  // "uuid:gno", "uuid:tag:gno", "domain-server-seq"; "" for anonymous transactions.
  std::string Text() const;
};

inline constexpr uint8_t kMariaDbGtidStandalone = 0x01;
inline constexpr uint8_t kMariaDbGtidGroupCommitId = 0x02;
inline constexpr uint8_t kMariaDbGtidDdl = 0x20;
inline constexpr uint8_t kMariaDbGtidPreparedXa = 0x40;
inline constexpr uint8_t kMariaDbGtidCompletedXa = 0x80;

// PREVIOUS_GTIDS (35) and MariaDB GTID_LIST (163): the GTID state before this file.
struct GtidSetEvent {
  GtidSet set;
};

struct TableMapEvent {
  std::shared_ptr<const TableMap> map;
};

// TRANSACTION_PAYLOAD (40): a whole transaction's events, compressed. EventStream inflates
// and yields the inner events.
struct TransactionPayloadEvent {
  uint64_t compression = 0;  // 0 = zstd, 255 = none
  uint64_t payload_size = 0;
  uint64_t uncompressed_size = 0;
  std::string_view payload;
};

inline constexpr uint64_t kPayloadZstd = 0;
inline constexpr uint64_t kPayloadNone = 255;

// HEARTBEAT (27) and HEARTBEAT_V2 (41): the source has nothing new; position of its end.
struct HeartbeatEvent {
  std::string_view file;
  uint64_t position = 0;
};

// ROWS_QUERY (29) and MariaDB ANNOTATE_ROWS (160): the statement behind the next rows events.
struct RowsQueryEvent {
  std::string_view sql;
};

struct IncidentEvent {
  uint16_t code = 0;  // 1 = LOST_EVENTS
  std::string_view message;
};

struct BinlogCheckpointEvent {
  std::string_view file;
};

// XA_PREPARE (38): ends the event group of an XA PREPARE, or of an XA COMMIT ... ONE PHASE.
struct XaPrepareEvent {
  bool one_phase = false;
  std::string xid;  // XidText form (binlog/xa.h)
};

// Events binlake reads past: STOP, INTVAR, RAND, USER_VAR, old LOAD DATA events,
// TRANSACTION_CONTEXT, VIEW_CHANGE, IGNORABLE and unknown events flagged ignorable.
struct SkippedEvent {};

using EventBody =
    std::variant<SkippedEvent, FormatDescription, RotateEvent, QueryEvent, XidEvent, GtidEvent,
                 GtidSetEvent, TableMapEvent, RowsEvent, TransactionPayloadEvent, HeartbeatEvent,
                 RowsQueryEvent, IncidentEvent, BinlogCheckpointEvent, XaPrepareEvent>;

// One decoded event with where it sits in its binlog.
struct Event {
  EventHeader header;
  // Start and end offsets in the binlog file. For events inside a TRANSACTION_PAYLOAD both are
  // the payload event's start, except the last inner event whose end is the payload's end:
  // resuming at any of them replays or skips the whole compressed transaction, never half.
  uint64_t position = 0;
  uint64_t next_position = 0;
  bool in_payload = false;
  EventBody body;
};

}  // namespace binlake
