#include "cli/args.h"

#include <gtest/gtest.h>

namespace binlake::cli {
namespace {

const Args::Spec kSpec = {{{"--config", "config"}, {"-c", "config"}, {"--from", "from"}},
                          {"--stop-at-end"}};

TEST(ArgsTest, ValuedFlagsAndPositionals) {
  auto a = Args::Parse({"-c", "x.yaml", "--from=bin.000001:4", "--stop-at-end", "pos"}, kSpec);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->Get("config"), "x.yaml");
  EXPECT_EQ(a->Get("from"), "bin.000001:4");
  EXPECT_TRUE(a->Has("--stop-at-end"));
  EXPECT_EQ(a->positionals(), std::vector<std::string>{"pos"});
  EXPECT_FALSE(a->Get("missing").has_value());
}

TEST(ArgsTest, Errors) {
  auto unknown = Args::Parse({"--bogus"}, kSpec);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("--bogus"), std::string::npos);
  EXPECT_FALSE(Args::Parse({"--config"}, kSpec).ok());
  EXPECT_FALSE(Args::Parse({"--stop-at-end=1"}, kSpec).ok());
}

}  // namespace
}  // namespace binlake::cli
