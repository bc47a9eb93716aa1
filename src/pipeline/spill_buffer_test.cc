#include "pipeline/spill_buffer.h"

#include <gtest/gtest.h>

#include "storage/memory_object_store.h"

namespace binlake {
namespace {

std::string Contents(SpillBuffer* b) {
  std::string out;
  EXPECT_TRUE(b->ForEachChunk(3, [&](std::string_view piece) {
                 out.append(piece);
                 return Status::OK();
               }).ok());
  return out;
}

TEST(SpillBufferTest, BuffersShareOneMemoryBudget) {
  MemoryBudget budget(10);
  auto a = std::make_unique<SpillBuffer>("", &budget);
  SpillBuffer b("", &budget);
  ASSERT_TRUE(a->Write("12345678").ok());
  EXPECT_FALSE(a->spilled());
  EXPECT_EQ(budget.used(), 8u);
  // The second buffer's bytes do not fit beside the first's: it goes to disk.
  ASSERT_TRUE(b.Write("abcde").ok());
  EXPECT_TRUE(b.spilled());
  ASSERT_TRUE(b.Write("fgh").ok());
  EXPECT_EQ(Contents(&b), "abcdefgh");
  EXPECT_EQ(b.Tell(), 8u);
  // A buffer that outgrows the budget moves its bytes to disk and gives them back.
  ASSERT_TRUE(a->Write("9abc").ok());
  EXPECT_TRUE(a->spilled());
  EXPECT_EQ(budget.used(), 0u);
  EXPECT_EQ(Contents(a.get()), "123456789abc");
  SpillBuffer c("", &budget);
  ASSERT_TRUE(c.Write("xyz").ok());
  EXPECT_EQ(budget.used(), 3u);
  a.reset();
  EXPECT_EQ(budget.used(), 3u);
}

TEST(SpillBufferTest, UploadCreateOnlyFromMemoryAndFromDisk) {
  auto store = MemoryObjectStore::Create();
  for (uint64_t limit : {1000u, 4u}) {
    SpillBuffer buffer("", limit);
    ASSERT_TRUE(buffer.Write("hello, ").ok());
    ASSERT_TRUE(buffer.Write("lake").ok());
    EXPECT_EQ(buffer.spilled(), limit == 4u);
    std::string key = "k" + std::to_string(limit);
    ASSERT_TRUE(UploadCreateOnly(store.get(), key, &buffer).ok());
    EXPECT_EQ(*store->Get(key), "hello, lake");
    EXPECT_EQ(UploadCreateOnly(store.get(), key, &buffer).code(), StatusCode::kAlreadyExists);
  }
}

}  // namespace
}  // namespace binlake
