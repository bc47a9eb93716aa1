#include "config/dms_import.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace binlake {
namespace {

using Json = nlohmann::json;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "PARQUET_2_0" / "parquet-2-0" -> "parquet-2-0"; "BUCKET_OWNER_READ" -> "bucket-owner-read".
std::string Kebab(std::string_view s) {
  std::string out = Lower(s);
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

// Sets keys["a"]["b"] for the path "a.b".
void Set(YAML::Node root, std::string_view path, const std::string& value) {
  size_t dot = path.find('.');
  if (dot == std::string_view::npos) {
    root[std::string(path)] = value;
    return;
  }
  std::string head(path.substr(0, dot));
  if (!root[head].IsMap()) root[head] = YAML::Node(YAML::NodeType::Map);
  Set(root[head], path.substr(dot + 1), value);
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
    long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || n < min) {
      return Error(name, fmt::format("must be a whole number of at least {}, not '{}'", min, v));
    }
    return n;
  }
  void Note(std::string text) { out_->notes.push_back(std::move(text)); }
  void Key(std::string_view path, const std::string& value) { Set(out_->keys, path, value); }

  // One S3 endpoint setting, by its S3Settings name (any case).
  Status S3Setting(const std::string& name, const std::string& v) {
    const std::string k = Lower(name);
    auto boolean = [&](std::string_view path) -> Status {
      ASSIGN_OR_RETURN(bool b, Bool(name, v));
      Key(path, b ? "true" : "false");
      return Status::OK();
    };
    auto text = [&](std::string_view path) {
      Key(path, v);
      return Status::OK();
    };
    if (k == "bucketname") {
      bucket_ = v;
    } else if (k == "bucketfolder") {
      folder_ = v;
    } else if (k == "dataformat") {
      std::string f = Lower(v);
      if (f != "csv" && f != "parquet") return Error(name, "must be csv or parquet");
      Key("output.format", f);
      format_ = f;
    } else if (k == "compressiontype") {
      std::string c = Lower(v);
      if (c != "none" && c != "gzip") return Error(name, "must be NONE or GZIP");
      Key("output.compression", c);
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
      Key("output.csv_delimiter", Unescape(v));
    } else if (k == "csvrowdelimiter") {
      Key("output.csv_row_delimiter", Unescape(v));
    } else if (k == "csvnullvalue") {
      return text("output.csv_null_value");
    } else if (k == "addcolumnname") {
      return boolean("output.add_column_name");
    } else if (k == "cdcmaxbatchinterval") {
      ASSIGN_OR_RETURN(int64_t s, Int(name, v, 1));
      Key("output.cdc_max_batch_interval", fmt::format("{}s", s));
    } else if (k == "cdcminfilesize") {
      ASSIGN_OR_RETURN(int64_t kb, Int(name, v, 1));
      Key("output.cdc_min_file_size", fmt::format("{}KB", kb));
    } else if (k == "maxfilesize") {
      ASSIGN_OR_RETURN(int64_t kb, Int(name, v, 1));
      Key("output.max_file_size", fmt::format("{}KiB", kb));
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
      return boolean("output.use_csv_no_sup_value");
    } else if (k == "csvnosupvalue") {
      return text("output.csv_no_sup_value");
    } else if (k == "rowgrouplength") {
      ASSIGN_OR_RETURN(int64_t n, Int(name, v, 1));
      parquet_["parquet_row_group_length"] = std::to_string(n);
    } else if (k == "datapagesize") {
      ASSIGN_OR_RETURN(int64_t n, Int(name, v, 1));
      parquet_["parquet_data_page_size"] = std::to_string(n);
    } else if (k == "dictpagesizelimit") {
      ASSIGN_OR_RETURN(int64_t n, Int(name, v, 1));
      parquet_["parquet_dict_page_size_limit"] = std::to_string(n);
    } else if (k == "encodingtype") {
      std::string e = Kebab(v);
      if (e == "plain") {
        parquet_["parquet_encoding"] = "plain";
      } else if (e == "rle-dictionary" || e == "plain-dictionary") {
        parquet_["parquet_encoding"] = "rle-dictionary";
      } else {
        return Error(name, "must be plain, plain-dictionary or rle-dictionary");
      }
    } else if (k == "parquetversion") {
      std::string pv = Kebab(v);
      if (pv != "parquet-1-0" && pv != "parquet-2-0") {
        return Error(name, "must be PARQUET_1_0 or PARQUET_2_0");
      }
      Note(fmt::format(
          "ParquetVersion {} (binlake writes files every Parquet reader reads: version-1 data "
          "pages with the logical types of format 2.x)",
          v));
    } else if (k == "enablestatistics") {
      ASSIGN_OR_RETURN(bool b, Bool(name, v));
      if (!b) {
        return Error(name,
                     "false is refused: binlake always writes column statistics (min, max, null "
                     "count), which readers use to skip row groups and others ignore. Remove "
                     "the setting");
      }
    } else if (k == "rfc4180") {
      ASSIGN_OR_RETURN(bool b, Bool(name, v));
      if (!b) {
        return Error(name,
                     "false is refused: without RFC 4180 quoting a value holding the delimiter "
                     "or a line break cannot be read back. Remove the setting");
      }
    } else if (k == "addtrailingpaddingcharacter") {
      ASSIGN_OR_RETURN(bool b, Bool(name, v));
      if (b) {
        return Error(name,
                     "true is refused: padding changes the values written. Remove the setting");
      }
    } else if (k == "gluecataloggeneration") {
      ASSIGN_OR_RETURN(bool b, Bool(name, v));
      if (b) {
        return Error(name,
                     "true is refused: binlake does not write to the Glue catalog. For tables "
                     "engines query, use its Apache Iceberg output (iceberg.enabled: true, "
                     "docs/iceberg.md), or run a Glue crawler over the change log");
      }
    } else if (k == "usetaskstarttimeforfullloadtimestamp") {
      ASSIGN_OR_RETURN(bool b, Bool(name, v));
      Note(fmt::format(
          "UseTaskStartTimeForFullLoadTimestamp {} (LOAD rows always carry their table load's "
          "start time, so that no LOAD row sorts after a later change: docs/consuming.md)",
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
        return Error(name, fmt::format("'{}' is not a canned ACL DMS knows", v));
      }
      if (acl != "none") Key("target.s3.canned_acl", acl);
    } else if (k == "expectedbucketowner") {
      return text("target.s3.expected_bucket_owner");
    } else if (k == "encryptionmode") {
      std::string m = Kebab(v);
      if (m == "sse-s3") {
        Key("target.s3.server_side_encryption", "AES256");
      } else if (m == "sse-kms") {
        Key("target.s3.server_side_encryption", "aws:kms");
      } else {
        return Error(name, "must be SSE_S3 or SSE_KMS");
      }
    } else if (k == "serversideencryptionkmskeyid") {
      return text("target.s3.sse_kms_key_id");
    } else if (k == "serviceaccessrolearn") {
      Note(
          "ServiceAccessRoleArn (binlake signs with the credentials of target.s3, the "
          "environment or the shared credentials file; run it with that role's credentials)");
    } else if (k == "externaltabledefinition" || k == "ignoreheaderrows" ||
               k == "cdcchangedatacolumnname") {
      return Error(name,
                   "belongs to an S3 *source* endpoint; binlake reads MySQL or MariaDB. Remove it");
    } else {
      return Error(name,
                   "is not an S3 endpoint setting binlake knows (docs/migrating-from-dms.md "
                   "lists them all)");
    }
    return Status::OK();
  }

  // Settings that need the whole document: the target URL, Parquet-only keys.
  void Finish() {
    if (!bucket_.empty()) {
      std::string folder = folder_;
      while (!folder.empty() && folder.back() == '/') folder.pop_back();
      Key("target.url", "s3://" + bucket_ + (folder.empty() ? "" : "/" + folder));
    }
    for (const auto& [key, value] : parquet_) {
      if (format_ == "csv") {
        Note(key + " (Parquet only; the data format is csv)");
      } else {
        Key("output." + key, value);
      }
    }
  }

 private:
  std::string origin_;
  DmsImport* out_;
  std::string bucket_, folder_, format_;
  std::map<std::string, std::string> parquet_;
};

std::string JsonText(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

std::string ReadFile(const std::string& path, Status* error) {
  std::ifstream in(path);
  if (!in) {
    *error = NotFoundError("cannot read {}", path);
    return "";
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

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
  Json doc = Json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgumentError("{}: not an S3Settings JSON object", origin);
  }
  // `aws dms describe-endpoints` output nests it.
  if (doc.contains("S3Settings") && doc["S3Settings"].is_object()) doc = doc["S3Settings"];
  Importer im(origin, out);
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    RETURN_IF_ERROR(im.S3Setting(it.key(), JsonText(it.value())));
  }
  im.Finish();
  return Status::OK();
}

namespace {

// What a DMS error policy becomes (tables.data_error / truncation_error).
Result<std::string> Policy(const std::string& section, const std::string& key, const Json& v,
                           std::vector<std::string>* notes) {
  std::string p = JsonText(v);
  if (p == "LOG_ERROR") return std::string("log-error");
  if (p == "IGNORE_RECORD") return std::string("ignore-record");
  if (p == "STOP_TASK") return std::string("stop");
  if (p == "SUSPEND_TABLE") {
    notes->push_back(key + " SUSPEND_TABLE (binlake stops instead: it does not suspend one table)");
    return std::string("stop");
  }
  return InvalidArgumentError(
      "{}.{} '{}' is not LOG_ERROR, IGNORE_RECORD, SUSPEND_TABLE or STOP_TASK", section, key, p);
}

}  // namespace

Status ImportTaskSettings(std::string_view json, std::string_view origin, DmsImport* out) {
  Json doc = Json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgumentError("{}: not a task settings JSON object", origin);
  }
  Importer im(origin, out);
  auto refuse = [&](const std::string& where, std::string_view why) {
    return InvalidArgumentError("{}: DMS task setting {} {}", origin, where, why);
  };
  std::vector<std::string> ignored;  // "Section.Key" or "Section"
  auto flag = [](const Json& s, const char* k, bool dflt) {
    return s.contains(k) && s[k].is_boolean() ? s[k].get<bool>() : dflt;
  };
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string& section = it.key();
    const Json& s = it.value();
    if (section == "TargetMetadata" && s.is_object()) {
      if (flag(s, "BatchApplyEnabled", false)) {
        return refuse("TargetMetadata.BatchApplyEnabled",
                      "true is refused: with batch apply DMS itself drops the Op column on S3 "
                      "targets, and the change log without it cannot be replayed. Set it false");
      }
      if (!flag(s, "SupportLobs", true)) {
        return refuse("TargetMetadata.SupportLobs",
                      "false is refused: binlake writes LOB columns. Leave them out with "
                      "remove-column table-mapping rules, or set SupportLobs true");
      }
      if (s.contains("TargetSchema") && !JsonText(s["TargetSchema"]).empty()) {
        return refuse("TargetMetadata.TargetSchema",
                      "is refused: name the lake's schema folders with a table-mapping rename "
                      "rule (rule-target schema)");
      }
      bool limited = flag(s, "LimitedSizeLobMode", false) && !flag(s, "FullLobMode", false);
      if (limited) {
        int64_t kb = s.contains("LobMaxSize") && s["LobMaxSize"].is_number_integer()
                         ? s["LobMaxSize"].get<int64_t>()
                         : 32;
        im.Key("tables.lob_max_size", fmt::format("{}KiB", kb));
      }
      for (auto k = s.begin(); k != s.end(); ++k) {
        static const char* kUsed[] = {"BatchApplyEnabled",  "SupportLobs", "TargetSchema",
                                      "LimitedSizeLobMode", "FullLobMode", "LobMaxSize"};
        if (std::find(std::begin(kUsed), std::end(kUsed), k.key()) == std::end(kUsed)) {
          ignored.push_back("TargetMetadata." + k.key());
        }
      }
    } else if (section == "FullLoadSettings" && s.is_object()) {
      for (auto k = s.begin(); k != s.end(); ++k) {
        if (k.key() == "MaxFullLoadSubTasks") {
          ASSIGN_OR_RETURN(int64_t n,
                           im.Int("FullLoadSettings.MaxFullLoadSubTasks", JsonText(k.value()), 1));
          im.Key("full_load.threads", std::to_string(std::min<int64_t>(n, 64)));
        } else {
          ignored.push_back("FullLoadSettings." + k.key());
        }
      }
    } else if (section == "ChangeProcessingDdlHandlingPolicy" && s.is_object()) {
      if (!flag(s, "HandleSourceTableAltered", true)) {
        return refuse("ChangeProcessingDdlHandlingPolicy.HandleSourceTableAltered",
                      "false is refused: binlake always follows ALTER TABLE (a new file shape, "
                      "an Iceberg schema update). Set it true");
      }
      if (!flag(s, "HandleSourceTableDropped", true)) {
        return refuse("ChangeProcessingDdlHandlingPolicy.HandleSourceTableDropped",
                      "false is refused: binlake always follows DROP TABLE (the Iceberg table "
                      "is emptied; the change log keeps its files). Set it true");
      }
      im.Key("truncate", flag(s, "HandleSourceTableTruncated", true) ? "delete-rows" : "warn");
    } else if (section == "ErrorBehavior" && s.is_object()) {
      for (auto k = s.begin(); k != s.end(); ++k) {
        const std::string& key = k.key();
        const Json& v = k.value();
        if (key == "DataErrorPolicy") {
          ASSIGN_OR_RETURN(std::string p, Policy(section, key, v, &out->notes));
          im.Key("tables.data_error", p);
        } else if (key == "DataTruncationErrorPolicy") {
          ASSIGN_OR_RETURN(std::string p, Policy(section, key, v, &out->notes));
          im.Key("tables.truncation_error", p);
        } else if (key == "RecoverableErrorCount") {
          ASSIGN_OR_RETURN(int64_t n,
                           im.Int("ErrorBehavior.RecoverableErrorCount", JsonText(v), -1));
          im.Key("source.reconnect_attempts", std::to_string(n));
        } else if (key == "RecoverableErrorInterval") {
          ASSIGN_OR_RETURN(int64_t n,
                           im.Int("ErrorBehavior.RecoverableErrorInterval", JsonText(v), 0));
          im.Key("source.reconnect_interval", fmt::format("{}s", std::max<int64_t>(n, 1)));
        } else if (key == "RecoverableErrorThrottling") {
          im.Key("source.reconnect_backoff", JsonText(v));
        } else if (key == "RecoverableErrorThrottlingMax") {
          ASSIGN_OR_RETURN(int64_t n,
                           im.Int("ErrorBehavior.RecoverableErrorThrottlingMax", JsonText(v), 1));
          im.Key("source.reconnect_max_interval", fmt::format("{}s", n));
        } else {
          ignored.push_back("ErrorBehavior." + key);
        }
      }
    } else if (section == "BeforeImageSettings" && !s.is_null()) {
      if (flag(s, "EnableBeforeImage", false)) {
        return refuse("BeforeImageSettings.EnableBeforeImage",
                      "true is refused (DMS uses it for Kinesis and Kafka targets): use "
                      "add-before-image-columns table-mapping rules, or JSON lines output, "
                      "whose \"old\" holds the before-image");
      }
      ignored.push_back(section);
    } else if (section == "CharacterSetSettings" && !s.is_null()) {
      return refuse(section,
                    "is refused: binlake writes every character column as UTF-8, converted from "
                    "its MySQL charset. Set it null");
    } else if (section == "ValidationSettings" && s.is_object() &&
               (flag(s, "EnableValidation", false) || flag(s, "ValidationOnly", false))) {
      return refuse("ValidationSettings.EnableValidation",
                    "true is refused: binlake has no validation pass. Set it false");
    } else if ((section == "PostProcessingRules" || section == "LoopbackPreventionSettings") &&
               !s.is_null()) {
      return refuse(section, "is refused: binlake has no equivalent. Set it null");
    } else if (section == "Logging" || section == "ControlTablesSettings" ||
               section == "StreamBufferSettings" || section == "ChangeProcessingTuning" ||
               section == "ValidationSettings" ||
               section == "FailTaskWhenCleanTaskResourceFailed" || section == "TTSettings" ||
               section == "PostProcessingRules" || section == "LoopbackPreventionSettings" ||
               section == "CharacterSetSettings" || section == "BeforeImageSettings") {
      ignored.push_back(section);
    } else {
      return refuse(section, "is not a task settings section binlake knows");
    }
  }
  if (!ignored.empty()) {
    std::string list;
    for (const std::string& k : ignored) list += (list.empty() ? "" : ", ") + k;
    out->notes.push_back(fmt::format(
        "task settings {} (DMS's own logging, control tables, buffers, batch tuning and "
        "escalation have no counterpart: binlake logs to stderr, keeps its state in the lake and "
        "stops on an error it cannot retry)",
        list));
  }
  return Status::OK();
}

Result<DmsImport> ImportDmsSection(const YAML::Node& dms, const std::string& base_dir,
                                   std::string_view origin) {
  DmsImport out;
  if (!dms.IsMap()) return InvalidArgumentError("{}: dms must be a mapping", origin);
  auto path = [&](const std::string& p) {
    return p.empty() || p[0] == '/' || base_dir.empty() ? p : base_dir + "/" + p;
  };
  using Reader = std::function<Status(std::string_view, std::string_view, DmsImport*)>;
  static const std::pair<const char*, Reader> kFiles[] = {
      {"endpoint_settings", ImportEndpointAttributes},
      {"s3_settings", ImportS3Settings},
      {"task_settings", ImportTaskSettings},
  };
  for (const auto& kv : dms) {
    std::string key = kv.first.as<std::string>();
    if (key == "table_mappings") continue;
    auto it = std::find_if(std::begin(kFiles), std::end(kFiles),
                           [&](const auto& f) { return key == f.first; });
    if (it == std::end(kFiles)) {
      return InvalidArgumentError(
          "{}: unknown key 'dms.{}' (dms takes endpoint_settings, s3_settings, task_settings, "
          "table_mappings)",
          origin, key);
    }
    // A list of files is read in order (e.g. the endpoint's attributes and its CDC tuning).
    std::vector<std::string> files;
    if (kv.second.IsScalar()) {
      files.push_back(kv.second.Scalar());
    } else if (kv.second.IsSequence()) {
      for (const YAML::Node& f : kv.second) {
        if (f.IsScalar()) files.push_back(f.Scalar());
      }
    }
    if (files.empty()) {
      return InvalidArgumentError("{}: dms.{} must be a file path or a list of them", origin, key);
    }
    for (const std::string& f : files) {
      std::string file = path(f);
      Status error;
      std::string text = ReadFile(file, &error);
      if (!error.ok()) return error.Context(fmt::format("{}: dms.{}", origin, key));
      RETURN_IF_ERROR(it->second(text, file, &out));
    }
  }
  return out;
}

YAML::Node MergeYaml(const YAML::Node& base, const YAML::Node& overlay) {
  if (!base.IsMap() || !overlay.IsMap()) return overlay.IsDefined() ? overlay : base;
  YAML::Node out(YAML::NodeType::Map);
  for (const auto& kv : base) out[kv.first.as<std::string>()] = kv.second;
  for (const auto& kv : overlay) {
    std::string key = kv.first.as<std::string>();
    const YAML::Node& mine = base;
    YAML::Node prior = mine[key];
    out[key] = prior.IsDefined() ? MergeYaml(prior, kv.second) : kv.second;
  }
  return out;
}

}  // namespace binlake
