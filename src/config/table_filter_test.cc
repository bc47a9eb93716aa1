#include "config/table_filter.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

TEST(LikeMatchTest, Wildcards) {
  EXPECT_TRUE(LikeMatch("%", ""));
  EXPECT_TRUE(LikeMatch("%", "anything"));
  EXPECT_TRUE(LikeMatch("order%", "order_items"));
  EXPECT_TRUE(LikeMatch("order_", "orders"));
  EXPECT_FALSE(LikeMatch("order_", "order"));
  EXPECT_FALSE(LikeMatch("order_", "orderss"));
  EXPECT_TRUE(LikeMatch("%_items", "order_items"));
  EXPECT_TRUE(LikeMatch("a%b%c", "aXbYYc"));
  EXPECT_FALSE(LikeMatch("a%b%c", "aXbYY"));
  EXPECT_TRUE(LikeMatch("%%x", "x"));
  EXPECT_FALSE(LikeMatch("Shop", "shop")) << "names are case-sensitive";
}

TEST(TableFilterTest, IncludeExclude) {
  auto f = TableFilter::Create({"shop.%", "crm.customer_"}, {"shop.tmp%"});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_TRUE(f->Matches("shop", "orders"));
  EXPECT_FALSE(f->Matches("shop", "tmp_import"));
  EXPECT_TRUE(f->Matches("crm", "customers"));
  EXPECT_FALSE(f->Matches("crm", "customer"));
  EXPECT_FALSE(f->Matches("other", "orders"));
  EXPECT_TRUE(f->MayMatchSchema("shop"));
  EXPECT_FALSE(f->MayMatchSchema("other"));
}

TEST(TableFilterTest, SchemaOnlyPatternAndSystemSchemas) {
  auto f = TableFilter::Create({"%"}, {});
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->Matches("shop", "orders"));
  EXPECT_FALSE(f->Matches("mysql", "user"));
  EXPECT_FALSE(f->Matches("performance_schema", "threads"));
  EXPECT_FALSE(f->MayMatchSchema("sys"));
}

TEST(TableFilterTest, BadPatterns) {
  auto two_dots = TableFilter::Create({"a.b.c"}, {});
  ASSERT_FALSE(two_dots.ok());
  EXPECT_NE(two_dots.status().message().find("tables.include: table pattern 'a.b.c'"),
            std::string::npos)
      << two_dots.status().message();
  EXPECT_FALSE(TableFilter::Create({"shop."}, {}).ok());
  EXPECT_FALSE(TableFilter::Create({}, {""}).ok());
}

}  // namespace
}  // namespace binlake
