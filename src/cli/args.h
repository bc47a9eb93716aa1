#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace binlake::cli {

// Command-line arguments after the command words: `--name value`, `--name=value`, `-c value`,
// boolean `--flag`, and positionals. Each command declares the options it accepts; anything
// else is an error that names the option.
class Args {
 public:
  struct Spec {
    // Options that take a value, e.g. {"--config", "-c"} mapped to the canonical name.
    std::map<std::string, std::string> valued;
    // Boolean flags, e.g. {"--stop-at-end"}.
    std::set<std::string> flags;
  };

  static Result<Args> Parse(const std::vector<std::string>& argv, const Spec& spec);

  std::optional<std::string> Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::map<std::string, std::string, std::less<>> values_;
  std::set<std::string, std::less<>> flags_;
  std::vector<std::string> positionals_;
};

}  // namespace binlake::cli
