// The ObjectStore contract, checked against every backend (see object_store_conformance.h).
#include "storage/object_store_conformance.h"

#include <gmock/gmock.h>

#include <atomic>
#include <thread>
#include <vector>

namespace binlake::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

// Deterministic bytes of every value 0..255, so truncation or re-encoding shows.
std::string Pattern(uint64_t size, uint32_t seed) {
  std::string out(size, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (uint64_t i = 0; i < size; ++i) {
    x = x * 1103515245u + 12345u;
    out[i] = static_cast<char>(x >> 24);
  }
  return out;
}

std::vector<std::string> Keys(const ListResult& r) {
  std::vector<std::string> keys;
  for (const ObjectInfo& o : r.objects) keys.push_back(o.key);
  return keys;
}

}  // namespace

std::string ConformanceBackendName(const ::testing::TestParamInfo<ConformanceBackend>& info) {
  return info.param.name;
}

void ObjectStoreConformanceTest::SetUp() {
  if (!GetParam().unavailable_reason.empty()) GTEST_SKIP() << GetParam().unavailable_reason;
  store_ = GetParam().open();
  ASSERT_NE(store_, nullptr);
}

TEST_P(ObjectStoreConformanceTest, PutThenGetReturnsExactBytes) {
  std::string data = Pattern(70'000, 1);
  data[5] = '\0';
  ASSERT_TRUE(store_->Put("a/b/object.bin", data).ok());
  Result<std::string> got = store_->Get("a/b/object.bin");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, data);
  Result<ObjectInfo> info = store_->Head("a/b/object.bin");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->key, "a/b/object.bin");
  EXPECT_EQ(info->size, 70'000u);
  EXPECT_FALSE(info->etag.empty());
  EXPECT_GT(info->mtime_micros, 1'600'000'000'000'000);  // a real date, after 2020
}

TEST_P(ObjectStoreConformanceTest, MissingObjectIsNotFound) {
  EXPECT_EQ(store_->Get("missing/key").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Head("missing/key").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetRange("missing/key", 0, 10).status().code(), StatusCode::kNotFound);
  // A "directory" of other objects is not an object either.
  ASSERT_TRUE(store_->Put("dir/child", "x").ok());
  EXPECT_EQ(store_->Get("dir").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Head("dir").status().code(), StatusCode::kNotFound);
}

TEST_P(ObjectStoreConformanceTest, PutReplacesAndChangesEtag) {
  ASSERT_TRUE(store_->Put("k", "first version").ok());
  Result<ObjectInfo> before = store_->Head("k");
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(store_->Put("k", "second").ok());
  EXPECT_EQ(*store_->Get("k"), "second");
  Result<ObjectInfo> after = store_->Head("k");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->size, 6u);
  EXPECT_NE(after->etag, before->etag);
}

TEST_P(ObjectStoreConformanceTest, EmptyObject) {
  ASSERT_TRUE(store_->Put("empty", "").ok());
  EXPECT_EQ(*store_->Get("empty"), "");
  EXPECT_EQ(store_->Head("empty")->size, 0u);
  Result<std::string> range = store_->GetRange("empty", 0, 10);
  ASSERT_TRUE(range.ok()) << range.status().ToString();
  EXPECT_EQ(*range, "");
}

TEST_P(ObjectStoreConformanceTest, ConditionalCreate) {
  PutOptions create = PutOptions::CreateOnly();
  create.content_type = "text/plain";
  ASSERT_TRUE(store_->Put("ckpt/1", "mine", create).ok());
  Status second = store_->Put("ckpt/1", "theirs", create);
  EXPECT_EQ(second.code(), StatusCode::kAlreadyExists) << second.ToString();
  EXPECT_NE(second.message().find("ckpt/1"), std::string::npos) << second.message();
  EXPECT_EQ(*store_->Get("ckpt/1"), "mine");
  // An unconditional put still replaces.
  ASSERT_TRUE(store_->Put("ckpt/1", "replaced").ok());
  EXPECT_EQ(*store_->Get("ckpt/1"), "replaced");
}

TEST_P(ObjectStoreConformanceTest, ConcurrentConditionalCreatesHaveOneWinner) {
  constexpr int kThreads = 6;
  std::atomic<int> winners{0}, refused{0};
  std::vector<int> outcome(kThreads, -1);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Status s = store_->Put("race", "writer " + std::to_string(i), PutOptions::CreateOnly());
      if (s.ok()) {
        outcome[i] = 1;
        ++winners;
      } else if (s.code() == StatusCode::kAlreadyExists) {
        outcome[i] = 0;
        ++refused;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(winners.load(), 1);
  EXPECT_EQ(refused.load(), kThreads - 1);
  for (int i = 0; i < kThreads; ++i) {
    if (outcome[i] == 1) {
      EXPECT_EQ(*store_->Get("race"), "writer " + std::to_string(i));
    }
  }
}

TEST_P(ObjectStoreConformanceTest, GetRange) {
  std::string data = "0123456789";
  ASSERT_TRUE(store_->Put("r", data).ok());
  EXPECT_EQ(*store_->GetRange("r", 2, 3), "234");
  EXPECT_EQ(*store_->GetRange("r", 0, 10), data);
  EXPECT_EQ(*store_->GetRange("r", 7, 100), "789");
  EXPECT_EQ(*store_->GetRange("r", 10, 5), "");
  EXPECT_EQ(*store_->GetRange("r", 4, 0), "");
  Result<std::string> past = store_->GetRange("r", 11, 1);
  EXPECT_EQ(past.status().code(), StatusCode::kInvalidArgument) << past.status().ToString();
}

TEST_P(ObjectStoreConformanceTest, DeleteIsIdempotent) {
  ASSERT_TRUE(store_->Put("d/x", "1").ok());
  ASSERT_TRUE(store_->Put("d/y", "2").ok());
  EXPECT_TRUE(store_->Delete("d/x").ok());
  EXPECT_EQ(store_->Get("d/x").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->Delete("d/x").ok());
  EXPECT_TRUE(store_->Delete("never/existed").ok());
  EXPECT_EQ(*store_->Get("d/y"), "2");
  EXPECT_THAT(Keys(*store_->List("")), ElementsAre("d/y"));
  // A key can be created again after its delete.
  EXPECT_TRUE(store_->Put("d/x", "3", PutOptions::CreateOnly()).ok());
  EXPECT_EQ(*store_->Get("d/x"), "3");
}

TEST_P(ObjectStoreConformanceTest, KeysWithSpecialCharacters) {
  const std::vector<std::string> keys = {
      "date=2026-11-22/part 1.csv",
      "odd/a+b&c;d,e@f$g!h'i(j)k*l~m",
      "odd/percent%20and%2Fslash",
      "odd/xml<&>\"'",
      "utf8/caf\xC3\xA9/\xE6\x97\xA5\xE6\x9C\xAC/\xF0\x9F\x98\x80",
      "odd/question?hash#colon:"};
  for (const std::string& key : keys) {
    Status s = store_->Put(key, "value of " + key);
    ASSERT_TRUE(s.ok()) << key << ": " << s.ToString();
  }
  for (const std::string& key : keys) {
    Result<std::string> got = store_->Get(key);
    ASSERT_TRUE(got.ok()) << key << ": " << got.status().ToString();
    EXPECT_EQ(*got, "value of " + key);
    EXPECT_EQ(store_->Head(key)->size, ("value of " + key).size());
  }
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  Result<ListResult> all = store_->List("");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_THAT(Keys(*all), ElementsAreArray(sorted));
  EXPECT_THAT(Keys(*store_->List("utf8/caf\xC3\xA9/")),
              ElementsAre("utf8/caf\xC3\xA9/\xE6\x97\xA5\xE6\x9C\xAC/\xF0\x9F\x98\x80"));
  for (const std::string& key : keys) EXPECT_TRUE(store_->Delete(key).ok()) << key;
  EXPECT_THAT(store_->List("")->objects, IsEmpty());
}

TEST_P(ObjectStoreConformanceTest, InvalidKeysAreRejected) {
  const std::vector<std::string> bad = {"",       "/abs", "a//b",     "a/",
                                        "a/../b", "..",   "a/./b",    ".",
                                        "a\nb",   "\xFF", "tab\tkey", "x/.binlake-tmp-1"};
  for (const std::string& key : bad) {
    EXPECT_EQ(store_->Put(key, "x").code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store_->Get(key).status().code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store_->Head(key).status().code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store_->Delete(key).code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store_->NewWriter(key).status().code(), StatusCode::kInvalidArgument) << key;
  }
  Status s = store_->Put("a/../b", "x");
  EXPECT_NE(s.message().find("'a/../b'"), std::string::npos) << s.message();
  EXPECT_EQ(store_->List("/abs").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->List("a//").status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(store_->List("")->objects, IsEmpty());
}

TEST_P(ObjectStoreConformanceTest, ListPrefixAndDelimiter) {
  for (const char* key : {"t/a/1", "t/a/2", "t/b/sub/3", "t/c", "t/a-x", "u/9", "t/a/0"}) {
    ASSERT_TRUE(store_->Put(key, key).ok());
  }
  Result<ListResult> all = store_->List("");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_THAT(Keys(*all),
              ElementsAre("t/a-x", "t/a/0", "t/a/1", "t/a/2", "t/b/sub/3", "t/c", "u/9"));
  EXPECT_THAT(all->common_prefixes, IsEmpty());
  EXPECT_EQ(all->objects[0].size, 5u);

  EXPECT_THAT(Keys(*store_->List("t/a")), ElementsAre("t/a-x", "t/a/0", "t/a/1", "t/a/2"));
  EXPECT_THAT(Keys(*store_->List("t/a/")), ElementsAre("t/a/0", "t/a/1", "t/a/2"));
  EXPECT_THAT(store_->List("nothing/")->objects, IsEmpty());

  Result<ListResult> top = store_->List("", '/');
  ASSERT_TRUE(top.ok());
  EXPECT_THAT(top->objects, IsEmpty());
  EXPECT_THAT(top->common_prefixes, ElementsAre("t/", "u/"));

  Result<ListResult> t = store_->List("t/", '/');
  ASSERT_TRUE(t.ok());
  EXPECT_THAT(Keys(*t), ElementsAre("t/a-x", "t/c"));
  EXPECT_THAT(t->common_prefixes, ElementsAre("t/a/", "t/b/"));

  Result<ListResult> partial = store_->List("t/b", '/');
  ASSERT_TRUE(partial.ok());
  EXPECT_THAT(partial->objects, IsEmpty());
  EXPECT_THAT(partial->common_prefixes, ElementsAre("t/b/"));
}

TEST_P(ObjectStoreConformanceTest, ListManyKeysIsCompleteAndSorted) {
  const int n = GetParam().list_keys;
  std::vector<std::string> expected;
  for (int i = n - 1; i >= 0; --i) {
    std::string key = fmt::format("many/{:03}/f{}", i % 7, i);
    ASSERT_TRUE(store_->Put(key, std::to_string(i)).ok());
    expected.push_back(key);
  }
  std::sort(expected.begin(), expected.end());
  Result<ListResult> all = store_->List("many/");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_THAT(Keys(*all), ElementsAreArray(expected));
  Result<ListResult> grouped = store_->List("many/", '/');
  ASSERT_TRUE(grouped.ok()) << grouped.status().ToString();
  EXPECT_THAT(grouped->objects, IsEmpty());
  EXPECT_THAT(grouped->common_prefixes,
              ElementsAre("many/000/", "many/001/", "many/002/", "many/003/", "many/004/",
                          "many/005/", "many/006/"));
}

TEST_P(ObjectStoreConformanceTest, WriterIsInvisibleUntilClose) {
  Result<std::unique_ptr<ObjectWriter>> w = store_->NewWriter("w/obj", PutOptions{false, "x/y"});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Write("hello ").ok());
  ASSERT_TRUE((*w)->Write("").ok());
  ASSERT_TRUE((*w)->Write("world").ok());
  EXPECT_EQ((*w)->Tell(), 11u);
  EXPECT_EQ(store_->Head("w/obj").status().code(), StatusCode::kNotFound);
  EXPECT_THAT(store_->List("")->objects, IsEmpty());
  Status closed = (*w)->Close();
  ASSERT_TRUE(closed.ok()) << closed.ToString();
  EXPECT_EQ(*store_->Get("w/obj"), "hello world");
  EXPECT_THAT(Keys(*store_->List("")), ElementsAre("w/obj"));
  EXPECT_TRUE((*w)->Abort().ok());  // no-op after a successful close
  EXPECT_EQ(*store_->Get("w/obj"), "hello world");
}

TEST_P(ObjectStoreConformanceTest, EmptyWriterMakesEmptyObject) {
  Result<std::unique_ptr<ObjectWriter>> w = store_->NewWriter("w/empty");
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(*store_->Get("w/empty"), "");
}

TEST_P(ObjectStoreConformanceTest, AbortAndDestroyLeaveNothing) {
  {
    Result<std::unique_ptr<ObjectWriter>> w = store_->NewWriter("w/aborted");
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Write(Pattern(1000, 2)).ok());
    EXPECT_TRUE((*w)->Abort().ok());
    EXPECT_TRUE((*w)->Abort().ok());  // idempotent
    EXPECT_EQ((*w)->Close().code(), StatusCode::kFailedPrecondition);
  }
  {
    Result<std::unique_ptr<ObjectWriter>> w = store_->NewWriter("w/dropped");
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Write("never closed").ok());
  }
  EXPECT_EQ(store_->Head("w/aborted").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Head("w/dropped").status().code(), StatusCode::kNotFound);
  EXPECT_THAT(store_->List("")->objects, IsEmpty());
}

TEST_P(ObjectStoreConformanceTest, LargeObjectThroughWriter) {
  const uint64_t size = GetParam().large_object_bytes;
  std::string data = Pattern(size, 3);
  Result<std::unique_ptr<ObjectWriter>> w = store_->NewWriter("big/object");
  ASSERT_TRUE(w.ok());
  // Odd-sized writes so part boundaries fall inside writes.
  for (uint64_t off = 0; off < size; off += 777'777) {
    ASSERT_TRUE((*w)->Write(std::string_view(data).substr(off, 777'777)).ok());
  }
  EXPECT_EQ((*w)->Tell(), size);
  EXPECT_EQ(store_->Head("big/object").status().code(), StatusCode::kNotFound);
  Status closed = (*w)->Close();
  ASSERT_TRUE(closed.ok()) << closed.ToString();
  Result<std::string> got = store_->Get("big/object");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->size(), size);
  EXPECT_TRUE(*got == data);
  EXPECT_EQ(store_->Head("big/object")->size, size);
  // A range across the middle, where S3 parts meet.
  uint64_t mid = size / 2 - 100;
  EXPECT_TRUE(*store_->GetRange("big/object", mid, 300) == data.substr(mid, 300));
  EXPECT_TRUE(*store_->GetRange("big/object", size - 10, 100) == data.substr(size - 10));
}

TEST_P(ObjectStoreConformanceTest, LargeObjectAbortLeavesNothing) {
  std::string data = Pattern(GetParam().large_object_bytes, 4);
  Result<std::unique_ptr<ObjectWriter>> w = store_->NewWriter("big/aborted");
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(data).ok());
  EXPECT_TRUE((*w)->Abort().ok());
  EXPECT_EQ(store_->Head("big/aborted").status().code(), StatusCode::kNotFound);
  EXPECT_THAT(store_->List("")->objects, IsEmpty());
}

TEST_P(ObjectStoreConformanceTest, WriterConditionalCreate) {
  ASSERT_TRUE(store_->Put("c/small", "original").ok());
  ASSERT_TRUE(store_->Put("c/large", "original").ok());
  for (const char* key : {"c/small", "c/large"}) {
    uint64_t size = std::string_view(key) == "c/small" ? 100 : GetParam().large_object_bytes;
    Result<std::unique_ptr<ObjectWriter>> w = store_->NewWriter(key, PutOptions::CreateOnly());
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Write(Pattern(size, 5)).ok());
    Status s = (*w)->Close();
    EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << key << ": " << s.ToString();
    EXPECT_EQ(*store_->Get(key), "original") << key;
  }
  Result<std::unique_ptr<ObjectWriter>> fresh =
      store_->NewWriter("c/fresh", PutOptions::CreateOnly());
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE((*fresh)->Write("new").ok());
  ASSERT_TRUE((*fresh)->Close().ok());
  EXPECT_EQ(*store_->Get("c/fresh"), "new");
  EXPECT_THAT(Keys(*store_->List("c/")), ElementsAre("c/fresh", "c/large", "c/small"));
}

TEST_P(ObjectStoreConformanceTest, ConcurrentWritersOnDifferentKeys) {
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        std::string key = fmt::format("par/{}/{}", t, i);
        if (!store_->Put(key, key).ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  Result<ListResult> all = store_->List("par/");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->objects.size(), 20u);
  for (const ObjectInfo& o : all->objects) EXPECT_EQ(*store_->Get(o.key), o.key);
}

}  // namespace binlake::testing
