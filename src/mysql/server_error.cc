#include "mysql/server_error.h"

#include "common/byte_reader.h"

namespace binlake {

Result<ServerError> ServerError::Parse(std::string_view payload) {
  ByteReader in(payload);
  RETURN_IF_ERROR(in.Skip(1));
  ServerError e;
  ASSIGN_OR_RETURN(e.code, in.U16LE());
  if (!in.empty() && *in.current() == '#') {
    RETURN_IF_ERROR(in.Skip(1));
    ASSIGN_OR_RETURN(std::string_view state, in.Bytes(5));
    e.sql_state = state;
  }
  e.message = in.Rest();
  return e;
}

std::string ServerError::Describe() const {
  if (sql_state.empty()) return fmt::format("error {}: {}", code, message);
  return fmt::format("error {} ({}): {}", code, sql_state, message);
}

std::string ServerError::MissingPrivilege() const {
  // 1227: "Access denied; you need (at least one of) the REPLICATION SLAVE privilege(s) for
  // this operation"
  constexpr std::string_view kNeed = "the ";
  constexpr std::string_view kPriv = " privilege";
  if (code == kErSpecificAccessDenied) {
    size_t need = message.find("you need");
    if (need != std::string::npos) {
      size_t start = message.find(kNeed, need);
      size_t end = message.find(kPriv, need);
      if (start != std::string::npos && end != std::string::npos && start < end) {
        start += kNeed.size();
        return message.substr(start, end - start);
      }
    }
    return "";
  }
  // 1142/1143/1370: "SELECT command denied to user 'x'@'h' for table `db`.`t`"
  if (code == kErTableAccessDenied || code == kErColumnAccessDenied ||
      code == kErProcAccessDenied) {
    size_t end = message.find(" command denied");
    if (end != std::string::npos) return message.substr(0, end);
  }
  return "";
}

Status ServerError::ToStatus(std::string_view what, std::string_view user) const {
  std::string d = Describe();
  switch (code) {
    case kErAccessDenied:
      return UnauthenticatedError(
          "{}: access denied for user '{}' (server {}): check source.user and source.password",
          what, user, d);
    case kErDbAccessDenied:
    case kErTableAccessDenied:
    case kErColumnAccessDenied:
    case kErSpecificAccessDenied:
    case kErProcAccessDenied: {
      std::string priv = MissingPrivilege();
      if (priv.empty()) {
        return PermissionDeniedError(
            "{}: user '{}' lacks a privilege (server {}): grant what docs/source-setup.md lists",
            what, user, d);
      }
      if (priv.find(", ") != std::string::npos) {
        return PermissionDeniedError(
            "{}: user '{}' lacks one of the privileges {} (server {}): GRANT one of them to "
            "this user as docs/source-setup.md shows",
            what, user, priv, d);
      }
      return PermissionDeniedError(
          "{}: user '{}' lacks the {} privilege (server {}): GRANT {} to this user as "
          "docs/source-setup.md shows",
          what, user, priv, d, priv);
    }
    case kErBadDb:
    case kErNoSuchTable:
      return NotFoundError("{}: server {}", what, d);
    case 1040:  // too many connections
    case 1053:  // server shutdown in progress
    case 1927:  // MariaDB: connection killed
      return UnavailableError("{}: server {}: retry later", what, d);
    case 1205:  // lock wait timeout
    case 3024:  // MySQL max_execution_time exceeded
    case 1969:  // MariaDB max_statement_time exceeded
      return DeadlineExceededError("{}: server {}", what, d);
    default:
      return FailedPreconditionError("{}: server {}", what, d);
  }
}

}  // namespace binlake
