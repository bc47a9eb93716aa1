#pragma once

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

#include "common/result.h"

namespace binlake {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kOff };

struct LogOptions {
  LogLevel level = LogLevel::kInfo;
  // One JSON object per line ({"ts":..., "level":..., "msg":...}) instead of plain text.
  bool json = false;
};

// Sets up the process-wide logger, writing to stderr (stdout is reserved for command output
// such as `binlake binlog dump`). Safe to call again to change options. Logging itself is
// thread-safe.
void InitLogging(const LogOptions& options);

// "trace" | "debug" | "info" | "warn" | "error" | "off".
Result<LogLevel> ParseLogLevel(std::string_view name);

// Escapes a string for inclusion inside a JSON string literal (no surrounding quotes).
void AppendJsonEscaped(std::string* out, std::string_view s);

}  // namespace binlake

#define LOG_TRACE(...) SPDLOG_TRACE(__VA_ARGS__)
#define LOG_DEBUG(...) ::spdlog::debug(__VA_ARGS__)
#define LOG_INFO(...) ::spdlog::info(__VA_ARGS__)
#define LOG_WARN(...) ::spdlog::warn(__VA_ARGS__)
#define LOG_ERROR(...) ::spdlog::error(__VA_ARGS__)
