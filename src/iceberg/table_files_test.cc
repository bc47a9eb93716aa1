#include "iceberg/table_files.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "common/output_stream.h"
#include "iceberg/catalog.h"
#include "storage/memory_object_store.h"

namespace binlake {
namespace {

// A Parquet file of `rows` BIGINT rows, row groups of 10.
std::string ParquetOf(int rows) {
  StringOutputStream out;
  ParquetOptions o;
  o.row_group_rows = 10;
  Column c;
  c.name = "id";
  c.type = LogicalType::kInt64;
  auto w = ParquetWriter::Create({c}, o, &out);
  EXPECT_TRUE(w.ok());
  for (int i = 0; i < rows; ++i) EXPECT_TRUE((*w)->Append({Value::Int(i * 3)}).ok());
  EXPECT_TRUE((*w)->Finish().ok());
  return out.data();
}

// Every value of column 0, row group by row group.
std::vector<std::optional<std::string>> ReadAll(StoredParquetFile* f) {
  std::vector<std::optional<std::string>> all, group;
  for (size_t g = 0; g < f->num_row_groups(); ++g) {
    Status s = f->Load(g);
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_TRUE(f->reader().ReadColumnGroup(0, g, &group).ok());
    all.insert(all.end(), group.begin(), group.end());
  }
  return all;
}

TEST(StoredParquetFileTest, ReadsByRowGroupWithOrWithoutAKnownSize) {
  auto store = MemoryObjectStore::Create();
  const std::string bytes = ParquetOf(45);
  ASSERT_TRUE(store->Put("t/data/a.parquet", bytes).ok());
  const std::string uri = StoreUri(*store, "t/data/a.parquet");
  auto whole = ParquetReader::Open(bytes, "whole");
  ASSERT_TRUE(whole.ok());
  std::vector<std::optional<std::string>> want;
  ASSERT_TRUE((*whole)->ReadColumn(0, &want).ok());
  ASSERT_EQ(want.size(), 45u);
  for (std::optional<uint64_t> size :
       {std::optional<uint64_t>(), std::optional<uint64_t>(bytes.size())}) {
    auto f = StoredParquetFile::Open(store.get(), uri, size);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    EXPECT_EQ(f->num_row_groups(), 5u);
    EXPECT_EQ(ReadAll(&*f), want);
  }
}

TEST(StoredParquetFileTest, AManifestSizeThatIsWrongIsCorrectedFromTheObject) {
  auto store = MemoryObjectStore::Create();
  const std::string bytes = ParquetOf(25);
  ASSERT_TRUE(store->Put("t/data/a.parquet", bytes).ok());
  const std::string uri = StoreUri(*store, "t/data/a.parquet");
  for (uint64_t wrong : {bytes.size() - 7, bytes.size() + 100}) {
    auto f = StoredParquetFile::Open(store.get(), uri, wrong);
    ASSERT_TRUE(f.ok()) << wrong << ": " << f.status().ToString();
    EXPECT_EQ(ReadAll(&*f).size(), 25u);
  }
}

TEST(StoredParquetFileTest, AnObjectThatIsNotParquetIsRefusedByName) {
  auto store = MemoryObjectStore::Create();
  ASSERT_TRUE(store->Put("t/data/b.parquet", "not a parquet file at all").ok());
  const std::string uri = StoreUri(*store, "t/data/b.parquet");
  for (std::optional<uint64_t> size : {std::optional<uint64_t>(), std::optional<uint64_t>(25)}) {
    auto f = StoredParquetFile::Open(store.get(), uri, size);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.status().code(), StatusCode::kCorruption);
    EXPECT_NE(f.status().message().find("b.parquet"), std::string::npos) << f.status().message();
  }
}

}  // namespace
}  // namespace binlake
