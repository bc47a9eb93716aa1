#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "storage/object_store.h"

namespace binlake::testing {

// One backend under the shared ObjectStore conformance suite (object_store_conformance.cc).
// Each test binary instantiates the suite with its backends:
//
//   INSTANTIATE_TEST_SUITE_P(Local, ObjectStoreConformanceTest,
//                            ::testing::Values(ConformanceBackend{...}),
//                            ConformanceBackendName);
struct ConformanceBackend {
  std::string name;  // test-name suffix: letters, digits, '_'
  // A fresh, empty store for one test (a new directory, a new S3 prefix, ...).
  std::function<std::unique_ptr<ObjectStore>()> open;
  // Size of the "large object" tests: for S3 more than one multipart part.
  uint64_t large_object_bytes = 3 << 20;
  // Keys for the listing test: for S3 several times its list page size.
  int list_keys = 40;
  // Non-empty: the backend cannot run here (no server); every test skips with this reason.
  std::string unavailable_reason;
};

// gtest prints the backend by name in failure messages.
inline void PrintTo(const ConformanceBackend& backend, std::ostream* os) { *os << backend.name; }

std::string ConformanceBackendName(const ::testing::TestParamInfo<ConformanceBackend>& info);

class ObjectStoreConformanceTest : public ::testing::TestWithParam<ConformanceBackend> {
 protected:
  void SetUp() override;
  std::unique_ptr<ObjectStore> store_;
};

}  // namespace binlake::testing
