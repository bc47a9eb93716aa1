#include "iceberg/row_key_log.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

namespace binlake {
namespace {

using Entry = std::tuple<std::string, FilePosition, FilePosition>;

std::vector<Entry> All(RowKeyLog* log) {
  std::vector<Entry> out;
  Status s = log->ForEach([&](const std::string& key, FilePosition at, FilePosition from) {
    out.emplace_back(key, at, from);
    return Status::OK();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

TEST(RowKeyLogTest, ReadsBackWhatWasAppendedInOrderAndKeepsAppending) {
  auto log = RowKeyLog::Create("", "test");
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  const std::string binary("\0\x01\xff key", 7);
  const std::string long_key(5000, 'k');
  ASSERT_TRUE((*log)->Append(binary, {3, 17}, {1, 1ll << 40}).ok());
  ASSERT_TRUE((*log)->Append("", {0, 0}).ok());
  ASSERT_TRUE((*log)->Append(long_key, {4294967295u, -1}, {2, 9}).ok());
  const std::vector<Entry> want = {{binary, {3, 17}, {1, 1ll << 40}},
                                   {"", {0, 0}, {0, -1}},
                                   {long_key, {4294967295u, -1}, {2, 9}}};
  EXPECT_EQ(All(log->get()), want);
  EXPECT_EQ(All(log->get()), want);  // a second pass reads the same
  ASSERT_TRUE((*log)->Append("after", {5, 5}).ok());
  std::vector<Entry> more = want;
  more.emplace_back("after", FilePosition{5, 5}, FilePosition{0, -1});
  EXPECT_EQ(All(log->get()), more);
  EXPECT_EQ((*log)->size(), 4u);
}

TEST(RowKeyLogTest, AFolderThatCannotHoldItIsNamed) {
  auto log = RowKeyLog::Create("/nonexistent/binlake-spill", "compaction");
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(log.status().message().find("/nonexistent/binlake-spill"), std::string::npos);
  EXPECT_NE(log.status().message().find("compaction"), std::string::npos);
}

TEST(RowKeyLogTest, AStoppedCallbackStopsThePass) {
  auto log = RowKeyLog::Create("", "test");
  ASSERT_TRUE(log.ok());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE((*log)->Append(std::to_string(i), {0, i}).ok());
  int seen = 0;
  Status s = (*log)->ForEach([&](const std::string&, FilePosition at, FilePosition) {
    ++seen;
    return at.second == 4 ? AbortedError("stop") : Status::OK();
  });
  EXPECT_EQ(s.code(), StatusCode::kAborted);
  EXPECT_EQ(seen, 5);
  // The log is still usable: appends go after the last entry.
  ASSERT_TRUE((*log)->Append("10", {0, 10}).ok());
  EXPECT_EQ(All(log->get()).size(), 11u);
}

}  // namespace
}  // namespace binlake
