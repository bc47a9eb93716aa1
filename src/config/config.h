#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace binlake {

// binlake's configuration: one YAML file, documented key by key in docs/configuration.md.
// Output options mirror the AWS DMS S3 target settings (snake_case of the DMS name) so a
// user moving off DMS keeps their downstream jobs. Plain data; thread-compatible.

struct SourceConfig {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string user;
  std::string password;  // a secret: never logged
  // disabled | preferred | required | verify_ca | verify_identity (MySQL's --ssl-mode).
  std::string tls_mode = "preferred";
  std::string tls_ca;    // PEM file with the CA certificate(s)
  std::string tls_cert;  // client certificate (optional)
  std::string tls_key;   // client key (optional)
  // PEM file with the server's RSA public key for caching_sha2_password without TLS.
  std::string server_public_key_file;
  // Replica server id used on the replication connection; 0 derives one from the host name.
  uint32_t server_id = 0;
  int64_t connect_timeout_ms = 10'000;
  // The server sends a heartbeat this often when idle; a connection silent for
  // 2x + 5 s is considered dead and is re-established.
  int64_t heartbeat_interval_ms = 5'000;
  // Reconnecting after the source became unreachable: the first wait, doubled after each
  // failure up to the maximum (constant with reconnect_backoff false); after this many
  // failures in a row binlake stops with the last error (-1: never gives up).
  int64_t reconnect_interval_ms = 100;
  int64_t reconnect_max_interval_ms = 30'000;
  bool reconnect_backoff = true;
  int64_t reconnect_attempts = -1;
};

struct S3Config {
  std::string endpoint;  // empty: AWS (https://s3.<region>.amazonaws.com)
  std::string region = "us-east-1";
  bool path_style = false;
  std::string access_key_id;      // empty: environment, then shared credentials file
  std::string secret_access_key;  // a secret
  std::string session_token;      // a secret
  std::string profile;            // shared credentials file profile (default: AWS_PROFILE)
  // "" | "AES256" (SSE-S3) | "aws:kms" (SSE-KMS, optionally with sse_kms_key_id)
  std::string server_side_encryption;
  std::string sse_kms_key_id;
  uint64_t multipart_part_size = 16ull << 20;
  // x-amz-acl of written objects (private, bucket-owner-full-control, ...); empty: none.
  std::string canned_acl;
  // x-amz-expected-bucket-owner on every request: the account id that must own the bucket.
  std::string expected_bucket_owner;
  // Retries of one request on connection errors, timeouts, 5xx and throttling (SlowDown):
  // attempts in all, first included, with a random wait below retry_interval, doubled per
  // retry up to retry_max_interval. When a request still fails the run stops; the lake stays
  // at its checkpoint and the next run resumes there.
  int64_t max_attempts = 6;
  int64_t retry_interval_ms = 100;
  int64_t retry_max_interval_ms = 20'000;
  int64_t connect_timeout_ms = 10'000;
  int64_t request_timeout_ms = 600'000;
};

struct TargetConfig {
  // file:///abs/dir, s3://bucket/prefix, or memory://name (tests).
  std::string url = "file://./lake";
  S3Config s3;
};

enum class OutputFormat { kCsv, kJsonl, kParquet };
enum class Compression { kNone, kGzip, kSnappy, kZstd };

std::string_view OutputFormatName(OutputFormat f);
std::string_view CompressionName(Compression c);

struct OutputConfig {
  OutputFormat format = OutputFormat::kCsv;  // DMS DataFormat
  // DMS CompressionType: none | gzip for CSV/JSON; Parquet also snappy | zstd.
  Compression compression = Compression::kNone;
  bool include_op_for_full_load = false;  // DMS IncludeOpForFullLoad
  bool cdc_inserts_only = false;          // DMS CdcInsertsOnly
  bool cdc_inserts_and_updates = false;   // DMS CdcInsertsAndUpdates
  std::string timestamp_column_name;      // DMS TimestampColumnName
  // binlake: a column with a total order over every change (and LOAD row) in the lake.
  std::string sequence_column_name;
  std::string csv_delimiter = ",";       // DMS CsvDelimiter
  std::string csv_row_delimiter = "\n";  // DMS CsvRowDelimiter
  // DMS CsvNullValue. Empty (the default) writes NULL as an empty unquoted field and an
  // empty string as "" so the two stay distinguishable.
  std::string csv_null_value;
  bool add_column_name = false;                // DMS AddColumnName
  int64_t cdc_max_batch_interval_ms = 60'000;  // DMS CdcMaxBatchInterval
  // DMS CdcMinFileSize and MaxFileSize, in bytes. DMS gives both in KB of 1024 bytes
  // (MaxFileSize's default 1048576 KB is its "1 GB"), so the defaults are 32000 KiB and 1 GiB.
  uint64_t cdc_min_file_size = 32'000ull * 1024;
  uint64_t max_file_size = 1'048'576ull * 1024;
  bool date_partition_enabled = false;               // DMS DatePartitionEnabled
  std::string date_partition_sequence = "YYYYMMDD";  // DMS DatePartitionSequence
  std::string date_partition_delimiter = "SLASH";    // DMS DatePartitionDelimiter
  std::string date_partition_timezone = "UTC";       // DMS DatePartitionTimezone
  std::string cdc_path;                              // DMS CdcPath
  bool preserve_transactions = false;                // DMS PreserveTransactions
  bool parquet_timestamp_in_millisecond = false;     // DMS ParquetTimestampInMillisecond
  // Parquet DECIMAL wider than 38 digits: exact text (true) or FIXED_LEN_BYTE_ARRAY decimal.
  bool parquet_wide_decimal_as_string = true;
  // JSON lines: add "old" with the before-image of updates.
  bool include_before_image = true;
  // Parquet layout (DMS RowGroupLength, DataPageSize, DictPageSizeLimit, EncodingType,
  // EnableStatistics, ParquetVersion).
  uint64_t row_group_length = 1'000'000;       // rows per row group at most
  uint64_t data_page_size = 1ull << 20;        // bytes of values per data page, about
  uint64_t dict_page_size_limit = 1ull << 20;  // dictionary bytes before a chunk goes plain
  bool parquet_dictionary = true;              // encoding_type: rle-dictionary (true) or plain
  bool enable_statistics = true;               // min, max and null count per page and chunk
  // "parquet-1-0" or "parquet-2-0": both write the same files (docs/configuration.md).
  std::string parquet_version = "parquet-1-0";
  // CSV: the text written for a column the change does not carry (binlog_row_image MINIMAL
  // or NOBLOB leaves unchanged columns out), as DMS's CsvNoSupValue; unset: as NULL.
  bool use_csv_no_sup_value = false;
  std::string csv_no_sup_value;
};

// What happens to a row value a table-mapping rule cannot produce exactly: a value
// change-data-type cannot convert, or a LOB longer than lob_max_size (DMS task settings
// ErrorBehavior DataErrorPolicy / DataTruncationErrorPolicy).
enum class DataErrorAction : uint8_t {
  kStop,          // stop with an error naming the table, column and value (STOP_TASK)
  kLogError,      // write the row with NULL (conversion) or the cut value, and log it
  kIgnoreRecord,  // leave the row out, and log it
};

struct TablesConfig {
  // DMS-style patterns "schema.table" with % (any run) and _ (one character).
  std::vector<std::string> include = {"%.%"};
  std::vector<std::string> exclude;
  // A DMS table-mapping JSON file (selection, transformation and table-settings rules),
  // used as-is (docs/migrating-from-dms.md). Refused together with include/exclude.
  std::string mapping_file;
  // LOB columns (TEXT, BLOB, JSON) longer than this many bytes are cut to it in the change
  // log (DMS LimitedSizeLobMode with LobMaxSize); 0 keeps them whole.
  uint64_t lob_max_size = 0;
  DataErrorAction data_error = DataErrorAction::kStop;
  DataErrorAction truncation_error = DataErrorAction::kLogError;
};

struct StartConfig {
  enum class Kind { kCurrentEnd, kPosition, kGtid, kTimestamp };
  Kind kind = Kind::kCurrentEnd;
  std::string file;
  uint64_t pos = 0;
  std::string gtid;
  int64_t timestamp_micros = 0;
};

// How existing rows are loaded before CDC (docs/full-load.md).
struct FullLoadConfig {
  bool enabled = true;
  int threads = 4;               // parallel SELECT connections
  uint64_t chunk_rows = 50'000;  // rows per chunk of a table with a usable key
  // How a chunk is placed in the binlog: "snapshot" reads it in a consistent snapshot whose
  // binlog position the server reports (MariaDB); "window" reconciles it with the binlog
  // between a low and a high watermark (DBLog); "auto" picks snapshot where available.
  std::string watermarks = "auto";
};

// Apache Iceberg latest-state tables beside the change log (docs/iceberg.md).
struct IcebergConfig {
  bool enabled = false;
  // Folder under the target root: tables live in <root>/<path>/<schema>/<table>/.
  std::string path = "iceberg";
  // Which replicated tables get an Iceberg table (patterns as tables.include).
  std::vector<std::string> include = {"%.%"};
  std::vector<std::string> exclude;
  // How often pending changes become a snapshot (at a transaction boundary).
  int64_t commit_interval_ms = 5'000;
  // A data file is closed at about this size.
  uint64_t target_file_size = 128ull << 20;
  // Soft deletes: this boolean column is added to tables with a key, and a deleted row stays
  // in its last state with it true; empty: deleted rows are removed.
  std::string soft_delete_column;
  // Maintenance: manifests a snapshot may list before they are merged (dropping data files
  // whose every row is deleted); snapshots and metadata-log entries kept.
  int max_manifests = 16;
  int retain_snapshots = 20;
  int metadata_log_entries = 20;
  // Unreferenced files (interrupted commits, expired snapshots' files) are removed once this
  // old, at start and every cleanup_interval; younger ones may belong to a commit another
  // writer has not finished.
  int64_t orphan_file_age_ms = 3'600'000;
  // Compaction after a commit: files under a quarter of target_file_size are rewritten once
  // compact_min_files of them exist; a file with more than compact_delete_percent of its
  // rows deleted at once; at most compact_max_bytes read per round. false turns it off.
  bool compaction = true;
  int compact_min_files = 8;
  int compact_delete_percent = 30;
  uint64_t compact_max_bytes = 256ull << 20;
  int64_t cleanup_interval_ms = 600'000;
};

struct SpillConfig {
  std::string dir;  // empty: $TMPDIR
  uint64_t transaction_memory_limit = 64ull << 20;
};

struct LogConfig {
  std::string level = "info";
  bool json = false;
};

struct Config {
  SourceConfig source;
  TargetConfig target;
  OutputConfig output;
  TablesConfig tables;
  StartConfig start;
  FullLoadConfig full_load;
  IcebergConfig iceberg;
  SpillConfig spill;
  LogConfig log;
  std::string metrics_listen;  // e.g. 127.0.0.1:9187; empty disables /metrics
  // cascades: auto | off. auto: synthesise the child rows foreign keys' ON DELETE / ON UPDATE
  // actions change, unless the source logs them itself (docs/cascades.md).
  bool cascades = true;
  // truncate: delete-rows | warn. delete-rows: keep every replicated table's rows in the row
  // state and write each row TRUNCATE TABLE removes as a D row; warn: keep only the tables
  // cascades need, and log a warning for a TRUNCATE of any other.
  bool truncate_rows = true;
  // state_backup_interval: how often the row state (when there is one) is copied into the
  // lake, under _binlake/state/, so that another machine can take it over exactly; also at a
  // clean stop. 0: never (a lost state is then read again from the source).
  int64_t state_backup_interval_ms = 3600 * 1000;
  // lease_ttl: `binlake run` holds the lake's writer lease (_binlake/lease/), renewing it every
  // third of this; a lease not renewed for this long belongs to a dead writer and may be taken
  // over. A second binlake on the same lake stops while the lease is live.
  int64_t lease_ttl_ms = 30'000;
  // recovery: a run stopped by an error worth retrying (the store or the source unreachable
  // past their own retries, a timeout, throttling) starts again from the lake's checkpoint
  // after `interval`, doubled per failure in a row up to `max_interval`; after `attempts`
  // failures in a row (-1: never) binlake exits with the error. A restart that moved the
  // checkpoint on starts the count over.
  struct Recovery {
    int64_t attempts = 5;
    int64_t interval_ms = 5'000;
    int64_t max_interval_ms = 300'000;
  } recovery;
  // Read from a `dms:` section, for one log line at start: the DMS settings accepted without
  // effect (with why), and the keys of this file that override a DMS setting.
  std::vector<std::string> notes;
};

// Parses YAML text. `${NAME}` in any value is replaced by the environment variable NAME (an
// error if unset), `${NAME:-fallback}` uses fallback when unset, and `$$` is a literal `$`.
// Unknown keys, wrong types and bad values are kInvalidArgument naming the key path
// ("output.format") and the line. `origin` names the text in messages (a file path).
Result<Config> ParseConfig(std::string_view yaml, std::string_view origin = "config");
Result<Config> LoadConfigFile(const std::string& path);

// Unit parsers shared with command-line flags.
// "250ms", "60s", "5m", "1h", "7d", or a bare number of seconds.
Result<int64_t> ParseDurationMs(std::string_view text);
// "32000KB", "1GB", "16MiB", "512" (bytes). KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024.
Result<uint64_t> ParseByteSize(std::string_view text);
// Replaces ${NAME}, ${NAME:-fallback} and $$ as ParseConfig does.
Result<std::string> ExpandEnvironment(std::string_view text);
// Levenshtein distance, for "did you mean" hints on unknown keys.
size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace binlake
