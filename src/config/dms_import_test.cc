#include "config/dms_import.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "config/config.h"

namespace binlake {
namespace {

const std::string kFixtures = "../shared/fixtures/dms/";

std::string Yaml(const std::string& dms, const std::string& rest = "") {
  return "source: {user: u}\ndms:\n" + dms + rest;
}

Result<Config> Parse(const std::string& text) { return ParseConfig(text, "test.yaml"); }

TEST(DmsImportTest, FixturesAsWritten) {
  Result<Config> c = Parse(
      Yaml("  endpoint_settings: [" + kFixtures + "extra-connection-attributes.txt, " + kFixtures +
           "extra-connection-attributes-cdc-tuning.txt]\n  s3_settings: " + kFixtures +
           "s3-settings.json\n  task_settings: " + kFixtures +
           "task-settings.json\n  table_mappings: " + kFixtures + "table-mappings-schema.json\n"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const OutputConfig& o = c->output;
  EXPECT_EQ(o.format, OutputFormat::kParquet);
  EXPECT_EQ(o.compression, Compression::kGzip);
  EXPECT_EQ(o.timestamp_column_name, "_dms_ingestion_timestamp");
  EXPECT_TRUE(o.include_op_for_full_load);
  EXPECT_TRUE(o.cdc_inserts_and_updates);
  EXPECT_TRUE(o.add_column_name);
  EXPECT_EQ(o.cdc_min_file_size, 32'000u);
  EXPECT_EQ(o.cdc_max_batch_interval_ms, 30'000);
  EXPECT_EQ(c->target.url, "s3://dms-to-s3-123456789012/raw_input");
  EXPECT_EQ(c->full_load.threads, 8);
  EXPECT_TRUE(c->truncate_rows);
  EXPECT_EQ(c->tables.lob_max_size, 32u * 1024);
  EXPECT_EQ(c->tables.data_error, DataErrorAction::kLogError);
  EXPECT_EQ(c->tables.truncation_error, DataErrorAction::kLogError);
  EXPECT_EQ(c->source.reconnect_attempts, -1);
  EXPECT_EQ(c->source.reconnect_interval_ms, 5'000);
  EXPECT_EQ(c->source.reconnect_max_interval_ms, 1'800'000);
  EXPECT_EQ(c->tables.mapping_file, kFixtures + "table-mappings-schema.json");
  std::string notes;
  for (const std::string& n : c->notes) notes += n + "\n";
  EXPECT_NE(notes.find("ServiceAccessRoleArn"), std::string::npos) << notes;
  EXPECT_NE(notes.find("ParquetVersion PARQUET_2_0"), std::string::npos) << notes;
  EXPECT_NE(notes.find("Logging"), std::string::npos) << notes;
  EXPECT_NE(notes.find("TableErrorPolicy"), std::string::npos) << notes;
}

TEST(DmsImportTest, TheConfigFileWins) {
  Result<Config> c =
      Parse(Yaml("  s3_settings: " + kFixtures + "s3-settings.json\n",
                 "target: {url: 'file:///tmp/lake'}\noutput: {compression: snappy}\n"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->target.url, "file:///tmp/lake");
  EXPECT_EQ(c->output.format, OutputFormat::kParquet);
  EXPECT_EQ(c->output.compression, Compression::kSnappy);
}

std::string Refusal(const std::string& attributes) {
  DmsImport imp;
  Status s = ImportEndpointAttributes(attributes, "attrs", &imp);
  EXPECT_FALSE(s.ok()) << attributes;
  return s.message();
}

TEST(DmsImportTest, EverySettingIsCarriedOutOrRefusedByName) {
  EXPECT_NE(Refusal("rfc4180=false;").find("rfc4180"), std::string::npos);
  EXPECT_NE(Refusal("addTrailingPaddingCharacter=true").find("addTrailingPaddingCharacter"),
            std::string::npos);
  EXPECT_NE(Refusal("glueCatalogGeneration=true").find("Iceberg"), std::string::npos);
  EXPECT_NE(Refusal("enableStatistics=false").find("statistics"), std::string::npos);
  EXPECT_NE(Refusal("ignoreHeaderRows=1").find("source"), std::string::npos);
  EXPECT_NE(Refusal("dataFormat=orc").find("csv or parquet"), std::string::npos);
  EXPECT_NE(Refusal("bucketNmae=x").find("bucketNmae"), std::string::npos);
  DmsImport imp;
  ASSERT_TRUE(ImportEndpointAttributes(
                  "dataFormat=parquet;encodingType=PLAIN;rowGroupLength=5000;dataPageSize=65536;"
                  "dictPageSizeLimit=2048;cannedAclForObjects=BUCKET_OWNER_FULL_CONTROL;"
                  "expectedBucketOwner=123456789012;encryptionMode=SSE_KMS;"
                  "serverSideEncryptionKmsKeyId=k1;useCsvNoSupValue=false;rfc4180=true;"
                  "useTaskStartTimeForFullLoadTimestamp=true;csvDelimiter=\\t",
                  "attrs", &imp)
                  .ok());
  YAML::Emitter e;
  e << imp.keys;
  Result<Config> c = ParseConfig(std::string("source: {user: u}\n") + e.c_str(), "merged");
  ASSERT_TRUE(c.ok()) << c.status().ToString() << "\n" << e.c_str();
  EXPECT_FALSE(c->output.parquet_dictionary);
  EXPECT_EQ(c->output.parquet_row_group_length, 5000u);
  EXPECT_EQ(c->output.parquet_data_page_size, 65536u);
  EXPECT_EQ(c->output.parquet_dict_page_size_limit, 2048u);
  EXPECT_EQ(c->output.csv_delimiter, "\t");
  EXPECT_EQ(c->target.s3.canned_acl, "bucket-owner-full-control");
  EXPECT_EQ(c->target.s3.expected_bucket_owner, "123456789012");
  EXPECT_EQ(c->target.s3.server_side_encryption, "aws:kms");
  EXPECT_EQ(c->target.s3.sse_kms_key_id, "k1");
}

Status Task(const std::string& json) {
  DmsImport imp;
  return ImportTaskSettings(json, "task.json", &imp);
}

TEST(DmsImportTest, TaskSettingsThatCannotBeHonouredAreRefused) {
  Status s = Task(R"({"TargetMetadata": {"BatchApplyEnabled": true}})");
  EXPECT_NE(s.message().find("BatchApplyEnabled"), std::string::npos) << s.ToString();
  s = Task(R"({"ChangeProcessingDdlHandlingPolicy": {"HandleSourceTableAltered": false}})");
  EXPECT_NE(s.message().find("HandleSourceTableAltered"), std::string::npos) << s.ToString();
  s = Task(R"({"CharacterSetSettings": {"CharacterReplacements": []}})");
  EXPECT_NE(s.message().find("UTF-8"), std::string::npos) << s.ToString();
  s = Task(R"({"BeforeImageSettings": {"EnableBeforeImage": true}})");
  EXPECT_NE(s.message().find("add-before-image-columns"), std::string::npos) << s.ToString();
  s = Task(R"({"Bogus": {}})");
  EXPECT_NE(s.message().find("Bogus"), std::string::npos) << s.ToString();
  s = Task(R"({"ErrorBehavior": {"DataErrorPolicy": "MAYBE"}})");
  EXPECT_NE(s.message().find("DataErrorPolicy"), std::string::npos) << s.ToString();
  DmsImport imp;
  ASSERT_TRUE(ImportTaskSettings(
                  R"({"ChangeProcessingDdlHandlingPolicy": {"HandleSourceTableTruncated": false},
      "ErrorBehavior": {"DataErrorPolicy": "SUSPEND_TABLE", "RecoverableErrorCount": 0},
      "TargetMetadata": {"FullLobMode": true, "LimitedSizeLobMode": false}})",
                  "task.json", &imp)
                  .ok());
  EXPECT_EQ(imp.keys["truncate"].as<std::string>(), "warn");
  EXPECT_EQ(imp.keys["tables"]["data_error"].as<std::string>(), "stop");
  EXPECT_EQ(imp.keys["source"]["reconnect_attempts"].as<std::string>(), "0");
  EXPECT_FALSE(imp.keys["tables"]["lob_max_size"].IsDefined());
  ASSERT_FALSE(imp.notes.empty());
  EXPECT_NE(imp.notes[0].find("SUSPEND_TABLE"), std::string::npos);
}

}  // namespace
}  // namespace binlake
