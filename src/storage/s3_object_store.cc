#include "storage/s3_object_store.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "common/logging.h"
#include "storage/retry_policy.h"
#include "storage/s3_object_writer.h"
#include "storage/s3_xml.h"
#include "storage/storage_util.h"

namespace binlake {
namespace {

std::string StripQuotes(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

Status ValidateBucket(std::string_view bucket, bool virtual_hosted) {
  if (bucket.size() < 3 || bucket.size() > 63) {
    return InvalidArgumentError("S3 bucket name '{}' must be 3 to 63 characters long", bucket);
  }
  for (char c : bucket) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              (!virtual_hosted && (c == '_' || (c >= 'A' && c <= 'Z')));
    if (!ok) {
      return InvalidArgumentError(
          "S3 bucket name '{}' contains '{}'; bucket names use lower-case letters, digits, '.' "
          "and '-'",
          bucket, c);
    }
  }
  return Status::OK();
}

bool Is2xx(long status) { return status >= 200 && status < 300; }

Result<uint64_t> ParseU64(const std::string& text, std::string_view what) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size()) {
    return CorruptionError("S3 answered a malformed {} '{}'", what, text);
  }
  return v;
}

}  // namespace

S3ObjectStore::S3ObjectStore(std::string bucket, std::string prefix, S3Options options,
                             S3Credentials credentials, std::string endpoint, Clock* clock)
    : bucket_(std::move(bucket)),
      prefix_(std::move(prefix)),
      options_(std::move(options)),
      credentials_(std::move(credentials)),
      endpoint_(std::move(endpoint)),
      path_style_(options_.path_style.value_or(!options_.endpoint.empty())),
      clock_(clock) {
  HttpClientOptions http;
  http.aws_sigv4 = "aws:amz:" + options_.region + ":s3";
  http.user = credentials_.access_key_id;
  http.password = credentials_.secret_access_key;
  http.connect_timeout_ms = options_.connect_timeout_ms;
  http.request_timeout_ms = options_.request_timeout_ms;
  http.verify_tls = options_.verify_tls;
  http.ca_file = options_.ca_file;
  http_ = std::make_unique<HttpClient>(std::move(http));
}

Result<std::unique_ptr<S3ObjectStore>> S3ObjectStore::Open(std::string_view bucket,
                                                           std::string_view prefix,
                                                           const S3Options& options, Clock* clock) {
  S3Options opts = options;
  if (opts.region.empty()) {
    EnvLookup env = SystemEnv();
    opts.region = env("AWS_REGION").value_or(env("AWS_DEFAULT_REGION").value_or("us-east-1"));
    if (opts.region.empty()) opts.region = "us-east-1";
  }
  std::string endpoint = opts.endpoint;
  if (endpoint.empty()) endpoint = "https://s3." + opts.region + ".amazonaws.com";
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  size_t scheme_end = endpoint.find("://");
  if (!(endpoint.starts_with("http://") || endpoint.starts_with("https://")) ||
      endpoint.find('/', scheme_end + 3) != std::string::npos ||
      endpoint.size() == scheme_end + 3) {
    return InvalidArgumentError(
        "S3 endpoint '{}' must be http://host[:port] or https://host[:port], without a path",
        opts.endpoint);
  }
  bool path_style = opts.path_style.value_or(!opts.endpoint.empty());
  RETURN_IF_ERROR(ValidateBucket(bucket, !path_style));
  std::string pfx(prefix);
  while (!pfx.empty() && pfx.back() == '/') pfx.pop_back();
  if (!pfx.empty()) {
    RETURN_IF_ERROR(ValidateObjectKey(pfx).Context("S3 key prefix of s3://" + std::string(bucket)));
    pfx += '/';
  }
  if (opts.part_size < (5ull << 20) || opts.part_size > (5ull << 30)) {
    return InvalidArgumentError("S3 part_size {} is out of range: S3 needs 5 MiB to 5 GiB",
                                opts.part_size);
  }
  if (opts.list_max_keys < 1 || opts.list_max_keys > 1000) {
    return InvalidArgumentError("S3 list_max_keys {} is out of range 1..1000", opts.list_max_keys);
  }
  if (opts.max_attempts < 1) opts.max_attempts = 1;
  if (!opts.sse.empty() && opts.sse != "AES256" && opts.sse != "aws:kms") {
    return InvalidArgumentError(
        "S3 server-side encryption '{}' is not supported: use AES256 (SSE-S3) or aws:kms "
        "(SSE-KMS)",
        opts.sse);
  }
  ASSIGN_OR_RETURN(S3Credentials credentials, ResolveS3Credentials(opts));
  if (clock == nullptr) clock = Clock::System();
  return std::unique_ptr<S3ObjectStore>(new S3ObjectStore(std::string(bucket), std::move(pfx),
                                                          std::move(opts), std::move(credentials),
                                                          std::move(endpoint), clock));
}

std::string S3ObjectStore::Url() const {
  std::string url = "s3://" + bucket_;
  if (!prefix_.empty()) url += "/" + prefix_.substr(0, prefix_.size() - 1);
  return url;
}

std::string S3ObjectStore::DisplayKey(std::string_view s3_key) const {
  return "s3://" + bucket_ + "/" + std::string(s3_key);
}

std::string S3ObjectStore::RequestUrl(std::string_view s3_key,
                                      const std::map<std::string, std::string>& query) const {
  std::string url;
  if (path_style_) {
    url = endpoint_ + "/" + bucket_;
    if (!s3_key.empty()) url += "/" + UriEncode(s3_key, /*keep_slash=*/true);
  } else {
    size_t host = endpoint_.find("://") + 3;
    url = endpoint_.substr(0, host) + bucket_ + "." + endpoint_.substr(host) + "/" +
          UriEncode(s3_key, /*keep_slash=*/true);
  }
  // SigV4 signs the query as sent; libcurl neither sorts nor encodes it, so do both here
  // (std::map keeps names sorted; names are plain ASCII). Valueless names become "name=".
  char sep = '?';
  for (const auto& [name, value] : query) {
    url += sep;
    url += UriEncode(name, false) + "=" + UriEncode(value, false);
    sep = '&';
  }
  return url;
}

void S3ObjectStore::AddWriteHeaders(std::vector<std::string>* headers) const {
  if (!options_.canned_acl.empty()) headers->push_back("x-amz-acl: " + options_.canned_acl);
  if (options_.sse.empty()) return;
  headers->push_back("x-amz-server-side-encryption: " + options_.sse);
  if (options_.sse == "aws:kms" && !options_.sse_kms_key_id.empty()) {
    headers->push_back("x-amz-server-side-encryption-aws-kms-key-id: " + options_.sse_kms_key_id);
  }
}

Result<S3ObjectStore::Outcome> S3ObjectStore::Execute(const Call& call) {
  HttpRequest request;
  request.method = call.method;
  request.url = RequestUrl(call.s3_key, call.query);
  request.headers = call.headers;
  if (!options_.expected_bucket_owner.empty()) {
    request.headers.push_back("x-amz-expected-bucket-owner: " + options_.expected_bucket_owner);
  }
  // libcurl never adds the payload hash, and S3 rejects SigV4 requests without it.
  request.headers.push_back("x-amz-content-sha256: " + Sha256Hex(call.body));
  if (!credentials_.session_token.empty()) {
    request.headers.push_back("x-amz-security-token: " + credentials_.session_token);
  }
  request.body = call.body;

  Outcome outcome;
  for (int attempt = 1;; ++attempt) {
    outcome.attempts = attempt;
    HttpResponse response = http_->Perform(request);
    bool retry;
    bool delivered;
    if (!response.transport.ok()) {
      retry = response.transport.IsRetryable();
      delivered = response.maybe_delivered;
    } else {
      retry = response.status >= 500 || response.status == 429;
      delivered = retry;  // a 5xx write may or may not have been applied
    }
    if (!retry || attempt >= options_.max_attempts) {
      if (!response.transport.ok()) {
        const char* plural = attempt == 1 ? "" : "s";
        // Any attempt that may have reached the server makes the write's outcome unknown.
        bool maybe_applied = outcome.ambiguous || response.maybe_delivered;
        if (maybe_applied && call.method != "GET" && call.method != "HEAD") {
          return Status(response.transport.code(),
                        fmt::format("no answer from S3 endpoint {} after {} attempt{}: {}; the "
                                    "request may or may not have taken effect",
                                    endpoint_, attempt, plural, response.transport.message()));
        }
        return Status(response.transport.code(),
                      fmt::format("cannot reach S3 endpoint {} after {} attempt{}: {}; check the "
                                  "endpoint URL, the network and that the server is running",
                                  endpoint_, attempt, plural, response.transport.message()));
      }
      outcome.response = std::move(response);
      return outcome;
    }
    if (delivered) outcome.ambiguous = true;
    int64_t sleep = FullJitterBackoffMicros(attempt, options_.initial_backoff_micros,
                                            options_.max_backoff_micros, RandomU64());
    LOG_DEBUG("S3 {} {} failed ({}); retry {} in {} ms", call.method, DisplayKey(call.s3_key),
              response.transport.ok() ? "HTTP " + std::to_string(response.status)
                                      : response.transport.message(),
              attempt, sleep / 1000);
    clock_->SleepForMicros(sleep);
  }
}

Status S3ObjectStore::ErrorFor(const Call& call, const HttpResponse& response) const {
  std::string code, message;
  if (!response.body.empty()) {
    Result<XmlElement> xml = ParseXml(response.body);
    if (xml.ok() && xml->name == "Error") {
      code = xml->ChildText("Code");
      message = xml->ChildText("Message");
    }
  }
  const std::string where = call.s3_key.empty() ? "s3://" + bucket_ : DisplayKey(call.s3_key);
  const std::string detail = code.empty() ? "HTTP " + std::to_string(response.status)
                                          : "HTTP " + std::to_string(response.status) + " " + code +
                                                (message.empty() ? "" : ": " + message);
  const long status = response.status;
  if (code == "SignatureDoesNotMatch" || code == "InvalidAccessKeyId" || code == "InvalidToken" ||
      code == "ExpiredToken" || code == "TokenRefreshRequired" ||
      code == "AuthorizationHeaderMalformed" || code == "InvalidSecurity") {
    return UnauthenticatedError(
        "S3 at {} rejected the credentials from {} ({}) for {} {}: check the access key id, "
        "secret access key and session token, and the region ({})",
        endpoint_, credentials_.source, detail, call.method, where, options_.region);
  }
  if (code == "RequestTimeTooSkewed") {
    return UnauthenticatedError(
        "S3 at {} refused the request signature because this machine's clock is off ({}); "
        "synchronise the system clock (NTP)",
        endpoint_, detail);
  }
  if (code == "NoSuchBucket") {
    return NotFoundError(
        "bucket '{}' does not exist at {} ({}): create it (e.g. `aws s3 mb s3://{}`) or fix the "
        "bucket name in the store URL",
        bucket_, endpoint_, detail, bucket_);
  }
  if (code == "PermanentRedirect" || code == "IllegalLocationConstraintException" ||
      status == 301 || status == 307) {
    std::string region = response.Header("x-amz-bucket-region");
    return FailedPreconditionError(
        "bucket '{}' is not served by {} in region {} ({}): set the store's region{}", bucket_,
        endpoint_, options_.region, detail, region.empty() ? "" : " to " + region);
  }
  if (status == 403 && code.empty()) {
    // HEAD answers carry no body, so a bad signature and a missing grant look the same.
    return PermissionDeniedError(
        "access denied to {} (HTTP 403 to {}, which gives no reason): check the access key id "
        "and secret access key, and that the credentials' policy allows {}",
        where, call.method, call.action);
  }
  if (status == 403) {
    return PermissionDeniedError(
        "access denied to {} ({}): check the credentials' policy allows {} on this bucket and "
        "prefix",
        where, detail, call.action);
  }
  if (status == 404) {
    if (code == "NoSuchUpload") {
      return NotFoundError("multipart upload for {} no longer exists ({})", where, detail);
    }
    return NotFoundError("{} does not exist", where);
  }
  if (status == 412) {
    return AlreadyExistsError("{} already exists (conditional create refused)", where);
  }
  if (status == 416) return InvalidArgumentError("range read of {} is out of range", where);
  if (status == 409) {
    return AbortedError("conflicting concurrent request on {} ({}); retry the operation", where,
                        detail);
  }
  if (status == 429 || code == "SlowDown") {
    return ResourceExhaustedError("S3 at {} is throttling requests ({}) for {} {}", endpoint_,
                                  detail, call.method, where);
  }
  if (status >= 500) {
    return UnavailableError("S3 at {} failed {} {} ({}) after {} attempts", endpoint_, call.method,
                            where, detail, options_.max_attempts);
  }
  if (status == 400) {
    return InvalidArgumentError("S3 rejected {} {} ({})", call.method, where, detail);
  }
  return FailedPreconditionError("S3 answered {} {} with {}", call.method, where, detail);
}

bool S3ObjectStore::ExistingObjectMatches(const std::string& s3_key, const std::string& etag) {
  Call head{"HEAD", s3_key, {}, {}, {}, "s3:GetObject"};
  Result<Outcome> r = Execute(head);
  if (!r.ok() || !Is2xx(r->response.status)) return false;
  return StripQuotes(r->response.Header("etag")) == etag;
}

Status S3ObjectStore::Put(std::string_view key, std::string_view data, const PutOptions& options) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  Call call{"PUT", S3Key(key), {}, {}, data, "s3:PutObject"};
  call.headers.push_back("Content-Type: " + (options.content_type.empty()
                                                 ? std::string("application/octet-stream")
                                                 : options.content_type));
  if (options.if_none_match) call.headers.push_back("If-None-Match: *");
  AddWriteHeaders(&call.headers);
  ASSIGN_OR_RETURN(Outcome outcome, Execute(call));
  if (Is2xx(outcome.response.status)) return Status::OK();
  if (outcome.response.status == 412 && options.if_none_match && outcome.ambiguous) {
    // An earlier attempt may have created the object: if it holds our bytes, it is ours.
    // (With SSE-KMS the ETag is not the MD5, so compare the bytes themselves.)
    if (options_.sse != "aws:kms" ? ExistingObjectMatches(call.s3_key, Md5Hex(data)) : [&] {
          Result<std::string> existing = Get(key);
          return existing.ok() && *existing == data;
        }()) {
      LOG_INFO("S3 create of {} was retried after an unknown outcome; the object is ours",
               DisplayKey(call.s3_key));
      return Status::OK();
    }
  }
  return ErrorFor(call, outcome.response);
}

Result<std::string> S3ObjectStore::Get(std::string_view key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  Call call{"GET", S3Key(key), {}, {}, {}, "s3:GetObject"};
  ASSIGN_OR_RETURN(Outcome outcome, Execute(call));
  if (outcome.response.status == 200) return std::move(outcome.response.body);
  return ErrorFor(call, outcome.response);
}

Result<std::string> S3ObjectStore::GetRange(std::string_view key, uint64_t offset,
                                            uint64_t length) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  auto from_head = [&]() -> Result<std::string> {
    ASSIGN_OR_RETURN(ObjectInfo info, Head(key));
    if (offset > info.size) {
      return InvalidArgumentError("range read of {} at offset {} is past its end ({} bytes)",
                                  DisplayKey(S3Key(key)), offset, info.size);
    }
    return std::string();
  };
  if (length == 0) return from_head();
  Call call{"GET", S3Key(key), {}, {}, {}, "s3:GetObject"};
  uint64_t last = length > UINT64_MAX - offset ? UINT64_MAX - 1 : offset + length - 1;
  call.headers.push_back(fmt::format("Range: bytes={}-{}", offset, last));
  ASSIGN_OR_RETURN(Outcome outcome, Execute(call));
  if (outcome.response.status == 206) return std::move(outcome.response.body);
  if (outcome.response.status == 200) {
    // The server ignored the range (allowed by HTTP): cut it out ourselves.
    const std::string& body = outcome.response.body;
    if (offset > body.size()) return from_head();
    return body.substr(offset, length);
  }
  // 416: the offset is at or past the end (also for empty objects).
  if (outcome.response.status == 416) return from_head();
  return ErrorFor(call, outcome.response);
}

Result<ObjectInfo> S3ObjectStore::Head(std::string_view key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  Call call{"HEAD", S3Key(key), {}, {}, {}, "s3:GetObject"};
  ASSIGN_OR_RETURN(Outcome outcome, Execute(call));
  const HttpResponse& r = outcome.response;
  if (r.status != 200) return ErrorFor(call, r);
  ObjectInfo info;
  info.key = std::string(key);
  ASSIGN_OR_RETURN(info.size, ParseU64(r.Header("content-length"), "Content-Length"));
  info.etag = StripQuotes(r.Header("etag"));
  Result<int64_t> mtime = ParseHttpDateMicros(r.Header("last-modified"));
  if (!mtime.ok()) return mtime.status().Context("HEAD " + DisplayKey(call.s3_key));
  info.mtime_micros = *mtime;
  return info;
}

Status S3ObjectStore::Delete(std::string_view key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  Call call{"DELETE", S3Key(key), {}, {}, {}, "s3:DeleteObject"};
  ASSIGN_OR_RETURN(Outcome outcome, Execute(call));
  if (Is2xx(outcome.response.status)) return Status::OK();
  // Deleting an absent object is success (S3 itself answers 204); a missing bucket is not.
  if (outcome.response.status == 404 &&
      outcome.response.body.find("<Code>NoSuchBucket</Code>") == std::string::npos) {
    return Status::OK();
  }
  return ErrorFor(call, outcome.response);
}

Result<ListResult> S3ObjectStore::List(std::string_view prefix, std::optional<char> delimiter) {
  RETURN_IF_ERROR(ValidateListPrefix(prefix));
  ListResult result;
  std::string token;
  for (int page = 0;; ++page) {
    Call call{"GET", "", {}, {}, {}, "s3:ListBucket"};
    call.query["list-type"] = "2";
    call.query["max-keys"] = std::to_string(options_.list_max_keys);
    call.query["prefix"] = S3Key(prefix);
    if (delimiter) call.query["delimiter"] = std::string(1, *delimiter);
    if (!token.empty()) call.query["continuation-token"] = token;
    ASSIGN_OR_RETURN(Outcome outcome, Execute(call));
    if (outcome.response.status != 200) {
      return ErrorFor(call, outcome.response).Context(fmt::format("listing {}", S3Key(prefix)));
    }
    ASSIGN_OR_RETURN_CTX(XmlElement xml, ParseXml(outcome.response.body),
                         "ListObjectsV2 answer for s3://{}/{} page {}", bucket_, S3Key(prefix),
                         page + 1);
    for (const XmlElement& child : xml.children) {
      if (child.name == "Contents") {
        std::string s3_key = child.ChildText("Key");
        if (!s3_key.starts_with(prefix_)) continue;
        ObjectInfo info;
        info.key = s3_key.substr(prefix_.size());
        ASSIGN_OR_RETURN(info.size, ParseU64(child.ChildText("Size"), "object Size in a listing"));
        info.etag = StripQuotes(child.ChildText("ETag"));
        ASSIGN_OR_RETURN(info.mtime_micros, ParseIso8601Micros(child.ChildText("LastModified")));
        result.objects.push_back(std::move(info));
      } else if (child.name == "CommonPrefixes") {
        std::string p = child.ChildText("Prefix");
        if (p.starts_with(prefix_)) result.common_prefixes.push_back(p.substr(prefix_.size()));
      }
    }
    if (xml.ChildText("IsTruncated") != "true") break;
    std::string next = xml.ChildText("NextContinuationToken");
    if (next.empty() || next == token) {
      return CorruptionError(
          "S3 listing of s3://{}/{} is truncated but gave no new continuation token (page {})",
          bucket_, S3Key(prefix), page + 1);
    }
    token = std::move(next);
  }
  // S3 already answers in UTF-8 byte order; sorting again makes the order a guarantee.
  std::sort(result.objects.begin(), result.objects.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  std::sort(result.common_prefixes.begin(), result.common_prefixes.end());
  result.common_prefixes.erase(
      std::unique(result.common_prefixes.begin(), result.common_prefixes.end()),
      result.common_prefixes.end());
  return result;
}

Result<std::unique_ptr<ObjectWriter>> S3ObjectStore::NewWriter(std::string_view key,
                                                               const PutOptions& options) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  return std::unique_ptr<ObjectWriter>(
      std::make_unique<S3ObjectWriter>(this, std::string(key), options));
}

Status S3ObjectStore::CreateBucket() {
  std::string body;
  if (options_.region != "us-east-1") {
    body = "<CreateBucketConfiguration><LocationConstraint>" + XmlEscape(options_.region) +
           "</LocationConstraint></CreateBucketConfiguration>";
  }
  Call call{"PUT", "", {}, {"Content-Type: application/xml"}, body, "s3:CreateBucket"};
  ASSIGN_OR_RETURN(Outcome outcome, Execute(call));
  if (Is2xx(outcome.response.status)) return Status::OK();
  if (outcome.response.body.find("BucketAlreadyOwnedByYou") != std::string::npos) {
    return Status::OK();
  }
  return ErrorFor(call, outcome.response).Context("creating bucket " + bucket_);
}

Result<std::vector<std::string>> S3ObjectStore::ListPendingUploads(std::string_view key_prefix) {
  std::vector<std::string> keys;
  std::string key_marker, upload_marker;
  while (true) {
    Call call{"GET", "", {}, {}, {}, "s3:ListBucketMultipartUploads"};
    call.query["uploads"] = "";
    call.query["prefix"] = S3Key(key_prefix);
    if (!key_marker.empty()) call.query["key-marker"] = key_marker;
    if (!upload_marker.empty()) call.query["upload-id-marker"] = upload_marker;
    ASSIGN_OR_RETURN(Outcome outcome, Execute(call));
    if (outcome.response.status != 200) return ErrorFor(call, outcome.response);
    ASSIGN_OR_RETURN(XmlElement xml, ParseXml(outcome.response.body));
    for (const XmlElement& child : xml.children) {
      if (child.name != "Upload") continue;
      std::string s3_key = child.ChildText("Key");
      if (s3_key.starts_with(prefix_)) keys.push_back(s3_key.substr(prefix_.size()));
    }
    if (xml.ChildText("IsTruncated") != "true") break;
    key_marker = xml.ChildText("NextKeyMarker");
    upload_marker = xml.ChildText("NextUploadIdMarker");
    if (key_marker.empty() && upload_marker.empty()) break;
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace binlake
