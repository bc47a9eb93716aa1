#include "storage/s3_object_writer.h"

#include <utility>

#include "common/logging.h"
#include "storage/retry_policy.h"
#include "storage/s3_object_store.h"
#include "storage/s3_xml.h"
#include "storage/storage_util.h"

namespace binlake {

S3ObjectWriter::S3ObjectWriter(S3ObjectStore* store, std::string key, PutOptions options)
    : store_(store),
      key_(std::move(key)),
      s3_key_(store_->S3Key(key_)),
      options_(std::move(options)) {}

S3ObjectWriter::~S3ObjectWriter() {
  if (!finished_) Abort().IgnoreError();
}

Status S3ObjectWriter::Write(std::string_view data) {
  if (finished_) {
    return FailedPreconditionError("write to finished object writer for {}",
                                   store_->DisplayKey(s3_key_));
  }
  const uint64_t part_size = store_->options_.part_size;
  offset_ += data.size();
  while (!data.empty()) {
    size_t take = std::min<uint64_t>(data.size(), part_size - buffer_.size());
    buffer_.append(data.substr(0, take));
    data.remove_prefix(take);
    if (buffer_.size() == part_size) {
      if (upload_id_.empty()) RETURN_IF_ERROR(StartUpload());
      RETURN_IF_ERROR(UploadPart(buffer_));
      buffer_.clear();
    }
  }
  return Status::OK();
}

Status S3ObjectWriter::StartUpload() {
  S3ObjectStore::Call call{"POST", s3_key_, {{"uploads", ""}},
                           {},     {},      "s3:PutObject (CreateMultipartUpload)"};
  call.headers.push_back("Content-Type: " + (options_.content_type.empty()
                                                 ? std::string("application/octet-stream")
                                                 : options_.content_type));
  store_->AddWriteHeaders(&call.headers);
  ASSIGN_OR_RETURN(S3ObjectStore::Outcome outcome, store_->Execute(call));
  if (outcome.response.status != 200) return store_->ErrorFor(call, outcome.response);
  ASSIGN_OR_RETURN_CTX(XmlElement xml, ParseXml(outcome.response.body),
                       "CreateMultipartUpload answer for {}", store_->DisplayKey(s3_key_));
  upload_id_ = xml.ChildText("UploadId");
  if (upload_id_.empty()) {
    return CorruptionError("CreateMultipartUpload for {} answered no UploadId",
                           store_->DisplayKey(s3_key_));
  }
  return Status::OK();
}

Status S3ObjectWriter::UploadPart(std::string_view data) {
  const int number = static_cast<int>(parts_.size()) + 1;
  if (number > 10000) {
    return ResourceExhaustedError(
        "{} needs more than 10000 multipart parts; raise the S3 part_size (now {} bytes)",
        store_->DisplayKey(s3_key_), store_->options_.part_size);
  }
  S3ObjectStore::Call call{"PUT",
                           s3_key_,
                           {{"partNumber", std::to_string(number)}, {"uploadId", upload_id_}},
                           {"Content-Type: application/octet-stream"},
                           data,
                           "s3:PutObject (UploadPart)"};
  ASSIGN_OR_RETURN(S3ObjectStore::Outcome outcome, store_->Execute(call));
  if (outcome.response.status != 200) {
    return store_->ErrorFor(call, outcome.response)
        .Context(fmt::format("uploading part {}", number));
  }
  std::string etag = outcome.response.Header("etag");
  if (etag.empty()) {
    return CorruptionError("UploadPart {} of {} answered no ETag", number,
                           store_->DisplayKey(s3_key_));
  }
  parts_.push_back(Part{number, std::move(etag), Md5Raw(data)});
  return Status::OK();
}

std::string S3ObjectWriter::ExpectedMultipartEtag() const {
  std::string all;
  for (const Part& p : parts_) all += p.md5_raw;
  return Md5Hex(all) + "-" + std::to_string(parts_.size());
}

Status S3ObjectWriter::Complete() {
  std::string body = "<CompleteMultipartUpload>";
  for (const Part& p : parts_) {
    body += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", p.number,
                        XmlEscape(p.etag));
  }
  body += "</CompleteMultipartUpload>";
  S3ObjectStore::Call call{"POST",
                           s3_key_,
                           {{"uploadId", upload_id_}},
                           {"Content-Type: application/xml"},
                           body,
                           "s3:PutObject (CompleteMultipartUpload)"};
  if (options_.if_none_match) call.headers.push_back("If-None-Match: *");
  bool ambiguous = false;
  // S3 may answer 200 with an <Error> body when completion fails late; those are retried
  // here like 5xx answers.
  for (int attempt = 1;; ++attempt) {
    ASSIGN_OR_RETURN(S3ObjectStore::Outcome outcome, store_->Execute(call));
    ambiguous = ambiguous || outcome.ambiguous;
    const HttpResponse& r = outcome.response;
    if (r.status == 200) {
      Result<XmlElement> xml = ParseXml(r.body);
      if (xml.ok() && xml->name != "Error") return Status::OK();
      ambiguous = true;
      if (attempt < store_->options_.max_attempts) {
        store_->clock_->SleepForMicros(
            FullJitterBackoffMicros(attempt, store_->options_.initial_backoff_micros,
                                    store_->options_.max_backoff_micros, RandomU64()));
        continue;
      }
      return UnavailableError("CompleteMultipartUpload of {} failed: {}",
                              store_->DisplayKey(s3_key_), r.body.substr(0, 300));
    }
    if (r.status == 404 && ambiguous && store_->options_.sse != "aws:kms" &&
        store_->ExistingObjectMatches(s3_key_, ExpectedMultipartEtag())) {
      // An earlier attempt completed the upload; the object there is ours.
      LOG_INFO(
          "S3 multipart completion of {} was retried after an unknown outcome; the object "
          "is ours",
          store_->DisplayKey(s3_key_));
      return Status::OK();
    }
    return store_->ErrorFor(call, r).Context("completing multipart upload");
  }
}

Status S3ObjectWriter::Close() {
  if (finished_) {
    return FailedPreconditionError("object writer for {} already finished",
                                   store_->DisplayKey(s3_key_));
  }
  finished_ = true;
  Status s;
  if (upload_id_.empty()) {
    s = store_->Put(key_, buffer_, options_);
  } else {
    if (!buffer_.empty()) s = UploadPart(buffer_);
    if (s.ok() && options_.if_none_match) {
      // Servers that ignore If-None-Match on completion would replace the object; checking
      // first narrows that to a race with a concurrent writer.
      Result<ObjectInfo> existing = store_->Head(key_);
      if (existing.ok()) {
        s = AlreadyExistsError("{} already exists (conditional create refused)",
                               store_->DisplayKey(s3_key_));
      } else if (existing.status().code() != StatusCode::kNotFound) {
        s = existing.status();
      }
    }
    if (s.ok()) s = Complete();
  }
  buffer_.clear();
  buffer_.shrink_to_fit();
  if (!s.ok()) {
    Abort().IgnoreError();
    return s;
  }
  upload_id_.clear();
  closed_ok_ = true;
  return s;
}

Status S3ObjectWriter::Abort() {
  finished_ = true;
  buffer_.clear();
  buffer_.shrink_to_fit();
  if (closed_ok_ || upload_id_.empty()) return Status::OK();
  S3ObjectStore::Call call{"DELETE", s3_key_, {{"uploadId", upload_id_}},
                           {},       {},      "s3:AbortMultipartUpload"};
  std::string upload_id = std::move(upload_id_);
  upload_id_.clear();
  Result<S3ObjectStore::Outcome> outcome = store_->Execute(call);
  if (!outcome.ok()) {
    LOG_WARN(
        "could not abort multipart upload {} of {}: {}; a bucket lifecycle rule "
        "(AbortIncompleteMultipartUpload) removes leftover parts",
        upload_id, store_->DisplayKey(s3_key_), outcome.status().ToString());
    return outcome.status();
  }
  const long status = outcome->response.status;
  if (status == 204 || status == 200 || status == 404) return Status::OK();
  return store_->ErrorFor(call, outcome->response).Context("aborting multipart upload");
}

}  // namespace binlake
