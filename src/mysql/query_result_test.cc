#include "mysql/query_result.h"

#include <gtest/gtest.h>

#include "common/byte_reader.h"

namespace binlake {
namespace {

TEST(QueryResultTest, ParsesTextRowWithNullsEmptyAndLongValues) {
  std::string big(300, 'x');
  big[0] = '\xfb';  // a value byte equal to the NULL marker must stay data
  std::string payload;
  AppendLengthEncodedString(&payload, "42");
  payload.push_back('\xfb');  // NULL
  AppendLengthEncodedString(&payload, "");
  AppendLengthEncodedString(&payload, big);
  AppendLengthEncodedString(&payload, std::string("a\0b", 3));
  TextRowView row;
  ASSERT_TRUE(ParseTextRow(payload, 5, &row).ok());
  ASSERT_EQ(row.size(), 5u);
  EXPECT_EQ(row[0], std::optional<std::string_view>("42"));
  EXPECT_EQ(row[1], std::nullopt);
  EXPECT_EQ(row[2], std::optional<std::string_view>(""));
  EXPECT_EQ(row[3], std::optional<std::string_view>(big));
  EXPECT_EQ(row[4], std::optional<std::string_view>(std::string_view("a\0b", 3)));
}

TEST(QueryResultTest, ParsesThreeAndEightByteLengths) {
  std::string v3(70000, 'y');
  std::string payload;
  AppendLengthEncodedString(&payload, v3);
  ASSERT_EQ(static_cast<uint8_t>(payload[0]), 0xfd);
  std::string p8 = "\xfe";
  AppendLE(&p8, 3, 8);
  p8 += "abc";
  TextRowView row;
  ASSERT_TRUE(ParseTextRow(payload, 1, &row).ok());
  EXPECT_EQ(row[0]->size(), 70000u);
  ASSERT_TRUE(ParseTextRow(p8, 1, &row).ok());
  EXPECT_EQ(row[0], std::optional<std::string_view>("abc"));
}

TEST(QueryResultTest, RowShapeErrorsAreCorruption) {
  std::string payload;
  AppendLengthEncodedString(&payload, "1");
  TextRowView row;
  Status fewer = ParseTextRow(payload, 2, &row);
  EXPECT_EQ(fewer.code(), StatusCode::kCorruption);
  EXPECT_EQ(fewer.message(), "result row has 1 values where 2 columns were announced");
  EXPECT_EQ(ParseTextRow(payload + "x", 1, &row).code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseTextRow("\x05"
                         "ab",
                         1, &row)
                .code(),
            StatusCode::kCorruption);
  EXPECT_EQ(ParseTextRow("\xfc\x01", 1, &row).code(), StatusCode::kCorruption);
}

TEST(QueryResultTest, ParsesColumnDefinition) {
  std::string p;
  for (std::string_view s : {"def", "shop", "o", "orders", "total", "amount"}) {
    AppendLengthEncodedString(&p, s);
  }
  p.push_back(0x0c);
  AppendLE(&p, 63, 2);
  AppendLE(&p, 12, 4);
  p.push_back(static_cast<char>(246));  // NEWDECIMAL
  AppendLE(&p, 0x1001, 2);
  p.push_back(2);
  p.append(2, '\0');
  Result<ColumnInfo> c = ColumnInfo::Parse(p);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->schema, "shop");
  EXPECT_EQ(c->table, "o");
  EXPECT_EQ(c->org_table, "orders");
  EXPECT_EQ(c->name, "total");
  EXPECT_EQ(c->org_name, "amount");
  EXPECT_EQ(c->collation_id, 63);
  EXPECT_EQ(c->length, 12u);
  EXPECT_EQ(c->type, 246);
  EXPECT_EQ(c->flags, 0x1001);
  EXPECT_EQ(c->decimals, 2);
  EXPECT_EQ(ColumnInfo::Parse(p.substr(0, 20)).status().code(), StatusCode::kCorruption);

  QueryResult r;
  r.columns = {*c};
  EXPECT_EQ(r.ColumnIndex("total"), 0);
  EXPECT_EQ(r.ColumnIndex("amount"), -1);
}

}  // namespace
}  // namespace binlake
