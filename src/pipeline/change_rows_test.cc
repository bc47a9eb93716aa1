#include "pipeline/change_rows.h"

#include <gtest/gtest.h>

#include <memory>

#include "format/value_text.h"

namespace binlake {
namespace {

TableSchemaPtr OneColumnTable() {
  auto t = std::make_shared<TableSchema>();
  t->database = "shop";
  t->table = "orders";
  Column id;
  id.name = "id";
  id.type = LogicalType::kInt32;
  id.mysql_type = MysqlType::kLong;
  id.field_id = 1;
  t->columns = {id};
  t->key_columns = {0};
  return t;
}

ChangeContext Context() {
  ChangeContext ctx;
  ctx.commit_time_micros = 1'795'365'900'123'456;
  ctx.begin = {"mariadb-bin.000002", 5821};
  ctx.gtid = "0-1-512";
  return ctx;
}

// Renders every value of a built row as text, NULL as "<null>" and absent as "<absent>".
std::vector<std::string> Texts(const ChangeRowShape& shape, const Row& row) {
  std::vector<std::string> out;
  for (size_t i = 0; i < row.size(); ++i) {
    if (row[i].is_null()) {
      out.push_back("<null>");
    } else if (row[i].is_absent()) {
      out.push_back("<absent>");
    } else {
      std::string s;
      AppendValueText(row[i], shape.columns()[i], &s);
      out.push_back(s);
    }
  }
  return out;
}

TEST(ChangeRowShapeTest, JsonMetadataNamesTheTransactionsFirstEvent) {
  OutputConfig out;
  out.format = OutputFormat::kJsonl;
  out.sequence_column_name = "seq";
  ChangeRowShape shape(out, OneColumnTable());
  RowChange update{Op::kUpdate, shape.table(), {Value::Int(7)}, {Value::Int(8)}};
  Row row;
  ASSERT_TRUE(shape.Build(update, Context(), 3, &row));
  EXPECT_EQ(Texts(shape, row),
            (std::vector<std::string>{"U", "shop", "orders", "2026-11-22 16:45:00.123456",
                                      "mariadb-bin.000002:5821", "0-1-512", "<absent>",
                                      "0000020000000058210000000003", "8", "7"}));
  RowChange insert{Op::kInsert, shape.table(), {}, {Value::Int(9)}};
  ASSERT_TRUE(shape.Build(insert, Context(), 1, &row));
  EXPECT_EQ(Texts(shape, row)[4], "mariadb-bin.000002:5821");
  EXPECT_EQ(Texts(shape, row).back(), "<absent>");
}

TEST(ChangeRowShapeTest, JsonMarksSynthesisedChanges) {
  OutputConfig out;
  out.format = OutputFormat::kJsonl;
  ChangeRowShape shape(out, OneColumnTable());
  Row row;
  RowChange cascaded{Op::kDelete, shape.table(), {Value::Int(7)}, {}, ChangeOrigin::kCascade};
  ASSERT_TRUE(shape.Build(cascaded, Context(), 1, &row));
  EXPECT_EQ(Texts(shape, row)[6], "cascade");
  RowChange truncated{Op::kDelete, shape.table(), {Value::Int(7)}, {}, ChangeOrigin::kTruncate};
  ASSERT_TRUE(shape.Build(truncated, Context(), 2, &row));
  EXPECT_EQ(Texts(shape, row)[6], "truncate");
}

TEST(ChangeRowShapeTest, CsvColumnsAndDeleteBeforeImage) {
  OutputConfig out;
  out.timestamp_column_name = "ts";
  ChangeRowShape shape(out, OneColumnTable());
  ASSERT_EQ(shape.columns().size(), 3u);
  EXPECT_EQ(shape.columns()[0].name, "Op");
  EXPECT_EQ(shape.columns()[1].name, "ts");
  RowChange del{Op::kDelete, shape.table(), {Value::Int(7)}, {}};
  Row row;
  ASSERT_TRUE(shape.Build(del, Context(), 1, &row));
  EXPECT_EQ(Texts(shape, row), (std::vector<std::string>{"D", "2026-11-22 16:45:00.123456", "7"}));
  out.cdc_inserts_and_updates = true;
  EXPECT_FALSE(ChangeRowShape(out, OneColumnTable()).Build(del, Context(), 1, &row));
}

TEST(ChangeRowShapeTest, StreamRowsNameTableThenSchemaAfterOpAsDms) {
  OutputConfig out;
  out.timestamp_column_name = "ts";
  out.sequence_column_name = "seq";
  std::unique_ptr<ChangeRowShape> shape = ChangeRowShape::ForStream(out, OneColumnTable());
  std::vector<std::string> names;
  for (const Column& c : shape->columns()) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Op", "table_name", "database_schema_name", "ts",
                                             "seq", "id"}));
  RowChange update{Op::kUpdate, shape->table(), {Value::Int(7)}, {Value::Int(8)}};
  Row row;
  ASSERT_TRUE(shape->Build(update, Context(), 2, &row));
  EXPECT_EQ(Texts(*shape, row),
            (std::vector<std::string>{"U", "orders", "shop", "2026-11-22 16:45:00.123456",
                                      "0000020000000058210000000002", "8"}));
  // Without an Op column (inserts only), the names come first.
  out.cdc_inserts_only = true;
  out.timestamp_column_name.clear();
  out.sequence_column_name.clear();
  shape = ChangeRowShape::ForStream(out, OneColumnTable());
  RowChange insert{Op::kInsert, shape->table(), {}, {Value::Int(9)}};
  ASSERT_TRUE(shape->Build(insert, Context(), 1, &row));
  EXPECT_EQ(Texts(*shape, row), (std::vector<std::string>{"orders", "shop", "9"}));
}

TEST(ChangeRowShapeTest, JsonStreamRowsAreTheTablesRows) {
  OutputConfig out;
  out.format = OutputFormat::kJsonl;
  std::unique_ptr<ChangeRowShape> stream = ChangeRowShape::ForStream(out, OneColumnTable());
  ChangeRowShape table(out, OneColumnTable());
  ASSERT_EQ(stream->columns().size(), table.columns().size());
  for (size_t i = 0; i < table.columns().size(); ++i) {
    EXPECT_EQ(stream->columns()[i].name, table.columns()[i].name);
    EXPECT_EQ(stream->json_places()[i], table.json_places()[i]);
  }
  RowChange del{Op::kDelete, table.table(), {Value::Int(7)}, {}};
  Row a, b;
  ASSERT_TRUE(stream->Build(del, Context(), 1, &a));
  ASSERT_TRUE(table.Build(del, Context(), 1, &b));
  EXPECT_EQ(Texts(*stream, a), Texts(table, b));
}

}  // namespace
}  // namespace binlake
