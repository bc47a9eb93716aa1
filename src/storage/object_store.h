#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/output_stream.h"
#include "common/result.h"
#include "common/status.h"

namespace binlake {

// Options for creating an object (Put, NewWriter).
struct PutOptions {
  // Atomic create: the write succeeds only if no object exists under the key, otherwise it
  // fails with kAlreadyExists and the existing object is untouched. Callers use this to make
  // a write idempotent: a retried create either lands or finds its own earlier copy.
  bool if_none_match = false;
  // MIME type recorded with the object where the backend keeps one (S3); empty means
  // "application/octet-stream".
  std::string content_type;

  // Options for an atomic create: if_none_match set.
  static PutOptions CreateOnly() {
    PutOptions o;
    o.if_none_match = true;
    return o;
  }
};

// What Head and List report about one object.
struct ObjectInfo {
  std::string key;  // relative to the store's root, as passed to Put
  uint64_t size = 0;
  // Opaque version tag: changes whenever the object is replaced with other bytes. Only
  // comparable with etags from the same backend. For S3 it is the ETag without quotes.
  std::string etag;
  int64_t mtime_micros = 0;  // last modification, microseconds since the Unix epoch, UTC
};

// The answer of List.
struct ListResult {
  std::vector<ObjectInfo> objects;  // sorted by key (bytewise)
  // With a delimiter: each distinct "prefix + ... + delimiter" that groups deeper keys,
  // sorted bytewise, each listed once. Empty without a delimiter.
  std::vector<std::string> common_prefixes;
};

// An object being written sequentially. Bytes written are invisible to readers until
// Close() succeeds; then the whole object appears at once (all or nothing). Abort() throws
// the bytes away (for S3 it aborts the multipart upload so no parts are billed). Destroying
// a writer that was neither closed nor aborted aborts it.
//
// Not thread-safe: one thread writes, then closes or aborts.
class ObjectWriter : public OutputStream {
 public:
  // Makes the object visible under its key. With PutOptions::if_none_match, fails with
  // kAlreadyExists when another object appeared under the key meanwhile (nothing is
  // written then). After Close, whatever it returned, the writer accepts no more calls
  // except Abort (a no-op after a successful Close).
  // The outcome of a failed Close may be ambiguous, as for Put (see ObjectStore).
  virtual Status Close() = 0;
  // Discards everything written. Idempotent. REQUIRES: Close() has not succeeded.
  virtual Status Abort() = 0;
};

// ObjectStore: a flat namespace of immutable-once-written objects under '/'-separated keys,
// rooted at a directory, an S3 bucket + prefix, or memory. Every stage that writes output
// talks to storage only through this interface; it knows no file format.
//
// Keys are relative paths: non-empty UTF-8, at most 1024 bytes, no leading or trailing '/',
// no empty, "." or ".." segments, no NUL or other control characters, and no segment
// starting with ".binlake-tmp" (reserved for the local backend's temporary files). Every
// method validates its key and answers kInvalidArgument naming the key and the rule.
//
// Errors: kNotFound (no such object, or no such bucket), kAlreadyExists (conditional create
// refused), kPermissionDenied, kUnauthenticated, kInvalidArgument; transient trouble after
// the backend's own retries as kUnavailable / kDeadlineExceeded / kResourceExhausted.
//
// Ambiguous outcomes: a write that failed with kUnavailable or kDeadlineExceeded may still
// have taken effect (the request reached the server, the answer was lost). Writes are
// designed to be retried: a plain Put replaces the object with the same bytes; a create
// with if_none_match that finds an object answers kAlreadyExists, and the S3 backend,
// which retries internally, recognises its own earlier copy (same MD5) and reports success.
// Callers who retry a conditional create themselves after an ambiguous failure should treat
// kAlreadyExists as "check whether the existing object is mine" (Get or Head and compare).
//
// Consistency: after a write returns OK, Get, Head and List from any thread or process
// see it (read-after-write, as S3 and POSIX give).
//
// Thread-safe: all methods may be called concurrently. Writers are independent objects.
class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // Writes the whole object in one step, atomically (readers see the old object, or none,
  // or the new one, never a part).
  virtual Status Put(std::string_view key, std::string_view data,
                     const PutOptions& options = {}) = 0;

  // The whole object. kNotFound when absent.
  virtual Result<std::string> Get(std::string_view key) = 0;

  // Bytes [offset, offset + length) of the object, cut short at its end. offset == size
  // gives an empty string; offset > size is kInvalidArgument. kNotFound when absent.
  virtual Result<std::string> GetRange(std::string_view key, uint64_t offset, uint64_t length) = 0;

  // Size, etag and modification time without the bytes. kNotFound when absent.
  virtual Result<ObjectInfo> Head(std::string_view key) = 0;

  // Removes the object. Idempotent: deleting an absent key is OK.
  virtual Status Delete(std::string_view key) = 0;

  // Every object whose key starts with `prefix` (a plain string prefix, not necessarily a
  // whole segment; "" lists everything), sorted by key. With a delimiter, keys that contain
  // the delimiter after the prefix are folded into common_prefixes instead (as S3 does).
  // Pagination is internal: the result is complete.
  virtual Result<ListResult> List(std::string_view prefix,
                                  std::optional<char> delimiter = std::nullopt) = 0;

  // Starts a streaming write of `key`; see ObjectWriter. The key is validated now; with
  // if_none_match the existence check happens at Close.
  virtual Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view key,
                                                          const PutOptions& options = {}) = 0;

  // Where this store points, for messages: "file:///data/lake", "s3://bucket/prefix",
  // "memory://name".
  virtual std::string Url() const = 0;
};

// Checks a key against the rules above. kInvalidArgument naming the key and the rule.
Status ValidateObjectKey(std::string_view key);

// Checks a List prefix: like a key, but may be empty, may end with '/', and its last
// segment may be partial.
Status ValidateListPrefix(std::string_view prefix);

}  // namespace binlake
