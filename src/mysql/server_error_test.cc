#include "mysql/server_error.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

std::string ErrPacket(uint16_t code, std::string_view state, std::string_view msg) {
  std::string p = "\xff";
  p.push_back(static_cast<char>(code & 0xff));
  p.push_back(static_cast<char>(code >> 8));
  p += "#";
  p += state;
  p += msg;
  return p;
}

TEST(ServerErrorTest, ParsesErrPacket) {
  Result<ServerError> e = ServerError::Parse(
      ErrPacket(1045, "28000", "Access denied for user 'x'@'localhost' (using password: YES)"));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->code, 1045);
  EXPECT_EQ(e->sql_state, "28000");
  EXPECT_EQ(e->message, "Access denied for user 'x'@'localhost' (using password: YES)");
  EXPECT_EQ(e->Describe(),
            "error 1045 (28000): Access denied for user 'x'@'localhost' (using password: YES)");
}

TEST(ServerErrorTest, ParsesErrPacketWithoutSqlState) {
  Result<ServerError> e = ServerError::Parse(std::string("\xff\xe4\x04oops", 7));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->code, 1252);
  EXPECT_EQ(e->sql_state, "");
  EXPECT_EQ(e->message, "oops");
}

TEST(ServerErrorTest, TruncatedIsCorruption) {
  EXPECT_EQ(ServerError::Parse(std::string("\xff\x01", 2)).status().code(),
            StatusCode::kCorruption);
}

TEST(ServerErrorTest, AccessDeniedIsUnauthenticated) {
  ServerError e{1045, "28000", "Access denied for user 'bob'@'localhost' (using password: YES)"};
  Status s = e.ToStatus("authenticate to 127.0.0.1:3306", "bob");
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(s.message(),
            "authenticate to 127.0.0.1:3306: access denied for user 'bob' (server error 1045 "
            "(28000): Access denied for user 'bob'@'localhost' (using password: YES)): check "
            "source.user and source.password");
}

TEST(ServerErrorTest, PermissionErrorsNameThePrivilege) {
  ServerError e1227{1227, "42000",
                    "Access denied; you need (at least one of) the BINLOG MONITOR privilege(s) "
                    "for this operation"};
  EXPECT_EQ(e1227.MissingPrivilege(), "BINLOG MONITOR");
  Status s = e1227.ToStatus("query `SHOW MASTER STATUS` on h:1", "binlake");
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("lacks the BINLOG MONITOR privilege"), std::string::npos);
  EXPECT_NE(s.message().find("error 1227 (42000)"), std::string::npos);

  ServerError e1142{1142, "42000",
                    "CREATE command denied to user 'binlake'@'localhost' for table `db`.`t`"};
  EXPECT_EQ(e1142.MissingPrivilege(), "CREATE");
  EXPECT_EQ(e1142.ToStatus("q", "binlake").code(), StatusCode::kPermissionDenied);

  ServerError e1044{1044, "42000", "Access denied for user 'binlake'@'%' to database 'db'"};
  EXPECT_EQ(e1044.MissingPrivilege(), "");
  EXPECT_EQ(e1044.ToStatus("q", "binlake").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(ServerError({1143, "42000", "SELECT command denied to user"}).MissingPrivilege(),
            "SELECT");
  EXPECT_EQ(ServerError({1370, "42000", "alter routine command denied to user"})
                .ToStatus("q", "u")
                .code(),
            StatusCode::kPermissionDenied);
}

TEST(ServerErrorTest, OtherMappings) {
  EXPECT_EQ(ServerError({1236, "HY000", "Could not find first log file name in binary log"})
                .ToStatus("read binlog", "u")
                .code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(ServerError({1146, "42S02", "Table 'a.b' doesn't exist"}).ToStatus("q", "u").code(),
            StatusCode::kNotFound);
  EXPECT_EQ(ServerError({1040, "08004", "Too many connections"}).ToStatus("q", "u").code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(ServerError({1205, "HY000", "Lock wait timeout"}).ToStatus("q", "u").code(),
            StatusCode::kDeadlineExceeded);
}

}  // namespace
}  // namespace binlake
