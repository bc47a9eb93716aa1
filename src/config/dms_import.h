#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace binlake {

// AWS DMS artefacts read as they are (docs/migrating-from-dms.md): the S3 target endpoint's
// extra connection attributes ("dataFormat=parquet;cdcInsertsAndUpdates=true;"), an
// S3Settings JSON document, and a replication task settings JSON document. Each becomes the
// binlake configuration keys it amounts to, as a YAML mapping (output:, target:, tables:,
// full_load:, source:, truncate:), which the config file's own keys then override. Every
// setting is either carried out, accepted with a note saying why it changes nothing here,
// or refused naming it, with the reason and what to do instead. Plain data.
struct DmsImport {
  YAML::Node keys = YAML::Node(YAML::NodeType::Map);
  // Where each key of `keys` came from, by dotted path ("output.format"):
  // "<file>: DMS setting DataFormat", for messages about its value.
  std::map<std::string, std::string> origins;
  // Settings of one data format only (Parquet: RowGroupLength, EnableStatistics, ...; CSV:
  // UseCsvNoSupValue, CsvNoSupValue), by dotted path: applied by SettleFormatSettings once
  // the data format is known.
  struct Deferred {
    std::string format;  // "parquet" or "csv"
    std::string value;
    std::string origin;
    std::string setting;  // the DMS name, for the note when they are not applied
  };
  std::map<std::string, Deferred> format_only;
  // Settings not carried out as written (no effect here, overridden, or done otherwise),
  // "Name (why)", for one log line at start.
  std::vector<std::string> notes;
};

// `origin` names the text in messages (the file). Adds to *out.
Status ImportEndpointAttributes(std::string_view text, std::string_view origin, DmsImport* out);
Status ImportS3Settings(std::string_view json, std::string_view origin, DmsImport* out);
Status ImportTaskSettings(std::string_view json, std::string_view origin, DmsImport* out);

// Reads the files a `dms:` section names (endpoint_settings, s3_settings, task_settings;
// relative paths from `base_dir`) and imports them. table_mappings is the config's business.
Result<DmsImport> ImportDmsSection(const YAML::Node& dms, const std::string& base_dir,
                                   std::string_view origin);

// With the data format settled (csv, jsonl, parquet), moves the settings of that format into
// imp->keys, and notes the others (DMS ignores them too).
void SettleFormatSettings(std::string_view format, DmsImport* imp);

// A scalar that `overlay` gives a value other than `base`'s.
struct YamlOverride {
  std::string path;  // dotted
  std::string base_value;
  std::string overlay_value;
};

// `overlay` merged over `base`: mappings key by key, anything else replaced. Scalars the
// overlay changes are appended to *overrides when it is not null.
YAML::Node MergeYaml(const YAML::Node& base, const YAML::Node& overlay,
                     std::vector<YamlOverride>* overrides = nullptr, const std::string& path = "");

}  // namespace binlake
