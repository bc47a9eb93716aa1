#include "binlog/event_type.h"

#include <array>
#include <string>

namespace binlake {

std::string_view EventTypeName(uint8_t type) {
  using namespace event_type;
  switch (type) {
    case kStartV3:
      return "START_V3";
    case kQuery:
      return "QUERY";
    case kStop:
      return "STOP";
    case kRotate:
      return "ROTATE";
    case kIntvar:
      return "INTVAR";
    case kLoad:
      return "LOAD";
    case kSlave:
      return "SLAVE";
    case kCreateFile:
      return "CREATE_FILE";
    case kAppendBlock:
      return "APPEND_BLOCK";
    case kExecLoad:
      return "EXEC_LOAD";
    case kDeleteFile:
      return "DELETE_FILE";
    case kNewLoad:
      return "NEW_LOAD";
    case kRand:
      return "RAND";
    case kUserVar:
      return "USER_VAR";
    case kFormatDescription:
      return "FORMAT_DESCRIPTION";
    case kXid:
      return "XID";
    case kBeginLoadQuery:
      return "BEGIN_LOAD_QUERY";
    case kExecuteLoadQuery:
      return "EXECUTE_LOAD_QUERY";
    case kTableMap:
      return "TABLE_MAP";
    case kWriteRowsV0:
      return "WRITE_ROWS_V0";
    case kUpdateRowsV0:
      return "UPDATE_ROWS_V0";
    case kDeleteRowsV0:
      return "DELETE_ROWS_V0";
    case kWriteRowsV1:
      return "WRITE_ROWS_V1";
    case kUpdateRowsV1:
      return "UPDATE_ROWS_V1";
    case kDeleteRowsV1:
      return "DELETE_ROWS_V1";
    case kIncident:
      return "INCIDENT";
    case kHeartbeat:
      return "HEARTBEAT";
    case kIgnorable:
      return "IGNORABLE";
    case kRowsQuery:
      return "ROWS_QUERY";
    case kWriteRowsV2:
      return "WRITE_ROWS_V2";
    case kUpdateRowsV2:
      return "UPDATE_ROWS_V2";
    case kDeleteRowsV2:
      return "DELETE_ROWS_V2";
    case kGtid:
      return "GTID";
    case kAnonymousGtid:
      return "ANONYMOUS_GTID";
    case kPreviousGtids:
      return "PREVIOUS_GTIDS";
    case kTransactionContext:
      return "TRANSACTION_CONTEXT";
    case kViewChange:
      return "VIEW_CHANGE";
    case kXaPrepare:
      return "XA_PREPARE";
    case kPartialUpdateRows:
      return "PARTIAL_UPDATE_ROWS";
    case kTransactionPayload:
      return "TRANSACTION_PAYLOAD";
    case kHeartbeatV2:
      return "HEARTBEAT_V2";
    case kGtidTagged:
      return "GTID_TAGGED";
    case kAnnotateRows:
      return "ANNOTATE_ROWS";
    case kBinlogCheckpoint:
      return "BINLOG_CHECKPOINT";
    case kMariaDbGtid:
      return "MARIADB_GTID";
    case kMariaDbGtidList:
      return "MARIADB_GTID_LIST";
    case kStartEncryption:
      return "START_ENCRYPTION";
    case kQueryCompressed:
      return "QUERY_COMPRESSED";
    case kWriteRowsCompressedV1:
      return "WRITE_ROWS_COMPRESSED_V1";
    case kUpdateRowsCompressedV1:
      return "UPDATE_ROWS_COMPRESSED_V1";
    case kDeleteRowsCompressedV1:
      return "DELETE_ROWS_COMPRESSED_V1";
    case kWriteRowsCompressed:
      return "WRITE_ROWS_COMPRESSED";
    case kUpdateRowsCompressed:
      return "UPDATE_ROWS_COMPRESSED";
    case kDeleteRowsCompressed:
      return "DELETE_ROWS_COMPRESSED";
    default:
      break;
  }
  // Stable storage for the 256 possible names of unknown codes.
  static const std::array<std::string, 256> kUnknownNames = [] {
    std::array<std::string, 256> names;
    for (int i = 0; i < 256; ++i) names[i] = "UNKNOWN_" + std::to_string(i);
    return names;
  }();
  return kUnknownNames[type];
}

}  // namespace binlake
