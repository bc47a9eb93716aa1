// ImportTaskSettings (dms_import.h): a DMS replication task settings document as binlake keys,
// notes and refusals.
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <utility>

#include "config/dms_import.h"
#include "config/dms_util.h"

namespace binlake {

using dms::Closest;
using dms::Json;
using dms::JsonText;
using dms::Lower;
using dms::ParseJson;
using dms::Set;

namespace {

// Why a task setting changes nothing here; keys sharing a reason share one note.
struct Ignored {
  const char* key;
  const char* why;
};

constexpr const char* kLobLookup =
    "binlake reads LOBs whole from the binlog and from the full load's SELECT";
constexpr const char* kDatabaseTarget = "DMS's tuning for database, Kinesis and Kafka targets";
constexpr const char* kSuspend =
    "binlake does not suspend single tables: an error it cannot retry stops it, naming the table";
constexpr const char* kApply = "apply conflicts of database targets; a change log has none";

// Keys of the sections binlake reads key by key; "" marks a key it reads itself.
const std::vector<Ignored>& SectionKeys(const std::string& section) {
  static const std::vector<Ignored> kTargetMetadata = {
      {"TargetSchema", ""},
      {"SupportLobs", ""},
      {"FullLobMode", ""},
      {"LimitedSizeLobMode", ""},
      {"LobMaxSize", ""},
      {"BatchApplyEnabled", ""},
      {"LobChunkSize", kLobLookup},
      {"InlineLobMaxSize", kLobLookup},
      {"LoadMaxFileSize", kDatabaseTarget},
      {"ParallelLoadThreads", kDatabaseTarget},
      {"ParallelLoadBufferSize", kDatabaseTarget},
      {"ParallelLoadQueuesPerThread", kDatabaseTarget},
      {"ParallelApplyThreads", kDatabaseTarget},
      {"ParallelApplyBufferSize", kDatabaseTarget},
      {"ParallelApplyQueuesPerThread", kDatabaseTarget},
      {"TaskRecoveryTableEnabled",
       "binlake keeps its checkpoint in the lake, under _binlake/: docs/checkpoint-format.md"},
  };
  static const std::vector<Ignored> kFullLoad = {
      {"MaxFullLoadSubTasks", ""},
      {"TargetTablePrepMode",
       "binlake never drops or empties lake folders; it loads each table once and records it "
       "in the checkpoint (docs/full-load.md)"},
      {"CreatePkAfterFullLoad", kDatabaseTarget},
      {"StopTaskCachedChangesApplied",
       "binlake goes on with CDC after the full load; binlake run --stop-at-end stops once "
       "caught up"},
      {"StopTaskCachedChangesNotApplied",
       "binlake goes on with CDC after the full load; binlake run --stop-at-end stops once "
       "caught up"},
      {"TransactionConsistencyTimeout",
       "the full load places its chunks in the binlog itself instead of waiting for open "
       "transactions: full_load.watermarks, docs/full-load.md"},
      {"CommitRate", "LOAD files are cut at output.max_file_size"},
  };
  static const std::vector<Ignored> kErrorBehavior = {
      {"DataErrorPolicy", ""},
      {"DataTruncationErrorPolicy", ""},
      {"RecoverableErrorCount", ""},
      {"RecoverableErrorInterval", ""},
      {"RecoverableErrorThrottling", ""},
      {"RecoverableErrorThrottlingMax", ""},
      {"RecoverableErrorStopRetryAfterThrottlingMax", ""},
      {"DataErrorEscalationPolicy", kSuspend},
      {"DataErrorEscalationCount", kSuspend},
      {"TableErrorPolicy", kSuspend},
      {"TableErrorEscalationPolicy", kSuspend},
      {"TableErrorEscalationCount", kSuspend},
      {"DataMaskingErrorPolicy", "binlake has no data masking"},
      {"EventErrorPolicy", "binlake sends no DMS events; it logs to stderr"},
      {"ApplyErrorDeletePolicy", kApply},
      {"ApplyErrorInsertPolicy", kApply},
      {"ApplyErrorUpdatePolicy", kApply},
      {"ApplyErrorEscalationPolicy", kApply},
      {"ApplyErrorEscalationCount", kApply},
      {"ApplyErrorFailOnTruncationDdl", kApply},
      {"FullLoadIgnoreConflicts", kApply},
      {"FailOnTransactionConsistencyBreached",
       "the full load does not wait for open transactions, so it has nothing to breach"},
      {"FailOnNoTablesCaptured", "binlake does not stop when no table matches"},
  };
  static const std::vector<Ignored> kDdl = {
      {"HandleSourceTableDropped", ""},
      {"HandleSourceTableTruncated", ""},
      {"HandleSourceTableAltered", ""},
  };
  static const std::vector<Ignored> kNone;
  if (section == "TargetMetadata") return kTargetMetadata;
  if (section == "FullLoadSettings") return kFullLoad;
  if (section == "ErrorBehavior") return kErrorBehavior;
  if (section == "ChangeProcessingDdlHandlingPolicy") return kDdl;
  return kNone;
}

// Sections taken or left whole, with why they change nothing here.
const std::vector<Ignored>& WholeSections() {
  static const std::vector<Ignored> kSections = {
      {"Logging", "binlake logs to stderr: log.level, log.json"},
      {"ControlTablesSettings",
       "binlake writes no control tables; its checkpoint is in the lake and binlake status "
       "reports it"},
      {"StreamBufferSettings",
       "DMS's internal buffers; binlake bounds memory with spill.transaction_memory_limit"},
      {"ChangeProcessingTuning",
       "batch apply and commit tuning of database targets; files are written at "
       "output.cdc_max_batch_interval or cdc_min_file_size"},
      {"ValidationSettings", "validation is off"},
      {"BeforeImageSettings", "before-images are off"},
      {"TTSettings", "DMS Time Travel logs; binlake logs to stderr"},
      {"FailTaskWhenCleanTaskResourceFailed", "binlake leaves no task resources to clean"},
      {"CharacterSetSettings", ""},
      {"LoopbackPreventionSettings", ""},
      {"PostProcessingRules", ""},
  };
  return kSections;
}

class TaskImporter {
 public:
  TaskImporter(std::string_view origin, DmsImport* out) : origin_(origin), out_(out) {}

  Status Refuse(std::string_view where, std::string_view why) const {
    return InvalidArgumentError("{}: DMS task setting {} {}", origin_, where, why);
  }
  void Key(std::string_view path, const std::string& value, std::string_view setting) {
    Set(out_->keys, path, value);
    out_->origins[std::string(path)] = fmt::format("{}: DMS task setting {}", origin_, setting);
  }
  void Ignore(std::string what, const char* why) {
    for (auto& [reason, keys] : ignored_) {
      if (reason == why) {
        keys.push_back(std::move(what));
        return;
      }
    }
    ignored_.push_back({why, {std::move(what)}});
  }

  Result<bool> Bool(const std::string& where, const Json& v) const {
    if (v.is_boolean()) return v.get<bool>();
    std::string l = Lower(JsonText(v));
    if (l == "true") return true;
    if (l == "false") return false;
    return Refuse(where, fmt::format("must be true or false, not {}", v.dump()));
  }
  Result<int64_t> Int(const std::string& where, const Json& v, int64_t min) const {
    std::string text = JsonText(v);
    char* end = nullptr;
    errno = 0;
    long long n = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno != 0 || n < min) {
      return Refuse(where,
                    fmt::format("must be a whole number of at least {}, not {}", min, v.dump()));
    }
    return n;
  }
  // The DMS error policy as tables.data_error / truncation_error.
  Result<std::string> Policy(const std::string& where, const Json& v) {
    std::string p = JsonText(v);
    if (p == "LOG_ERROR") return std::string("log-error");
    if (p == "IGNORE_RECORD") return std::string("ignore-record");
    if (p == "STOP_TASK") return std::string("stop");
    if (p == "SUSPEND_TABLE") {
      out_->notes.push_back(where +
                            " SUSPEND_TABLE (binlake stops instead, as STOP_TASK: it does not "
                            "suspend one table)");
      return std::string("stop");
    }
    return Refuse(where, fmt::format("'{}' is not LOG_ERROR, IGNORE_RECORD, SUSPEND_TABLE or "
                                     "STOP_TASK",
                                     p));
  }

  Status Document(const Json& doc) {
    std::vector<std::string_view> sections;
    for (const Ignored& s : WholeSections()) sections.push_back(s.key);
    for (const char* s : {"TargetMetadata", "FullLoadSettings", "ErrorBehavior",
                          "ChangeProcessingDdlHandlingPolicy"}) {
      sections.push_back(s);
    }
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      const std::string& section = it.key();
      if (std::find(sections.begin(), sections.end(), section) == sections.end()) {
        std::string hint = Closest(section, sections);
        return Refuse(section, fmt::format("is not a task settings section{}",
                                           hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      }
      RETURN_IF_ERROR(Section(section, it.value()));
    }
    Finish();
    return Status::OK();
  }

 private:
  // Each key of a section read key by key: known ones, and near misses of them refused.
  Status Keys(const std::string& section, const Json& s) {
    if (!s.is_object()) {
      return Refuse(section, fmt::format("must be a JSON object, not {}", s.type_name()));
    }
    const std::vector<Ignored>& known = SectionKeys(section);
    std::vector<std::string_view> names;
    for (const Ignored& k : known) names.push_back(k.key);
    for (auto it = s.begin(); it != s.end(); ++it) {
      const std::string where = section + "." + it.key();
      auto k = std::find_if(known.begin(), known.end(),
                            [&](const Ignored& i) { return it.key() == i.key; });
      if (k == known.end()) {
        // A DMS version newer than this list may have more settings: those are noted. A name
        // a typo away from a known one is refused, so that a setting never silently drops.
        std::string hint = Closest(it.key(), names);
        if (!hint.empty()) {
          return Refuse(where, fmt::format("is not a task setting; did you mean '{}'?", hint));
        }
        Ignore(where, "not a setting binlake knows");
        continue;
      }
      if (*k->why != '\0') {
        Ignore(where, k->why);
        continue;
      }
      RETURN_IF_ERROR(Setting(section, it.key(), where, it.value()));
    }
    return Status::OK();
  }

  Status Section(const std::string& section, const Json& s) {
    if (section == "TargetMetadata" || section == "FullLoadSettings" ||
        section == "ErrorBehavior" || section == "ChangeProcessingDdlHandlingPolicy") {
      return Keys(section, s);
    }
    if (s.is_null()) return Status::OK();  // not set
    if (section == "BeforeImageSettings") {
      if (s.is_object() && s.contains("EnableBeforeImage")) {
        ASSIGN_OR_RETURN(bool on,
                         Bool("BeforeImageSettings.EnableBeforeImage", s["EnableBeforeImage"]));
        if (on) {
          return Refuse("BeforeImageSettings.EnableBeforeImage",
                        "true is refused (DMS uses it for Kinesis and Kafka targets): use "
                        "add-before-image-columns table-mapping rules, or JSON lines output, "
                        "whose \"old\" holds the before-image");
        }
      }
    } else if (section == "ValidationSettings") {
      for (const char* k : {"EnableValidation", "ValidationOnly"}) {
        if (!s.is_object() || !s.contains(k)) continue;
        ASSIGN_OR_RETURN(bool on, Bool(std::string("ValidationSettings.") + k, s[k]));
        if (on) {
          return Refuse(std::string("ValidationSettings.") + k,
                        "true is refused: binlake has no validation pass. Set it false");
        }
      }
    } else if (section == "CharacterSetSettings") {
      return Refuse(section,
                    "is refused: binlake writes every character column as UTF-8, converted "
                    "from its MySQL charset, and replaces no characters. Set it null");
    } else if (section == "LoopbackPreventionSettings") {
      return Refuse(section,
                    "is refused: it is for replication back into a source database; binlake "
                    "writes a lake. Set it null");
    } else if (section == "PostProcessingRules") {
      return Refuse(section, "is refused: binlake has no post-processing rules. Set it null");
    }
    for (const Ignored& w : WholeSections()) {
      if (section == w.key) Ignore(section, w.why);
    }
    return Status::OK();
  }

  // One setting binlake reads.
  Status Setting(const std::string& section, const std::string& key, const std::string& where,
                 const Json& v) {
    if (section == "TargetMetadata") {
      if (key == "BatchApplyEnabled") {
        ASSIGN_OR_RETURN(bool on, Bool(where, v));
        if (on) {
          return Refuse(where,
                        "true is refused: with batch apply DMS itself drops the Op column on S3 "
                        "targets, and a change log without it cannot be replayed. Set it false");
        }
      } else if (key == "SupportLobs") {
        ASSIGN_OR_RETURN(bool on, Bool(where, v));
        if (!on) {
          return Refuse(where,
                        "false is refused: DMS then leaves every LOB column (TEXT, BLOB, JSON) "
                        "out, while binlake writes them. Leave chosen columns out with "
                        "remove-column table-mapping rules, or set SupportLobs true");
        }
      } else if (key == "TargetSchema") {
        if (!JsonText(v).empty()) {
          return Refuse(where,
                        "is refused: name the lake's schema folders with a table-mapping rule "
                        "(rule-target schema, rule-action rename). Set it \"\"");
        }
      } else if (key == "FullLobMode") {
        ASSIGN_OR_RETURN(full_lobs_, Bool(where, v));
      } else if (key == "LimitedSizeLobMode") {
        ASSIGN_OR_RETURN(limited_lobs_, Bool(where, v));
      } else if (key == "LobMaxSize") {
        ASSIGN_OR_RETURN(lob_max_kb_, Int(where, v, 1));
      }
    } else if (section == "FullLoadSettings") {  // MaxFullLoadSubTasks
      ASSIGN_OR_RETURN(int64_t n, Int(where, v, 1));
      if (n > 64) {
        out_->notes.push_back(fmt::format(
            "{} {} (binlake opens at most 64 connections: full_load.threads 64)", where, n));
        n = 64;
      }
      Key("full_load.threads", std::to_string(n), where);
    } else if (section == "ChangeProcessingDdlHandlingPolicy") {
      ASSIGN_OR_RETURN(bool on, Bool(where, v));
      if (key == "HandleSourceTableTruncated") {
        Key("truncate", on ? "delete-rows" : "warn", where);
      } else if (!on && key == "HandleSourceTableAltered") {
        return Refuse(where,
                      "false is refused: binlake always follows ALTER TABLE (files of the new "
                      "shape; an Iceberg schema update), or it could not decode later rows. "
                      "Set it true");
      } else if (!on) {  // HandleSourceTableDropped
        return Refuse(where,
                      "false is refused: binlake always follows DROP TABLE (its Iceberg table "
                      "becomes empty; the change log keeps its files: docs/iceberg.md). Set it "
                      "true");
      }
    } else if (key == "DataErrorPolicy" || key == "DataTruncationErrorPolicy") {
      ASSIGN_OR_RETURN(std::string p, Policy(where, v));
      Key(key == "DataErrorPolicy" ? "tables.data_error" : "tables.truncation_error", p, where);
    } else if (key == "RecoverableErrorCount") {
      ASSIGN_OR_RETURN(retry_count_, Int(where, v, -1));
    } else if (key == "RecoverableErrorInterval") {
      ASSIGN_OR_RETURN(retry_interval_s_, Int(where, v, 0));
    } else if (key == "RecoverableErrorThrottling") {
      ASSIGN_OR_RETURN(throttling_, Bool(where, v));
    } else if (key == "RecoverableErrorThrottlingMax") {
      ASSIGN_OR_RETURN(throttling_max_s_, Int(where, v, 1));
    } else if (key == "RecoverableErrorStopRetryAfterThrottlingMax") {
      ASSIGN_OR_RETURN(stop_at_max_, Bool(where, v));
    }
    return Status::OK();
  }

  // Settings read together: LOB mode and size, the retry policy; the note of ignored keys.
  void Finish() {
    if (limited_lobs_.value_or(false) && !full_lobs_.value_or(false)) {
      // DMS's default LobMaxSize is 32 KB.
      Key("tables.lob_max_size", fmt::format("{}KiB", lob_max_kb_.value_or(32)),
          "TargetMetadata.LimitedSizeLobMode with LobMaxSize");
    }
    const std::string kRetry = "ErrorBehavior.RecoverableError*";
    int64_t interval_s = std::max<int64_t>(retry_interval_s_.value_or(5), 1);
    if (retry_interval_s_) {
      if (*retry_interval_s_ < 1) {
        out_->notes.push_back("ErrorBehavior.RecoverableErrorInterval 0 (waits 1 s at least)");
      }
      Key("source.reconnect_interval", fmt::format("{}s", interval_s), kRetry);
    }
    bool throttling = throttling_.value_or(true);
    int64_t max_s = std::max(throttling_max_s_.value_or(1800), interval_s);
    if (throttling_) Key("source.reconnect_backoff", throttling ? "true" : "false", kRetry);
    if (throttling_max_s_ || retry_interval_s_) {
      Key("source.reconnect_max_interval", fmt::format("{}s", max_s), kRetry);
    }
    int64_t attempts = retry_count_.value_or(-1);
    if (stop_at_max_.value_or(false)) {
      if (throttling) {
        // DMS stops once the wait would reach RecoverableErrorThrottlingMax: after as many
        // failures as waits below it (interval, 2x, 4x, ...).
        int64_t below = 0;
        for (int64_t wait = interval_s; wait < max_s; wait *= 2) ++below;
        attempts = attempts < 0 ? below : std::min(attempts, below);
      } else {
        Ignore("ErrorBehavior.RecoverableErrorStopRetryAfterThrottlingMax",
               "RecoverableErrorThrottling is off, so the wait never grows");
      }
    }
    if (retry_count_ || stop_at_max_.value_or(false)) {
      Key("source.reconnect_attempts", std::to_string(attempts), kRetry);
    }
    for (const auto& [why, keys] : ignored_) {
      std::string list;
      for (const std::string& k : keys) list += (list.empty() ? "" : ", ") + k;
      out_->notes.push_back(fmt::format("{} ({})", list, why));
    }
  }

  std::string origin_;
  DmsImport* out_;
  std::vector<std::pair<std::string, std::vector<std::string>>> ignored_;  // why -> keys
  std::optional<bool> full_lobs_, limited_lobs_, throttling_, stop_at_max_;
  std::optional<int64_t> lob_max_kb_, retry_count_, retry_interval_s_, throttling_max_s_;
};

}  // namespace

Status ImportTaskSettings(std::string_view json, std::string_view origin, DmsImport* out) {
  ASSIGN_OR_RETURN(Json doc, ParseJson(json, origin, "task settings"));
  TaskImporter im(origin, out);
  return im.Document(doc);
}

}  // namespace binlake
