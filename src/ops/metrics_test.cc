#include "ops/metrics.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

TEST(MetricsTest, RendersFamiliesInPrometheusText) {
  Metrics m;
  m.Describe("binlake_rows_total", "counter", "Rows.");
  m.Set("binlake_rows_total", {{"table", "shop.orders"}, {"op", "I"}}, 3);
  m.Add("binlake_rows_total", {{"table", "shop.orders"}, {"op", "I"}}, 2);
  m.Set("binlake_rows_total", {{"table", "a\"b"}, {"op", "D"}}, 1);
  m.Describe("binlake_batch_commit_seconds", "histogram", "Commit.");
  m.Observe("binlake_batch_commit_seconds", 0.007);
  m.Observe("binlake_batch_commit_seconds", 100);
  std::string text = m.Render();
  EXPECT_NE(text.find("# TYPE binlake_rows_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("binlake_rows_total{table=\"shop.orders\",op=\"I\"} 5\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("binlake_rows_total{table=\"a\\\"b\",op=\"D\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("binlake_batch_commit_seconds_bucket{le=\"0.005\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("binlake_batch_commit_seconds_bucket{le=\"0.01\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("binlake_batch_commit_seconds_bucket{le=\"60\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("binlake_batch_commit_seconds_bucket{le=\"+Inf\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("binlake_batch_commit_seconds_count 2\n"), std::string::npos);
  EXPECT_NE(text.find("binlake_resident_memory_bytes "), std::string::npos);
}

TEST(MetricsTest, HealthFollowsSourceContact) {
  Metrics m;
  EXPECT_NE(m.Health(1'000'000), "ok");
  m.SetContactLimit(5'000'000);
  m.SourceContact(1'000'000);
  EXPECT_EQ(m.Health(5'000'000), "ok");
  EXPECT_NE(m.Health(7'000'000).find("nothing heard from the source"), std::string::npos);
  m.SourceContact(7'000'000);
  EXPECT_EQ(m.Health(7'000'001), "ok");
}

}  // namespace
}  // namespace binlake
