#include "common/status.h"

#include <gtest/gtest.h>

#include "common/result.h"

namespace binlake {
namespace {

TEST(StatusTest, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_EQ(s.message(), "");
}

TEST(StatusTest, CodeAndMessage) {
  Status s = NotFoundError("table {}.{} is gone", "shop", "orders");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "table shop.orders is gone");
  EXPECT_EQ(s.ToString(), "Not found: table shop.orders is gone");
}

TEST(StatusTest, ContextChainsAndKeepsCode) {
  Status s = UnavailableError("connection refused").Context("connect to 127.0.0.1:3306");
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "connect to 127.0.0.1:3306: connection refused");
  EXPECT_TRUE(Status::OK().Context("anything").ok());
}

TEST(StatusTest, Retryable) {
  EXPECT_TRUE(UnavailableError("x").IsRetryable());
  EXPECT_TRUE(DeadlineExceededError("x").IsRetryable());
  EXPECT_TRUE(ResourceExhaustedError("x").IsRetryable());
  EXPECT_FALSE(PermissionDeniedError("x").IsRetryable());
  EXPECT_FALSE(CorruptionError("x").IsRetryable());
  EXPECT_FALSE(Status::OK().IsRetryable());
}

Result<int> Half(int v) {
  if (v % 2 != 0) return InvalidArgumentError("{} is odd", v);
  return v / 2;
}

Result<int> Quarter(int v) {
  ASSIGN_OR_RETURN(int h, Half(v));
  ASSIGN_OR_RETURN_CTX(int q, Half(h), "halving {}", h);
  return q;
}

Status CheckEven(int v) {
  RETURN_IF_ERROR(Half(v));
  RETURN_IF_ERROR_CTX(Status::OK(), "never");
  return Status::OK();
}

TEST(ResultTest, ValueAndError) {
  Result<int> r = Half(8);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 4);
  Result<int> e = Half(3);
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(e.value_or(-1), -1);
}

TEST(ResultTest, Macros) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "halving 3: 3 is odd");
  EXPECT_EQ(Quarter(3).status().message(), "3 is odd");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_FALSE(CheckEven(5).ok());
}

TEST(ResultTest, OkStatusIsABug) {
  Result<int> r = Status::OK();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

TEST(ResultTest, MoveOnlyValue) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

}  // namespace
}  // namespace binlake
