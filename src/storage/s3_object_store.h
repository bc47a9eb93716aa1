#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "storage/http_client.h"
#include "storage/object_store.h"
#include "storage/s3_credentials.h"
#include "storage/s3_options.h"

namespace binlake {

class S3ObjectWriter;

// An ObjectStore in an S3 bucket under a key prefix ("s3://bucket/prefix": key "a/b" is the
// S3 object "prefix/a/b"), spoken to over HTTP(S) with libcurl and AWS Signature V4.
//
// Atomicity: a single PUT is atomic in S3. Writers buffer up to S3Options::part_size and
// then switch to a multipart upload, which becomes visible only at CompleteMultipartUpload;
// Abort (and any failed Close) aborts the upload so no parts linger.
// Conditional create sends "If-None-Match: *" (PUT, and CompleteMultipartUpload, where AWS
// honours it); for multipart uploads the object is also checked with HEAD before
// completing, since some S3-compatible servers ignore the header there.
//
// Retries: each request is retried up to S3Options::max_attempts on connection errors,
// timeouts, 5xx and throttling, sleeping FullJitterBackoffMicros through the injected clock.
// A conditional PUT answered 412 after an earlier attempt's outcome was unknown compares
// the existing object's ETag with the MD5 of its own bytes and reports success when they
// match (it was its own write that landed).
//
// Thread-safe. Connections are pooled and reused.
class S3ObjectStore : public ObjectStore {
 public:
  // `prefix` may be empty; otherwise it is a valid key prefix and gets a trailing '/'.
  // `clock` must outlive the store. Credentials are resolved now (see s3_options.h); no
  // request is made.
  static Result<std::unique_ptr<S3ObjectStore>> Open(std::string_view bucket,
                                                     std::string_view prefix,
                                                     const S3Options& options, Clock* clock);

  Status Put(std::string_view key, std::string_view data, const PutOptions& options = {}) override;
  Result<std::string> Get(std::string_view key) override;
  Result<std::string> GetRange(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<ObjectInfo> Head(std::string_view key) override;
  Status Delete(std::string_view key) override;
  Result<ListResult> List(std::string_view prefix,
                          std::optional<char> delimiter = std::nullopt) override;
  Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view key,
                                                  const PutOptions& options = {}) override;
  std::string Url() const override;

  // Creates the bucket; OK when it already exists and is ours. For tests and setup tools.
  Status CreateBucket();
  // Keys (relative to the store) of multipart uploads started but neither completed nor
  // aborted under `key_prefix`. For tests and cleanup.
  Result<std::vector<std::string>> ListPendingUploads(std::string_view key_prefix);

  // The request URL for an S3 object key (full, prefix included) and sorted query
  // parameters, percent-encoded for SigV4. Public for tests.
  std::string RequestUrl(std::string_view s3_key,
                         const std::map<std::string, std::string>& query) const;

  const std::string& bucket() const { return bucket_; }

 private:
  friend class S3ObjectWriter;

  // One S3 call to make (with retries).
  struct Call {
    std::string method;
    std::string s3_key;  // "" for bucket-level calls
    std::map<std::string, std::string> query;
    std::vector<std::string> headers;  // besides x-amz-content-sha256 and the token
    std::string_view body;
    std::string action;  // IAM action for messages, e.g. "s3:PutObject"
  };
  struct Outcome {
    HttpResponse response;   // transport OK, status < 500 (or the last failure)
    bool ambiguous = false;  // an earlier attempt may have taken effect
    int attempts = 0;
  };

  S3ObjectStore(std::string bucket, std::string prefix, S3Options options,
                S3Credentials credentials, std::string endpoint, Clock* clock);

  // Performs the call, retrying transient failures. Returns the transport status of the
  // last attempt as error; any HTTP status is returned in the outcome.
  Result<Outcome> Execute(const Call& call);
  // The Status for a non-2xx answer to `call`.
  Status ErrorFor(const Call& call, const HttpResponse& response) const;
  std::string S3Key(std::string_view key) const { return prefix_ + std::string(key); }
  std::string DisplayKey(std::string_view s3_key) const;
  // Headers for server-side encryption of new objects.
  void AddWriteHeaders(std::vector<std::string>* headers) const;
  // True when an object with `s3_key` exists and has this ETag (or these bytes).
  bool ExistingObjectMatches(const std::string& s3_key, const std::string& etag);

  const std::string bucket_;
  const std::string prefix_;  // "" or ending in '/'
  const S3Options options_;
  const S3Credentials credentials_;
  const std::string endpoint_;  // scheme://host[:port], no trailing '/'
  const bool path_style_;
  Clock* const clock_;
  std::unique_ptr<HttpClient> http_;
};

}  // namespace binlake
