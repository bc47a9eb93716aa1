// The ObjectStore conformance suite against the backends that need no server.
#include <filesystem>

#include "storage/local_object_store.h"
#include "storage/memory_object_store.h"
#include "storage/object_store_conformance.h"
#include "tests/support/test_env.h"

namespace binlake::testing {
namespace {

std::unique_ptr<ObjectStore> OpenMemory() { return MemoryObjectStore::Create(); }

std::unique_ptr<ObjectStore> OpenLocal() {
  // Each test gets its own directory; all of them live under one per-process parent that
  // is removed at exit.
  static const std::string parent = MakeTempDir("binlake-storage-conformance-");
  static const struct Cleanup {
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(parent, ec);
    }
  } cleanup;
  static int counter = 0;
  Result<std::unique_ptr<LocalObjectStore>> store =
      LocalObjectStore::Open(parent + "/t" + std::to_string(counter++));
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(*store) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Backends, ObjectStoreConformanceTest,
                         ::testing::Values(ConformanceBackend{"memory", OpenMemory, 3 << 20, 40,
                                                              ""},
                                           ConformanceBackend{"local", OpenLocal, 3 << 20, 40, ""}),
                         ConformanceBackendName);

}  // namespace
}  // namespace binlake::testing
