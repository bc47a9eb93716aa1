#include "common/logging.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

TEST(LoggingTest, JsonEscape) {
  std::string out;
  AppendJsonEscaped(&out, std::string("a\"b\\c\nd\x01"
                                      "\xc3\xa9",
                                      10));
  EXPECT_EQ(out, "a\\\"b\\\\c\\nd\\u0001\xc3\xa9");
}

TEST(LoggingTest, ParseLevel) {
  EXPECT_EQ(*ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(*ParseLogLevel("warning"), LogLevel::kWarn);
  Result<LogLevel> bad = ParseLogLevel("loud");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("trace, debug"), std::string::npos);
}

TEST(LoggingTest, InitBothModes) {
  InitLogging({LogLevel::kInfo, true});
  LOG_INFO("json line with \"quotes\"");
  InitLogging({LogLevel::kWarn, false});
  LOG_INFO("suppressed");
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::warn);
}

}  // namespace
}  // namespace binlake
