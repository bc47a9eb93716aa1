#include "cli/restart_budget.h"

#include <gtest/gtest.h>

namespace binlake::cli {
namespace {

const Status kDown = UnavailableError("the store is down");

TEST(RestartBudgetTest, WaitsDoubleUpToTheMaximumAndRunOut) {
  RestartBudget b(/*attempts=*/4, /*interval_ms=*/1000, /*max_interval_ms=*/3000);
  BinlogPosition at{"b.000001", 100};
  EXPECT_EQ(b.After(kDown, at), 1000);
  EXPECT_EQ(b.After(kDown, at), 2000);
  EXPECT_EQ(b.After(kDown, at), 3000);
  EXPECT_EQ(b.After(kDown, at), 3000);
  EXPECT_EQ(b.After(kDown, at), std::nullopt) << "four restarts used up";
  EXPECT_EQ(b.failures(), 4);
}

TEST(RestartBudgetTest, ProgressStartsTheCountOver) {
  RestartBudget b(2, 10, 1000);
  EXPECT_EQ(b.After(kDown, {"b.000001", 100}), 10);
  EXPECT_EQ(b.After(kDown, {"b.000001", 100}), 20);
  // The third run moved the checkpoint on before it failed.
  EXPECT_EQ(b.After(kDown, {"b.000001", 900}), 10);
  EXPECT_EQ(b.failures(), 1);
  // A run that failed before it read a checkpoint is no progress.
  EXPECT_EQ(b.After(kDown, {}), 20);
  EXPECT_EQ(b.After(kDown, {"b.000001", 900}), std::nullopt);
}

TEST(RestartBudgetTest, SuccessAndErrorsNotWorthRetryingStop) {
  RestartBudget b(-1, 10, 1000);  // no limit
  EXPECT_EQ(b.After(Status::OK(), {"b.000001", 4}), std::nullopt);
  EXPECT_EQ(b.After(FailedPreconditionError("binlog purged"), {"b.000001", 4}), std::nullopt);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(b.After(kDown, {"b.000001", 4}).has_value());
  EXPECT_EQ(b.After(kDown, {"b.000001", 4}), 1000);
}

}  // namespace
}  // namespace binlake::cli
