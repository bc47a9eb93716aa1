#pragma once

namespace binlake {

// A test hook for the exactly-once protocol: when the environment variable BINLAKE_CRASH_AT
// names this point ("changelog.intent", or "changelog.file:3" for the third time it is
// reached), the process kills itself with SIGKILL right there, as `kill -9` would: no
// flush, no destructor, nothing after the step just made durable. Unset (always, outside
// tests), a call is one string comparison. The points, each placed right after a durable
// step, are listed in docs/testing.md.
void CrashPoint(const char* name);

}  // namespace binlake
