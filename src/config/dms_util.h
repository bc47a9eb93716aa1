#pragma once

// Helpers shared by the readers of DMS artefacts (dms_import.cc, dms_task_settings.cc).

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace binlake::dms {

using Json = nlohmann::json;

std::string Lower(std::string_view s);
// Sets root["a"]["b"] to value for the path "a.b".
void Set(YAML::Node root, std::string_view path, const std::string& value);
// The name among `known` closest to `name` in any case, or "" when none is close.
std::string Closest(std::string_view name, const std::vector<std::string_view>& known);
// A JSON value as the text of an attribute: strings as they are, null as "", others dumped.
std::string JsonText(const Json& v);
// A JSON object; kInvalidArgument naming `origin` and the parser's message otherwise.
Result<Json> ParseJson(std::string_view json, std::string_view origin, std::string_view what);

}  // namespace binlake::dms
