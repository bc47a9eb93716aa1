#include "storage/s3_credentials.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "tests/support/test_env.h"

namespace binlake {
namespace {

class S3CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("binlake-creds-");
    file_ = dir_ + "/credentials";
    std::ofstream(file_) << "# comment\n"
                            "[default]\n"
                            "aws_access_key_id = FILEDEFAULT\n"
                            "aws_secret_access_key=file-default-secret\n"
                            "\n"
                            "[profile work]\n"
                            "aws_access_key_id = FILEWORK\n"
                            "aws_secret_access_key = file-work-secret\n"
                            "aws_session_token = work-token\n"
                            "[empty]\n"
                            "region = eu-west-1\n";
    env_["HOME"] = dir_;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  EnvLookup Env() {
    return [this](const char* name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
  }

  std::string dir_, file_;
  std::map<std::string, std::string> env_;
};

TEST_F(S3CredentialsTest, OptionsComeFirst) {
  env_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  env_["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  S3Options o;
  o.access_key_id = "OPTKEY";
  o.secret_access_key = "opt-secret";
  o.session_token = "opt-token";
  Result<S3Credentials> c = ResolveS3Credentials(o, Env());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "OPTKEY");
  EXPECT_EQ(c->secret_access_key, "opt-secret");
  EXPECT_EQ(c->session_token, "opt-token");
  EXPECT_EQ(c->source, "options");
}

TEST_F(S3CredentialsTest, EnvironmentBeforeFile) {
  env_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  env_["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  env_["AWS_SESSION_TOKEN"] = "env-token";
  env_["AWS_SHARED_CREDENTIALS_FILE"] = file_;
  Result<S3Credentials> c = ResolveS3Credentials(S3Options{}, Env());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "ENVKEY");
  EXPECT_EQ(c->session_token, "env-token");
  EXPECT_EQ(c->source, "environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)");
}

TEST_F(S3CredentialsTest, SharedFileDefaultAndProfiles) {
  env_["AWS_SHARED_CREDENTIALS_FILE"] = file_;
  Result<S3Credentials> c = ResolveS3Credentials(S3Options{}, Env());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "FILEDEFAULT");
  EXPECT_EQ(c->secret_access_key, "file-default-secret");
  EXPECT_EQ(c->session_token, "");
  EXPECT_EQ(c->source, file_ + " [default]");

  env_["AWS_PROFILE"] = "work";
  c = ResolveS3Credentials(S3Options{}, Env());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "FILEWORK");
  EXPECT_EQ(c->session_token, "work-token");

  S3Options o;
  o.profile = "default";  // the option beats AWS_PROFILE
  c = ResolveS3Credentials(o, Env());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "FILEDEFAULT");
}

TEST_F(S3CredentialsTest, HomeCredentialsFileAndExplicitFileOption) {
  std::filesystem::create_directories(dir_ + "/.aws");
  std::ofstream(dir_ + "/.aws/credentials") << "[default]\naws_access_key_id=HOMEKEY\n"
                                               "aws_secret_access_key=home-secret\n";
  Result<S3Credentials> c = ResolveS3Credentials(S3Options{}, Env());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "HOMEKEY");
  S3Options o;
  o.credentials_file = file_;
  c = ResolveS3Credentials(o, Env());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "FILEDEFAULT");
}

TEST_F(S3CredentialsTest, Errors) {
  env_["AWS_SHARED_CREDENTIALS_FILE"] = file_;
  S3Options o;
  o.profile = "nope";
  Result<S3Credentials> c = ResolveS3Credentials(o, Env());
  EXPECT_EQ(c.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(c.status().message(), "S3 credentials profile [nope] not found in " + file_ +
                                      "; add it or choose another profile");

  o.profile = "empty";
  EXPECT_EQ(ResolveS3Credentials(o, Env()).status().code(), StatusCode::kUnauthenticated);

  S3Options half;
  half.access_key_id = "ONLYKEY";
  c = ResolveS3Credentials(half, Env());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("not a secret access key"), std::string::npos)
      << c.status().message();

  env_.erase("AWS_SHARED_CREDENTIALS_FILE");
  c = ResolveS3Credentials(S3Options{}, Env());
  EXPECT_EQ(c.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(c.status().message().find("no S3 credentials found"), std::string::npos);
  EXPECT_NE(c.status().message().find(dir_ + "/.aws/credentials"), std::string::npos);
}

}  // namespace
}  // namespace binlake
