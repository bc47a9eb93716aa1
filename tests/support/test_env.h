#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

// Helpers for tests to find shared fixtures and the rig servers started by ctest.
namespace binlake::testing {

// The directory ../shared/fixtures beside the project root, or nullopt when it is absent
// (a fresh clone without ../shared): callers GTEST_SKIP() with the reason then.
std::optional<std::string> FixturesDir();

// KEY=VALUE pairs a rig server wrote to $BINLAKE_RIG_DIR/<service>/env ("mariadb", "rgw").
// nullopt when BINLAKE_RIG_DIR is unset or the file is missing: the test was run outside
// ctest's fixtures, and should GTEST_SKIP() with the message from RigSkipReason().
std::optional<std::map<std::string, std::string>> LoadRigEnv(std::string_view service);
std::string RigSkipReason(std::string_view service);

// A fresh empty directory under $TMPDIR, removed by the caller (or left for debugging).
std::string MakeTempDir(std::string_view prefix);

}  // namespace binlake::testing
