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
    ASSERT_TRUE(a.Attach("a").ok());
    ASSERT_TRUE(b.Attach("b").ok());
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

TEST(KeyIndexTest, ASavedIndexIsKeptOnlyUntilItsFirstUnsavedChange) {
  const std::string parent = ::testing::TempDir() + "/keyindex-kept";
  std::filesystem::remove_all(parent);
  std::vector<RowLocation> got;
  {
    auto store = KeyIndexStore::Open(parent, "lake");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_TRUE((*store)->kept());
    KeyIndex a(*store), b(*store);
    ASSERT_TRUE(a.Attach("t/a").ok());
    ASSERT_TRUE(b.Attach("t/b").ok());
    uint32_t f = a.FileNumber("s3://x/a.parquet");
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(a.Add("\1k" + std::to_string(i), {f, i}).ok());
    ASSERT_TRUE(b.Add("\1k1", {b.FileNumber("s3://x/b.parquet"), 5}).ok());
    ASSERT_TRUE(a.Save("snap-1").ok());
    ASSERT_TRUE(b.Save("snap-9").ok());
    // A second process on the same folder gets a throwaway one.
    auto other = KeyIndexStore::Open(parent, "lake");
    ASSERT_TRUE(other.ok());
    EXPECT_FALSE((*other)->kept());
  }
  {
    auto store = KeyIndexStore::Open(parent, "lake");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    KeyIndex b(*store), a(*store);  // attached in another order: the numbers are by name
    ASSERT_TRUE(b.Attach("t/b").ok());
    ASSERT_TRUE(a.Attach("t/a").ok());
    auto stale = a.Restore("snap-2");  // another snapshot: not this index
    ASSERT_TRUE(stale.ok());
    EXPECT_FALSE(*stale);
    auto kept = a.Restore("snap-1");
    ASSERT_TRUE(kept.ok() && *kept);
    EXPECT_EQ(a.size(), 1000u);
    EXPECT_EQ(a.LiveRows(*a.FindFile("s3://x/a.parquet")), 1000);
    ASSERT_TRUE(a.Find("\1k7", &got).ok());
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].pos, 7);
    auto kept_b = b.Restore("snap-9");
    ASSERT_TRUE(kept_b.ok() && *kept_b);
    ASSERT_TRUE(b.Find("\1k1", &got).ok());
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].pos, 5);
    // A change that reached the file without a Save after it (a crash in the middle of a
    // commit's index changes) spoils the record; one that did not reach it leaves both.
    auto removed = a.Remove("\1k7", RowLocation{*a.FindFile("s3://x/a.parquet"), 7});
    ASSERT_TRUE(removed.ok() && *removed);
    ASSERT_TRUE(a.Flush().ok());
  }
  {
    auto store = KeyIndexStore::Open(parent, "lake");
    ASSERT_TRUE(store.ok());
    KeyIndex a(*store);
    ASSERT_TRUE(a.Attach("t/a").ok());
    auto kept = a.Restore("snap-1");
    ASSERT_TRUE(kept.ok());
    EXPECT_FALSE(*kept);
    ASSERT_TRUE(a.Clear().ok());  // clears what the earlier runs left too
    ASSERT_TRUE(a.Find("\1k8", &got).ok());
    EXPECT_TRUE(got.empty());
  }
  EXPECT_TRUE(std::filesystem::exists(parent + "/lake"));  // kept
  std::filesystem::remove_all(parent);
}

}  // namespace
}  // namespace binlake
