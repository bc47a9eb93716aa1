// How the S3 backend treats failures a real server produces only by chance: throttling,
// 5xx, connections dropped after the request arrived (unknown outcome), late completion
// errors. A scripted HTTP server plays the server's side; the clock is manual, so backoff
// never sleeps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/s3_object_store.h"
#include "storage/scripted_http_server.h"
#include "storage/storage_util.h"

namespace binlake {
namespace {

using testing::ScriptedHttpServer;
using testing::ScriptedResponse;

constexpr char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

ScriptedResponse Ok(std::vector<std::string> headers = {}, std::string body = "") {
  return ScriptedResponse{200, std::move(headers), std::move(body), false};
}
ScriptedResponse Error(int status, std::string_view code) {
  return ScriptedResponse{
      status,
      {"Content-Type: application/xml"},
      fmt::format("<?xml version=\"1.0\"?><Error><Code>{}</Code><Message>m</Message></Error>",
                  code),
      false};
}
ScriptedResponse Drop() { return ScriptedResponse{0, {}, "", true}; }

class S3RetryTest : public ::testing::Test {
 protected:
  std::unique_ptr<S3ObjectStore> Open(int max_attempts = 4) {
    S3Options o;
    return Open(o, max_attempts);
  }
  std::unique_ptr<S3ObjectStore> Open(S3Options o, int max_attempts) {
    o.endpoint = server_.endpoint();
    o.access_key_id = "AKID";
    o.secret_access_key = "secret";
    o.region = "us-east-1";
    o.max_attempts = max_attempts;
    o.part_size = 5 << 20;
    Result<std::unique_ptr<S3ObjectStore>> s = S3ObjectStore::Open("bkt", "pre", o, &clock_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return std::move(*s);
  }
  std::vector<std::string> Lines() {
    std::vector<std::string> out;
    for (const auto& r : server_.requests()) out.push_back(r.method + " " + r.target);
    return out;
  }

  ScriptedHttpServer server_;
  ManualClock clock_{0};
};

TEST_F(S3RetryTest, PutIsSignedWithPayloadHashAndHeaders) {
  server_.Add(Ok({"ETag: \"x\""}));
  std::unique_ptr<S3ObjectStore> s = Open();
  PutOptions o = PutOptions::CreateOnly();
  o.content_type = "text/csv";
  ASSERT_TRUE(s->Put("a b/c=d", "hello", o).ok());
  std::vector<testing::ReceivedRequest> r = server_.requests();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].method, "PUT");
  EXPECT_EQ(r[0].target, "/bkt/pre/a%20b/c%3Dd");
  EXPECT_EQ(r[0].body, "hello");
  EXPECT_EQ(r[0].Header("x-amz-content-sha256"), Sha256Hex("hello"));
  EXPECT_EQ(r[0].Header("Content-Type"), "text/csv");
  EXPECT_EQ(r[0].Header("If-None-Match"), "*");
  EXPECT_TRUE(r[0].Header("Authorization").starts_with("AWS4-HMAC-SHA256 Credential=AKID/"))
      << r[0].Header("Authorization");
  EXPECT_NE(r[0].Header("Authorization").find("/us-east-1/s3/aws4_request"), std::string::npos);
}

TEST_F(S3RetryTest, CannedAclOnCreationAndExpectedOwnerOnEveryRequest) {
  server_.Add(Ok());
  server_.Add(Ok({},
                 "<InitiateMultipartUploadResult><UploadId>u</UploadId>"
                 "</InitiateMultipartUploadResult>"));
  server_.Add(Ok({"ETag: \"p1\""}));                  // part 1
  server_.Add(ScriptedResponse{204, {}, "", false});  // abort
  S3Options o;
  o.canned_acl = "bucket-owner-full-control";
  o.expected_bucket_owner = "123456789012";
  std::unique_ptr<S3ObjectStore> s = Open(o, 4);
  ASSERT_TRUE(s->Put("k", "v").ok());
  Result<std::unique_ptr<ObjectWriter>> w = s->NewWriter("big");
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(std::string(5 << 20, 'x')).ok());
  ASSERT_TRUE((*w)->Abort().ok());
  std::vector<testing::ReceivedRequest> r = server_.requests();
  ASSERT_EQ(r.size(), 4u);
  for (int i : {0, 1}) EXPECT_EQ(r[i].Header("x-amz-acl"), "bucket-owner-full-control") << i;
  for (int i : {2, 3}) EXPECT_EQ(r[i].Header("x-amz-acl"), "") << i;
  for (int i : {0, 1, 2, 3})
    EXPECT_EQ(r[i].Header("x-amz-expected-bucket-owner"), "123456789012") << i;
  EXPECT_NE(r[0].Header("Authorization").find("x-amz-expected-bucket-owner"), std::string::npos)
      << "signed: " << r[0].Header("Authorization");
}

TEST_F(S3RetryTest, EncryptionAndSessionTokenHeaders) {
  server_.Add(Ok());
  server_.Add(Ok({},
                 "<InitiateMultipartUploadResult><UploadId>u</UploadId>"
                 "</InitiateMultipartUploadResult>"));
  server_.Add(Ok({"ETag: \"p1\""}));                  // part 1
  server_.Add(ScriptedResponse{204, {}, "", false});  // abort
  S3Options o;
  o.sse = "aws:kms";
  o.sse_kms_key_id = "arn:aws:kms:us-east-1:1:key/k";
  o.session_token = "tok";
  std::unique_ptr<S3ObjectStore> s = Open(o, 4);
  ASSERT_TRUE(s->Put("k", "v").ok());
  Result<std::unique_ptr<ObjectWriter>> w = s->NewWriter("big");
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(std::string(5 << 20, 'x')).ok());
  ASSERT_TRUE((*w)->Abort().ok());
  std::vector<testing::ReceivedRequest> r = server_.requests();
  ASSERT_EQ(r.size(), 4u);
  // Encryption is chosen when the object is created, never on parts.
  EXPECT_EQ(r[2].Header("x-amz-server-side-encryption"), "");
  for (int i : {0, 1, 2, 3}) EXPECT_EQ(r[i].Header("x-amz-security-token"), "tok") << i;
  for (int i : {0, 1}) {
    EXPECT_EQ(r[i].Header("x-amz-server-side-encryption"), "aws:kms") << i;
    EXPECT_EQ(r[i].Header("x-amz-server-side-encryption-aws-kms-key-id"),
              "arn:aws:kms:us-east-1:1:key/k")
        << i;
  }
  EXPECT_NE(r[0].Header("Authorization").find("x-amz-security-token"), std::string::npos)
      << "the token must be signed: " << r[0].Header("Authorization");
}

TEST_F(S3RetryTest, ThrottlingAndServerErrorsAreRetried) {
  server_.Add(Error(503, "SlowDown"));
  server_.Add(Error(500, "InternalError"));
  server_.Add(Ok({}, "the bytes"));
  std::unique_ptr<S3ObjectStore> s = Open();
  Result<std::string> got = s->Get("k");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "the bytes");
  EXPECT_THAT(Lines(),
              ::testing::ElementsAre("GET /bkt/pre/k", "GET /bkt/pre/k", "GET /bkt/pre/k"));
}

TEST_F(S3RetryTest, PersistentServerErrorGivesUpAfterMaxAttempts) {
  for (int i = 0; i < 3; ++i) server_.Add(Error(503, "SlowDown"));
  std::unique_ptr<S3ObjectStore> s = Open(3);
  Status st = s->Put("k", "v");
  EXPECT_EQ(st.code(), StatusCode::kResourceExhausted) << st.ToString();
  EXPECT_NE(st.message().find("throttling"), std::string::npos) << st.message();
  EXPECT_EQ(server_.requests().size(), 3u);
}

TEST_F(S3RetryTest, ClientErrorsAreNotRetried) {
  server_.Add(Error(403, "AccessDenied"));
  server_.Add(Error(400, "InvalidArgument"));
  std::unique_ptr<S3ObjectStore> s = Open();
  Status denied = s->Put("k", "v");
  EXPECT_EQ(denied.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(denied.message(),
            "access denied to s3://bkt/pre/k (HTTP 403 AccessDenied: m): check the credentials' "
            "policy allows s3:PutObject on this bucket and prefix");
  EXPECT_EQ(s->Delete("k").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(server_.requests().size(), 2u);
}

TEST_F(S3RetryTest, AmbiguousCreateThatLandedIsRecognisedAsOurs) {
  // The first PUT arrives and is stored, but the answer is lost; the retry finds the object.
  server_.Add(Drop());
  server_.Add(Error(412, "PreconditionFailed"));
  server_.Add(Ok({"ETag: \"" + Md5Hex("payload") + "\"", "Content-Length: 7",
                  "Last-Modified: Sun, 22 Nov 2026 17:25:39 GMT"}));
  std::unique_ptr<S3ObjectStore> s = Open();
  Status st = s->Put("ckpt", "payload", PutOptions::CreateOnly());
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_THAT(Lines(), ::testing::ElementsAre("PUT /bkt/pre/ckpt", "PUT /bkt/pre/ckpt",
                                              "HEAD /bkt/pre/ckpt"));
}

TEST_F(S3RetryTest, AmbiguousCreateRefusedWhenTheObjectIsSomeoneElses) {
  server_.Add(Drop());
  server_.Add(Error(412, "PreconditionFailed"));
  server_.Add(Ok({"ETag: \"" + Md5Hex("other bytes") + "\"", "Content-Length: 11",
                  "Last-Modified: Sun, 22 Nov 2026 17:25:39 GMT"}));
  std::unique_ptr<S3ObjectStore> s = Open();
  Status st = s->Put("ckpt", "payload", PutOptions::CreateOnly());
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists) << st.ToString();
  EXPECT_EQ(st.message(), "s3://bkt/pre/ckpt already exists (conditional create refused)");
}

TEST_F(S3RetryTest, WriteWithoutAnyAnswerIsReportedAsMaybeApplied) {
  for (int i = 0; i < 2; ++i) server_.Add(Drop());
  std::unique_ptr<S3ObjectStore> s = Open(2);
  Status st = s->Delete("k");
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_NE(
      st.message().find("no answer from S3 endpoint " + server_.endpoint() + " after 2 attempts"),
      std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("may or may not have taken effect"), std::string::npos);
  EXPECT_EQ(server_.requests().size(), 2u);
}

TEST_F(S3RetryTest, RefusedCreateWithoutAmbiguityDoesNotLook) {
  server_.Add(Error(412, "PreconditionFailed"));
  std::unique_ptr<S3ObjectStore> s = Open();
  EXPECT_EQ(s->Put("ckpt", "payload", PutOptions::CreateOnly()).code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(Lines(), ::testing::ElementsAre("PUT /bkt/pre/ckpt"));
}

TEST_F(S3RetryTest, MultipartUploadSequenceAndLateCompletionError) {
  const std::string upload =
      "<InitiateMultipartUploadResult><UploadId>up/1+2</UploadId></InitiateMultipartUploadResult>";
  server_.Add(Ok({}, upload));                                       // CreateMultipartUpload
  server_.Add(Ok({"ETag: \"e1\""}));                                 // part 1
  server_.Add(Ok({"ETag: \"e2\""}));                                 // part 2
  server_.Add(Ok({}, "<Error><Code>InternalError</Code></Error>"));  // 200 with an error
  server_.Add(Ok({}, "<CompleteMultipartUploadResult/>"));
  std::unique_ptr<S3ObjectStore> s = Open();
  Result<std::unique_ptr<ObjectWriter>> w = s->NewWriter("big");
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(std::string((5 << 20) + 3, 'a')).ok());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_THAT(Lines(), ::testing::ElementsAre("POST /bkt/pre/big?uploads=",
                                              "PUT /bkt/pre/big?partNumber=1&uploadId=up%2F1%2B2",
                                              "PUT /bkt/pre/big?partNumber=2&uploadId=up%2F1%2B2",
                                              "POST /bkt/pre/big?uploadId=up%2F1%2B2",
                                              "POST /bkt/pre/big?uploadId=up%2F1%2B2"));
  std::vector<testing::ReceivedRequest> r = server_.requests();
  EXPECT_EQ(r[1].body.size(), 5u << 20);
  EXPECT_EQ(r[2].body, "aaa");
  EXPECT_EQ(r[0].Header("x-amz-content-sha256"), kEmptySha256);
  EXPECT_EQ(r[3].body,
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag>"
            "</Part><Part><PartNumber>2</PartNumber><ETag>&quot;e2&quot;</ETag></Part>"
            "</CompleteMultipartUpload>");
}

TEST_F(S3RetryTest, FailedPartAbortsTheUpload) {
  server_.Add(Ok({},
                 "<InitiateMultipartUploadResult><UploadId>u9</UploadId>"
                 "</InitiateMultipartUploadResult>"));
  server_.Add(Error(400, "InvalidDigest"));           // part 1 refused
  server_.Add(ScriptedResponse{204, {}, "", false});  // abort
  std::unique_ptr<S3ObjectStore> s = Open();
  Result<std::unique_ptr<ObjectWriter>> w = s->NewWriter("big");
  ASSERT_TRUE(w.ok());
  Status st = (*w)->Write(std::string(5 << 20, 'a'));
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  EXPECT_NE(st.message().find("uploading part 1"), std::string::npos) << st.message();
  EXPECT_TRUE((*w)->Abort().ok());
  EXPECT_THAT(Lines(), ::testing::ElementsAre("POST /bkt/pre/big?uploads=",
                                              "PUT /bkt/pre/big?partNumber=1&uploadId=u9",
                                              "DELETE /bkt/pre/big?uploadId=u9"));
}

TEST_F(S3RetryTest, ListFollowsContinuationTokensAndDecodesKeys) {
  server_.Add(Ok({},
                 "<ListBucketResult><IsTruncated>true</IsTruncated>"
                 "<Contents><Key>pre/a&amp;b</Key><Size>1</Size><ETag>&quot;e&quot;</ETag>"
                 "<LastModified>2026-11-22T17:25:39.000Z</LastModified></Contents>"
                 "<NextContinuationToken>t/1=</NextContinuationToken></ListBucketResult>"));
  server_.Add(Ok({},
                 "<ListBucketResult><IsTruncated>false</IsTruncated>"
                 "<Contents><Key>pre/c</Key><Size>22</Size><ETag>&quot;f&quot;</ETag>"
                 "<LastModified>2026-11-22T17:25:40.000Z</LastModified></Contents>"
                 "</ListBucketResult>"));
  std::unique_ptr<S3ObjectStore> s = Open();
  Result<ListResult> list = s->List("");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->objects.size(), 2u);
  EXPECT_EQ(list->objects[0].key, "a&b");
  EXPECT_EQ(list->objects[0].etag, "e");
  EXPECT_EQ(list->objects[0].mtime_micros, 1795368339000000);
  EXPECT_EQ(list->objects[1].key, "c");
  EXPECT_EQ(list->objects[1].size, 22u);
  EXPECT_THAT(Lines(),
              ::testing::ElementsAre("GET /bkt?list-type=2&max-keys=1000&prefix=pre%2F",
                                     "GET /bkt?continuation-token=t%2F1%3D&list-type=2&max-keys="
                                     "1000&prefix=pre%2F"));
}

}  // namespace
}  // namespace binlake
