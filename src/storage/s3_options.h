#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace binlake {

// How to reach and use an S3 (or S3-compatible) bucket. Every field has a working default
// for AWS; an S3-compatible server (Ceph RGW, MinIO) needs `endpoint`.
struct S3Options {
  // Base URL of the service, e.g. "http://127.0.0.1:7480" or "https://s3.eu-west-1.amazonaws.com".
  // Empty: AWS, https://s3.<region>.amazonaws.com.
  std::string endpoint;
  // Signing region. Empty: $AWS_REGION, then $AWS_DEFAULT_REGION, then "us-east-1".
  std::string region;
  // Path-style URLs (endpoint/bucket/key) instead of virtual-hosted ones
  // (bucket.endpoint/key). Unset: path-style for a custom endpoint, virtual-hosted for AWS.
  std::optional<bool> path_style;

  // Credentials, first found wins: these fields; then $AWS_ACCESS_KEY_ID,
  // $AWS_SECRET_ACCESS_KEY, $AWS_SESSION_TOKEN; then the shared credentials file.
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  // Profile in the shared credentials file. Empty: $AWS_PROFILE, then "default".
  std::string profile;
  // Shared credentials file. Empty: $AWS_SHARED_CREDENTIALS_FILE, then ~/.aws/credentials.
  std::string credentials_file;

  // Server-side encryption of written objects: "" (bucket default), "AES256" (SSE-S3) or
  // "aws:kms" (SSE-KMS, with `sse_kms_key_id`, or the account's default KMS key if empty).
  std::string sse;
  std::string sse_kms_key_id;
  // Canned ACL of written objects (x-amz-acl: private, bucket-owner-full-control, ...); empty:
  // none sent (the bucket's default).
  std::string canned_acl;
  // Sent as x-amz-expected-bucket-owner on every request: S3 refuses the request (403) when
  // another account owns the bucket.
  std::string expected_bucket_owner;

  // Objects written through an ObjectWriter larger than this go up as a multipart upload
  // in parts of this size. S3 requires at least 5 MiB; at most 10,000 parts per object.
  uint64_t part_size = 8ull << 20;
  // Page size of ListObjectsV2 requests (1..1000). Smaller only for tests.
  int list_max_keys = 1000;

  // Attempts per request (first try included) for retryable failures: connection errors,
  // timeouts, 5xx, SlowDown. Backoff is exponential with full jitter, capped.
  int max_attempts = 6;
  int64_t initial_backoff_micros = 100'000;
  int64_t max_backoff_micros = 20'000'000;
  // TCP + TLS connect timeout, and the limit for one whole request (0: none). A transfer
  // that moves less than 1 KiB/s for 60 s is abandoned too.
  int64_t connect_timeout_ms = 10'000;
  int64_t request_timeout_ms = 600'000;

  // TLS: verify the server certificate (never switch off against AWS). `ca_file` replaces
  // the system CA bundle, e.g. for a private S3-compatible server.
  bool verify_tls = true;
  std::string ca_file;
};

}  // namespace binlake
