#include "validate/canonical.h"

#include <gtest/gtest.h>

namespace binlake::validate {
namespace {

TableSchemaPtr Orders() {
  auto t = std::make_shared<TableSchema>();
  t->database = "shop";
  t->table = "orders";
  Column id;
  id.name = "id";
  id.type = LogicalType::kInt64;
  id.nullable = false;
  Column note;
  note.name = "note";
  note.type = LogicalType::kString;
  Column amount;
  amount.name = "amount";
  amount.type = LogicalType::kDecimal;
  amount.precision = 10;
  amount.scale = 2;
  t->columns = {id, note, amount};
  t->key_columns = {0};
  return t;
}

std::vector<CanonicalRow> Convert(Canonicalizer* c, std::vector<Row> rows) {
  std::vector<CanonicalRow> out;
  EXPECT_TRUE(c->Convert(&rows, &out).ok());
  return out;
}

TEST(CanonicalTest, EqualRowsGiveEqualBytesAndDifferencesNameTheirColumns) {
  OutputConfig output;
  output.format = OutputFormat::kParquet;
  auto c = *Canonicalizer::ForChangeLog(Orders(), output);
  std::vector<CanonicalRow> a =
      Convert(c.get(), {{Value::Int(7), Value::String("caf\u00e9"), Value::Decimal("12.50")},
                        {Value::Int(8), Value::Null(), Value::Decimal("-0.01")}});
  std::vector<CanonicalRow> b =
      Convert(c.get(), {{Value::Int(7), Value::String("caf\u00e9"), Value::Decimal("12.50")},
                        {Value::Int(8), Value::String(""), Value::Decimal("-0.01")}});
  ASSERT_EQ(a.size(), 2u);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(a[0].key, b[0].key);
  EXPECT_EQ(a[0].row, b[0].row);
  EXPECT_NE(a[0].key, a[1].key);
  EXPECT_EQ(a[1].key, b[1].key);
  // NULL and the empty string differ, in the note column only.
  EXPECT_EQ(DifferingColumns(a[1].row, b[1].row), std::vector<size_t>{1});
  EXPECT_EQ(c->DisplayKey(a[1].key), "(id=8)");
  std::vector<CanonicalField> amount;
  ASSERT_TRUE(SplitCanonical(a[1].row, &amount));
  EXPECT_EQ(c->Display(2, amount[2]), "-0.01");
  std::vector<CanonicalField> f;
  ASSERT_TRUE(SplitCanonical(a[0].row, &f));
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(DisplayField(f[1]), "'caf\u00e9'");
  EXPECT_EQ(DisplayField(CanonicalField{'N', {}}), "NULL");
}

TEST(CanonicalTest, AColumnALakeFileLacksMatchesAnything) {
  std::string with, without;
  // id 'V' 8 bytes, note absent / present.
  auto field = [](std::string* out, char tag, std::string_view v) {
    out->push_back(tag);
    if (tag != 'V') return;
    uint32_t n = static_cast<uint32_t>(v.size());
    out->append(reinterpret_cast<const char*>(&n), 4);
    out->append(v);
  };
  field(&with, 'V', "abcd");
  field(&with, 'V', "x");
  field(&without, 'V', "abcd");
  field(&without, 'A', "");
  EXPECT_TRUE(DifferingColumns(with, without).empty());
  std::string other;
  field(&other, 'V', "abce");
  field(&other, 'N', "");
  EXPECT_EQ(DifferingColumns(with, other), (std::vector<size_t>{0, 1}));
  EXPECT_EQ(DisplayField(CanonicalField{'V', "abcd"}), "'abcd'");
  EXPECT_EQ(DisplayField(CanonicalField{'V', std::string_view("\x01\xff", 2)}), "0x01ff");
  std::vector<CanonicalField> f;
  EXPECT_FALSE(SplitCanonical(std::string("V\x09\0\0\0ab", 7), &f));
}

TEST(CanonicalTest, IcebergRowsReadTheirColumnsByFieldId) {
  auto c = *Canonicalizer::ForIceberg(Orders(), {{"id", 1}, {"note", 2}, {"amount", 3}}, "");
  std::vector<CanonicalRow> a =
      Convert(c.get(), {{Value::Int(1), Value::String("a"), Value::Decimal("1.00")}});
  std::vector<CanonicalRow> b =
      Convert(c.get(), {{Value::Int(1), Value::String("a"), Value::Decimal("1.01")}});
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].key, b[0].key);
  EXPECT_EQ(DifferingColumns(a[0].row, b[0].row), std::vector<size_t>{2});
}

// Reads a lake file's text (as the change log would hold it) into canonical rows with ops.
std::vector<std::pair<char, CanonicalRow>> Read(Canonicalizer* c, std::string_view text,
                                                bool load = false) {
  std::vector<std::pair<char, CanonicalRow>> out;
  Status s = c->ReadFile(
      text, "test", {},
      [&](char op, CanonicalRow&& row) {
        out.emplace_back(op, std::move(row));
        return Status::OK();
      },
      load);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

TEST(CanonicalTest, CsvFieldsCompareAsTheirTextNullAndQuotesKept) {
  OutputConfig output;
  output.format = OutputFormat::kCsv;
  output.csv_delimiter = ";";
  output.timestamp_column_name = "ts";
  auto c = *Canonicalizer::ForChangeLog(Orders(), output);
  std::vector<CanonicalRow> source =
      Convert(c.get(), {{Value::Int(7), Value::String("a;b \"q\""), Value::Decimal("12.50")},
                        {Value::Int(8), Value::String(""), Value::Null()}});
  ASSERT_EQ(source.size(), 2u);
  // CDC rows: Op, the timestamp column, then the table's columns.
  auto lake = Read(c.get(),
                   "U;2026-12-04 10:00:00.000000;7;\"a;b \"\"q\"\"\";12.50\n"
                   "D;2026-12-04 10:00:01.000000;8;\"\";\n");
  ASSERT_EQ(lake.size(), 2u);
  EXPECT_EQ(lake[0].first, 'U');
  EXPECT_EQ(lake[1].first, 'D');
  EXPECT_EQ(lake[0].second.key, source[0].key);
  EXPECT_EQ(lake[0].second.row, source[0].row);
  EXPECT_EQ(lake[1].second.row, source[1].row);  // "" is the empty string, nothing is NULL
  // A LOAD file has no Op column (include_op_for_full_load false), only the timestamp.
  auto load = Read(c.get(), "2026-12-04 09:00:00.000000;8;x;\n", true);
  ASSERT_EQ(load.size(), 1u);
  EXPECT_EQ(load[0].first, 'I');
  EXPECT_EQ(DifferingColumns(load[0].second.row, source[1].row), std::vector<size_t>{1});
}

TEST(CanonicalTest, JsonLinesValuesCompareAsJson) {
  OutputConfig output;
  output.format = OutputFormat::kJsonl;
  auto c = *Canonicalizer::ForChangeLog(Orders(), output);
  std::vector<CanonicalRow> source =
      Convert(c.get(), {{Value::Int(7), Value::String("caf\u00e9"), Value::Decimal("12.50")}});
  auto lake = Read(c.get(),
                   "{\"op\":\"I\",\"schema\":\"shop\",\"data\":{\"id\":7,\"note\":\"caf\u00e9\","
                   "\"amount\":\"12.50\"}}\n"
                   "{\"op\":\"D\",\"data\":{\"id\":7,\"note\":null,\"amount\":\"12.50\"}}\n");
  ASSERT_EQ(lake.size(), 2u);
  EXPECT_EQ(lake[0].second.key, source[0].key);
  EXPECT_EQ(lake[1].first, 'D');
  EXPECT_EQ(DifferingColumns(lake[1].second.row, source[0].row), std::vector<size_t>{1});
}

}  // namespace
}  // namespace binlake::validate
