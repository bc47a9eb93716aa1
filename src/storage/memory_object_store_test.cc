#include "storage/memory_object_store.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

TEST(MemoryObjectStoreTest, StoresOpenedUnderOneNameShareObjects) {
  std::unique_ptr<MemoryObjectStore> a = MemoryObjectStore::Open("shared-test");
  std::unique_ptr<MemoryObjectStore> b = MemoryObjectStore::Open("shared-test");
  std::unique_ptr<MemoryObjectStore> other = MemoryObjectStore::Open("other-test");
  ASSERT_TRUE(a->Put("k", "v").ok());
  EXPECT_EQ(*b->Get("k"), "v");
  EXPECT_EQ(other->Get("k").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(a->Url(), "memory://shared-test");
  a.reset();
  EXPECT_EQ(*MemoryObjectStore::Open("shared-test")->Get("k"), "v");
}

TEST(MemoryObjectStoreTest, PrivateStoresAreIndependent) {
  std::unique_ptr<MemoryObjectStore> a = MemoryObjectStore::Create();
  std::unique_ptr<MemoryObjectStore> b = MemoryObjectStore::Create();
  ASSERT_TRUE(a->Put("k", "v").ok());
  EXPECT_EQ(b->Get("k").status().code(), StatusCode::kNotFound);
  EXPECT_NE(a->Url(), b->Url());
}

TEST(MemoryObjectStoreTest, EtagIsMd5AndMtimeComesFromClock) {
  ManualClock clock(1'700'000'000'123'456);
  std::unique_ptr<MemoryObjectStore> store = MemoryObjectStore::Create(&clock);
  ASSERT_TRUE(store->Put("k", "hello").ok());
  Result<ObjectInfo> info = store->Head("k");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->etag, "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(info->mtime_micros, 1'700'000'000'123'456);
}

}  // namespace
}  // namespace binlake
