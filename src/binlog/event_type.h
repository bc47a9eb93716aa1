#pragma once

#include <cstdint>
#include <string_view>

namespace binlake {

// Binlog event type codes (the header's type byte), MySQL and MariaDB.
namespace event_type {
inline constexpr uint8_t kUnknown = 0;
inline constexpr uint8_t kStartV3 = 1;
inline constexpr uint8_t kQuery = 2;
inline constexpr uint8_t kStop = 3;
inline constexpr uint8_t kRotate = 4;
inline constexpr uint8_t kIntvar = 5;
inline constexpr uint8_t kLoad = 6;
inline constexpr uint8_t kSlave = 7;
inline constexpr uint8_t kCreateFile = 8;
inline constexpr uint8_t kAppendBlock = 9;
inline constexpr uint8_t kExecLoad = 10;
inline constexpr uint8_t kDeleteFile = 11;
inline constexpr uint8_t kNewLoad = 12;
inline constexpr uint8_t kRand = 13;
inline constexpr uint8_t kUserVar = 14;
inline constexpr uint8_t kFormatDescription = 15;
inline constexpr uint8_t kXid = 16;
inline constexpr uint8_t kBeginLoadQuery = 17;
inline constexpr uint8_t kExecuteLoadQuery = 18;
inline constexpr uint8_t kTableMap = 19;
inline constexpr uint8_t kWriteRowsV0 = 20;
inline constexpr uint8_t kUpdateRowsV0 = 21;
inline constexpr uint8_t kDeleteRowsV0 = 22;
inline constexpr uint8_t kWriteRowsV1 = 23;
inline constexpr uint8_t kUpdateRowsV1 = 24;
inline constexpr uint8_t kDeleteRowsV1 = 25;
inline constexpr uint8_t kIncident = 26;
inline constexpr uint8_t kHeartbeat = 27;
inline constexpr uint8_t kIgnorable = 28;
inline constexpr uint8_t kRowsQuery = 29;
inline constexpr uint8_t kWriteRowsV2 = 30;
inline constexpr uint8_t kUpdateRowsV2 = 31;
inline constexpr uint8_t kDeleteRowsV2 = 32;
inline constexpr uint8_t kGtid = 33;
inline constexpr uint8_t kAnonymousGtid = 34;
inline constexpr uint8_t kPreviousGtids = 35;
inline constexpr uint8_t kTransactionContext = 36;
inline constexpr uint8_t kViewChange = 37;
inline constexpr uint8_t kXaPrepare = 38;
inline constexpr uint8_t kPartialUpdateRows = 39;
inline constexpr uint8_t kTransactionPayload = 40;
inline constexpr uint8_t kHeartbeatV2 = 41;
inline constexpr uint8_t kGtidTagged = 42;
// MariaDB
inline constexpr uint8_t kAnnotateRows = 160;
inline constexpr uint8_t kBinlogCheckpoint = 161;
inline constexpr uint8_t kMariaDbGtid = 162;
inline constexpr uint8_t kMariaDbGtidList = 163;
inline constexpr uint8_t kStartEncryption = 164;
inline constexpr uint8_t kQueryCompressed = 165;
inline constexpr uint8_t kWriteRowsCompressedV1 = 166;
inline constexpr uint8_t kUpdateRowsCompressedV1 = 167;
inline constexpr uint8_t kDeleteRowsCompressedV1 = 168;
inline constexpr uint8_t kWriteRowsCompressed = 169;
inline constexpr uint8_t kUpdateRowsCompressed = 170;
inline constexpr uint8_t kDeleteRowsCompressed = 171;
}  // namespace event_type

// Header flags.
inline constexpr uint16_t kEventFlagBinlogInUse = 0x0001;
// Set on events a reader that does not know the type may skip (Aurora's type 100, newer
// MySQL events such as PARTIAL_UPDATE_ROWS when written for old replicas).
inline constexpr uint16_t kEventFlagIgnorable = 0x0080;

// "QUERY", "WRITE_ROWS_V2", ... ; "UNKNOWN_<n>" for codes binlake does not know.
std::string_view EventTypeName(uint8_t type);

}  // namespace binlake
