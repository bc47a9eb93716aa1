#include "config/config.h"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "common/logging.h"
#include "config/dms_import.h"

namespace binlake {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

namespace {

// The DMS S3Settings name of a Parquet layout key of output:.
std::string_view DmsNameOfOutputKey(std::string_view key) {
  if (key == "row_group_length") return "RowGroupLength";
  if (key == "data_page_size") return "DataPageSize";
  if (key == "dict_page_size_limit") return "DictPageSizeLimit";
  if (key == "encoding_type") return "EncodingType";
  if (key == "enable_statistics") return "EnableStatistics";
  return "ParquetVersion";
}

// Reads one YAML mapping, remembering which keys were asked for so that anything else is
// reported as unknown (with the closest known key as a hint).
class Section {
 public:
  // node is nullopt for a section absent from the file (all defaults).
  // dms_origins: where values the DMS files gave came from, by key path (for messages).
  Section(std::optional<YAML::Node> node, std::string path, std::string origin,
          const std::map<std::string, std::string>* dms_origins = nullptr)
      : present_(node.has_value()),
        node_(node.value_or(YAML::Node())),
        path_(std::move(path)),
        origin_(std::move(origin)),
        dms_origins_(dms_origins) {}

  Status CheckIsMap() const {
    if (!present_ || node_.IsNull() || node_.IsMap()) return Status::OK();
    return Error(node_, "must be a mapping of keys to values");
  }

  // Sets *out from key if present.
  Status String(const std::string& key, std::string* out) {
    std::optional<YAML::Node> n = Get(key);
    if (!n) return Status::OK();
    if (!n->IsScalar()) return Error(*n, key, "must be a string");
    ASSIGN_OR_RETURN_CTX(*out, ExpandEnvironment(n->Scalar()), "{}", Where(*n, key));
    return Status::OK();
  }
  Status Bool(const std::string& key, bool* out) {
    std::string s;
    RETURN_IF_ERROR(Scalar(key, &s));
    if (s.empty()) return Status::OK();
    std::string l = Lower(s);
    if (l == "true" || l == "yes" || l == "on") {
      *out = true;
    } else if (l == "false" || l == "no" || l == "off") {
      *out = false;
    } else {
      return Error(*Get(key), key, "must be true or false, not '" + s + "'");
    }
    return Status::OK();
  }
  template <typename Int>
  Status Integer(const std::string& key, Int* out, int64_t min, int64_t max) {
    std::string s;
    RETURN_IF_ERROR(Scalar(key, &s));
    if (s.empty()) return Status::OK();
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v < min || v > max) {
      return Error(*Get(key), key,
                   fmt::format("must be a whole number from {} to {}, not '{}'", min, max, s));
    }
    *out = static_cast<Int>(v);
    return Status::OK();
  }
  Status DurationMs(const std::string& key, int64_t* out) {
    std::string s;
    RETURN_IF_ERROR(Scalar(key, &s));
    if (s.empty()) return Status::OK();
    auto r = ParseDurationMs(s);
    if (!r.ok()) return Error(*Get(key), key, r.status().message());
    *out = *r;
    return Status::OK();
  }
  Status Bytes(const std::string& key, uint64_t* out) {
    std::string s;
    RETURN_IF_ERROR(Scalar(key, &s));
    if (s.empty()) return Status::OK();
    auto r = ParseByteSize(s);
    if (!r.ok()) return Error(*Get(key), key, r.status().message());
    *out = *r;
    return Status::OK();
  }
  Status StringList(const std::string& key, std::vector<std::string>* out) {
    std::optional<YAML::Node> n = Get(key);
    if (!n) return Status::OK();
    std::vector<std::string> items;
    if (n->IsScalar()) {
      items.push_back(n->Scalar());
    } else if (n->IsSequence()) {
      for (const YAML::Node& item : *n) {
        if (!item.IsScalar()) return Error(item, key, "must be a list of strings");
        items.push_back(item.Scalar());
      }
    } else {
      return Error(*n, key, "must be a list of strings");
    }
    for (std::string& s : items) {
      ASSIGN_OR_RETURN_CTX(s, ExpandEnvironment(s), "{}", Where(*n, key));
    }
    *out = std::move(items);
    return Status::OK();
  }
  // One of the given words (case-insensitive); returns its index.
  Status Choice(const std::string& key, const std::vector<std::string_view>& words, int* out) {
    std::string s;
    RETURN_IF_ERROR(Scalar(key, &s));
    if (s.empty()) return Status::OK();
    std::string l = Lower(s);
    for (size_t i = 0; i < words.size(); ++i) {
      if (l == words[i]) {
        *out = static_cast<int>(i);
        return Status::OK();
      }
    }
    std::string all;
    for (auto w : words) all += (all.empty() ? "" : ", ") + std::string(w);
    return Error(*Get(key), key, fmt::format("'{}' is not one of: {}", s, all));
  }
  Result<Section> Child(const std::string& key) {
    Section child(Get(key), Join(key), origin_, dms_origins_);
    RETURN_IF_ERROR(child.CheckIsMap());
    return child;
  }
  bool Has(const std::string& key) { return Get(key).has_value(); }
  // Marks a key as known without reading it (read elsewhere).
  void Skip(const std::string& key) { Get(key); }
  bool IsMap(const std::string& key) {
    std::optional<YAML::Node> n = Get(key);
    return n && n->IsMap();
  }

  // kInvalidArgument for the first key nobody asked for.
  Status CheckNoUnknownKeys() const {
    if (!present_ || !node_.IsMap()) return Status::OK();
    for (const auto& kv : node_) {
      std::string key = kv.first.as<std::string>();
      if (used_.count(key)) continue;
      std::string hint;
      size_t best = 3;
      for (const std::string& k : used_all_) {
        size_t d = EditDistance(key, k);
        if (d < best) {
          best = d;
          hint = fmt::format("; did you mean '{}'?", k);
        }
      }
      return InvalidArgumentError("{}:{}: unknown key '{}'{}", origin_, kv.first.Mark().line + 1,
                                  Join(key), hint.empty() ? " (see docs/configuration.md)" : hint);
    }
    return Status::OK();
  }

 private:
  // The value at key; nullopt when the key is absent or explicitly null.
  std::optional<YAML::Node> Get(const std::string& key) {
    used_all_.insert(key);
    if (!present_ || !node_.IsMap()) return std::nullopt;
    const YAML::Node& map = node_;  // const: lookup must not insert the key
    YAML::Node n = map[key];
    if (!n.IsDefined()) return std::nullopt;
    used_.insert(key);
    if (n.IsNull()) return std::nullopt;
    return n;
  }
  Status Scalar(const std::string& key, std::string* out) {
    std::optional<YAML::Node> n = Get(key);
    out->clear();
    if (!n) return Status::OK();
    if (!n->IsScalar()) return Error(*n, key, "must be a single value");
    ASSIGN_OR_RETURN_CTX(*out, ExpandEnvironment(n->Scalar()), "{}", Where(*n, key));
    return Status::OK();
  }
  std::string Join(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  std::string Where(const YAML::Node& n, const std::string& key) const {
    // A value from a DMS file has no line in this one: name its file and setting.
    if (n.Mark().is_null() && dms_origins_ != nullptr) {
      auto it = dms_origins_->find(Join(key));
      if (it != dms_origins_->end()) return fmt::format("{} (as {})", it->second, Join(key));
    }
    return fmt::format("{}:{}: {}", origin_, n.Mark().line + 1, Join(key));
  }
  Status Error(const YAML::Node& n, const std::string& key, const std::string& what) const {
    return InvalidArgumentError("{} {}", Where(n, key), what);
  }
  Status Error(const YAML::Node& n, const std::string& what) const {
    return InvalidArgumentError("{}:{}: {} {}", origin_, n.Mark().line + 1, path_, what);
  }
  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  bool present_;
  YAML::Node node_;
  std::string path_;
  std::string origin_;
  const std::map<std::string, std::string>* dms_origins_;
  std::set<std::string> used_;
  std::set<std::string> used_all_;
};

Status ParseSource(Section& s, SourceConfig* c) {
  RETURN_IF_ERROR(s.DurationMs("reconnect_interval", &c->reconnect_interval_ms));
  RETURN_IF_ERROR(s.DurationMs("reconnect_max_interval", &c->reconnect_max_interval_ms));
  RETURN_IF_ERROR(s.Bool("reconnect_backoff", &c->reconnect_backoff));
  RETURN_IF_ERROR(s.Integer("reconnect_attempts", &c->reconnect_attempts, -1, 1'000'000'000));
  if (c->reconnect_interval_ms < 10 || c->reconnect_max_interval_ms < c->reconnect_interval_ms) {
    return InvalidArgumentError(
        "source.reconnect_interval must be at least 10ms and at most reconnect_max_interval");
  }
  RETURN_IF_ERROR(s.String("host", &c->host));
  RETURN_IF_ERROR(s.Integer("port", &c->port, 1, 65535));
  RETURN_IF_ERROR(s.String("user", &c->user));
  RETURN_IF_ERROR(s.String("password", &c->password));
  std::string password_file;
  RETURN_IF_ERROR(s.String("password_file", &password_file));
  if (!password_file.empty()) {
    std::ifstream in(password_file);
    if (!in) {
      return InvalidArgumentError("source.password_file: cannot read '{}'", password_file);
    }
    std::getline(in, c->password);
  }
  ASSIGN_OR_RETURN(Section tls, s.Child("tls"));
  static const std::vector<std::string_view> kModes = {"disabled", "preferred", "required",
                                                       "verify_ca", "verify_identity"};
  int mode = -1;
  RETURN_IF_ERROR(tls.Choice("mode", kModes, &mode));
  if (mode >= 0) c->tls_mode = std::string(kModes[static_cast<size_t>(mode)]);
  RETURN_IF_ERROR(tls.String("ca", &c->tls_ca));
  RETURN_IF_ERROR(tls.String("cert", &c->tls_cert));
  RETURN_IF_ERROR(tls.String("key", &c->tls_key));
  RETURN_IF_ERROR(tls.String("server_public_key", &c->server_public_key_file));
  RETURN_IF_ERROR(tls.CheckNoUnknownKeys());
  RETURN_IF_ERROR(s.Integer("server_id", &c->server_id, 1, 4294967295LL));
  RETURN_IF_ERROR(s.DurationMs("connect_timeout", &c->connect_timeout_ms));
  RETURN_IF_ERROR(s.DurationMs("heartbeat_interval", &c->heartbeat_interval_ms));
  return s.CheckNoUnknownKeys();
}

Status ParseTarget(Section& s, TargetConfig* c) {
  RETURN_IF_ERROR(s.String("url", &c->url));
  ASSIGN_OR_RETURN(Section s3, s.Child("s3"));
  S3Config& o = c->s3;
  RETURN_IF_ERROR(s3.String("endpoint", &o.endpoint));
  RETURN_IF_ERROR(s3.String("region", &o.region));
  RETURN_IF_ERROR(s3.Bool("path_style", &o.path_style));
  RETURN_IF_ERROR(s3.String("access_key_id", &o.access_key_id));
  RETURN_IF_ERROR(s3.String("secret_access_key", &o.secret_access_key));
  RETURN_IF_ERROR(s3.String("session_token", &o.session_token));
  RETURN_IF_ERROR(s3.String("profile", &o.profile));
  int sse = 0;
  RETURN_IF_ERROR(s3.Choice("server_side_encryption", {"none", "aes256", "aws:kms"}, &sse));
  o.server_side_encryption = sse == 1 ? "AES256" : sse == 2 ? "aws:kms" : "";
  RETURN_IF_ERROR(s3.String("sse_kms_key_id", &o.sse_kms_key_id));
  RETURN_IF_ERROR(s3.Bytes("multipart_part_size", &o.multipart_part_size));
  static const std::vector<std::string_view> kAcls = {
      "private",       "public-read",       "public-read-write",        "authenticated-read",
      "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control"};
  int acl = -1;
  RETURN_IF_ERROR(s3.Choice("canned_acl", kAcls, &acl));
  if (acl >= 0) o.canned_acl = std::string(kAcls[static_cast<size_t>(acl)]);
  RETURN_IF_ERROR(s3.String("expected_bucket_owner", &o.expected_bucket_owner));
  RETURN_IF_ERROR(s3.Integer("max_attempts", &o.max_attempts, 1, 100));
  RETURN_IF_ERROR(s3.DurationMs("retry_interval", &o.retry_interval_ms));
  RETURN_IF_ERROR(s3.DurationMs("retry_max_interval", &o.retry_max_interval_ms));
  RETURN_IF_ERROR(s3.DurationMs("connect_timeout", &o.connect_timeout_ms));
  RETURN_IF_ERROR(s3.DurationMs("request_timeout", &o.request_timeout_ms));
  if (o.retry_max_interval_ms < o.retry_interval_ms) {
    return InvalidArgumentError(
        "target.s3.retry_max_interval ({} ms) is shorter than target.s3.retry_interval ({} ms); "
        "make it at least as long",
        o.retry_max_interval_ms, o.retry_interval_ms);
  }
  if (o.connect_timeout_ms <= 0 || o.request_timeout_ms <= 0) {
    return InvalidArgumentError(
        "target.s3.connect_timeout and target.s3.request_timeout must be longer than 0");
  }
  if (!o.expected_bucket_owner.empty() &&
      (o.expected_bucket_owner.size() != 12 ||
       !std::all_of(o.expected_bucket_owner.begin(), o.expected_bucket_owner.end(),
                    [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); }))) {
    return InvalidArgumentError(
        "target.s3.expected_bucket_owner '{}' must be a 12-digit AWS account id",
        o.expected_bucket_owner);
  }
  if (o.multipart_part_size < (5ull << 20)) {
    return InvalidArgumentError(
        "target.s3.multipart_part_size must be at least 5MiB (S3's minimum part size)");
  }
  RETURN_IF_ERROR(s3.CheckNoUnknownKeys());
  if (c->url.rfind("file://", 0) != 0 && c->url.rfind("s3://", 0) != 0 &&
      c->url.rfind("memory://", 0) != 0) {
    return InvalidArgumentError(
        "target.url '{}' must start with file:// (a local directory), s3:// (bucket/prefix) "
        "or memory://",
        c->url);
  }
  return s.CheckNoUnknownKeys();
}

Status ParseOutput(Section& s, OutputConfig* c) {
  int format = static_cast<int>(c->format);
  RETURN_IF_ERROR(s.Choice("format", {"csv", "jsonl", "parquet"}, &format));
  c->format = static_cast<OutputFormat>(format);
  int comp = -1;
  RETURN_IF_ERROR(s.Choice("compression", {"none", "gzip", "snappy", "zstd"}, &comp));
  if (comp < 0) {
    c->compression =
        c->format == OutputFormat::kParquet ? Compression::kSnappy : Compression::kNone;
  } else {
    c->compression = static_cast<Compression>(comp);
    if (c->format != OutputFormat::kParquet &&
        (c->compression == Compression::kSnappy || c->compression == Compression::kZstd)) {
      return InvalidArgumentError(
          "output.compression: {} is for Parquet only; CSV and JSON lines take none or gzip",
          CompressionName(c->compression));
    }
  }
  RETURN_IF_ERROR(s.Bool("include_op_for_full_load", &c->include_op_for_full_load));
  RETURN_IF_ERROR(s.Bool("cdc_inserts_only", &c->cdc_inserts_only));
  RETURN_IF_ERROR(s.Bool("cdc_inserts_and_updates", &c->cdc_inserts_and_updates));
  if (c->cdc_inserts_only && c->cdc_inserts_and_updates) {
    return InvalidArgumentError(
        "output: cdc_inserts_only and cdc_inserts_and_updates cannot both be true (as in DMS)");
  }
  RETURN_IF_ERROR(s.String("timestamp_column_name", &c->timestamp_column_name));
  RETURN_IF_ERROR(s.String("sequence_column_name", &c->sequence_column_name));
  RETURN_IF_ERROR(s.String("csv_delimiter", &c->csv_delimiter));
  RETURN_IF_ERROR(s.String("csv_row_delimiter", &c->csv_row_delimiter));
  RETURN_IF_ERROR(s.String("csv_null_value", &c->csv_null_value));
  if (c->csv_row_delimiter.empty()) {
    return InvalidArgumentError(
        "output.csv_row_delimiter must not be empty: rows need a separator (DMS default \"\\n\")");
  }
  if (c->csv_delimiter.empty() || c->csv_delimiter.find('"') != std::string::npos) {
    return InvalidArgumentError("output.csv_delimiter must be non-empty and contain no '\"'");
  }
  RETURN_IF_ERROR(s.Bool("add_column_name", &c->add_column_name));
  RETURN_IF_ERROR(s.DurationMs("cdc_max_batch_interval", &c->cdc_max_batch_interval_ms));
  if (c->cdc_max_batch_interval_ms < 100) {
    return InvalidArgumentError("output.cdc_max_batch_interval must be at least 100ms");
  }
  RETURN_IF_ERROR(s.Bytes("cdc_min_file_size", &c->cdc_min_file_size));
  RETURN_IF_ERROR(s.Bytes("max_file_size", &c->max_file_size));
  RETURN_IF_ERROR(s.Bool("date_partition_enabled", &c->date_partition_enabled));
  int seq = -1;
  static const std::vector<std::string_view> kSeq = {"yyyymmdd", "yyyymmddhh", "yyyymm", "mmyyyydd",
                                                     "ddmmyyyy"};
  RETURN_IF_ERROR(s.Choice("date_partition_sequence", kSeq, &seq));
  if (seq >= 0) {
    c->date_partition_sequence = std::string(kSeq[static_cast<size_t>(seq)]);
    for (char& ch : c->date_partition_sequence) ch = static_cast<char>(std::toupper(ch));
  }
  int delim = -1;
  static const std::vector<std::string_view> kDelim = {"slash", "underscore", "dash", "none"};
  RETURN_IF_ERROR(s.Choice("date_partition_delimiter", kDelim, &delim));
  if (delim >= 0) {
    c->date_partition_delimiter = std::string(kDelim[static_cast<size_t>(delim)]);
    for (char& ch : c->date_partition_delimiter) ch = static_cast<char>(std::toupper(ch));
  }
  RETURN_IF_ERROR(s.String("date_partition_timezone", &c->date_partition_timezone));
  RETURN_IF_ERROR(s.String("cdc_path", &c->cdc_path));
  RETURN_IF_ERROR(s.Bool("preserve_transactions", &c->preserve_transactions));
  if (c->preserve_transactions && c->cdc_path.empty()) {
    return InvalidArgumentError(
        "output.preserve_transactions needs output.cdc_path (the folder for the "
        "transaction-ordered stream), as in DMS");
  }
  RETURN_IF_ERROR(s.Bool("parquet_timestamp_in_millisecond", &c->parquet_timestamp_in_millisecond));
  int wide = -1;
  RETURN_IF_ERROR(s.Choice("parquet_wide_decimal", {"string", "fixed"}, &wide));
  if (wide >= 0) {
    if (c->format != OutputFormat::kParquet) {
      return InvalidArgumentError(
          "output.parquet_wide_decimal is for Parquet only; CSV and JSON lines write every "
          "DECIMAL as its exact text. Remove the key or set output.format: parquet");
    }
    c->parquet_wide_decimal_as_string = wide == 0;
  }
  RETURN_IF_ERROR(s.Bool("include_before_image", &c->include_before_image));
  // Parquet layout (DMS RowGroupLength, DataPageSize, DictPageSizeLimit, EncodingType,
  // EnableStatistics, ParquetVersion): refused for other formats, as parquet_wide_decimal.
  static const char* kParquetKeys[] = {"row_group_length",     "data_page_size",
                                       "dict_page_size_limit", "encoding_type",
                                       "enable_statistics",    "parquet_version"};
  for (const char* k : kParquetKeys) {
    if (s.Has(k) && c->format != OutputFormat::kParquet) {
      return InvalidArgumentError(
          "output.{} is for Parquet only (as DMS's {}): remove it or set output.format: parquet", k,
          DmsNameOfOutputKey(k));
    }
  }
  RETURN_IF_ERROR(s.Integer("row_group_length", &c->row_group_length, 1, 1'000'000'000));
  RETURN_IF_ERROR(s.Bytes("data_page_size", &c->data_page_size));
  RETURN_IF_ERROR(s.Bytes("dict_page_size_limit", &c->dict_page_size_limit));
  if (c->data_page_size < 1024 || c->dict_page_size_limit < 1024) {
    return InvalidArgumentError(
        "output.data_page_size and dict_page_size_limit must be at least 1KiB (got {} and {} "
        "bytes)",
        c->data_page_size, c->dict_page_size_limit);
  }
  int encoding = -1;
  RETURN_IF_ERROR(
      s.Choice("encoding_type", {"plain", "plain-dictionary", "rle-dictionary"}, &encoding));
  if (encoding >= 0) c->parquet_dictionary = encoding != 0;
  RETURN_IF_ERROR(s.Bool("enable_statistics", &c->enable_statistics));
  int version = -1;
  static const std::vector<std::string_view> kVersions = {"parquet-1-0", "parquet-2-0"};
  RETURN_IF_ERROR(s.Choice("parquet_version", kVersions, &version));
  if (version >= 0) c->parquet_version = std::string(kVersions[static_cast<size_t>(version)]);
  RETURN_IF_ERROR(s.Bool("use_csv_no_sup_value", &c->use_csv_no_sup_value));
  RETURN_IF_ERROR(s.String("csv_no_sup_value", &c->csv_no_sup_value));
  if ((c->use_csv_no_sup_value || s.Has("csv_no_sup_value")) && c->format != OutputFormat::kCsv) {
    return InvalidArgumentError(
        "output.use_csv_no_sup_value / csv_no_sup_value are for CSV only (as DMS's): remove "
        "them or set output.format: csv");
  }
  return s.CheckNoUnknownKeys();
}

Status ParseStart(Section& s, StartConfig* c) {
  int set = 0;
  if (s.Has("file") || s.Has("pos")) {
    ++set;
    c->kind = StartConfig::Kind::kPosition;
    RETURN_IF_ERROR(s.String("file", &c->file));
    RETURN_IF_ERROR(s.Integer("pos", &c->pos, 4, INT64_MAX));
    if (c->file.empty()) return InvalidArgumentError("start.pos needs start.file");
  }
  if (s.Has("gtid")) {
    ++set;
    c->kind = StartConfig::Kind::kGtid;
    RETURN_IF_ERROR(s.String("gtid", &c->gtid));
  }
  if (s.Has("timestamp")) {
    ++set;
    c->kind = StartConfig::Kind::kTimestamp;
    RETURN_IF_ERROR(s.Integer("timestamp", &c->timestamp_micros, 0, INT64_MAX / 1000000));
    c->timestamp_micros *= 1'000'000;  // given in seconds since the epoch
  }
  if (set > 1) {
    return InvalidArgumentError("start: give one of {{file, pos}}, gtid or timestamp, not several");
  }
  return s.CheckNoUnknownKeys();
}

Status ParseIceberg(Section& s, IcebergConfig* c) {
  RETURN_IF_ERROR(s.Bool("enabled", &c->enabled));
  if (s.Has("path")) RETURN_IF_ERROR(s.String("path", &c->path));
  if (c->path.empty() || c->path.front() == '/' || c->path.back() == '/') {
    return InvalidArgumentError(
        "iceberg.path '{}' must be a relative folder under the target, e.g. 'iceberg'", c->path);
  }
  RETURN_IF_ERROR(s.StringList("include", &c->include));
  RETURN_IF_ERROR(s.StringList("exclude", &c->exclude));
  RETURN_IF_ERROR(s.DurationMs("commit_interval", &c->commit_interval_ms));
  if (c->commit_interval_ms < 100) {
    return InvalidArgumentError("iceberg.commit_interval must be at least 100ms (got {} ms)",
                                c->commit_interval_ms);
  }
  RETURN_IF_ERROR(s.Bytes("target_file_size", &c->target_file_size));
  RETURN_IF_ERROR(s.String("soft_delete_column", &c->soft_delete_column));
  if (c->target_file_size < (1u << 20)) {
    return InvalidArgumentError("iceberg.target_file_size must be at least 1MiB");
  }
  RETURN_IF_ERROR(s.Integer("max_manifests", &c->max_manifests, 4, 10'000));
  RETURN_IF_ERROR(s.Integer("retain_snapshots", &c->retain_snapshots, 1, 100'000));
  RETURN_IF_ERROR(s.Integer("metadata_log_entries", &c->metadata_log_entries, 1, 100'000));
  RETURN_IF_ERROR(s.DurationMs("orphan_file_age", &c->orphan_file_age_ms));
  RETURN_IF_ERROR(s.DurationMs("cleanup_interval", &c->cleanup_interval_ms));
  RETURN_IF_ERROR(s.Bool("compaction", &c->compaction));
  RETURN_IF_ERROR(s.Integer("compact_min_files", &c->compact_min_files, 2, 100'000));
  RETURN_IF_ERROR(s.Integer("compact_delete_percent", &c->compact_delete_percent, 1, 100));
  RETURN_IF_ERROR(s.Bytes("compact_max_bytes", &c->compact_max_bytes));
  return s.CheckNoUnknownKeys();
}

// base_dir: the config file's folder, which relative paths of DMS files start from.
Status ParseRoot(Section& root, const std::string& base_dir, Config* c) {
  RETURN_IF_ERROR(root.CheckIsMap());
  ASSIGN_OR_RETURN(Section source, root.Child("source"));
  RETURN_IF_ERROR(ParseSource(source, &c->source));
  ASSIGN_OR_RETURN(Section target, root.Child("target"));
  RETURN_IF_ERROR(ParseTarget(target, &c->target));
  ASSIGN_OR_RETURN(Section output, root.Child("output"));
  RETURN_IF_ERROR(ParseOutput(output, &c->output));
  ASSIGN_OR_RETURN(Section tables, root.Child("tables"));
  RETURN_IF_ERROR(tables.StringList("include", &c->tables.include));
  RETURN_IF_ERROR(tables.StringList("exclude", &c->tables.exclude));
  RETURN_IF_ERROR(tables.String("mapping_file", &c->tables.mapping_file));
  RETURN_IF_ERROR(tables.Bytes("lob_max_size", &c->tables.lob_max_size));
  static const std::vector<std::string_view> kPolicies = {"stop", "log-error", "ignore-record"};
  int data_error = static_cast<int>(c->tables.data_error);
  RETURN_IF_ERROR(tables.Choice("data_error", kPolicies, &data_error));
  c->tables.data_error = static_cast<DataErrorAction>(data_error);
  int truncation = static_cast<int>(c->tables.truncation_error);
  RETURN_IF_ERROR(tables.Choice("truncation_error", kPolicies, &truncation));
  c->tables.truncation_error = static_cast<DataErrorAction>(truncation);
  RETURN_IF_ERROR(tables.CheckNoUnknownKeys());
  ASSIGN_OR_RETURN(Section dms, root.Child("dms"));
  std::string dms_mappings;
  RETURN_IF_ERROR(dms.String("table_mappings", &dms_mappings));
  for (const char* k : {"endpoint_settings", "s3_settings", "task_settings"}) dms.Skip(k);
  RETURN_IF_ERROR(dms.CheckNoUnknownKeys());
  if (!dms_mappings.empty()) {
    if (!c->tables.mapping_file.empty()) {
      return InvalidArgumentError(
          "dms.table_mappings and tables.mapping_file name the same thing: keep one");
    }
    c->tables.mapping_file = dms_mappings;
  }
  if (!c->tables.mapping_file.empty() && c->tables.mapping_file[0] != '/' && !base_dir.empty()) {
    c->tables.mapping_file = base_dir + "/" + c->tables.mapping_file;
  }
  ASSIGN_OR_RETURN(Section start, root.Child("start"));
  RETURN_IF_ERROR(ParseStart(start, &c->start));
  if (root.IsMap("full_load")) {
    ASSIGN_OR_RETURN(Section f, root.Child("full_load"));
    RETURN_IF_ERROR(f.Bool("enabled", &c->full_load.enabled));
    RETURN_IF_ERROR(f.Integer("threads", &c->full_load.threads, 1, 64));
    RETURN_IF_ERROR(f.Integer("chunk_rows", &c->full_load.chunk_rows, 1, 1'000'000'000));
    int w = 0;
    RETURN_IF_ERROR(f.Choice("watermarks", {"auto", "snapshot", "window"}, &w));
    c->full_load.watermarks = w == 0 ? "auto" : w == 1 ? "snapshot" : "window";
    RETURN_IF_ERROR(f.CheckNoUnknownKeys());
  } else {
    RETURN_IF_ERROR(root.Bool("full_load", &c->full_load.enabled));
  }
  ASSIGN_OR_RETURN(Section ice, root.Child("iceberg"));
  RETURN_IF_ERROR(ParseIceberg(ice, &c->iceberg));
  ASSIGN_OR_RETURN(Section spill, root.Child("spill"));
  RETURN_IF_ERROR(spill.String("dir", &c->spill.dir));
  RETURN_IF_ERROR(spill.Bytes("transaction_memory_limit", &c->spill.transaction_memory_limit));
  RETURN_IF_ERROR(spill.CheckNoUnknownKeys());
  ASSIGN_OR_RETURN(Section log, root.Child("log"));
  int level = 2;
  RETURN_IF_ERROR(log.Choice("level", {"trace", "debug", "info", "warn", "error", "off"}, &level));
  static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
  c->log.level = kLevels[level];
  RETURN_IF_ERROR(log.Bool("json", &c->log.json));
  RETURN_IF_ERROR(log.CheckNoUnknownKeys());
  ASSIGN_OR_RETURN(Section metrics, root.Child("metrics"));
  RETURN_IF_ERROR(metrics.String("listen", &c->metrics_listen));
  RETURN_IF_ERROR(metrics.CheckNoUnknownKeys());
  int cascades = 0;
  RETURN_IF_ERROR(root.Choice("cascades", {"auto", "off"}, &cascades));
  c->cascades = cascades == 0;
  int truncate = 0;
  RETURN_IF_ERROR(root.Choice("truncate", {"delete-rows", "warn"}, &truncate));
  c->truncate_rows = truncate == 0;
  RETURN_IF_ERROR(root.DurationMs("state_backup_interval", &c->state_backup_interval_ms));
  if (c->state_backup_interval_ms != 0 && c->state_backup_interval_ms < 1000) {
    return InvalidArgumentError(
        "state_backup_interval must be 0 (never) or at least 1s (got {} ms)",
        c->state_backup_interval_ms);
  }
  RETURN_IF_ERROR(root.DurationMs("lease_ttl", &c->lease_ttl_ms));
  if (c->lease_ttl_ms < 3000) {
    return InvalidArgumentError(
        "lease_ttl must be at least 3s (got {} ms): the lease is renewed "
        "every third of it",
        c->lease_ttl_ms);
  }
  ASSIGN_OR_RETURN(Section recovery, root.Child("recovery"));
  RETURN_IF_ERROR(recovery.Integer("attempts", &c->recovery.attempts, -1, 1'000'000));
  RETURN_IF_ERROR(recovery.DurationMs("interval", &c->recovery.interval_ms));
  RETURN_IF_ERROR(recovery.DurationMs("max_interval", &c->recovery.max_interval_ms));
  if (c->recovery.max_interval_ms < c->recovery.interval_ms) {
    return InvalidArgumentError(
        "recovery.max_interval ({} ms) is shorter than recovery.interval ({} ms); make it at "
        "least as long",
        c->recovery.max_interval_ms, c->recovery.interval_ms);
  }
  RETURN_IF_ERROR(recovery.CheckNoUnknownKeys());
  return root.CheckNoUnknownKeys();
}

}  // namespace

std::string_view OutputFormatName(OutputFormat f) {
  switch (f) {
    case OutputFormat::kCsv:
      return "csv";
    case OutputFormat::kJsonl:
      return "jsonl";
    case OutputFormat::kParquet:
      return "parquet";
  }
  return "?";
}

std::string_view CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "none";
    case Compression::kGzip:
      return "gzip";
    case Compression::kSnappy:
      return "snappy";
    case Compression::kZstd:
      return "zstd";
  }
  return "?";
}

Result<Config> ParseConfig(std::string_view yaml, std::string_view origin) {
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    // YAML forbids tabs in indentation, and the parser's words for it rarely say so.
    size_t line = 1;
    for (size_t at = 0; at < yaml.size(); ++line) {
      size_t end = std::min(yaml.find('\n', at), yaml.size());
      std::string_view text = yaml.substr(at, end - at);
      size_t indent = text.find_first_not_of(" \t");
      if (indent != std::string_view::npos &&
          text.substr(0, indent).find('\t') != std::string_view::npos) {
        return InvalidArgumentError(
            "{}:{}: the line is indented with a tab; YAML indents with spaces only (replace the "
            "tab with spaces)",
            origin, line);
      }
      at = end + 1;
    }
    return InvalidArgumentError("{}:{}:{}: not valid YAML: {}", origin, e.mark.line + 1,
                                e.mark.column + 1, e.msg);
  }
  Config config;
  std::string base_dir;
  if (size_t slash = origin.rfind('/'); slash != std::string_view::npos) {
    base_dir = std::string(origin.substr(0, slash));
  }
  try {
    // The DMS files a dms: section names come first; the file's own keys override them.
    const YAML::Node& map = doc;
    DmsImport imported;
    if (doc.IsMap() && map["dms"].IsDefined() && !map["dms"].IsNull()) {
      ASSIGN_OR_RETURN(imported, ImportDmsSection(map["dms"], base_dir, origin));
      const YAML::Node& keys = imported.keys;
      // The value at a.b, if a scalar (a const lookup of a missing key yields an invalid node).
      auto scalar = [](const YAML::Node& root, const char* a,
                       const char* b) -> std::optional<std::string> {
        if (!root.IsMap() || !root[a].IsDefined() || !root[a].IsMap()) return std::nullopt;
        YAML::Node n = root[a][b];
        if (!n.IsDefined() || !n.IsScalar()) return std::nullopt;
        return n.Scalar();
      };
      // The DMS settings of one format apply when the output, whoever sets it, is of it.
      std::string format = scalar(keys, "output", "format").value_or("csv");
      if (std::optional<std::string> f = scalar(map, "output", "format")) {
        ASSIGN_OR_RETURN(format, ExpandEnvironment(*f));
      }
      for (char& ch : format) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      SettleFormatSettings(format, &imported);
      // `full_load: true` beside a DMS full_load.threads: the same as {enabled: true}.
      if (map["full_load"].IsDefined() && map["full_load"].IsScalar() &&
          keys["full_load"].IsDefined() && keys["full_load"].IsMap()) {
        YAML::Node enabled(YAML::NodeType::Map);
        enabled["enabled"] = map["full_load"];
        doc["full_load"] = enabled;
      }
      std::vector<YamlOverride> overrides;
      doc = MergeYaml(keys, doc, &overrides);
      config.notes = std::move(imported.notes);
      for (const YamlOverride& o : overrides) {
        auto from = imported.origins.find(o.path);
        // An overridden DMS setting is one more without effect here.
        config.notes.push_back(fmt::format(
            "{} ({} '{}' is overridden: {} gives '{}')",
            from == imported.origins.end() ? std::string("a DMS setting") : from->second, o.path,
            o.base_value, origin, o.overlay_value));
      }
    }
    Section root(std::optional<YAML::Node>(doc), "", std::string(origin), &imported.origins);
    RETURN_IF_ERROR(ParseRoot(root, base_dir, &config));
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError("{}:{}: {}", origin, e.mark.line + 1, e.msg);
  }
  return config;
}

Result<Config> LoadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return NotFoundError("cannot read config file '{}': {}; pass an existing file with -c", path,
                         std::strerror(errno));
  }
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  ASSIGN_OR_RETURN(Config config, ParseConfig(text, path));
  // A secret written into the file itself (not taken from ${ENV}) is as safe as the file.
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && (st.st_mode & S_IROTH)) {
    for (const std::string* secret : {&config.source.password, &config.target.s3.secret_access_key,
                                      &config.target.s3.session_token}) {
      if (!secret->empty() && text.find(*secret) != std::string::npos) {
        LOG_WARN(
            "config file {} holds a secret and every user of this machine may read it (mode "
            "{:04o}): chmod 600 {}, or take the secret from the environment (${{NAME}})",
            path, st.st_mode & 07777, path);
        break;
      }
    }
  }
  return config;
}

Result<int64_t> ParseDurationMs(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
    ++i;
  std::string number(text.substr(0, i));
  std::string unit(text.substr(i));
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  char* end = nullptr;
  double v = number.empty() ? -1 : std::strtod(number.c_str(), &end);
  double scale = 0;
  if (unit == "ms")
    scale = 1;
  else if (unit == "s" || unit.empty())
    scale = 1000;
  else if (unit == "m" || unit == "min")
    scale = 60'000;
  else if (unit == "h")
    scale = 3'600'000;
  else if (unit == "d")
    scale = 86'400'000;
  if (!(v >= 0) || scale == 0 || (end && *end != '\0')) {
    return InvalidArgumentError("'{}' is not a duration: use e.g. 200ms, 60s, 5m, 1h, 7d", text);
  }
  // Beyond 100 years a duration means nothing, and past int64 its conversion is undefined.
  if (v * scale > 3.2e12) {
    return InvalidArgumentError("'{}' is too long a duration: at most 100 years", text);
  }
  return static_cast<int64_t>(v * scale + 0.5);
}

Result<uint64_t> ParseByteSize(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  std::string unit(text.substr(i));
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + i, v);
  uint64_t scale = 0;
  if (unit.empty() || unit == "B")
    scale = 1;
  else if (unit == "KB")
    scale = 1000;
  else if (unit == "MB")
    scale = 1000 * 1000;
  else if (unit == "GB")
    scale = 1000ull * 1000 * 1000;
  else if (unit == "KIB")
    scale = 1024;
  else if (unit == "MIB")
    scale = 1024 * 1024;
  else if (unit == "GIB")
    scale = 1024ull * 1024 * 1024;
  if (i == 0 || ec != std::errc() || scale == 0 || v > UINT64_MAX / scale) {
    return InvalidArgumentError("'{}' is not a size: use e.g. 32000KB, 64MB, 16MiB, 1GB", text);
  }
  return v * scale;
}

Result<std::string> ExpandEnvironment(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    if (i + 1 >= text.size() || text[i + 1] != '{') {
      out.push_back('$');
      continue;
    }
    size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return InvalidArgumentError("unterminated '${{' in '{}'", text);
    }
    std::string_view inner = text.substr(i + 2, close - i - 2);
    std::string name(inner);
    std::optional<std::string> fallback;
    if (size_t d = inner.find(":-"); d != std::string_view::npos) {
      name = std::string(inner.substr(0, d));
      fallback = std::string(inner.substr(d + 2));
    }
    if (name.empty()) return InvalidArgumentError("empty variable name in '{}'", text);
    const char* v = std::getenv(name.c_str());
    if (v != nullptr) {
      out.append(v);
    } else if (fallback) {
      out.append(*fallback);
    } else {
      return InvalidArgumentError(
          "environment variable {} is not set; export it or write ${{{}:-default}}", name, name);
    }
    i = close;
  }
  return out;
}

}  // namespace binlake
