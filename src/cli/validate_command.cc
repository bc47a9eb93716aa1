// binlake validate -c CONFIG [--tables P,...] [--rechecks N] [--wait D] [--json]: compares the
// source with the lake (src/validate/). Exit 0 when every compared table matches, 1 when one
// differs or could not be compared.

#include <cstdio>
#include <cstdlib>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/target.h"
#include "config/config.h"
#include "validate/validator.h"

namespace binlake::cli {

int ValidateCommand(const std::vector<std::string>& argv) {
  Args::Spec spec{{{"-c", "config"},
                   {"--config", "config"},
                   {"--tables", "tables"},
                   {"--rechecks", "rechecks"},
                   {"--wait", "wait"},
                   {"--list", "list"}},
                  {"--json"}};
  Result<Args> args = Args::Parse(argv, spec);
  if (!args.ok()) return Fail(args.status());
  std::optional<std::string> path = args->Get("config");
  if (!path) return Fail(InvalidArgumentError("binlake validate needs -c CONFIG (a YAML file)"));
  Result<Config> config = LoadConfigFile(*path);
  if (!config.ok()) return Fail(config.status());
  ValidateOptions options;
  if (std::optional<std::string> t = args->Get("tables")) {
    for (size_t start = 0; start <= t->size();) {
      size_t comma = t->find(',', start);
      if (comma == std::string::npos) comma = t->size();
      if (comma > start) options.tables.push_back(t->substr(start, comma - start));
      start = comma + 1;
    }
  }
  auto number = [&](const char* name, int64_t low, int64_t* out) -> Status {
    std::optional<std::string> v = args->Get(name);
    if (!v) return Status::OK();
    char* end = nullptr;
    long long n = std::strtoll(v->c_str(), &end, 10);
    if (v->empty() || *end || n < low) {
      return InvalidArgumentError("--{} '{}' is not a whole number of at least {}", name, *v, low);
    }
    *out = n;
    return Status::OK();
  };
  int64_t rechecks = options.rechecks, list = static_cast<int64_t>(options.list);
  if (Status s = number("rechecks", 1, &rechecks); !s.ok()) return Fail(s);
  if (Status s = number("list", 0, &list); !s.ok()) return Fail(s);
  options.rechecks = static_cast<int>(rechecks);
  options.list = static_cast<size_t>(list);
  if (std::optional<std::string> w = args->Get("wait")) {
    Result<int64_t> ms = ParseDurationMs(*w);
    if (!ms.ok()) return Fail(ms.status().Context("--wait"));
    options.wait_ms = *ms;
  }
  options.work_dir = config->spill.dir;
  options.target_url = ResolveTargetUrl(config->target.url);
  options.s3 = ToS3Options(config->target.s3);
  Result<ValidateReport> report = RunValidate(*config, options);
  if (!report.ok()) return Fail(report.status());
  std::string out = args->Has("--json") ? report->Json() : report->Text();
  std::fputs(out.c_str(), stdout);
  return report->failed() ? 1 : 0;
}

}  // namespace binlake::cli
