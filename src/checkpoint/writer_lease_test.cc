#include "checkpoint/writer_lease.h"

#include <gtest/gtest.h>

#include <thread>

#include "storage/memory_object_store.h"

namespace binlake {
namespace {

WriterLease::Options Owner(std::string name, int64_t ttl_ms = 30'000) {
  WriterLease::Options o;
  o.owner = std::move(name);
  o.ttl_ms = ttl_ms;
  return o;
}

TEST(WriterLeaseTest, OneHolderAtATimeAndAReleasedLeaseIsFree) {
  auto store = MemoryObjectStore::Create();
  Clock* clock = Clock::System();  // the holder renews in real time, every 100 ms
  {
    auto a = WriterLease::Acquire(store.get(), clock, Owner("host-a pid 1", 3000));
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_EQ((*a)->key(), "_binlake/lease/00000000000000000001.json");
    // A second start sees the holder renew and stops (within a third of the ttl).
    auto b = WriterLease::Acquire(store.get(), clock, Owner("host-b pid 2"));
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(b.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(b.status().message().find("host-a pid 1 holds its writer lease"), std::string::npos)
        << b.status().message();
    EXPECT_FALSE((*a)->lost());
  }
  // Released by a clean stop, its record removed: the next start takes it at once.
  EXPECT_TRUE(store->List("_binlake/lease/")->objects.empty());
  auto c = WriterLease::Acquire(store.get(), clock, Owner("host-c pid 3"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)->key(), "_binlake/lease/00000000000000000001.json");
}

TEST(WriterLeaseTest, ALeaseNotRenewedForItsTtlIsTakenOver) {
  auto store = MemoryObjectStore::Create();
  ManualClock clock(1'000'000'000'000);
  // A holder that died: its record was last renewed 31 s ago with a 30 s ttl.
  ASSERT_TRUE(store
                  ->Put("_binlake/lease/00000000000000000004.json",
                        R"({"format":1,"generation":4,"owner":"dead","acquired_ms":0,)"
                        R"("renewed_ms":999969000,"ttl_ms":30000,"released":false})")
                  .ok());
  auto fresh = WriterLease::Acquire(store.get(), &clock, Owner("next"));
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_EQ((*fresh)->key(), "_binlake/lease/00000000000000000005.json");
}

TEST(WriterLeaseTest, AHolderWhoseProcessIsGoneOnThisMachineIsTakenOverAtOnce) {
  auto store = MemoryObjectStore::Create();
  ManualClock clock(1'000'000'000'000);
  // Renewed just now, but by a process of this machine that no longer runs (kill -9).
  ASSERT_TRUE(store
                  ->Put("_binlake/lease/00000000000000000001.json",
                        R"({"format":1,"generation":1,"owner":"crashed","host":"here",)"
                        R"("pid":2147483000,"renewed_ms":1000000000,"ttl_ms":30000})")
                  .ok());
  WriterLease::Options me = Owner("restarted");
  me.host = "here";
  me.pid = 42;
  auto lease = WriterLease::Acquire(store.get(), &clock, me);
  ASSERT_TRUE(lease.ok()) << lease.status().ToString();
  EXPECT_EQ(clock.NowMicros(), 1'000'000'000'000) << "no wait";
}

TEST(WriterLeaseTest, AHolderThatFindsANewerGenerationHasLostTheLease) {
  auto store = MemoryObjectStore::Create();
  ManualClock clock(1'000'000'000'000);
  auto a = WriterLease::Acquire(store.get(), &clock, Owner("a", 300));
  ASSERT_TRUE(a.ok());
  std::atomic<bool> told{false};
  (*a)->OnLost([&] { told = true; });
  // Another process took it over while this one was cut off.
  ASSERT_TRUE(store->Put("_binlake/lease/00000000000000000002.json", "{}").ok());
  for (int i = 0; i < 500 && !(*a)->lost(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE((*a)->lost());
  EXPECT_TRUE(told.load());
  EXPECT_NE((*a)->reason().find("took this lake's writer lease over"), std::string::npos);
}

}  // namespace
}  // namespace binlake
