#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/result.h"
#include "storage/s3_options.h"

namespace binlake {

// AWS credentials for signing requests, and where they came from (for log lines; never the
// secret itself).
struct S3Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials
  std::string source;         // "options", "environment", "/home/u/.aws/credentials [default]"
};

// Reads an environment variable; nullopt when unset. Injectable for tests.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
EnvLookup SystemEnv();

// Resolves credentials in the documented order (S3Options): explicit options, then the
// environment, then the shared credentials file. kUnauthenticated when none is found,
// naming every place looked at; kInvalidArgument for half a pair (a key id without secret).
Result<S3Credentials> ResolveS3Credentials(const S3Options& options,
                                           const EnvLookup& env = SystemEnv());

}  // namespace binlake
