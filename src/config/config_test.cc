#include "config/config.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace binlake {
namespace {

// The example from docs/configuration.md and the README, verbatim.
constexpr char kExample[] = R"(
source:
  host: 127.0.0.1
  port: 3306
  user: cdc
  password: ${BINLAKE_SOURCE_PASSWORD}
target:
  url: file:///var/lib/binlake/lake     # or s3://bucket/prefix
  # s3: { endpoint: http://127.0.0.1:7480, region: us-east-1, path_style: true }
output:
  format: csv                           # csv | jsonl | parquet
  include_op_for_full_load: true
  timestamp_column_name: _binlake_ts
  cdc_max_batch_interval: 60s
tables:
  include: ["shop.%"]
)";

TEST(ConfigTest, ExampleFromDocsParses) {
  setenv("BINLAKE_SOURCE_PASSWORD", "s3cr$t", 1);
  Result<Config> c = ParseConfig(kExample, "binlake.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->source.host, "127.0.0.1");
  EXPECT_EQ(c->source.port, 3306);
  EXPECT_EQ(c->source.user, "cdc");
  EXPECT_EQ(c->source.password, "s3cr$t");
  EXPECT_EQ(c->target.url, "file:///var/lib/binlake/lake");
  EXPECT_EQ(c->output.format, OutputFormat::kCsv);
  EXPECT_TRUE(c->output.include_op_for_full_load);
  EXPECT_EQ(c->output.timestamp_column_name, "_binlake_ts");
  EXPECT_EQ(c->output.cdc_max_batch_interval_ms, 60'000);
  EXPECT_EQ(c->tables.include, std::vector<std::string>{"shop.%"});
  EXPECT_TRUE(c->full_load.enabled);
  EXPECT_EQ(c->full_load.threads, 4);
  EXPECT_EQ(c->start.kind, StartConfig::Kind::kCurrentEnd);
}

TEST(ConfigTest, MissingEnvironmentVariableIsNamed) {
  unsetenv("BINLAKE_SOURCE_PASSWORD");
  Result<Config> c = ParseConfig(kExample, "binlake.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("BINLAKE_SOURCE_PASSWORD is not set"), std::string::npos)
      << c.status().message();
  EXPECT_NE(c.status().message().find("binlake.yaml:6: source.password"), std::string::npos)
      << c.status().message();
}

TEST(ConfigTest, UnknownKeyNamesPathLineAndSuggestion) {
  Result<Config> c = ParseConfig("output:\n  formt: csv\n", "x.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "x.yaml:2: unknown key 'output.formt'; did you mean 'format'?");
  Result<Config> top = ParseConfig("sourse:\n  host: a\n", "x.yaml");
  ASSERT_FALSE(top.ok());
  EXPECT_NE(top.status().message().find("unknown key 'sourse'; did you mean 'source'?"),
            std::string::npos)
      << top.status().message();
  Result<Config> far = ParseConfig("zzzzzzzz: 1\n", "x.yaml");
  EXPECT_NE(far.status().message().find("see docs/configuration.md"), std::string::npos);
}

TEST(ConfigTest, BadValues) {
  auto msg = [](const char* yaml) { return ParseConfig(yaml, "c").status().message(); };
  EXPECT_EQ(msg("output:\n  format: orc\n"),
            "c:2: output.format 'orc' is not one of: csv, jsonl, parquet");
  EXPECT_EQ(msg("source:\n  port: 70000\n"),
            "c:2: source.port must be a whole number from 1 to 65535, not '70000'");
  EXPECT_NE(msg("output:\n  cdc_max_batch_interval: 10ms\n").find("at least 100ms"),
            std::string::npos);
  EXPECT_NE(msg("output:\n  compression: zstd\n").find("Parquet only"), std::string::npos);
  EXPECT_NE(msg("output:\n  preserve_transactions: true\n").find("cdc_path"), std::string::npos);
  EXPECT_NE(msg("target:\n  url: /tmp/lake\n").find("must start with file://"), std::string::npos);
  EXPECT_NE(msg("source: [1, 2]\n").find("must be a mapping"), std::string::npos);
  EXPECT_NE(msg("source:\n  host: [a\n").find("not valid YAML"), std::string::npos);
  EXPECT_NE(msg("source:\n\thost: a\n").find("c:2: the line is indented with a tab"),
            std::string::npos);
  EXPECT_NE(msg("start:\n  file: a.000001\n  pos: 4\n  gtid: 0-1-1\n").find("not several"),
            std::string::npos);
}

TEST(ConfigTest, FullOptions) {
  const char* yaml = R"(
source: {host: db, port: 3307, user: u, password: p, server_id: 99,
         tls: {mode: verify_identity, ca: /ca.pem}, heartbeat_interval: 2s}
target:
  url: s3://bucket/prefix
  s3: {endpoint: "http://127.0.0.1:7480", path_style: true, server_side_encryption: aws:kms,
       sse_kms_key_id: k1, multipart_part_size: 8MiB}
output:
  format: parquet
  compression: zstd
  cdc_min_file_size: 1000KB
  max_file_size: 64MB
  date_partition_enabled: true
  date_partition_sequence: yyyymmddhh
  date_partition_delimiter: dash
  cdc_path: changes
  preserve_transactions: yes
  sequence_column_name: _seq
tables: {include: "%.%", exclude: ["mysql.%", "sys._%"]}
start: {file: mariadb-bin.000002, pos: 1234}
full_load: false
log: {level: debug, json: true}
)";
  Result<Config> c = ParseConfig(yaml);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->source.tls_mode, "verify_identity");
  EXPECT_EQ(c->source.server_id, 99u);
  EXPECT_EQ(c->source.heartbeat_interval_ms, 2000);
  EXPECT_EQ(c->target.s3.server_side_encryption, "aws:kms");
  EXPECT_EQ(c->target.s3.multipart_part_size, 8u << 20);
  EXPECT_TRUE(c->target.s3.path_style);
  EXPECT_EQ(c->output.compression, Compression::kZstd);
  EXPECT_EQ(c->output.cdc_min_file_size, 1'000'000u);
  EXPECT_EQ(c->output.max_file_size, 64'000'000u);
  EXPECT_EQ(c->output.date_partition_sequence, "YYYYMMDDHH");
  EXPECT_EQ(c->output.date_partition_delimiter, "DASH");
  EXPECT_TRUE(c->output.preserve_transactions);
  EXPECT_EQ(c->tables.include, std::vector<std::string>{"%.%"});
  EXPECT_EQ(c->tables.exclude.size(), 2u);
  EXPECT_EQ(c->start.kind, StartConfig::Kind::kPosition);
  EXPECT_EQ(c->start.pos, 1234u);
  EXPECT_FALSE(c->full_load.enabled);
  EXPECT_EQ(c->log.level, "debug");
}

TEST(ConfigTest, S3RetriesAndTimeouts) {
  Result<Config> c = ParseConfig(R"(
target:
  url: s3://b/p
  s3: {max_attempts: 3, retry_interval: 50ms, retry_max_interval: 2s, connect_timeout: 3s,
       request_timeout: 90s}
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->target.s3.max_attempts, 3);
  EXPECT_EQ(c->target.s3.retry_interval_ms, 50);
  EXPECT_EQ(c->target.s3.retry_max_interval_ms, 2000);
  EXPECT_EQ(c->target.s3.connect_timeout_ms, 3000);
  EXPECT_EQ(c->target.s3.request_timeout_ms, 90'000);

  auto msg = [](const char* yaml) { return ParseConfig(yaml).status().ToString(); };
  EXPECT_NE(msg("target: {url: s3://b/p, s3: {max_attempts: 0}}\n").find("max_attempts"),
            std::string::npos);
  EXPECT_NE(msg("target: {url: s3://b/p, s3: {retry_interval: 5s, retry_max_interval: 1s}}\n")
                .find("retry_max_interval (1000 ms) is shorter than target.s3.retry_interval"),
            std::string::npos);
  EXPECT_NE(msg("target: {url: s3://b/p, s3: {request_timeout: 0s}}\n").find("longer than 0"),
            std::string::npos);
}

TEST(ConfigTest, Recovery) {
  Result<Config> d = ParseConfig("target: {url: file:///l}\n");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->recovery.attempts, 5);
  EXPECT_EQ(d->recovery.interval_ms, 5000);
  EXPECT_EQ(d->recovery.max_interval_ms, 300'000);
  Result<Config> c = ParseConfig("recovery: {attempts: -1, interval: 1s, max_interval: 1m}\n");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->recovery.attempts, -1);
  EXPECT_EQ(c->recovery.interval_ms, 1000);
  EXPECT_EQ(c->recovery.max_interval_ms, 60'000);
  auto msg = [](const char* yaml) { return ParseConfig(yaml).status().ToString(); };
  EXPECT_NE(msg("recovery: {attempts: -2}\n").find("attempts"), std::string::npos);
  EXPECT_NE(msg("recovery: {interval: 1m, max_interval: 1s}\n").find("is shorter than"),
            std::string::npos);
  EXPECT_NE(msg("recovery: {tries: 3}\n").find("tries"), std::string::npos);
}

TEST(ConfigTest, ParquetDefaultsToSnappy) {
  Result<Config> c = ParseConfig("output: {format: parquet}\n");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->output.compression, Compression::kSnappy);
  EXPECT_EQ(ParseConfig("{}")->output.compression, Compression::kNone);
}

TEST(ConfigTest, EmptyCsvRowDelimiterIsRefused) {
  auto c = ParseConfig("output: {csv_row_delimiter: ''}\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("csv_row_delimiter must not be empty"), std::string::npos)
      << c.status().ToString();
}

TEST(ConfigTest, FullLoadSettings) {
  auto c = ParseConfig(
      "source: {user: u}\nfull_load: {threads: 8, chunk_rows: 1000, watermarks: window}\n");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->full_load.enabled);
  EXPECT_EQ(c->full_load.threads, 8);
  EXPECT_EQ(c->full_load.chunk_rows, 1000u);
  EXPECT_EQ(c->full_load.watermarks, "window");
  auto bad = ParseConfig("full_load: {threads: 0}\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("full_load.threads"), std::string::npos)
      << bad.status().ToString();
  auto unknown = ParseConfig("full_load: {thread: 2}\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("did you mean 'threads'"), std::string::npos)
      << unknown.status().ToString();
}

TEST(UnitsTest, Durations) {
  EXPECT_EQ(*ParseDurationMs("200ms"), 200);
  EXPECT_EQ(*ParseDurationMs("60s"), 60'000);
  EXPECT_EQ(*ParseDurationMs("1.5s"), 1'500);
  EXPECT_EQ(*ParseDurationMs("2d"), 172'800'000);
  EXPECT_EQ(*ParseDurationMs("5m"), 300'000);
  EXPECT_EQ(*ParseDurationMs("1h"), 3'600'000);
  EXPECT_EQ(*ParseDurationMs("30"), 30'000);
  EXPECT_FALSE(ParseDurationMs("fast").ok());
  EXPECT_FALSE(ParseDurationMs("10 parsecs").ok());
  EXPECT_FALSE(ParseDurationMs("").ok());
  // Found by config_fuzzer: a huge duration overflowed int64 (undefined) on conversion.
  EXPECT_EQ(*ParseDurationMs("36500d"), int64_t{36500} * 86'400'000);
  Result<int64_t> huge = ParseDurationMs("77777777777777777777777777s");
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.status().message().find("too long a duration"), std::string::npos);
  EXPECT_FALSE(ParseDurationMs("nan").ok());
}

TEST(UnitsTest, Sizes) {
  EXPECT_EQ(*ParseByteSize("512"), 512u);
  EXPECT_EQ(*ParseByteSize("32000KB"), 32'000'000u);
  EXPECT_EQ(*ParseByteSize("16MiB"), 16u << 20);
  EXPECT_EQ(*ParseByteSize("1 GB"), 1'000'000'000u);
  EXPECT_EQ(*ParseByteSize("2gib"), 2ull << 30);
  EXPECT_FALSE(ParseByteSize("MB").ok());
  EXPECT_FALSE(ParseByteSize("99999999999999999999").ok());
  EXPECT_FALSE(ParseByteSize("18446744073709551615GB").ok());
}

TEST(UnitsTest, EnvironmentExpansion) {
  setenv("BL_TEST_A", "alpha", 1);
  unsetenv("BL_TEST_MISSING");
  EXPECT_EQ(*ExpandEnvironment("x${BL_TEST_A}y"), "xalphay");
  EXPECT_EQ(*ExpandEnvironment("${BL_TEST_MISSING:-dflt}"), "dflt");
  EXPECT_EQ(*ExpandEnvironment("cost $$5 and $x"), "cost $5 and $x");
  EXPECT_FALSE(ExpandEnvironment("${BL_TEST_MISSING}").ok());
  EXPECT_FALSE(ExpandEnvironment("${BL_TEST_A").ok());
}

}  // namespace
}  // namespace binlake

namespace binlake {
namespace {

TEST(ConfigTest, CascadesAndTruncate) {
  Result<Config> d = ParseConfig("source: {user: u}\n");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE(d->cascades);
  EXPECT_TRUE(d->truncate_rows);
  Result<Config> c = ParseConfig("source: {user: u}\ncascades: off\ntruncate: warn\n");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->cascades);
  EXPECT_FALSE(c->truncate_rows);
  Result<Config> bad = ParseConfig("source: {user: u}\ntruncate: ignore\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("delete-rows, warn"), std::string::npos)
      << bad.status().ToString();
}

TEST(ConfigTest, ParquetWideDecimal) {
  Result<Config> d = ParseConfig("source: {user: u}\noutput: {format: parquet}\n");
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->output.parquet_wide_decimal_as_string);
  Result<Config> fixed =
      ParseConfig("source: {user: u}\noutput: {format: parquet, parquet_wide_decimal: fixed}\n");
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  EXPECT_FALSE(fixed->output.parquet_wide_decimal_as_string);
  Result<Config> csv = ParseConfig("source: {user: u}\noutput: {parquet_wide_decimal: fixed}\n");
  ASSERT_FALSE(csv.ok());
  EXPECT_NE(csv.status().message().find("Parquet only"), std::string::npos);
  Result<Config> bad =
      ParseConfig("source: {user: u}\noutput: {format: parquet, parquet_wide_decimal: double}\n");
  ASSERT_FALSE(bad.ok());
}

TEST(ConfigTest, StateBackupInterval) {
  Result<Config> d = ParseConfig("source: {user: u}\n");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->state_backup_interval_ms, 3600 * 1000);
  Result<Config> off = ParseConfig("source: {user: u}\nstate_backup_interval: 0\n");
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_EQ(off->state_backup_interval_ms, 0);
  Result<Config> bad = ParseConfig("source: {user: u}\nstate_backup_interval: 10ms\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("state_backup_interval"), std::string::npos);
}

}  // namespace
}  // namespace binlake
