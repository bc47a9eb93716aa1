#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace binlake {

// Server error numbers callers branch on.
inline constexpr uint16_t kErDbAccessDenied = 1044;
inline constexpr uint16_t kErAccessDenied = 1045;
inline constexpr uint16_t kErBadDb = 1049;
inline constexpr uint16_t kErTableAccessDenied = 1142;
inline constexpr uint16_t kErColumnAccessDenied = 1143;
inline constexpr uint16_t kErNoSuchTable = 1146;
inline constexpr uint16_t kErSpecificAccessDenied = 1227;
// "Got fatal error 1236 from master when reading data from binary log": the requested
// binlog file/position or GTID is gone (purged) or invalid.
inline constexpr uint16_t kErMasterFatalReadingBinlog = 1236;
inline constexpr uint16_t kErProcAccessDenied = 1370;

// ServerError is one ERR packet from the server: the error number, SQLSTATE and message as
// the server wrote them. Plain data.
struct ServerError {
  uint16_t code = 0;
  std::string sql_state;  // 5 characters, e.g. "28000"; empty if the server sent none
  std::string message;

  // Parses Protocol::ERR_Packet. REQUIRES: payload starts with 0xff.
  static Result<ServerError> Parse(std::string_view payload);

  // "error 1045 (28000): Access denied for user ..."
  std::string Describe() const;

  // The privilege a permission error names ("REPLICATION SLAVE", "SELECT"), or "" if the
  // message does not name one.
  std::string MissingPrivilege() const;

  // The Status for this error. `what` says what was being done ("query on 127.0.0.1:3306",
  // "authenticate as 'binlake'"). Codes: access denied (1045) kUnauthenticated; missing
  // privileges (1044, 1142, 1143, 1227, 1370) kPermissionDenied; unknown schema/table
  // kNotFound; too many connections / shutdown kUnavailable; lock wait or statement timeout
  // kDeadlineExceeded; others kFailedPrecondition. The message always holds the number,
  // SQLSTATE and the server's text.
  Status ToStatus(std::string_view what, std::string_view user) const;
};

}  // namespace binlake
