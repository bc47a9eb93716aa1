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

}  // namespace
}  // namespace binlake::validate
