#include "cli/args.h"

namespace binlake::cli {

Result<Args> Args::Parse(const std::vector<std::string>& argv, const Spec& spec) {
  Args out;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.size() < 2 || a[0] != '-') {
      out.positionals_.push_back(a);
      continue;
    }
    std::string name = a;
    std::optional<std::string> inline_value;
    if (size_t eq = a.find('='); eq != std::string::npos && a.rfind("--", 0) == 0) {
      name = a.substr(0, eq);
      inline_value = a.substr(eq + 1);
    }
    if (auto it = spec.valued.find(name); it != spec.valued.end()) {
      if (inline_value) {
        out.values_[it->second] = *inline_value;
      } else if (i + 1 < argv.size()) {
        out.values_[it->second] = argv[++i];
      } else {
        return InvalidArgumentError("option {} needs a value", name);
      }
    } else if (spec.flags.count(name) && !inline_value) {
      out.flags_.insert(name);
    } else {
      return InvalidArgumentError("unknown option {}: see `binlake help`", name);
    }
  }
  return out;
}

std::optional<std::string> Args::Get(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

bool Args::Has(std::string_view name) const { return flags_.count(name) > 0; }

}  // namespace binlake::cli
