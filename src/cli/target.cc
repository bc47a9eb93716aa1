#include "cli/target.h"

#include <cstdio>
#include <filesystem>

namespace binlake::cli {

std::string ResolveTargetUrl(const std::string& url) {
  const std::string scheme = "file://";
  if (url.rfind(scheme, 0) != 0 || (url.size() > scheme.size() && url[scheme.size()] == '/')) {
    return url;
  }
  std::filesystem::path p = std::filesystem::absolute(url.substr(scheme.size()));
  return scheme + p.lexically_normal().string();
}

S3Options ToS3Options(const S3Config& c) {
  S3Options o;
  o.endpoint = c.endpoint;
  o.region = c.region;
  if (!c.endpoint.empty() || c.path_style) o.path_style = c.path_style || !c.endpoint.empty();
  o.access_key_id = c.access_key_id;
  o.secret_access_key = c.secret_access_key;
  o.session_token = c.session_token;
  o.profile = c.profile;
  o.sse = c.server_side_encryption;
  o.sse_kms_key_id = c.sse_kms_key_id;
  o.canned_acl = c.canned_acl;
  o.expected_bucket_owner = c.expected_bucket_owner;
  o.part_size = c.multipart_part_size;
  o.max_attempts = static_cast<int>(c.max_attempts);
  o.initial_backoff_micros = c.retry_interval_ms * 1000;
  o.max_backoff_micros = c.retry_max_interval_ms * 1000;
  o.connect_timeout_ms = c.connect_timeout_ms;
  o.request_timeout_ms = c.request_timeout_ms;
  return o;
}

int Fail(const Status& s) {
  std::fprintf(stderr, "binlake: %s\n", s.ToString().c_str());
  return s.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

}  // namespace binlake::cli
