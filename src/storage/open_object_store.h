#pragma once

#include <memory>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "storage/object_store.h"
#include "storage/s3_options.h"

namespace binlake {

// Opens the store a URL names:
//   file:///absolute/path   a local directory (created when missing)
//   s3://bucket[/prefix]    an S3 bucket, keys under prefix/; `s3` configures the endpoint,
//                           region, credentials, encryption and retries
//   memory://name           the process-wide in-memory store `name` (tests)
// `s3` is ignored by the other schemes. `clock` (backoff sleeps, memory mtimes) must outlive
// the store; null means Clock::System(). kInvalidArgument for a malformed URL, naming it.
Result<std::unique_ptr<ObjectStore>> OpenObjectStore(std::string_view url, const S3Options& s3,
                                                     Clock* clock = nullptr);

}  // namespace binlake
