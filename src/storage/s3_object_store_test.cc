// S3ObjectStore behaviour that needs no server: URLs, option checks, unreachable endpoints.
// The protocol itself is tested against a real S3 server in
// tests/integration/storage_s3_conformance_test.cc.
#include "storage/s3_object_store.h"

#include <gtest/gtest.h>

#include "storage/open_object_store.h"

namespace binlake {
namespace {

S3Options TestOptions() {
  S3Options o;
  o.access_key_id = "AKID";
  o.secret_access_key = "secret";
  o.region = "eu-west-1";
  return o;
}

TEST(S3ObjectStoreTest, PathStyleUrlsEncodeKeysAndSortQuery) {
  S3Options o = TestOptions();
  o.endpoint = "http://127.0.0.1:7480/";
  Result<std::unique_ptr<S3ObjectStore>> s = S3ObjectStore::Open("bkt", "lake/", o, nullptr);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->Url(), "s3://bkt/lake");
  EXPECT_EQ((*s)->RequestUrl("lake/date=2026-11-22/a b+\xC3\xA9.csv", {}),
            "http://127.0.0.1:7480/bkt/lake/date%3D2026-11-22/a%20b%2B%C3%A9.csv");
  EXPECT_EQ((*s)->RequestUrl("k", {{"uploads", ""}}), "http://127.0.0.1:7480/bkt/k?uploads=");
  EXPECT_EQ((*s)->RequestUrl("k", {{"uploadId", "2~a/b+c"}, {"partNumber", "3"}}),
            "http://127.0.0.1:7480/bkt/k?partNumber=3&uploadId=2~a%2Fb%2Bc");
  EXPECT_EQ((*s)->RequestUrl("", {{"prefix", "lake/x y"}, {"list-type", "2"}}),
            "http://127.0.0.1:7480/bkt?list-type=2&prefix=lake%2Fx%20y");
}

TEST(S3ObjectStoreTest, AwsDefaultsToVirtualHostedUrls) {
  Result<std::unique_ptr<S3ObjectStore>> s =
      S3ObjectStore::Open("my-bucket", "", TestOptions(), nullptr);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->Url(), "s3://my-bucket");
  EXPECT_EQ((*s)->RequestUrl("a/b", {}), "https://my-bucket.s3.eu-west-1.amazonaws.com/a/b");
  EXPECT_EQ((*s)->RequestUrl("", {{"list-type", "2"}}),
            "https://my-bucket.s3.eu-west-1.amazonaws.com/?list-type=2");
  S3Options o = TestOptions();
  o.path_style = true;
  s = S3ObjectStore::Open("my-bucket", "", o, nullptr);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->RequestUrl("a", {}), "https://s3.eu-west-1.amazonaws.com/my-bucket/a");
}

TEST(S3ObjectStoreTest, OpenRejectsBadOptions) {
  S3Options o = TestOptions();
  o.endpoint = "127.0.0.1:7480";
  Result<std::unique_ptr<S3ObjectStore>> s = S3ObjectStore::Open("bkt", "", o, nullptr);
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.status().message(),
            "S3 endpoint '127.0.0.1:7480' must be http://host[:port] or https://host[:port], "
            "without a path");
  o = TestOptions();
  o.part_size = 1 << 20;
  EXPECT_EQ(S3ObjectStore::Open("bkt", "", o, nullptr).status().code(),
            StatusCode::kInvalidArgument);
  o = TestOptions();
  o.sse = "aws:kms:dsse";
  EXPECT_EQ(S3ObjectStore::Open("bkt", "", o, nullptr).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(S3ObjectStore::Open("Bad_Bucket", "", TestOptions(), nullptr).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(S3ObjectStore::Open("bkt", "a/../b", TestOptions(), nullptr).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(S3ObjectStoreTest, UnreachableEndpointRetriesThroughTheClockThenFails) {
  S3Options o = TestOptions();
  o.endpoint = "http://127.0.0.1:1";  // nothing listens on port 1: refused at once
  o.max_attempts = 4;
  ManualClock clock(0);
  Result<std::unique_ptr<S3ObjectStore>> s = S3ObjectStore::Open("bkt", "", o, &clock);
  ASSERT_TRUE(s.ok());
  Status put = (*s)->Put("k", "v");
  EXPECT_EQ(put.code(), StatusCode::kUnavailable);
  EXPECT_NE(put.message().find("cannot reach S3 endpoint http://127.0.0.1:1 after 4 attempts"),
            std::string::npos)
      << put.message();
  EXPECT_EQ((*s)->Head("k").status().code(), StatusCode::kUnavailable);
  EXPECT_EQ((*s)->List("").status().code(), StatusCode::kUnavailable);
}

TEST(OpenObjectStoreTest, UrlForms) {
  Result<std::unique_ptr<ObjectStore>> mem = OpenObjectStore("memory://open-test", S3Options{});
  ASSERT_TRUE(mem.ok());
  EXPECT_EQ((*mem)->Url(), "memory://open-test");
  Result<std::unique_ptr<ObjectStore>> s3 = OpenObjectStore("s3://bkt/a/b/", TestOptions());
  ASSERT_TRUE(s3.ok()) << s3.status().ToString();
  EXPECT_EQ((*s3)->Url(), "s3://bkt/a/b");

  Result<std::unique_ptr<ObjectStore>> rel = OpenObjectStore("file://relative/dir", S3Options{});
  EXPECT_EQ(rel.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(rel.status().message().find("three slashes"), std::string::npos);
  EXPECT_EQ(OpenObjectStore("s3:///prefix", S3Options{}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenObjectStore("memory://", S3Options{}).status().code(),
            StatusCode::kInvalidArgument);
  Result<std::unique_ptr<ObjectStore>> gs = OpenObjectStore("gs://bucket", S3Options{});
  EXPECT_EQ(gs.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(gs.status().message(),
            "store URL 'gs://bucket' is not supported: use file:///absolute/path, "
            "s3://bucket/prefix or memory://name");
}

}  // namespace
}  // namespace binlake
