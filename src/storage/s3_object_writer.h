#pragma once

#include <string>
#include <vector>

#include "storage/object_store.h"

namespace binlake {

class S3ObjectStore;

// The ObjectWriter of S3ObjectStore. Buffers up to one part (S3Options::part_size); an
// object that fits is sent with one PUT at Close. A larger one starts a multipart upload
// when the first part is full, uploads each full part as it fills (one in flight, so memory
// stays at one part), and completes the upload at Close. Any failed Close aborts the upload.
//
// Not thread-safe. REQUIRES: the store outlives the writer.
class S3ObjectWriter : public ObjectWriter {
 public:
  S3ObjectWriter(S3ObjectStore* store, std::string key, PutOptions options);
  ~S3ObjectWriter() override;

  Status Write(std::string_view data) override;
  uint64_t Tell() const override { return offset_; }
  Status Close() override;
  Status Abort() override;

 private:
  struct Part {
    int number;
    std::string etag;     // as S3 returned it, quotes included
    std::string md5_raw;  // of the part's bytes, for the expected multipart ETag
  };

  Status StartUpload();
  Status UploadPart(std::string_view data);
  Status Complete();
  // "<hex md5 of the concatenated part MD5s>-<parts>": the ETag S3 gives the completed
  // object (without SSE-KMS).
  std::string ExpectedMultipartEtag() const;

  S3ObjectStore* const store_;
  const std::string key_;
  const std::string s3_key_;
  const PutOptions options_;
  std::string buffer_;
  std::string upload_id_;  // empty until the multipart upload starts
  std::vector<Part> parts_;
  uint64_t offset_ = 0;
  bool finished_ = false;  // Close or Abort was called
  bool closed_ok_ = false;
};

}  // namespace binlake
