#include "cascade/foreign_keys.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

ForeignKey Key(std::string child, std::string parent, FkAction on_delete,
               FkAction on_update = FkAction::kRestrict) {
  ForeignKey k;
  k.name = "fk_" + child;
  k.child_database = "db";
  k.child_table = std::move(child);
  k.child_columns = {"p"};
  k.parent_database = "db";
  k.parent_table = std::move(parent);
  k.parent_columns = {"id"};
  k.on_delete = on_delete;
  k.on_update = on_update;
  return k;
}

TEST(ForeignKeyGraphTest, KeepsOnlyCascadingKeys) {
  ForeignKeyGraph g({Key("a", "p", FkAction::kRestrict), Key("b", "p", FkAction::kCascade),
                     Key("c", "p", FkAction::kNoAction, FkAction::kSetNull)});
  ASSERT_EQ(g.keys().size(), 2u);
  EXPECT_EQ(g.Referencing("db.p").size(), 2u);
  EXPECT_TRUE(g.Referencing("db.a").empty());
  EXPECT_FALSE(g.IsParent("db.b"));
}

TEST(ForeignKeyGraphTest, NeedsChildrenAboveAReplicatedOneInAChain) {
  // p <- c (CASCADE) <- g (CASCADE) <- gg (SET NULL); only gg and x are replicated.
  ForeignKeyGraph g({Key("c", "p", FkAction::kCascade), Key("g", "c", FkAction::kCascade),
                     Key("gg", "g", FkAction::kSetNull), Key("x", "p", FkAction::kCascade),
                     Key("unused", "p", FkAction::kCascade)});
  auto replicated = [](const std::string& t) { return t == "db.gg" || t == "db.x"; };
  EXPECT_EQ(g.NeededChildren(replicated), (std::set<std::string>{"db.c", "db.g", "db.gg", "db.x"}));
  EXPECT_EQ(g.CountOnReplicated(replicated), 2u);
}

TEST(ForeignKeyGraphTest, ASelfReferenceEnds) {
  ForeignKeyGraph g({Key("tree", "tree", FkAction::kCascade)});
  EXPECT_EQ(g.NeededChildren([](const std::string&) { return true; }),
            (std::set<std::string>{"db.tree"}));
}

TEST(ForeignKeyGraphTest, ParsesActionsAsInformationSchemaSpellsThem) {
  EXPECT_EQ(ParseFkAction("SET NULL"), FkAction::kSetNull);
  EXPECT_EQ(ParseFkAction("cascade"), FkAction::kCascade);
  EXPECT_EQ(ParseFkAction("NO ACTION"), FkAction::kNoAction);
  EXPECT_EQ(ParseFkAction("RESTRICT"), FkAction::kRestrict);
  EXPECT_EQ(ParseFkAction("SET DEFAULT"), FkAction::kSetDefault);
  EXPECT_EQ(ParseFkAction("bogus"), std::nullopt);
}

TEST(SourceLogsCascadesTest, OnlyMysqlWithSqlLayerForeignKeys) {
  // MariaDB and MySQL before 9.6: InnoDB cascades and logs only the parent row.
  EXPECT_FALSE(SourceLogsCascades("10.11.6-MariaDB-0+deb12u1-log", std::nullopt));
  EXPECT_FALSE(SourceLogsCascades("5.5.5-10.5.23-MariaDB", std::nullopt));
  EXPECT_FALSE(SourceLogsCascades("8.0.36", std::nullopt));
  EXPECT_FALSE(SourceLogsCascades("8.4.3-commercial", std::nullopt));
  EXPECT_FALSE(SourceLogsCascades("9.5.0", std::nullopt));
  // MySQL 9.6: foreign keys in the SQL layer unless innodb_native_foreign_keys is ON.
  EXPECT_TRUE(SourceLogsCascades("9.6.0", std::nullopt));
  EXPECT_TRUE(SourceLogsCascades("9.6.0", std::string("OFF")));
  EXPECT_TRUE(SourceLogsCascades("9.7.1-log", std::string("0")));
  EXPECT_FALSE(SourceLogsCascades("9.6.0", std::string("ON")));
  EXPECT_TRUE(SourceLogsCascades("10.0.0", std::nullopt));
  // A MariaDB with a same-named variable still cascades inside InnoDB.
  EXPECT_FALSE(SourceLogsCascades("11.8.1-MariaDB", std::string("OFF")));
}

// SHOW CREATE TABLE as MariaDB 10.11 prints it for the integration test's item_notes table,
// with a second key and an awkward name added.
constexpr std::string_view kCreate =
    "CREATE TABLE `item_notes` (\n"
    "  `id` int(11) NOT NULL,\n"
    "  `order_id` int(11) DEFAULT NULL,\n"
    "  `line` int(11) DEFAULT NULL,\n"
    "  `body` varchar(40) DEFAULT 'x CONSTRAINT `fk` FOREIGN KEY',\n"
    "  PRIMARY KEY (`id`),\n"
    "  KEY `order_id` (`order_id`,`line`),\n"
    "  CONSTRAINT `item_notes_ibfk_1` FOREIGN KEY (`order_id`, `line`) REFERENCES "
    "`order_items` (`order_id`, `line`) ON DELETE SET NULL ON UPDATE CASCADE,\n"
    "  CONSTRAINT `odd ``name``` FOREIGN KEY (`id`) REFERENCES `other`.`t` (`id`),\n"
    "  CONSTRAINT `upd` FOREIGN KEY (`line`) REFERENCES `t2` (`x`) ON UPDATE SET NULL\n"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

TEST(ParseCreateTableActionsTest, ReadsEachKeysActions) {
  FkAction del, upd;
  ASSERT_TRUE(ParseCreateTableActions(kCreate, "item_notes_ibfk_1", &del, &upd));
  EXPECT_EQ(del, FkAction::kSetNull);
  EXPECT_EQ(upd, FkAction::kCascade);
  ASSERT_TRUE(ParseCreateTableActions(kCreate, "odd `name`", &del, &upd));
  EXPECT_EQ(del, FkAction::kRestrict);
  EXPECT_EQ(upd, FkAction::kRestrict);
  ASSERT_TRUE(ParseCreateTableActions(kCreate, "upd", &del, &upd));
  EXPECT_EQ(del, FkAction::kRestrict);
  EXPECT_EQ(upd, FkAction::kSetNull);
  EXPECT_FALSE(ParseCreateTableActions(kCreate, "fk", &del, &upd)) << "inside a string literal";
  EXPECT_FALSE(ParseCreateTableActions(kCreate, "missing", &del, &upd));
}

TEST(ParseCreateTableActionsTest, MysqlSpellingAndNoAction) {
  FkAction del, upd;
  ASSERT_TRUE(ParseCreateTableActions(
      "CREATE TABLE `c` (\n  `p` int DEFAULT NULL,\n  KEY `p` (`p`),\n  CONSTRAINT `c_ibfk_1` "
      "FOREIGN KEY (`p`) REFERENCES `p` (`id`) ON DELETE NO ACTION ON UPDATE SET DEFAULT\n"
      ") ENGINE=InnoDB",
      "c_ibfk_1", &del, &upd));
  EXPECT_EQ(del, FkAction::kNoAction);
  EXPECT_EQ(upd, FkAction::kSetDefault);
}

}  // namespace
}  // namespace binlake
