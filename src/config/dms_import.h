#pragma once

#include <yaml-cpp/yaml.h>

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
// or refused naming it, with the reason and what to do instead.
struct DmsImport {
  YAML::Node keys = YAML::Node(YAML::NodeType::Map);
  // Settings accepted without effect, "Name (why)", for one log line at start.
  std::vector<std::string> notes;
};

// `origin` names the text in messages. Adds to *out.
Status ImportEndpointAttributes(std::string_view text, std::string_view origin, DmsImport* out);
Status ImportS3Settings(std::string_view json, std::string_view origin, DmsImport* out);
Status ImportTaskSettings(std::string_view json, std::string_view origin, DmsImport* out);

// Reads the files a `dms:` section names (endpoint_settings, s3_settings, task_settings;
// relative paths from `base_dir`) and imports them. table_mappings is the config's business.
Result<DmsImport> ImportDmsSection(const YAML::Node& dms, const std::string& base_dir,
                                   std::string_view origin);

// `overlay` merged over `base`: mappings key by key, anything else replaced.
YAML::Node MergeYaml(const YAML::Node& base, const YAML::Node& overlay);

}  // namespace binlake
