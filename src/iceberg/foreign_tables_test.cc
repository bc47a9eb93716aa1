// binlake's reading side against Iceberg tables other engines wrote (the Iceberg Java API,
// Spark): the key index rebuilt from their files, the deletes binlake refuses, and a commit on
// top of another engine's snapshots. Fixtures: ../shared/fixtures/iceberg (README "iceberg/").

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "format/parquet_reader.h"
#include "iceberg/catalog.h"
#include "iceberg/iceberg_table.h"
#include "iceberg/key_index.h"
#include "iceberg/manifest.h"
#include "storage/local_object_store.h"
#include "tests/support/test_env.h"

namespace binlake {
namespace {

namespace fs = std::filesystem;

// The bucket the fixtures' metadata names (s3a://hyperparam-iceberg/<engine>/<table>/...).
constexpr const char* kBucketUrl = "s3://hyperparam-iceberg";

// A LocalObjectStore that reports another Url(), so that the foreign absolute URIs in a
// fixture's metadata map onto keys of the local copy (StoreKeyOf accepts s3a:// for s3://).
class ForeignUrlStore final : public ObjectStore {
 public:
  ForeignUrlStore(std::unique_ptr<LocalObjectStore> local, std::string url)
      : local_(std::move(local)), url_(std::move(url)) {}

  Status Put(std::string_view key, std::string_view data, const PutOptions& options) override {
    return local_->Put(key, data, options);
  }
  Result<std::string> Get(std::string_view key) override { return local_->Get(key); }
  Result<std::string> GetRange(std::string_view key, uint64_t offset, uint64_t length) override {
    return local_->GetRange(key, offset, length);
  }
  Result<ObjectInfo> Head(std::string_view key) override { return local_->Head(key); }
  Status Delete(std::string_view key) override { return local_->Delete(key); }
  Result<ListResult> List(std::string_view prefix, std::optional<char> delimiter) override {
    return local_->List(prefix, delimiter);
  }
  Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view key,
                                                  const PutOptions& options) override {
    return local_->NewWriter(key, options);
  }
  std::string Url() const override { return url_; }

 private:
  std::unique_ptr<LocalObjectStore> local_;
  const std::string url_;
};

// One live row as the data files hold it: per current-schema field, the PLAIN bytes of its
// physical value (nullopt: NULL, or a field the file lacks).
using RawRow = std::vector<std::optional<std::string>>;

// The rows of the table's current snapshot by merge-on-read, independently of the key index:
// position deletes apply to the data file they name when their sequence number is not older.
Result<std::vector<RawRow>> ReadLiveRows(ObjectStore* store, const std::string& table) {
  FileSystemCatalog catalog(store);
  ASSIGN_OR_RETURN(std::optional<LoadedTable> loaded, catalog.Load(table));
  if (!loaded) return NotFoundError("no table at {}", table);
  const TableMetadata& md = loaded->metadata;
  std::vector<int32_t> ids;
  for (const auto& f : (*md.CurrentSchema())["fields"]) ids.push_back(f["id"].get<int32_t>());
  const TableMetadata::Json* snapshot = md.CurrentSnapshot();
  if (!snapshot) return std::vector<RawRow>();
  std::string list_uri = (*snapshot)["manifest-list"].get<std::string>();
  ASSIGN_OR_RETURN(std::string list_key, StoreKeyOf(*store, list_uri));
  ASSIGN_OR_RETURN(std::string list_bytes, store->Get(list_key));
  ASSIGN_OR_RETURN(std::vector<ManifestFile> manifests, ReadManifestList(list_bytes, list_uri));
  std::vector<ManifestEntry> data;
  std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> deletes;  // → (pos, seq)
  for (const ManifestFile& m : manifests) {
    ASSIGN_OR_RETURN(std::string key, StoreKeyOf(*store, m.path));
    ASSIGN_OR_RETURN(std::string bytes, store->Get(key));
    ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries, ReadManifest(bytes, m));
    for (ManifestEntry& e : entries) {
      if (e.status == EntryStatus::kDeleted) continue;
      if (e.file.content == FileContent::kData) {
        data.push_back(std::move(e));
        continue;
      }
      if (e.file.content == FileContent::kEqualityDeletes) {
        return UnimplementedError("{}: equality deletes", e.file.path);
      }
      ASSIGN_OR_RETURN(std::string dkey, StoreKeyOf(*store, e.file.path));
      ASSIGN_OR_RETURN(std::string dbytes, store->Get(dkey));
      std::map<std::string, std::vector<int64_t>> positions;
      RETURN_IF_ERROR(ReadPositionDeletes(dbytes, e.file.path, &positions));
      for (const auto& [path, list] : positions) {
        for (int64_t pos : list) deletes[path].emplace_back(pos, *e.sequence_number);
      }
    }
  }
  std::vector<RawRow> rows;
  for (const ManifestEntry& e : data) {
    ASSIGN_OR_RETURN(std::string key, StoreKeyOf(*store, e.file.path));
    ASSIGN_OR_RETURN(std::string bytes, store->Get(key));
    ASSIGN_OR_RETURN(std::unique_ptr<ParquetReader> reader,
                     ParquetReader::Open(bytes, e.file.path));
    const size_t n = static_cast<size_t>(reader->num_rows());
    std::vector<RawRow> file_rows(n, RawRow(ids.size()));
    for (size_t c = 0; c < ids.size(); ++c) {
      int at = reader->FindByFieldId(ids[c]);
      if (at < 0) continue;
      std::vector<std::optional<std::string>> values;
      RETURN_IF_ERROR(reader->ReadColumn(at, &values));
      for (size_t r = 0; r < n; ++r) file_rows[r][c] = values[r];
    }
    std::vector<bool> gone(n, false);
    for (const auto& [pos, seq] : deletes[e.file.path]) {
      if (seq >= *e.sequence_number && pos >= 0 && static_cast<size_t>(pos) < n) {
        gone[static_cast<size_t>(pos)] = true;
      }
    }
    for (size_t r = 0; r < n; ++r) {
      if (!gone[r]) rows.push_back(std::move(file_rows[r]));
    }
  }
  return rows;
}

// A source schema whose columns are the table's current Iceberg fields by name, with the
// model types binlake maps to those Iceberg types; `key` names the key columns.
Result<TableSchemaPtr> SchemaOf(ObjectStore* store, const std::string& table,
                                const std::vector<std::string>& key) {
  FileSystemCatalog catalog(store);
  ASSIGN_OR_RETURN(std::optional<LoadedTable> loaded, catalog.Load(table));
  if (!loaded) return NotFoundError("no table at {}", table);
  auto s = std::make_shared<TableSchema>();
  s->database = "foreign";
  s->table = table;
  for (const auto& f : (*loaded->metadata.CurrentSchema())["fields"]) {
    Column c;
    c.name = f["name"].get<std::string>();
    c.nullable = !f["required"].get<bool>();
    std::string type = f["type"].is_string() ? f["type"].get<std::string>() : "nested";
    if (type == "string") {
      c.type = LogicalType::kString;
      c.mysql_type = MysqlType::kVarchar;
    } else if (type == "double") {
      c.type = LogicalType::kDouble;
      c.mysql_type = MysqlType::kDouble;
    } else if (type == "long") {
      c.type = LogicalType::kInt64;
      c.mysql_type = MysqlType::kLongLong;
    } else if (type == "int") {
      c.type = LogicalType::kInt32;
      c.mysql_type = MysqlType::kLong;
    } else if (type == "boolean") {
      c.type = LogicalType::kBit;
      c.mysql_type = MysqlType::kBit;
      c.precision = 1;
    } else if (type == "date") {
      c.type = LogicalType::kDate;
      c.mysql_type = MysqlType::kDate;
    } else if (int p, sc; std::sscanf(type.c_str(), "decimal(%d, %d)", &p, &sc) == 2) {
      c.type = LogicalType::kDecimal;
      c.mysql_type = MysqlType::kNewDecimal;
      c.precision = p;
      c.scale = sc;
    } else {
      return UnimplementedError("field '{}' of {} has type {}", c.name, table, type);
    }
    s->columns.push_back(std::move(c));
  }
  for (const std::string& k : key) {
    int at = s->FindColumn(k);
    if (at < 0) return NotFoundError("no column '{}' in {}", k, table);
    s->key_columns.push_back(at);
  }
  return TableSchemaPtr(s);
}

// A data-file row as the model values of `schema` (string, double, long, int, boolean).
Result<Row> ToModelRow(const TableSchema& schema, const RawRow& raw) {
  Row row;
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    const Column& c = schema.columns[i];
    const std::optional<std::string>& v = raw[i];
    if (!v) {
      row.push_back(Value::Null());
      continue;
    }
    switch (c.type) {
      case LogicalType::kString:
        row.push_back(Value::String(*v));
        break;
      case LogicalType::kDouble: {
        double d;
        std::memcpy(&d, v->data(), sizeof(d));
        row.push_back(Value::Double(d));
        break;
      }
      case LogicalType::kInt64: {
        int64_t x;
        std::memcpy(&x, v->data(), sizeof(x));
        row.push_back(Value::Int(x));
        break;
      }
      case LogicalType::kInt32: {
        int32_t x;
        std::memcpy(&x, v->data(), sizeof(x));
        row.push_back(Value::Int(x));
        break;
      }
      case LogicalType::kBit:
        row.push_back(Value::UInt((*v)[0] ? 1 : 0));
        break;
      default:
        return UnimplementedError("column '{}': no model value for its type", c.name);
    }
  }
  return row;
}

class ForeignTablesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::optional<std::string> fixtures = testing::FixturesDir();
    if (!fixtures) GTEST_SKIP() << "../shared/fixtures is not present";
    fixtures_ = fs::path(*fixtures) / "iceberg";
    tmp_ = testing::MakeTempDir("binlake-foreign-tables-");
    auto index = KeyIndexStore::Open(tmp_);
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    index_store_ = *index;
  }
  void TearDown() override {
    index_store_.reset();
    std::error_code ec;
    if (!tmp_.empty()) fs::remove_all(tmp_, ec);
  }

  // Copies fixture table `table` ("java/bunnies") to <tmp>/lake/<dest> (dest: the same path
  // by default) with writable files, keeping metadata versions up to `version` (0: all), and
  // opens the lake as the store with Url() `url`: the metadata's "<url>/<dest>/..." URIs are
  // then keys of the copy.
  void CopyTable(const std::string& table, int version, const std::string& url = kBucketUrl,
                 const std::string& dest = "") {
    const fs::path from = fixtures_ / table;
    const fs::path to = fs::path(tmp_) / "lake" / (dest.empty() ? table : dest);
    ASSERT_TRUE(fs::is_directory(from)) << from;
    // File by file: fs::copy would give the copy the fixtures' read-only directory modes.
    fs::create_directories(to);
    for (const fs::directory_entry& e : fs::recursive_directory_iterator(from)) {
      fs::path dest = to / fs::relative(e.path(), from);
      if (e.is_directory()) {
        fs::create_directories(dest);
        continue;
      }
      std::string name = e.path().filename().string();
      int v = 0;
      if (version > 0 && std::sscanf(name.c_str(), "v%d.metadata.json", &v) == 1 && v > version) {
        continue;
      }
      fs::copy_file(e.path(), dest);
      fs::permissions(dest, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::add);
    }
    auto local = LocalObjectStore::Open((fs::path(tmp_) / "lake").string());
    ASSERT_TRUE(local.ok()) << local.status().ToString();
    store_ = std::make_unique<ForeignUrlStore>(std::move(*local), url);
    catalog_ = std::make_unique<FileSystemCatalog>(store_.get());
  }

  void CommitDeleteOnSpark(const std::vector<std::string>& key);

  Result<std::unique_ptr<IcebergTable>> OpenTable(const std::string& table) {
    IcebergTableOptions o;
    o.table_key = table;
    o.index_store = index_store_;
    return IcebergTable::Open(store_.get(), catalog_.get(), &clock_, o);
  }

  fs::path fixtures_;
  std::string tmp_;
  std::shared_ptr<KeyIndexStore> index_store_;
  ManualClock clock_{1'760'000'000'000'000};
  std::unique_ptr<ObjectStore> store_;
  std::unique_ptr<FileSystemCatalog> catalog_;
};

// Java API, v4: 21 rows and a position delete file removing 6 of them. The key index holds
// the 15 live rows whether it keys on "Breed Name" (unique in the table) or on the whole row
// (which includes "__happy__", a field added after the data file was written: read as NULL).
TEST_F(ForeignTablesTest, JavaPositionDeletesLeaveFifteenLiveRows) {
  CopyTable("java/bunnies", 4);
  auto rows = ReadLiveRows(store_.get(), "java/bunnies");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 15u);
  for (const std::vector<std::string>& key :
       {std::vector<std::string>{"Breed Name"}, std::vector<std::string>{}}) {
    auto schema = SchemaOf(store_.get(), "java/bunnies", key);
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    ASSERT_EQ((*schema)->columns.size(), 9u);
    EXPECT_EQ((*schema)->columns[8].name, "__happy__");
    auto t = OpenTable("java/bunnies");
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    Status s = (*t)->SetSchema(*schema);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ((*t)->live_rows(), 15u) << "key columns: " << key.size();
    // Every column took the field id of its Iceberg field: the schema is the table's own.
    EXPECT_FALSE((*t)->has_pending());
  }
}

// Spark, v5: the current snapshot is a copy-on-write rewrite to one 20-row file, next to the
// older position delete file that still names the 21-row file it replaced.
TEST_F(ForeignTablesTest, SparkTableHasTwentyLiveRows) {
  CopyTable("spark/bunnies", 0);
  auto rows = ReadLiveRows(store_.get(), "spark/bunnies");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 20u);
  for (const std::vector<std::string>& key :
       {std::vector<std::string>{"Breed Name"}, std::vector<std::string>{}}) {
    auto schema = SchemaOf(store_.get(), "spark/bunnies", key);
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    auto t = OpenTable("spark/bunnies");
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    Status s = (*t)->SetSchema(*schema);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ((*t)->live_rows(), 20u) << "key columns: " << key.size();
    EXPECT_FALSE((*t)->has_pending());
  }
}

// Java API, v5: an equality delete. binlake cannot place it in the key index and says so.
TEST_F(ForeignTablesTest, JavaEqualityDeleteIsRefused) {
  CopyTable("java/bunnies", 5);
  auto schema = SchemaOf(store_.get(), "java/bunnies", {"Breed Name"});
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  auto t = OpenTable("java/bunnies");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  Status s = (*t)->SetSchema(*schema);
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
  EXPECT_NE(s.message().find("equality delete"), std::string::npos) << s.ToString();
}

// Spark (the duckdb-iceberg fixture): equality deletes over six snapshots. Its metadata names
// relative locations ("data/persistent/equality_deletes/warehouse/mydb/mytable/..."), so the
// store reports that warehouse as its Url() and the table sits at key "mydb/mytable".
TEST_F(ForeignTablesTest, SparkEqualityDeletesAreRefused) {
  CopyTable("duckdb/equality_deletes", 0, "data/persistent/equality_deletes/warehouse",
            "mydb/mytable");
  auto schema = SchemaOf(store_.get(), "mydb/mytable", {"id"});
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  auto t = OpenTable("mydb/mytable");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  Status s = (*t)->SetSchema(*schema);
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
  EXPECT_NE(s.message().find("equality delete"), std::string::npos) << s.ToString();
}

// Spark, partitioned by bucket(id) and date, with "date" renamed to "event_date" after the
// rows were written. Reading is correct: the 4 rows are indexed, and the renamed column
// keeps its field id (the data files still call it "date"). Writing is refused clearly:
// binlake's unpartitioned files would corrupt the table.
TEST_F(ForeignTablesTest, PartitionedTableIsReadButNotWritten) {
  CopyTable("spark/rename_column", 0);
  auto rows = ReadLiveRows(store_.get(), "spark/rename_column");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 4u);
  auto schema = SchemaOf(store_.get(), "spark/rename_column", {});
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ((*schema)->columns[2].name, "event_date");
  auto t = OpenTable("spark/rename_column");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  Status s = (*t)->SetSchema(*schema);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ((*t)->live_rows(), 4u);
  EXPECT_FALSE((*t)->has_pending());

  RowChange insert;
  insert.op = Op::kInsert;
  insert.table = *schema;
  insert.after = {Value::Int(99), Value::String("z"), Value::OfDate({2022, 1, 3}),
                  Value::Decimal("1.50"), Value::UInt(1)};
  ASSERT_TRUE((*t)->Add(insert).ok());
  s = (*t)->Commit({{"binlake.position", "test:1"}});
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
  EXPECT_NE(s.message().find("partitioned"), std::string::npos) << s.ToString();
  auto loaded = catalog_->Load("spark/rename_column");
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->version, 3);
  auto data = store_->List("spark/rename_column/data/");
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(data->objects.size(), 3u);  // nothing written beside Spark's files
}

// binlake deletes one row of Spark's table: a position delete against Spark's data file, in
// a snapshot on top of Spark's. A new process indexes 19 rows; the history stays.
void ForeignTablesTest::CommitDeleteOnSpark(const std::vector<std::string>& key) {
  const std::string table = "spark/bunnies";
  CopyTable(table, 0);
  auto schema = SchemaOf(store_.get(), table, key);
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  auto rows = ReadLiveRows(store_.get(), table);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  auto rex = std::find_if(rows->begin(), rows->end(),
                          [](const RawRow& r) { return r[0] && *r[0] == "Rex"; });
  ASSERT_NE(rex, rows->end());
  auto before = ToModelRow(**schema, *rex);
  ASSERT_TRUE(before.ok()) << before.status().ToString();

  auto t = OpenTable(table);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_TRUE((*t)->SetSchema(*schema).ok());
  ASSERT_EQ((*t)->live_rows(), 20u);
  RowChange del;
  del.op = Op::kDelete;
  del.table = *schema;
  del.before = *before;
  ASSERT_TRUE((*t)->Add(del).ok());
  Status s = (*t)->Commit({{"binlake.position", "test:1"}});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ((*t)->live_rows(), 19u);

  auto again = OpenTable(table);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_TRUE((*again)->SetSchema(*schema).ok());
  EXPECT_EQ((*again)->live_rows(), 19u);
  EXPECT_EQ((*again)->CommittedSummary()["binlake.position"], "test:1");

  // What any reader sees: 19 rows, Rex gone.
  auto after = ReadLiveRows(store_.get(), table);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->size(), 19u);
  EXPECT_EQ(std::count_if(after->begin(), after->end(),
                          [](const RawRow& r) { return r[0] && *r[0] == "Rex"; }),
            0);

  // v6 is current, v5 is still there, and Spark's snapshots are kept under the new one.
  auto loaded = catalog_->Load(table);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->version, 6);
  EXPECT_TRUE(store_->Head(table + "/metadata/v6.metadata.json").ok());
  EXPECT_TRUE(store_->Head(table + "/metadata/v5.metadata.json").ok());
  const TableMetadata& md = (*loaded)->metadata;
  std::vector<int64_t> ids = md.SnapshotIds();
  for (int64_t id : {7505300640432048841, 469881615898633426, 2701171901096418979}) {
    EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id;
  }
  EXPECT_EQ(ids.size(), 4u);
  ASSERT_NE(md.CurrentSnapshot(), nullptr);
  EXPECT_EQ((*md.CurrentSnapshot())["parent-snapshot-id"].get<int64_t>(), 2701171901096418979);
  EXPECT_EQ((*md.CurrentSnapshot())["sequence-number"].get<int64_t>(), 4);
  EXPECT_EQ(md.current_schema_id(), 1);  // Spark's schema, unchanged
}

TEST_F(ForeignTablesTest, KeyedDeleteCommitsOnTopOfSpark) { CommitDeleteOnSpark({"Breed Name"}); }

TEST_F(ForeignTablesTest, WholeRowDeleteCommitsOnTopOfSpark) { CommitDeleteOnSpark({}); }

}  // namespace
}  // namespace binlake
