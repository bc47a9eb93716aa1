#include "mapping/table_mapping.h"

#include <gtest/gtest.h>

#include "config/table_filter.h"

namespace binlake {
namespace {

TableSchemaPtr Orders() {
  auto t = std::make_shared<TableSchema>();
  t->database = "shop";
  t->table = "orders";
  Column id;
  id.name = "id";
  id.type = LogicalType::kInt64;
  id.mysql_type = MysqlType::kLongLong;
  Column name;
  name.name = "Name";
  name.type = LogicalType::kString;
  name.mysql_type = MysqlType::kVarString;
  Column amount;
  amount.name = "amount";
  amount.type = LogicalType::kDecimal;
  amount.mysql_type = MysqlType::kNewDecimal;
  amount.precision = 10;
  amount.scale = 2;
  Column note;
  note.name = "note";
  note.type = LogicalType::kString;
  note.mysql_type = MysqlType::kBlob;
  t->columns = {id, name, amount, note};
  t->key_columns = {0};
  return t;
}

Row OrderRow(int64_t id, std::string name, std::string amount, std::string note = "n") {
  return {Value::Int(id), Value::String(std::move(name)), Value::Decimal(std::move(amount)),
          Value::String(std::move(note))};
}

std::shared_ptr<const TableMapping> Mapping(std::string_view json, TablesConfig options = {}) {
  Result<std::shared_ptr<const TableMapping>> m = TableMapping::Parse(json, "test.json", options);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? *m : nullptr;
}

std::string Refusal(std::string_view json) {
  Result<std::shared_ptr<const TableMapping>> m = TableMapping::Parse(json, "test.json", {});
  EXPECT_FALSE(m.ok());
  return m.ok() ? "" : m.status().message();
}

constexpr std::string_view kSelectShop = R"({"rule-type":"selection","rule-id":"1","rule-name":"1",
  "object-locator":{"schema-name":"shop","table-name":"%"},"rule-action":"include"})";

std::string Doc(std::string rules) {
  return R"({"rules":[)" + std::string(kSelectShop) + "," + rules + "]}";
}

TEST(TableMappingTest, SelectionBecomesTablePatterns) {
  auto m = Mapping(R"({"rules":[
    {"rule-type":"selection","rule-id":"1","object-locator":{"schema-name":"shop","table-name":"ord%"},"rule-action":"include","load-order":"2"},
    {"rule-type":"selection","rule-id":"2","object-locator":{"schema-name":"shop","table-name":"ord[_]tmp"},"rule-action":"exclude"},
    {"rule-type":"selection","rule-id":"3","object-locator":{"schema-name":"a_b","table-name":"x%y"},"rule-action":"explicit"}]})");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->include(), (std::vector<std::string>{"shop.ord%", "a[_]b.x[%]y"}));
  EXPECT_EQ(m->exclude(), (std::vector<std::string>{"shop.ord[_]tmp"}));
  Result<TableFilter> f = TableFilter::Create(m->include(), m->exclude());
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->Matches("shop", "orders"));
  EXPECT_TRUE(f->Matches("shop", "ordXtmp"));
  EXPECT_FALSE(f->Matches("shop", "ord_tmp"));
  EXPECT_TRUE(f->Matches("a_b", "x%y"));
  EXPECT_FALSE(f->Matches("aXb", "x%y"));
  EXPECT_FALSE(f->Matches("a_b", "xzy"));
  EXPECT_EQ(m->LoadOrder("shop", "orders"), 2);
  EXPECT_EQ(m->LoadOrder("a_b", "x%y"), 0);
}

TEST(TableMappingTest, UnsupportedRulesAreRefusedByRuleId) {
  EXPECT_NE(
      Refusal(Doc(R"({"rule-type":"transformation","rule-id":"77","rule-target":"table-tablespace",
      "object-locator":{"schema-name":"shop","table-name":"%"},"rule-action":"rename","value":"x"})"))
          .find("rule-id 77"),
      std::string::npos);
  std::string e =
      Refusal(Doc(R"J({"rule-type":"transformation","rule-id":"8","rule-target":"column",
      "object-locator":{"schema-name":"shop","table-name":"orders"},"rule-action":"add-column",
      "value":"x","expression":"upper($Name)","data-type":{"type":"string","length":10}})J"));
  EXPECT_NE(e.find("rule-id 8"), std::string::npos) << e;
  EXPECT_NE(e.find("upper"), std::string::npos) << e;
  e = Refusal(Doc(
      R"({"rule-type":"selection","rule-id":"9","object-locator":{"schema-name":"shop","table-name":"%"},
      "rule-action":"include","filters":[{"filter-type":"source","column-name":"id","filter-conditions":[{"filter-operator":"lt","value":"3"}]}]})"));
  EXPECT_NE(e.find("rule-id 9"), std::string::npos) << e;
  EXPECT_NE(e.find("'lt'"), std::string::npos) << e;
  e = Refusal(Doc(
      R"({"rule-type":"post-processing","rule-id":"10","object-locator":{"schema-name":"shop"}})"));
  EXPECT_NE(e.find("rule-id 10"), std::string::npos) << e;
  e = Refusal(
      Doc(R"({"rule-type":"transformation","rule-id":"11","rule-target":"column","object-locator":
      {"schema-name":"shop","table-name":"orders","column-name":"id"},"rule-action":"rename","value":"k","bogus":1})"));
  EXPECT_NE(e.find("\"bogus\""), std::string::npos) << e;
  e = Refusal(
      R"({"rules":[{"rule-type":"selection","rule-id":"1","object-locator":{"schema-name":"shop","table-name":"%"},"rule-action":"exclude"}]})");
  EXPECT_NE(e.find("selects no table"), std::string::npos) << e;
}

TEST(TableMappingTest, FiltersAdmitRowsAndMoveUpdatesInAndOut) {
  auto m = Mapping(
      R"({"rules":[{"rule-type":"selection","rule-id":"1","object-locator":{"schema-name":"shop","table-name":"orders"},
    "rule-action":"include","filters":[
      {"filter-type":"source","column-name":"amount","filter-conditions":[{"filter-operator":"between","start-value":"10","end-value":"20.5"},{"filter-operator":"null"}]},
      {"filter-type":"source","column-name":"name","filter-conditions":[{"filter-operator":"noteq","value":"bob"}]}]}]})");
  ASSERT_TRUE(m);
  TableSchemaPtr t = Orders();
  Result<std::shared_ptr<const TableView>> v = m->View(t);
  ASSERT_TRUE(v.ok() && *v);
  auto keep = [&](RowChange c) {
    Result<bool> k = (*v)->Keep(&c);
    EXPECT_TRUE(k.ok());
    return *k ? std::string(1, OpLetter(c.op)) : std::string("-");
  };
  EXPECT_EQ(keep({Op::kInsert, t, {}, OrderRow(1, "ann", "10.00")}), "I");
  EXPECT_EQ(keep({Op::kInsert, t, {}, OrderRow(1, "ann", "20.51")}), "-");
  EXPECT_EQ(keep({Op::kInsert, t, {}, OrderRow(1, "bob", "15.00")}), "-");
  Row null_amount = OrderRow(1, "ann", "0");
  null_amount[2] = Value::Null();
  EXPECT_EQ(keep({Op::kInsert, t, {}, null_amount}), "I");
  EXPECT_EQ(keep({Op::kUpdate, t, OrderRow(1, "ann", "11"), OrderRow(1, "ann", "12")}), "U");
  EXPECT_EQ(keep({Op::kUpdate, t, OrderRow(1, "ann", "11"), OrderRow(1, "ann", "99")}), "D");
  EXPECT_EQ(keep({Op::kUpdate, t, OrderRow(1, "ann", "99"), OrderRow(1, "ann", "12")}), "I");
  EXPECT_EQ(keep({Op::kUpdate, t, OrderRow(1, "ann", "99"), OrderRow(1, "bob", "12")}), "-");
  EXPECT_EQ(keep({Op::kDelete, t, OrderRow(1, "ann", "20.5"), {}}), "D");
  // A literal that is not a value of the column is refused when the table is first seen.
  auto bad = Mapping(
      R"({"rules":[{"rule-type":"selection","rule-id":"4","object-locator":{"schema-name":"shop","table-name":"orders"},
    "rule-action":"include","filters":[{"filter-type":"source","column-name":"amount","filter-conditions":[{"filter-operator":"gte","value":"ten"}]}]}]})");
  Result<std::shared_ptr<const TableView>> bv = bad->View(t);
  ASSERT_FALSE(bv.ok());
  EXPECT_NE(bv.status().message().find("rule-id 4"), std::string::npos) << bv.status().ToString();
}

TEST(TableMappingTest, TransformationsShapeNamesColumnsAndValues) {
  auto m = Mapping(Doc(R"J(
    {"rule-type":"transformation","rule-id":"2","rule-target":"schema","object-locator":{"schema-name":"shop"},"rule-action":"rename","value":"sales"},
    {"rule-type":"transformation","rule-id":"3","rule-target":"table","object-locator":{"schema-name":"shop","table-name":"%"},"rule-action":"add-prefix","value":"raw_"},
    {"rule-type":"transformation","rule-id":"4","rule-target":"table","object-locator":{"schema-name":"shop","table-name":"%"},"rule-action":"convert-uppercase"},
    {"rule-type":"transformation","rule-id":"5","rule-target":"column","object-locator":{"schema-name":"shop","table-name":"orders","column-name":"name"},"rule-action":"rename","value":"customer"},
    {"rule-type":"transformation","rule-id":"6","rule-target":"column","object-locator":{"schema-name":"shop","table-name":"orders","column-name":"note"},"rule-action":"remove-column"},
    {"rule-type":"transformation","rule-id":"7","rule-target":"column","object-locator":{"schema-name":"shop","table-name":"orders","column-name":"amount"},"rule-action":"change-data-type","data-type":{"type":"string","length":20}},
    {"rule-type":"transformation","rule-id":"8","rule-target":"column","object-locator":{"schema-name":"shop","table-name":"orders"},"rule-action":"add-column","value":"label","expression":"$Name||'#'||$id","data-type":{"type":"string","length":50}},
    {"rule-type":"transformation","rule-id":"9","rule-target":"column","object-locator":{"schema-name":"shop","table-name":"orders"},"rule-action":"add-column","value":"op","expression":"operation_indicator('D', 'U', 'I')","data-type":{"type":"string","length":1}},
    {"rule-type":"transformation","rule-id":"10","rule-target":"column","object-locator":{"schema-name":"shop","table-name":"orders"},"rule-action":"add-column","value":"seq","expression":"$AR_H_CHANGE_SEQ","data-type":{"type":"string","length":50}},
    {"rule-type":"transformation","rule-id":"11","rule-target":"column","object-locator":{"schema-name":"shop","table-name":"orders","column-name":"%"},"rule-action":"add-before-image-columns","before-image-def":{"column-prefix":"BI_","column-filter":"all"}}
  )J"));
  ASSERT_TRUE(m);
  TableSchemaPtr t = Orders();
  Result<std::shared_ptr<const TableView>> v = m->View(t);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  const TableSchema& s = *(*v)->schema();
  EXPECT_EQ(s.database, "sales");
  EXPECT_EQ(s.table, "RAW_ORDERS");
  std::vector<std::string> names;
  for (const Column& c : s.columns) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"id", "customer", "amount", "label", "op", "seq",
                                             "BI_id", "BI_customer", "BI_amount"}));
  EXPECT_EQ(s.columns[2].type, LogicalType::kString);
  EXPECT_EQ(s.key_columns, std::vector<int>{0});

  RowChange c{Op::kUpdate, t, OrderRow(7, "ann", "1.50", "old"), OrderRow(7, "ann", "2.25", "new")};
  ChangeFacts f;
  f.commit_time_micros = 1'700'000'000'123'456;
  f.change_seq = "0000010000000012340000000001";
  ASSERT_TRUE(*(*v)->Apply(&c, f));
  EXPECT_EQ(c.table, (*v)->schema());
  ASSERT_EQ(c.after.size(), 9u);  // a removed column gets no before-image column
  EXPECT_EQ(c.after[1], Value::String("ann"));
  EXPECT_EQ(c.after[2], Value::String("2.25"));
  EXPECT_EQ(c.after[3], Value::String("ann#7"));
  EXPECT_EQ(c.after[4], Value::String("U"));
  EXPECT_EQ(c.after[5], Value::String("20231114221320120000010000000012340000000001"));
  EXPECT_EQ(c.after[8], Value::Decimal("1.50"));
  EXPECT_EQ(c.before[2], Value::String("1.50"));

  RowChange ins{Op::kInsert, t, {}, OrderRow(8, "bo", "3.00")};
  ASSERT_TRUE(*(*v)->Apply(&ins, f));
  EXPECT_EQ(ins.after[4], Value::String("I"));
  EXPECT_TRUE(ins.after[8].is_null());
}

TEST(TableMappingTest, DataErrorsFollowThePolicy) {
  std::string doc = Doc(R"({"rule-type":"transformation","rule-id":"5","rule-target":"column",
    "object-locator":{"schema-name":"shop","table-name":"orders","column-name":"name"},
    "rule-action":"change-data-type","data-type":{"type":"int4"}})");
  TableSchemaPtr t = Orders();
  TablesConfig o;
  for (DataErrorAction a :
       {DataErrorAction::kStop, DataErrorAction::kLogError, DataErrorAction::kIgnoreRecord}) {
    o.data_error = a;
    auto m = Mapping(doc, o);
    auto v = *m->View(t);
    RowChange c{Op::kInsert, t, {}, OrderRow(1, "12", "1.00")};
    ASSERT_TRUE(*v->Apply(&c, {}));
    EXPECT_EQ(c.after[1], Value::Int(12));
    RowChange bad{Op::kInsert, t, {}, OrderRow(2, "twelve", "1.00")};
    Result<bool> r = v->Apply(&bad, {});
    if (a == DataErrorAction::kStop) {
      ASSERT_FALSE(r.ok());
      EXPECT_NE(r.status().message().find("rule-id 5"), std::string::npos) << r.status().ToString();
    } else if (a == DataErrorAction::kLogError) {
      ASSERT_TRUE(r.ok() && *r);
      EXPECT_TRUE(bad.after[1].is_null());
    } else {
      ASSERT_TRUE(r.ok());
      EXPECT_FALSE(*r);
    }
  }
}

TEST(TableMappingTest, LobsAreCutAtWholeCharacters) {
  TablesConfig o;
  o.lob_max_size = 4;
  auto m = *TableMapping::Parse("", "", o);
  TableSchemaPtr t = Orders();
  auto v = *m->View(t);
  ASSERT_TRUE(v);
  RowChange c{Op::kInsert, t, {}, OrderRow(1, "a much longer name", "1.00", "abcé")};
  ASSERT_TRUE(*v->Apply(&c, {}));
  EXPECT_EQ(c.after[1], Value::String("a much longer name"));  // not a LOB
  EXPECT_EQ(c.after[3], Value::String("abc"));
  o.truncation_error = DataErrorAction::kStop;
  auto strict = *(*TableMapping::Parse("", "", o))->View(t);
  RowChange d{Op::kInsert, t, {}, OrderRow(1, "x", "1.00", "abcde")};
  EXPECT_FALSE(strict->Apply(&d, {}).ok());
}

TEST(TableMappingTest, DefinePrimaryKeyAndCollisions) {
  auto m = Mapping(Doc(R"({"rule-type":"transformation","rule-id":"2","rule-target":"table",
    "object-locator":{"schema-name":"shop","table-name":"orders"},"rule-action":"define-primary-key",
    "primary-key-def":{"name":"pk","origin":"primary-key","columns":["Name","amount"]}})"));
  auto v = *m->View(Orders());
  EXPECT_EQ(v->schema()->key_columns, (std::vector<int>{1, 2}));
  EXPECT_EQ(v->key_source_columns(), (std::vector<int>{1, 2}));
  auto clash = Mapping(Doc(R"({"rule-type":"transformation","rule-id":"3","rule-target":"column",
    "object-locator":{"schema-name":"shop","table-name":"orders","column-name":"note"},"rule-action":"rename","value":"ID"})"));
  Result<std::shared_ptr<const TableView>> cv = clash->View(Orders());
  ASSERT_FALSE(cv.ok());
  EXPECT_NE(cv.status().message().find("rule-id 3"), std::string::npos) << cv.status().ToString();
}

}  // namespace
}  // namespace binlake

namespace binlake {
namespace {

TEST(NameActionTest, EachActionChangesTheNameAsDmsDocuments) {
  auto rule = [](TransformRule::Action a, std::string value, std::string old = "") {
    TransformRule r;
    r.action = a;
    r.value = std::move(value);
    r.old_value = std::move(old);
    return r;
  };
  using A = TransformRule::Action;
  EXPECT_EQ(ApplyNameAction(rule(A::kRename, "b"), "a"), "b");
  EXPECT_EQ(ApplyNameAction(rule(A::kLowercase, ""), "MiXeD"), "mixed");
  EXPECT_EQ(ApplyNameAction(rule(A::kUppercase, ""), "MiXeD"), "MIXED");
  EXPECT_EQ(ApplyNameAction(rule(A::kAddPrefix, "p_"), "t"), "p_t");
  EXPECT_EQ(ApplyNameAction(rule(A::kRemovePrefix, "p_"), "p_t"), "t");
  EXPECT_EQ(ApplyNameAction(rule(A::kRemovePrefix, "p_"), "q_t"), "q_t");
  EXPECT_EQ(ApplyNameAction(rule(A::kReplacePrefix, "new_", "old_"), "old_t"), "new_t");
  EXPECT_EQ(ApplyNameAction(rule(A::kReplacePrefix, "new_", "old_"), "t_old_"), "t_old_");
  EXPECT_EQ(ApplyNameAction(rule(A::kAddSuffix, "_s"), "t"), "t_s");
  EXPECT_EQ(ApplyNameAction(rule(A::kRemoveSuffix, "_s"), "t_s"), "t");
  EXPECT_EQ(ApplyNameAction(rule(A::kRemoveSuffix, "_s"), "t_x"), "t_x");
  EXPECT_EQ(ApplyNameAction(rule(A::kReplaceSuffix, "_v2", "_v1"), "t_v1"), "t_v2");
}

}  // namespace
}  // namespace binlake
