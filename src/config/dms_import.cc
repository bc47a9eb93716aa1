#include "config/dms_import.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "config/config.h"
#include "config/dms_util.h"

namespace binlake {

using dms::Closest;
using dms::Json;
using dms::JsonText;
using dms::Lower;
using dms::ParseJson;
using dms::Set;

namespace {

// "PARQUET_2_0" / "parquet-2-0" -> "parquet-2-0"; "BUCKET_OWNER_READ" -> "bucket-owner-read".
std::string Kebab(std::string_view s) {
  std::string out = Lower(s);
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

// The scalar at the path "a.b" of root, if any.
std::optional<std::string> Get(const YAML::Node& root, std::string_view path) {
  size_t dot = path.find('.');
  std::string head(path.substr(0, dot));
  if (!root.IsMap() || !root[head].IsDefined()) return std::nullopt;
  YAML::Node n = root[head];
  if (dot != std::string_view::npos) return Get(n, path.substr(dot + 1));
  if (!n.IsScalar()) return std::nullopt;
  return n.Scalar();
}

// "\n", "\t", "\r" written out as in the DMS console.
std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char n = s[i + 1];
      if (n == 'n' || n == 't' || n == 'r' || n == '\\') {
        out += n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : '\\';
        ++i;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// Every member of the DMS API's S3Settings structure.
const std::vector<std::string_view>& S3SettingNames() {
  static const std::vector<std::string_view> kNames = {
      "AddColumnName",
      "AddTrailingPaddingCharacter",
      "BucketFolder",
      "BucketName",
      "CannedAclForObjects",
      "CdcInsertsAndUpdates",
      "CdcInsertsOnly",
      "CdcMaxBatchInterval",
      "CdcMinFileSize",
      "CdcPath",
      "CompressionType",
      "CsvDelimiter",
      "CsvNoSupValue",
      "CsvNullValue",
      "CsvRowDelimiter",
      "DataFormat",
      "DataPageSize",
      "DatePartitionDelimiter",
      "DatePartitionEnabled",
      "DatePartitionSequence",
      "DatePartitionTimezone",
      "DictPageSizeLimit",
      "EnableStatistics",
      "EncodingType",
      "EncryptionMode",
      "ExpectedBucketOwner",
      "ExternalTableDefinition",
      "GlueCatalogGeneration",
      "IgnoreHeaderRows",
      "IncludeOpForFullLoad",
      "MaxFileSize",
      "ParquetTimestampInMillisecond",
      "ParquetVersion",
      "PreserveTransactions",
      "Rfc4180",
      "RowGroupLength",
      "ServerSideEncryptionKmsKeyId",
      "ServiceAccessRoleArn",
      "TimestampColumnName",
      "UseCsvNoSupValue",
      "UseTaskStartTimeForFullLoadTimestamp",
  };
  return kNames;
}

// Settings of one document, as binlake keys, with what they came from.
class Importer {
 public:
  Importer(std::string_view origin, DmsImport* out) : origin_(origin), out_(out) {}

  Status Error(std::string_view name, std::string_view what) const {
    return InvalidArgumentError("{}: DMS setting {} {}", origin_, name, what);
  }
  Result<bool> Bool(std::string_view name, const std::string& v) const {
    std::string l = Lower(v);
    if (l == "true" || l == "y" || l == "yes") return true;
    if (l == "false" || l == "n" || l == "no") return false;
    return Error(name, fmt::format("must be true or false, not '{}'", v));
  }
  Result<int64_t> Int(std::string_view name, const std::string& v, int64_t min) const {
    char* end = nullptr;
    errno = 0;
    long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || errno != 0 || n < min) {
      return Error(name, fmt::format("must be a whole number of at least {}, not '{}'", min, v));
    }
    return n;
  }
  void Note(std::string text) { out_->notes.push_back(std::move(text)); }
  // Sets a binlake key from the DMS setting `setting`; a later file's setting wins.
  void Key(std::string_view path, const std::string& value, std::string_view setting) {
    std::string from = fmt::format("{}: DMS setting {}", origin_, setting);
    std::optional<std::string> before = Get(out_->keys, path);
    if (before && *before != value) {
      Note(fmt::format("{} ({} '{}' is overridden: {} gives '{}')",
                       out_->origins[std::string(path)], path, *before, from, value));
    }
    Set(out_->keys, path, value);
    out_->origins[std::string(path)] = std::move(from);
  }
  // A key of one data format only, applied once the format is known (SettleFormatSettings).
  void FormatKey(std::string_view format, std::string_view path, const std::string& value,
                 std::string_view setting) {
    out_->format_only[std::string(path)] = {std::string(format), value,
                                            fmt::format("{}: DMS setting {}", origin_, setting),
                                            std::string(setting)};
  }
  void ParquetKey(std::string_view path, const std::string& value, std::string_view setting) {
    FormatKey("parquet", path, value, setting);
  }

  // One S3 endpoint setting, by its S3Settings name (any case).
  Status S3Setting(const std::string& name, const std::string& v) {
    const std::string k = Lower(name);
    auto boolean = [&](std::string_view path) -> Status {
      ASSIGN_OR_RETURN(bool b, Bool(name, v));
      Key(path, b ? "true" : "false", name);
      return Status::OK();
    };
    auto text = [&](std::string_view path) {
      Key(path, v, name);
      return Status::OK();
    };
    if (k == "bucketname") {
      bucket_ = v;
      bucket_setting_ = name;
    } else if (k == "bucketfolder") {
      folder_ = v;
    } else if (k == "dataformat") {
      std::string f = Lower(v);
      if (f != "csv" && f != "parquet") {
        return Error(name, fmt::format("must be csv or parquet, not '{}'", v));
      }
      Key("output.format", f, name);
    } else if (k == "compressiontype") {
      std::string c = Lower(v);
      if (c != "none" && c != "gzip") {
        return Error(name, fmt::format("must be NONE or GZIP, not '{}'", v));
      }
      Key("output.compression", c, name);
    } else if (k == "includeopforfullload") {
      return boolean("output.include_op_for_full_load");
    } else if (k == "cdcinsertsonly") {
      return boolean("output.cdc_inserts_only");
    } else if (k == "cdcinsertsandupdates") {
      return boolean("output.cdc_inserts_and_updates");
    } else if (k == "timestampcolumnname") {
      return text("output.timestamp_column_name");
    } else if (k == "parquettimestampinmillisecond") {
      return boolean("output.parquet_timestamp_in_millisecond");
    } else if (k == "csvdelimiter") {
      Key("output.csv_delimiter", Unescape(v), name);
    } else if (k == "csvrowdelimiter") {
      Key("output.csv_row_delimiter", Unescape(v), name);
    } else if (k == "csvnullvalue") {
      return text("output.csv_null_value");
    } else if (k == "addcolumnname") {
      return boolean("output.add_column_name");
    } else if (k == "cdcmaxbatchinterval") {
      ASSIGN_OR_RETURN(int64_t s, Int(name, v, 1));
      Key("output.cdc_max_batch_interval", fmt::format("{}s", s), name);
    } else if (k == "cdcminfilesize") {
      // DMS's KB are 1024 bytes (MaxFileSize's 1048576 KB are its "1 GB").
      ASSIGN_OR_RETURN(int64_t kb, Int(name, v, 1));
      Key("output.cdc_min_file_size", fmt::format("{}KiB", kb), name);
    } else if (k == "maxfilesize") {
      ASSIGN_OR_RETURN(int64_t kb, Int(name, v, 1));
      Key("output.max_file_size", fmt::format("{}KiB", kb), name);
    } else if (k == "datepartitionenabled") {
      return boolean("output.date_partition_enabled");
    } else if (k == "datepartitionsequence") {
      return text("output.date_partition_sequence");
    } else if (k == "datepartitiondelimiter") {
      return text("output.date_partition_delimiter");
    } else if (k == "datepartitiontimezone") {
      return text("output.date_partition_timezone");
    } else if (k == "cdcpath") {
      return text("output.cdc_path");
    } else if (k == "preservetransactions") {
      return boolean("output.preserve_transactions");
    } else if (k == "usecsvnosupvalue") {
      ASSIGN_OR_RETURN(bool b, Bool(name, v));
      FormatKey("csv", "output.use_csv_no_sup_value", b ? "true" : "false", name);
    } else if (k == "csvnosupvalue") {
      FormatKey("csv", "output.csv_no_sup_value", v, name);
    } else if (k == "rowgrouplength") {
      ASSIGN_OR_RETURN(int64_t n, Int(name, v, 1));
      ParquetKey("output.row_group_length", std::to_string(n), name);
    } else if (k == "datapagesize") {
      ASSIGN_OR_RETURN(int64_t n, Int(name, v, 1024));
      ParquetKey("output.data_page_size", std::to_string(n), name);
    } else if (k == "dictpagesizelimit") {
      ASSIGN_OR_RETURN(int64_t n, Int(name, v, 1024));
      ParquetKey("output.dict_page_size_limit", std::to_string(n), name);
    } else if (k == "encodingtype") {
      std::string e = Kebab(v);
      if (e != "plain" && e != "plain-dictionary" && e != "rle-dictionary") {
        return Error(name,
                     fmt::format("must be plain, plain-dictionary or rle-dictionary, not '{}'", v));
      }
      ParquetKey("output.encoding_type", e, name);
    } else if (k == "enablestatistics") {
      ASSIGN_OR_RETURN(bool b, Bool(name, v));
      ParquetKey("output.enable_statistics", b ? "true" : "false", name);
    } else if (k == "parquetversion") {
      std::string pv = Kebab(v);
      if (pv != "parquet-1-0" && pv != "parquet-2-0") {
        return Error(name, fmt::format("must be PARQUET_1_0 or PARQUET_2_0, not '{}'", v));
      }
      ParquetKey("output.parquet_version", pv, name);
      Note(fmt::format(
          "ParquetVersion {} (either version gives the same files: format 2 metadata with "
          "logical types and v1 data pages, which every Parquet reader reads)",
          v));
    } else if (k == "rfc4180") {
      ASSIGN_OR_RETURN(bool b, Bool(name, v));
      if (!b) {
        return Error(name,
                     "false is refused: unquoted fields cannot be read back exactly (a value "
                     "holding the delimiter, a quote or a line break would split or merge "
                     "columns). Remove the setting: binlake quotes as RFC 4180 says");
      }
    } else if (k == "addtrailingpaddingcharacter") {
      ASSIGN_OR_RETURN(bool b, Bool(name, v));
      if (b) {
        return Error(name,
                     "true is refused: padding changes the values written, and a reader cannot "
                     "tell padding from data. Remove the setting");
      }
    } else if (k == "gluecataloggeneration") {
      ASSIGN_OR_RETURN(bool b, Bool(name, v));
      if (b) {
        return Error(name,
                     "true is refused: binlake writes Apache Iceberg tables instead "
                     "(iceberg.enabled: true, docs/iceberg.md), which Athena, Spark and "
                     "Trino query; or run a Glue crawler over the change log");
      }
    } else if (k == "usetaskstarttimeforfullloadtimestamp") {
      ASSIGN_OR_RETURN(bool b, Bool(name, v));
      Note(fmt::format(
          "UseTaskStartTimeForFullLoadTimestamp {} (LOAD rows always carry their table load's "
          "start time in the source's clock, less 1 s 1 us, so that no LOAD row sorts after a "
          "later change; DMS's false, the transfer time, is not reproduced on purpose: "
          "docs/consuming.md)",
          b ? "true" : "false"));
    } else if (k == "cannedaclforobjects") {
      std::string acl = Kebab(v);
      static const char* kAcls[] = {"none",
                                    "private",
                                    "public-read",
                                    "public-read-write",
                                    "authenticated-read",
                                    "aws-exec-read",
                                    "bucket-owner-read",
                                    "bucket-owner-full-control"};
      if (std::find(std::begin(kAcls), std::end(kAcls), acl) == std::end(kAcls)) {
        return Error(name, fmt::format("'{}' is not a canned ACL: use NONE, PRIVATE, PUBLIC_READ, "
                                       "PUBLIC_READ_WRITE, AUTHENTICATED_READ, AWS_EXEC_READ, "
                                       "BUCKET_OWNER_READ or BUCKET_OWNER_FULL_CONTROL",
                                       v));
      }
      if (acl != "none") Key("target.s3.canned_acl", acl, name);
    } else if (k == "expectedbucketowner") {
      if (v.size() != 12 || !std::all_of(v.begin(), v.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c));
          })) {
        return Error(name, fmt::format("'{}' must be a 12-digit AWS account id", v));
      }
      return text("target.s3.expected_bucket_owner");
    } else if (k == "encryptionmode") {
      std::string m = Kebab(v);
      if (m == "sse-s3") {
        Key("target.s3.server_side_encryption", "AES256", name);
      } else if (m == "sse-kms") {
        Key("target.s3.server_side_encryption", "aws:kms", name);
      } else {
        return Error(name, fmt::format("must be SSE_S3 or SSE_KMS, not '{}'", v));
      }
    } else if (k == "serversideencryptionkmskeyid") {
      return text("target.s3.sse_kms_key_id");
    } else if (k == "serviceaccessrolearn") {
      Note(
          "ServiceAccessRoleArn (binlake signs with the credentials of target.s3, the "
          "environment or the shared credentials file; run it with that role's credentials)");
    } else if (k == "externaltabledefinition" || k == "ignoreheaderrows") {
      return Error(name,
                   "belongs to an S3 *source* endpoint, which reads files into a database; "
                   "binlake reads MySQL or MariaDB. Remove it");
    } else {
      std::string hint = Closest(name, S3SettingNames());
      if (!hint.empty() && !name.empty() && std::islower(static_cast<unsigned char>(name[0]))) {
        hint[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(hint[0])));
      }
      return Error(name, fmt::format("is not an S3 target endpoint setting{}",
                                     hint.empty() ? " (docs/migrating-from-dms.md lists them all)"
                                                  : fmt::format("; did you mean '{}'?", hint)));
    }
    return Status::OK();
  }

  // Settings that need the whole document: the target URL.
  void Finish() {
    if (bucket_.empty()) return;
    std::string folder = folder_;
    while (!folder.empty() && folder.back() == '/') folder.pop_back();
    while (!folder.empty() && folder.front() == '/') folder.erase(0, 1);
    Key("target.url", "s3://" + bucket_ + (folder.empty() ? "" : "/" + folder),
        folder.empty() ? bucket_setting_ : bucket_setting_ + " and BucketFolder");
  }

 private:
  std::string origin_;
  DmsImport* out_;
  std::string bucket_, bucket_setting_, folder_;
};

}  // namespace

Status ImportEndpointAttributes(std::string_view text, std::string_view origin, DmsImport* out) {
  Importer im(origin, out);
  std::string all(text);
  std::stringstream in(all);
  std::string item;
  while (std::getline(in, item, ';')) {
    // Surrounding white space (a trailing newline in a file) is not part of the setting.
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.pop_back();
    size_t start = item.find_first_not_of(" \t\r\n");
    if (start == std::string::npos) continue;
    item = item.substr(start);
    size_t eq = item.find('=');
    if (eq == std::string::npos) {
      return InvalidArgumentError("{}: '{}' is not name=value (attributes are separated by ;)",
                                  origin, item);
    }
    RETURN_IF_ERROR(im.S3Setting(item.substr(0, eq), item.substr(eq + 1)));
  }
  im.Finish();
  return Status::OK();
}

Status ImportS3Settings(std::string_view json, std::string_view origin, DmsImport* out) {
  ASSIGN_OR_RETURN(Json doc, ParseJson(json, origin, "S3Settings"));
  // `aws dms describe-endpoints` output nests it.
  if (doc.contains("S3Settings") && doc["S3Settings"].is_object()) {
    Json inner = doc["S3Settings"];
    doc = std::move(inner);
  }
  Importer im(origin, out);
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it.value().is_null()) continue;  // not set
    if (it.value().is_object() || it.value().is_array()) {
      return im.Error(it.key(), "must be a string, number or boolean, not a JSON " +
                                    std::string(it.value().type_name()));
    }
    RETURN_IF_ERROR(im.S3Setting(it.key(), JsonText(it.value())));
  }
  im.Finish();
  return Status::OK();
}

namespace {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFoundError("cannot read {}: {}", path, std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Result<DmsImport> ImportDmsSection(const YAML::Node& dms, const std::string& base_dir,
                                   std::string_view origin) {
  DmsImport out;
  if (!dms.IsMap()) return InvalidArgumentError("{}: dms must be a mapping", origin);
  auto path = [&](const std::string& p) {
    return p.empty() || p.front() == '/' || base_dir.empty() ? p : base_dir + "/" + p;
  };
  using Reader = std::function<Status(std::string_view, std::string_view, DmsImport*)>;
  static const std::pair<const char*, Reader> kFiles[] = {
      {"endpoint_settings", ImportEndpointAttributes},
      {"s3_settings", ImportS3Settings},
      {"task_settings", ImportTaskSettings},
  };
  // In this order whatever the file's: a later file's setting wins over an earlier one's.
  for (const auto& [key, reader] : kFiles) {
    const YAML::Node& map = dms;
    YAML::Node files_node = map[key];
    if (!files_node.IsDefined() || files_node.IsNull()) continue;
    // A list of files is read in order (e.g. the endpoint's attributes and its CDC tuning).
    std::vector<std::string> files;
    bool valid = files_node.IsScalar() || files_node.IsSequence();
    if (files_node.IsScalar()) {
      files.push_back(files_node.Scalar());
    } else if (files_node.IsSequence()) {
      for (const YAML::Node& f : files_node) {
        valid = valid && f.IsScalar();
        if (f.IsScalar()) files.push_back(f.Scalar());
      }
    }
    if (!valid || files.empty()) {
      return InvalidArgumentError("{}:{}: dms.{} must be a file path or a list of them", origin,
                                  files_node.Mark().line + 1, key);
    }
    for (const std::string& f : files) {
      Result<std::string> expanded = ExpandEnvironment(f);
      if (!expanded.ok()) return expanded.status().Context(fmt::format("{}: dms.{}", origin, key));
      std::string file = path(*expanded);
      ASSIGN_OR_RETURN_CTX(std::string text, ReadFile(file), "{}: dms.{}", origin, key);
      RETURN_IF_ERROR(reader(text, file, &out));
    }
  }
  return out;
}

void SettleFormatSettings(std::string_view format, DmsImport* imp) {
  std::map<std::string, std::string> ignored;  // format -> settings
  for (const auto& [path, d] : imp->format_only) {
    if (d.format == format) {
      Set(imp->keys, path, d.value);
      imp->origins[path] = d.origin;
    } else {
      std::string& list = ignored[d.format];
      list += (list.empty() ? "" : ", ") + d.setting;
    }
  }
  for (const auto& [only, list] : ignored) {
    imp->notes.push_back(fmt::format("{} ({} only; the output is {})", list,
                                     only == "csv" ? "CSV" : "Parquet", format));
  }
  imp->format_only.clear();
}

YAML::Node MergeYaml(const YAML::Node& base, const YAML::Node& overlay,
                     std::vector<YamlOverride>* overrides, const std::string& path) {
  if (!base.IsMap() || !overlay.IsMap()) {
    if (!overlay.IsDefined()) return base;
    if (overrides != nullptr && base.IsScalar() && overlay.IsScalar() &&
        base.Scalar() != overlay.Scalar()) {
      overrides->push_back({path, base.Scalar(), overlay.Scalar()});
    }
    return overlay;
  }
  YAML::Node out(YAML::NodeType::Map);
  for (const auto& kv : base) out[kv.first.as<std::string>()] = kv.second;
  for (const auto& kv : overlay) {
    std::string key = kv.first.as<std::string>();
    YAML::Node prior = base[key];
    out[key] = prior.IsDefined()
                   ? MergeYaml(prior, kv.second, overrides, path.empty() ? key : path + "." + key)
                   : kv.second;
  }
  return out;
}

}  // namespace binlake
