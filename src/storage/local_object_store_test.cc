#include "storage/local_object_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/support/test_env.h"

namespace binlake {
namespace {

namespace fs = std::filesystem;

class LocalObjectStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("binlake-local-store-");
    Result<std::unique_ptr<LocalObjectStore>> store = LocalObjectStore::Open(dir_ + "/root/");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Every entry under the root, files and directories, relative, sorted.
  std::vector<std::string> Tree() {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir_ + "/root")) {
      out.push_back(fs::relative(e.path(), dir_ + "/root").string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::string dir_;
  std::unique_ptr<LocalObjectStore> store_;
};

TEST_F(LocalObjectStoreTest, OpenCreatesRootAndNormalisesUrl) {
  EXPECT_EQ(store_->root(), dir_ + "/root");
  EXPECT_EQ(store_->Url(), "file://" + dir_ + "/root");
  EXPECT_TRUE(fs::is_directory(dir_ + "/root"));
}

TEST_F(LocalObjectStoreTest, OpenRejectsRelativeAndFileRoots) {
  EXPECT_EQ(LocalObjectStore::Open("relative/dir").status().code(), StatusCode::kInvalidArgument);
  std::ofstream(dir_ + "/plain-file") << "x";
  Result<std::unique_ptr<LocalObjectStore>> file = LocalObjectStore::Open(dir_ + "/plain-file");
  EXPECT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find(dir_ + "/plain-file"), std::string::npos)
      << file.status().message();
}

TEST_F(LocalObjectStoreTest, ObjectsAreFilesAtTheirKeys) {
  ASSERT_TRUE(store_->Put("s/t/LOAD00000001.csv", "a,b\n").ok());
  std::ifstream in(dir_ + "/root/s/t/LOAD00000001.csv");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "a,b\n");
  EXPECT_THAT(Tree(), ::testing::ElementsAre("s", "s/t", "s/t/LOAD00000001.csv"));
}

TEST_F(LocalObjectStoreTest, WriterKeepsTemporaryFileBesideTargetUntilClose) {
  Result<std::unique_ptr<ObjectWriter>> w = store_->NewWriter("s/t/obj");
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write("partial").ok());
  std::vector<std::string> tree = Tree();
  ASSERT_EQ(tree.size(), 3u);
  EXPECT_TRUE(tree[2].starts_with("s/t/.binlake-tmp-")) << tree[2];
  // The temporary file is never listed.
  EXPECT_THAT(store_->List("")->objects, ::testing::IsEmpty());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_THAT(Tree(), ::testing::ElementsAre("s", "s/t", "s/t/obj"));
}

TEST_F(LocalObjectStoreTest, AbortRemovesTemporaryFile) {
  Result<std::unique_ptr<ObjectWriter>> w = store_->NewWriter("s/obj");
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(std::string(3 << 20, 'x')).ok());
  ASSERT_TRUE((*w)->Abort().ok());
  EXPECT_THAT(Tree(), ::testing::ElementsAre("s"));
}

TEST_F(LocalObjectStoreTest, FailedConditionalCreateRemovesTemporaryFile) {
  ASSERT_TRUE(store_->Put("k", "1").ok());
  EXPECT_EQ(store_->Put("k", "2", PutOptions::CreateOnly()).code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(Tree(), ::testing::ElementsAre("k"));
}

TEST_F(LocalObjectStoreTest, DeleteRemovesEmptiedDirectories) {
  ASSERT_TRUE(store_->Put("a/b/c/one", "1").ok());
  ASSERT_TRUE(store_->Put("a/two", "2").ok());
  ASSERT_TRUE(store_->Delete("a/b/c/one").ok());
  EXPECT_THAT(Tree(), ::testing::ElementsAre("a", "a/two"));
  ASSERT_TRUE(store_->Delete("a/two").ok());
  EXPECT_THAT(Tree(), ::testing::IsEmpty());
  EXPECT_TRUE(fs::is_directory(dir_ + "/root"));
  // The key that used to be a directory can now be an object.
  EXPECT_TRUE(store_->Put("a", "now a file").ok());
}

TEST_F(LocalObjectStoreTest, ObjectAndDirectoryConflictIsExplained) {
  ASSERT_TRUE(store_->Put("a", "file").ok());
  Status s = store_->Put("a/b", "under a file");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_NE(s.message().find("cannot hold both"), std::string::npos) << s.message();
  ASSERT_TRUE(store_->Put("d/e", "x").ok());
  Status dir = store_->Put("d", "over a directory");
  EXPECT_EQ(dir.code(), StatusCode::kFailedPrecondition) << dir.ToString();
  EXPECT_EQ(*store_->Get("d/e"), "x");
}

TEST_F(LocalObjectStoreTest, ReadOnlyRootIsPermissionDenied) {
  if (geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  ASSERT_TRUE(store_->Put("ro/x", "1").ok());
  chmod((dir_ + "/root/ro").c_str(), 0555);
  Status s = store_->Put("ro/y", "2");
  chmod((dir_ + "/root/ro").c_str(), 0755);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s.ToString();
}

}  // namespace
}  // namespace binlake
