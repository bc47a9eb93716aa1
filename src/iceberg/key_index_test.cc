#include "iceberg/key_index.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace binlake {
namespace {

TEST(KeyIndexTest, KeysDuplicatesLongKeysAndClearPerTable) {
  std::string dir;
  {
    auto store = KeyIndexStore::Open("");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    dir = (*store)->dir();
    EXPECT_TRUE(std::filesystem::exists(dir));
    KeyIndex a(*store), b(*store);
    uint32_t fa = a.FileNumber("s3://x/a.parquet");
    uint32_t fb = b.FileNumber("s3://x/b.parquet");
    const std::string long_key(5000, 'k');  // stored by its digest
    for (int i = 0; i < 120'000; ++i) {     // spans several store commits
      ASSERT_TRUE(a.Add("\1key" + std::to_string(i), RowLocation{fa, i}).ok());
    }
    ASSERT_TRUE(a.Add(long_key, RowLocation{fa, 1'000'000}).ok());
    ASSERT_TRUE(a.Add(long_key, RowLocation{fa, 1'000'001}).ok());  // a duplicate row
    ASSERT_TRUE(b.Add("\1key7", RowLocation{fb, 70}).ok());
    std::vector<RowLocation> got;
    ASSERT_TRUE(a.Find("\1key7", &got).ok());
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].pos, 7);
    ASSERT_TRUE(a.Find(long_key, &got).ok());
    EXPECT_EQ(got.size(), 2u);
    ASSERT_TRUE(a.Remove(long_key, RowLocation{fa, 1'000'000}).ok());
    ASSERT_TRUE(a.Find(long_key, &got).ok());
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].pos, 1'000'001);
    EXPECT_EQ(a.size(), 120'001u);
    EXPECT_EQ(a.LiveRows(fa), 120'001);
    ASSERT_TRUE(a.Clear().ok());
    EXPECT_EQ(a.size(), 0u);
    ASSERT_TRUE(a.Find("\1key7", &got).ok());
    EXPECT_TRUE(got.empty());
    ASSERT_TRUE(b.Find("\1key7", &got).ok());  // the other table's keys stay
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].pos, 70);
  }
  EXPECT_FALSE(std::filesystem::exists(dir));  // removed with the last index using it
}

}  // namespace
}  // namespace binlake
