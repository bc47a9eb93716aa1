#include "pipeline/object_layout.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

// 2026-11-22 16:45:00.123 UTC
constexpr int64_t kWindow = 1795365900123;

TEST(ObjectLayoutTest, DmsNames) {
  OutputConfig out;
  auto l = ObjectLayout::Create(out);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->CdcKey("shop", "orders", kWindow, 1), "shop/orders/20261122-164500123.csv");
  EXPECT_EQ(l->CdcKey("shop", "orders", kWindow, 2), "shop/orders/20261122-164500123-0002.csv");
  EXPECT_EQ(l->LoadKey("shop", "orders", 1), "shop/orders/LOAD00000001.csv");
  EXPECT_EQ(l->LoadKey("shop", "orders", 10), "shop/orders/LOAD0000000A.csv");
  out.format = OutputFormat::kJsonl;
  out.compression = Compression::kGzip;
  EXPECT_EQ(ObjectLayout::Create(out)->LoadKey("a", "b", 255), "a/b/LOAD000000FF.json.gz");
  out.format = OutputFormat::kParquet;
  out.compression = Compression::kZstd;
  EXPECT_EQ(ObjectLayout::Create(out)->CdcKey("a", "b", 0, 1), "a/b/19700101-000000000.parquet");
}

TEST(ObjectLayoutTest, DatePartitions) {
  OutputConfig out;
  out.date_partition_enabled = true;
  EXPECT_EQ(ObjectLayout::Create(out)->CdcKey("s", "t", kWindow, 1),
            "s/t/2026/11/22/20261122-164500123.csv");
  out.date_partition_sequence = "YYYYMMDDHH";
  out.date_partition_delimiter = "DASH";
  EXPECT_EQ(ObjectLayout::Create(out)->CdcKey("s", "t", kWindow, 1),
            "s/t/2026-11-22-16/20261122-164500123.csv");
  out.date_partition_sequence = "DDMMYYYY";
  out.date_partition_delimiter = "NONE";
  out.date_partition_timezone = "+09:00";  // 01:45 on the 23rd in Tokyo
  EXPECT_EQ(ObjectLayout::Create(out)->CdcKey("s", "t", kWindow, 1),
            "s/t/23112026/20261122-164500123.csv");
  out.date_partition_timezone = "Mars/Olympus";
  auto bad = ObjectLayout::Create(out);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("fixed offset such as +09:00"), std::string::npos);
}

TEST(ObjectLayoutTest, CdcPathMovesCdcFilesAndNamesTheStreamAsDms) {
  OutputConfig out;
  out.cdc_path = "/changes/";
  auto l = ObjectLayout::Create(out);
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_EQ(l->CdcKey("shop", "orders", kWindow, 1), "changes/shop/orders/20261122-164500123.csv");
  EXPECT_EQ(l->CdcKey("shop", "orders", kWindow, 3),
            "changes/shop/orders/20261122-164500123-0003.csv");
  EXPECT_EQ(l->LoadKey("shop", "orders", 1), "shop/orders/LOAD00000001.csv")
      << "full-load files stay in the table's folder";
  EXPECT_EQ(l->CdcPathKey(kWindow, 1), "changes/CDC_TXN-20261122164500123.csv");
  EXPECT_EQ(l->CdcPathKey(kWindow, 2), "changes/CDC_TXN-20261122164500123-0002.csv");
  out.cdc_path = "lake/cdc";
  out.format = OutputFormat::kJsonl;
  out.compression = Compression::kGzip;
  out.date_partition_enabled = true;
  l = ObjectLayout::Create(out);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->CdcPathKey(kWindow, 1), "lake/cdc/2026/11/22/CDC_TXN-20261122164500123.json.gz");
  EXPECT_EQ(l->CdcKey("s", "t", kWindow, 1), "lake/cdc/s/t/2026/11/22/20261122-164500123.json.gz");
}

TEST(ObjectLayoutTest, CdcPathMustBeAPlainFolderOutsideBinlakesRecords) {
  OutputConfig out;
  for (const char* bad : {"../up", "a/./b", "a//b", "_binlake", "_binlake/cdc"}) {
    out.cdc_path = bad;
    auto l = ObjectLayout::Create(out);
    ASSERT_FALSE(l.ok()) << bad;
    EXPECT_EQ(l.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(l.status().message().find(std::string("'") + bad), std::string::npos)
        << l.status().message();
  }
  out.cdc_path = "cdc/_binlake";  // only the top folder is binlake's
  EXPECT_TRUE(ObjectLayout::Create(out).ok());
}

TEST(ObjectLayoutTest, UtcOffsets) {
  EXPECT_EQ(*ParseUtcOffsetMs("UTC"), 0);
  EXPECT_EQ(*ParseUtcOffsetMs("-0800"), -8 * 3600 * 1000);
  EXPECT_EQ(*ParseUtcOffsetMs("+05:30"), (5 * 3600 + 30 * 60) * 1000);
  EXPECT_FALSE(ParseUtcOffsetMs("+5").ok());
  EXPECT_FALSE(ParseUtcOffsetMs("+25:00").ok());
}

}  // namespace
}  // namespace binlake
