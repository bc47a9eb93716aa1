#include "config/dms_import.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "config/config.h"

namespace binlake {
namespace {

const std::string kFixtures = "../shared/fixtures/dms/";

std::string Yaml(const std::string& dms, const std::string& rest = "") {
  return "source: {user: u}\ndms:\n" + dms + rest;
}

Result<Config> Parse(const std::string& text) { return ParseConfig(text, "test.yaml"); }

std::string Notes(const Config& c) {
  std::string all;
  for (const std::string& n : c.notes) all += n + "\n";
  return all;
}

// A directory of files removed at the end of the test.
class Dir {
 public:
  Dir() {
    std::string t = (std::filesystem::temp_directory_path() / "binlake-dms-XXXXXX").string();
    path_ = mkdtemp(t.data());
  }
  ~Dir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ + "/" + name) << text;
    return path_ + "/" + name;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

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
  EXPECT_FALSE(o.cdc_inserts_only);
  EXPECT_TRUE(o.add_column_name);
  EXPECT_EQ(o.parquet_version, "parquet-2-0");
  EXPECT_EQ(o.cdc_min_file_size, 32u * 1024);  // DMS KB are 1024 bytes
  EXPECT_EQ(o.cdc_max_batch_interval_ms, 30'000);
  EXPECT_EQ(c->target.url, "s3://dms-to-s3-123456789012/raw_input");
  EXPECT_EQ(c->full_load.threads, 8);
  EXPECT_TRUE(c->full_load.enabled);
  EXPECT_TRUE(c->truncate_rows);
  EXPECT_EQ(c->tables.lob_max_size, 32u * 1024);
  EXPECT_EQ(c->tables.data_error, DataErrorAction::kLogError);
  EXPECT_EQ(c->tables.truncation_error, DataErrorAction::kLogError);
  EXPECT_EQ(c->source.reconnect_attempts, -1);
  EXPECT_EQ(c->source.reconnect_interval_ms, 5'000);
  EXPECT_EQ(c->source.reconnect_max_interval_ms, 1'800'000);
  EXPECT_TRUE(c->source.reconnect_backoff);
  EXPECT_EQ(c->tables.mapping_file, kFixtures + "table-mappings-schema.json");
  std::string notes = Notes(*c);
  EXPECT_NE(notes.find("ServiceAccessRoleArn"), std::string::npos) << notes;
  EXPECT_NE(notes.find("ParquetVersion PARQUET_2_0"), std::string::npos) << notes;
  EXPECT_NE(notes.find("Logging (binlake logs to stderr"), std::string::npos) << notes;
  // Keys sharing a reason share one note (JSON keys come in name order).
  EXPECT_NE(notes.find("ErrorBehavior.DataErrorEscalationCount, "
                       "ErrorBehavior.DataErrorEscalationPolicy, "
                       "ErrorBehavior.TableErrorEscalationCount, "
                       "ErrorBehavior.TableErrorEscalationPolicy, ErrorBehavior.TableErrorPolicy "
                       "(binlake does not suspend single tables"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find("TargetMetadata.InlineLobMaxSize, TargetMetadata.LobChunkSize (binlake "
                       "reads LOBs whole"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find("FullLoadSettings.TransactionConsistencyTimeout"), std::string::npos);
  EXPECT_NE(notes.find("ValidationSettings (validation is off)"), std::string::npos) << notes;
  // Sections set to null are not set: nothing to say about them.
  EXPECT_EQ(notes.find("CharacterSetSettings"), std::string::npos) << notes;
}

TEST(DmsImportTest, RelativePathsStartFromTheConfigFilesFolder) {
  std::string dir = std::filesystem::absolute(kFixtures).lexically_normal().string();
  Result<Config> c = ParseConfig(Yaml("  endpoint_settings: extra-connection-attributes.txt\n"
                                      "  table_mappings: table-mappings-schema.json\n"),
                                 dir + "binlake.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->output.format, OutputFormat::kParquet);
  EXPECT_EQ(c->tables.mapping_file, dir + "table-mappings-schema.json");
  Result<Config> missing = ParseConfig(Yaml("  s3_settings: nowhere.json\n"), dir + "b.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(dir + "nowhere.json"), std::string::npos)
      << missing.status().ToString();
  EXPECT_NE(missing.status().message().find("dms.s3_settings"), std::string::npos);
}

TEST(DmsImportTest, TheConfigFileWinsAndTheOverrideIsNoted) {
  Result<Config> c = Parse(Yaml("  s3_settings: " + kFixtures + "s3-settings.json\n",
                                "target: {url: 'file:///tmp/lake'}\noutput: {compression: snappy}\n"
                                "full_load: true\n"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->target.url, "file:///tmp/lake");
  EXPECT_EQ(c->output.format, OutputFormat::kParquet);
  EXPECT_EQ(c->output.compression, Compression::kSnappy);
  std::string notes = Notes(*c);
  EXPECT_NE(notes.find("s3-settings.json: DMS setting BucketName and BucketFolder (target.url "
                       "'s3://dms-to-s3-123456789012/raw_input' is overridden: test.yaml gives "
                       "'file:///tmp/lake')"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find("CompressionType (output.compression 'gzip' is overridden"),
            std::string::npos)
      << notes;

  // `full_load: true` keeps the threads the task settings give.
  c = Parse(Yaml("  task_settings: " + kFixtures + "task-settings.json\n", "full_load: true\n"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->full_load.enabled);
  EXPECT_EQ(c->full_load.threads, 8);
  c = Parse(Yaml("  task_settings: " + kFixtures + "task-settings.json\n",
                 "full_load: {threads: 2}\ntables: {lob_max_size: 1MiB}\n"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->full_load.threads, 2);
  EXPECT_EQ(c->tables.lob_max_size, 1u << 20);
}

std::string Refusal(const std::string& attributes) {
  DmsImport imp;
  Status s = ImportEndpointAttributes(attributes, "attrs.txt", &imp);
  EXPECT_FALSE(s.ok()) << attributes;
  EXPECT_NE(s.message().find("attrs.txt"), std::string::npos) << s.ToString();
  return s.message();
}

TEST(DmsImportTest, RefusedEndpointSettingsAreNamedWithTheReason) {
  for (const char* a :
       {"rfc4180=false", "addTrailingPaddingCharacter=true", "glueCatalogGeneration=true",
        "ignoreHeaderRows=1", "externalTableDefinition={}", "dataFormat=orc",
        "compressionType=BZIP2", "cannedAclForObjects=EVERYONE", "encryptionMode=SSE_C",
        "encodingType=delta", "parquetVersion=PARQUET_3_0", "cdcMinFileSize=32MB",
        "cdcMaxBatchInterval=0", "includeOpForFullLoad=maybe", "dataPageSize=10",
        "expectedBucketOwner=me"}) {
    std::string name(a, std::string_view(a).find('='));
    EXPECT_NE(Refusal(a).find("DMS setting " + name), std::string::npos) << a;
  }
  EXPECT_NE(Refusal("rfc4180=false").find("cannot be read back exactly"), std::string::npos);
  EXPECT_NE(Refusal("glueCatalogGeneration=true").find("iceberg.enabled: true"), std::string::npos);
  EXPECT_NE(Refusal("ignoreHeaderRows=1").find("*source* endpoint"), std::string::npos);
  // Unknown names get the closest known one, spelt as they were (attribute or S3Settings).
  EXPECT_NE(Refusal("bucketNmae=x").find("did you mean 'bucketName'?"), std::string::npos);
  DmsImport imp;
  Status s = ImportS3Settings(R"({"CdcInsertAndUpdates": true})", "s3.json", &imp);
  EXPECT_NE(s.message().find("CdcInsertAndUpdates is not an S3 target endpoint setting; did you "
                             "mean 'CdcInsertsAndUpdates'?"),
            std::string::npos)
      << s.ToString();
  EXPECT_NE(Refusal("frobnicate=1").find("docs/migrating-from-dms.md"), std::string::npos);
}

TEST(DmsImportTest, EveryS3SettingIsCarriedOutOrNoted) {
  Dir dir;
  std::string s3 = dir.Write("s3.json", R"({
    "ServiceAccessRoleArn": "arn:aws:iam::123456789012:role/r",
    "BucketName": "b", "BucketFolder": "/f/", "CompressionType": "gzip",
    "EncryptionMode": "SSE_KMS", "ServerSideEncryptionKmsKeyId": "k1",
    "DataFormat": "parquet", "EncodingType": "PLAIN", "DictPageSizeLimit": 2048,
    "RowGroupLength": 5000, "DataPageSize": 65536, "ParquetVersion": "parquet-1-0",
    "EnableStatistics": false, "IncludeOpForFullLoad": true, "CdcInsertsOnly": true,
    "TimestampColumnName": "ts", "ParquetTimestampInMillisecond": "true",
    "CdcInsertsAndUpdates": false, "DatePartitionEnabled": true,
    "DatePartitionSequence": "YYYYMMDDHH", "DatePartitionDelimiter": "DASH",
    "UseCsvNoSupValue": false, "CsvNoSupValue": "", "PreserveTransactions": false,
    "CdcPath": "changes", "UseTaskStartTimeForFullLoadTimestamp": true,
    "CannedAclForObjects": "BUCKET_OWNER_FULL_CONTROL", "AddColumnName": false,
    "CdcMaxBatchInterval": 120, "CdcMinFileSize": 64000, "CsvNullValue": "",
    "MaxFileSize": 1024, "Rfc4180": true, "DatePartitionTimezone": "Asia/Seoul",
    "AddTrailingPaddingCharacter": false, "ExpectedBucketOwner": "123456789012",
    "GlueCatalogGeneration": false, "CsvDelimiter": ",", "CsvRowDelimiter": "\\n",
    "ExternalTableDefinition": null})");
  Result<Config> c = ParseConfig(Yaml("  s3_settings: s3.json\n"), dir.path() + "/binlake.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const OutputConfig& o = c->output;
  EXPECT_EQ(c->target.url, "s3://b/f");
  EXPECT_EQ(c->target.s3.server_side_encryption, "aws:kms");
  EXPECT_EQ(c->target.s3.sse_kms_key_id, "k1");
  EXPECT_EQ(c->target.s3.canned_acl, "bucket-owner-full-control");
  EXPECT_EQ(c->target.s3.expected_bucket_owner, "123456789012");
  EXPECT_EQ(o.compression, Compression::kGzip);
  EXPECT_FALSE(o.parquet_dictionary);
  EXPECT_EQ(o.dict_page_size_limit, 2048u);
  EXPECT_EQ(o.row_group_length, 5000u);
  EXPECT_EQ(o.data_page_size, 65536u);
  EXPECT_EQ(o.parquet_version, "parquet-1-0");
  EXPECT_FALSE(o.enable_statistics);
  EXPECT_TRUE(o.include_op_for_full_load);
  EXPECT_TRUE(o.cdc_inserts_only);
  EXPECT_EQ(o.timestamp_column_name, "ts");
  EXPECT_TRUE(o.parquet_timestamp_in_millisecond);
  EXPECT_TRUE(o.date_partition_enabled);
  EXPECT_EQ(o.date_partition_sequence, "YYYYMMDDHH");
  EXPECT_EQ(o.date_partition_delimiter, "DASH");
  EXPECT_EQ(o.date_partition_timezone, "Asia/Seoul");
  EXPECT_EQ(o.cdc_path, "changes");
  EXPECT_EQ(o.cdc_max_batch_interval_ms, 120'000);
  EXPECT_EQ(o.cdc_min_file_size, 64'000u * 1024);
  EXPECT_EQ(o.max_file_size, 1024u * 1024);
  EXPECT_EQ(o.csv_row_delimiter, "\n");
  std::string notes = Notes(*c);
  EXPECT_NE(notes.find("UseTaskStartTimeForFullLoadTimestamp true"), std::string::npos) << notes;
  EXPECT_NE(notes.find("ServiceAccessRoleArn"), std::string::npos) << notes;
  EXPECT_NE(notes.find("CsvNoSupValue, UseCsvNoSupValue (CSV only; the output is parquet)"),
            std::string::npos)
      << notes;

  // CSV: the rest of the CSV settings, and the Parquet ones noted, not applied.
  DmsImport imp;
  ASSERT_TRUE(ImportEndpointAttributes(
                  "csvDelimiter=\\t;csvRowDelimiter=\\r\\n;csvNullValue=NULL;addColumnName=y;"
                  "useCsvNoSupValue=true;csvNoSupValue=NOSUP;preserveTransactions=true;"
                  "cdcPath=txn;rowGroupLength=10;enableStatistics=false;encryptionMode=sse_s3",
                  "attrs.txt", &imp)
                  .ok());
  SettleFormatSettings("csv", &imp);
  YAML::Emitter e;
  e << imp.keys;
  c = ParseConfig(std::string("source: {user: u}\n") + e.c_str(), "merged");
  ASSERT_TRUE(c.ok()) << c.status().ToString() << "\n" << e.c_str();
  EXPECT_EQ(c->output.format, OutputFormat::kCsv);
  EXPECT_EQ(c->output.csv_delimiter, "\t");
  EXPECT_EQ(c->output.csv_row_delimiter, "\r\n");
  EXPECT_EQ(c->output.csv_null_value, "NULL");
  EXPECT_TRUE(c->output.add_column_name);
  EXPECT_TRUE(c->output.use_csv_no_sup_value);
  EXPECT_EQ(c->output.csv_no_sup_value, "NOSUP");
  EXPECT_TRUE(c->output.preserve_transactions);
  EXPECT_EQ(c->target.s3.server_side_encryption, "AES256");
  ASSERT_EQ(imp.notes.size(), 1u);
  EXPECT_EQ(imp.notes[0], "enableStatistics, rowGroupLength (Parquet only; the output is csv)");
}

TEST(DmsImportTest, TheS3SettingsWinOverTheAttributes) {
  Dir dir;
  dir.Write("attrs.txt", "compressionType=NONE;dataFormat=parquet");
  dir.Write("s3.json", R"({"CompressionType": "GZIP", "DataFormat": "parquet"})");
  Result<Config> c = ParseConfig(Yaml("  s3_settings: s3.json\n  endpoint_settings: attrs.txt\n"),
                                 dir.path() + "/binlake.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->output.compression, Compression::kGzip);
  EXPECT_NE(Notes(*c).find("attrs.txt: DMS setting compressionType (output.compression 'none' is "
                           "overridden: " +
                           dir.path() + "/s3.json: DMS setting CompressionType gives 'gzip')"),
            std::string::npos)
      << Notes(*c);
}

TEST(DmsImportTest, ParquetSettingsFollowTheFormatTheConfigFileSets) {
  Dir dir;
  dir.Write("attrs.txt", "rowGroupLength=7;enableStatistics=false");
  Result<Config> c =
      ParseConfig(Yaml("  endpoint_settings: attrs.txt\n", "output: {format: parquet}\n"),
                  dir.path() + "/binlake.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->output.row_group_length, 7u);
  EXPECT_FALSE(c->output.enable_statistics);
  c = ParseConfig(Yaml("  endpoint_settings: attrs.txt\n"), dir.path() + "/binlake.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->output.enable_statistics);
  EXPECT_NE(Notes(*c).find("Parquet only"), std::string::npos);
}

TEST(DmsImportTest, BadValuesNameTheFileAndTheSetting) {
  Dir dir;
  dir.Write("attrs.txt", "datePartitionSequence=YYYY;");
  Result<Config> c =
      ParseConfig(Yaml("  endpoint_settings: attrs.txt\n"), dir.path() + "/binlake.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            dir.path() +
                "/attrs.txt: DMS setting datePartitionSequence (as output.date_partition_sequence) "
                "'YYYY' is not one of: yyyymmdd, yyyymmddhh, yyyymm, mmyyyydd, ddmmyyyy");
  dir.Write("task.json", "{\"ErrorBehavior\": {\"DataErrorPolicy\": \"LOG_ERROR\",}}");
  c = ParseConfig(Yaml("  task_settings: task.json\n"), dir.path() + "/binlake.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find(dir.path() + "/task.json: not valid JSON"), std::string::npos)
      << c.status().ToString();
  DmsImport imp;
  Status s = ImportS3Settings("[1, 2]", "s3.json", &imp);
  EXPECT_NE(s.message().find("s3.json: a S3Settings document is a JSON object, not array"),
            std::string::npos)
      << s.ToString();
}

Status Task(const std::string& json, DmsImport* imp = nullptr) {
  DmsImport local;
  return ImportTaskSettings(json, "task.json", imp != nullptr ? imp : &local);
}

TEST(DmsImportTest, TaskSettingsThatCannotBeHonouredAreRefusedByName) {
  struct Case {
    const char* json;
    const char* name;
    const char* why;
  };
  const Case kCases[] = {
      {R"({"TargetMetadata": {"BatchApplyEnabled": true}})", "TargetMetadata.BatchApplyEnabled",
       "drops the Op column"},
      {R"({"TargetMetadata": {"BatchApplyEnabled": "sure"}})", "TargetMetadata.BatchApplyEnabled",
       "must be true or false"},
      {R"({"TargetMetadata": {"SupportLobs": false}})", "TargetMetadata.SupportLobs",
       "remove-column"},
      {R"({"TargetMetadata": {"TargetSchema": "lake"}})", "TargetMetadata.TargetSchema", "rename"},
      {R"({"TargetMetadata": {"LobMaxSize": "big"}})", "TargetMetadata.LobMaxSize", "whole number"},
      {R"({"ChangeProcessingDdlHandlingPolicy": {"HandleSourceTableAltered": false}})",
       "ChangeProcessingDdlHandlingPolicy.HandleSourceTableAltered", "ALTER TABLE"},
      {R"({"ChangeProcessingDdlHandlingPolicy": {"HandleSourceTableDropped": false}})",
       "ChangeProcessingDdlHandlingPolicy.HandleSourceTableDropped", "DROP TABLE"},
      {R"({"CharacterSetSettings": {"CharacterReplacements": []}})", "CharacterSetSettings",
       "UTF-8"},
      {R"({"BeforeImageSettings": {"EnableBeforeImage": true}})",
       "BeforeImageSettings.EnableBeforeImage", "add-before-image-columns"},
      {R"({"ValidationSettings": {"EnableValidation": true}})",
       "ValidationSettings.EnableValidation", "no validation pass"},
      {R"({"ValidationSettings": {"ValidationOnly": true}})", "ValidationSettings.ValidationOnly",
       "no validation pass"},
      {R"({"LoopbackPreventionSettings": {"EnableLoopbackPrevention": true}})",
       "LoopbackPreventionSettings", "Set it null"},
      {R"({"PostProcessingRules": {}})", "PostProcessingRules", "Set it null"},
      {R"({"ErrorBehavior": {"DataErrorPolicy": "MAYBE"}})", "ErrorBehavior.DataErrorPolicy",
       "is not LOG_ERROR"},
      {R"({"ErrorBehavior": {"RecoverableErrorCount": -2}})", "ErrorBehavior.RecoverableErrorCount",
       "at least -1"},
      {R"({"FullLoadSettings": {"MaxFullLoadSubTask": 8}})", "FullLoadSettings.MaxFullLoadSubTask",
       "did you mean 'MaxFullLoadSubTasks'?"},
      {R"({"ErrorBehaviour": {}})", "ErrorBehaviour", "did you mean 'ErrorBehavior'?"},
      {R"({"Bogus": {}})", "Bogus", "is not a task settings section"},
      {R"({"FullLoadSettings": 8})", "FullLoadSettings", "must be a JSON object"},
  };
  for (const Case& k : kCases) {
    Status s = Task(k.json);
    EXPECT_NE(s.message().find(std::string("task.json: DMS task setting ") + k.name),
              std::string::npos)
        << s.ToString();
    EXPECT_NE(s.message().find(k.why), std::string::npos) << s.ToString();
  }
}

TEST(DmsImportTest, TaskSettingsBecomeBinlakeKeys) {
  DmsImport imp;
  ASSERT_TRUE(Task(R"({"ChangeProcessingDdlHandlingPolicy": {"HandleSourceTableTruncated": false},
      "ErrorBehavior": {"DataErrorPolicy": "SUSPEND_TABLE", "DataTruncationErrorPolicy":
      "IGNORE_RECORD", "RecoverableErrorCount": 0, "RecoverableErrorThrottling": false,
      "DataMaskingErrorPolicy": "STOP_TASK", "SomethingNew": 1},
      "TargetMetadata": {"FullLobMode": true, "LimitedSizeLobMode": false, "LobMaxSize": 64},
      "FullLoadSettings": {"MaxFullLoadSubTasks": 100},
      "TTSettings": {"EnableTT": false}})",
                   &imp)
                  .ok());
  EXPECT_EQ(imp.keys["truncate"].as<std::string>(), "warn");
  EXPECT_EQ(imp.keys["tables"]["data_error"].as<std::string>(), "stop");
  EXPECT_EQ(imp.keys["tables"]["truncation_error"].as<std::string>(), "ignore-record");
  EXPECT_EQ(imp.keys["source"]["reconnect_attempts"].as<std::string>(), "0");
  EXPECT_EQ(imp.keys["source"]["reconnect_backoff"].as<std::string>(), "false");
  EXPECT_EQ(imp.keys["full_load"]["threads"].as<std::string>(), "64");
  EXPECT_FALSE(imp.keys["tables"]["lob_max_size"].IsDefined());
  std::string notes;
  for (const std::string& n : imp.notes) notes += n + "\n";
  EXPECT_NE(notes.find("ErrorBehavior.DataErrorPolicy SUSPEND_TABLE (binlake stops instead"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find("FullLoadSettings.MaxFullLoadSubTasks 100"), std::string::npos) << notes;
  EXPECT_NE(notes.find("ErrorBehavior.SomethingNew (not a setting binlake knows)"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find("ErrorBehavior.DataMaskingErrorPolicy (binlake has no data masking)"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find("TTSettings (DMS Time Travel"), std::string::npos) << notes;
}

TEST(DmsImportTest, RecoverableErrorsBecomeTheReconnectPolicy) {
  DmsImport imp;
  // Stop once the wait would reach the maximum: 5, 10, 20, ... 1280 s are waited (9 times).
  ASSERT_TRUE(Task(R"({"ErrorBehavior": {"RecoverableErrorCount": -1,
      "RecoverableErrorInterval": 5, "RecoverableErrorThrottling": true,
      "RecoverableErrorThrottlingMax": 1800,
      "RecoverableErrorStopRetryAfterThrottlingMax": true}})",
                   &imp)
                  .ok());
  EXPECT_EQ(imp.keys["source"]["reconnect_attempts"].as<std::string>(), "9");
  EXPECT_EQ(imp.keys["source"]["reconnect_interval"].as<std::string>(), "5s");
  EXPECT_EQ(imp.keys["source"]["reconnect_max_interval"].as<std::string>(), "1800s");
  DmsImport fewer;
  ASSERT_TRUE(Task(R"({"ErrorBehavior": {"RecoverableErrorCount": 3,
      "RecoverableErrorStopRetryAfterThrottlingMax": true}})",
                   &fewer)
                  .ok());
  EXPECT_EQ(fewer.keys["source"]["reconnect_attempts"].as<std::string>(), "3");
  // A maximum below the interval is the interval (DMS waits the interval then).
  DmsImport flat;
  ASSERT_TRUE(Task(R"({"ErrorBehavior": {"RecoverableErrorInterval": 60,
      "RecoverableErrorThrottling": false, "RecoverableErrorThrottlingMax": 10}})",
                   &flat)
                  .ok());
  EXPECT_EQ(flat.keys["source"]["reconnect_max_interval"].as<std::string>(), "60s");
  EXPECT_EQ(flat.keys["source"]["reconnect_backoff"].as<std::string>(), "false");
}

TEST(DmsImportTest, OutputKeysOfTheConfigFile) {
  Result<Config> c = Parse(
      "source: {user: u}\noutput: {format: parquet, row_group_length: 100, data_page_size: 64KiB, "
      "dict_page_size_limit: 4KiB, encoding_type: plain-dictionary, enable_statistics: false, "
      "parquet_version: PARQUET-2-0}\ntables: {data_error: ignore-record, truncation_error: "
      "stop, lob_max_size: 32KiB}\n");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->output.row_group_length, 100u);
  EXPECT_EQ(c->output.data_page_size, 64u * 1024);
  EXPECT_EQ(c->output.dict_page_size_limit, 4u * 1024);
  EXPECT_TRUE(c->output.parquet_dictionary);
  EXPECT_FALSE(c->output.enable_statistics);
  EXPECT_EQ(c->output.parquet_version, "parquet-2-0");
  EXPECT_EQ(c->tables.data_error, DataErrorAction::kIgnoreRecord);
  EXPECT_EQ(c->tables.truncation_error, DataErrorAction::kStop);
  EXPECT_EQ(c->tables.lob_max_size, 32u * 1024);
  c = Parse("source: {user: u}\noutput: {enable_statistics: false}\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("output.enable_statistics is for Parquet only"),
            std::string::npos)
      << c.status().ToString();
  c = Parse(Yaml("  table_mappings: a.json\n", "tables: {mapping_file: b.json}\n"));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("keep one"), std::string::npos);
  c = Parse(Yaml("  endpoint_setting: a.txt\n"));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("did you mean 'endpoint_settings'?"), std::string::npos)
      << c.status().ToString();
}

}  // namespace
}  // namespace binlake
