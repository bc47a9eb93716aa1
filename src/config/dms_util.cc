#include "config/dms_util.h"

#include <cctype>

#include "config/config.h"

namespace binlake::dms {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

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

std::string Closest(std::string_view name, const std::vector<std::string_view>& known) {
  std::string best;
  size_t best_distance = 3;
  const std::string l = Lower(name);
  for (std::string_view k : known) {
    size_t d = EditDistance(l, Lower(k));
    if (d < best_distance) {
      best_distance = d;
      best = std::string(k);
    }
  }
  return best;
}

std::string JsonText(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

Result<Json> ParseJson(std::string_view json, std::string_view origin, std::string_view what) {
  Json doc;
  try {
    doc = Json::parse(json);
  } catch (const Json::exception& e) {
    return InvalidArgumentError("{}: not valid JSON ({}): {}", origin, what, e.what());
  }
  if (!doc.is_object()) {
    return InvalidArgumentError("{}: a {} document is a JSON object, not {}", origin, what,
                                doc.type_name());
  }
  return doc;
}

}  // namespace binlake::dms
