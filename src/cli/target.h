#pragma once

#include <memory>
#include <string>

#include "config/config.h"
#include "storage/s3_options.h"

namespace binlake::cli {

// file://relative/dir resolved against the working directory, as a user expects; other URLs
// as given.
std::string ResolveTargetUrl(const std::string& url);
// The object-store options of a config's target.s3.
S3Options ToS3Options(const S3Config& c);
// Prints "binlake: <status>" to stderr; returns the exit code: 2 for an invalid argument or
// configuration, else 1.
int Fail(const Status& s);

}  // namespace binlake::cli
