// binlake check -c CONFIG [--json] [--max-downtime D] [--max-clock-skew D]: the preflight of
// src/preflight/. Exit 0 when no check failed (warnings allowed), 1 when one did.

#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/target.h"
#include "config/config.h"
#include "preflight/preflight.h"

namespace binlake::cli {

int CheckCommand(const std::vector<std::string>& argv) {
  Args::Spec spec{{{"-c", "config"},
                   {"--config", "config"},
                   {"--max-downtime", "max-downtime"},
                   {"--max-clock-skew", "max-clock-skew"}},
                  {"--json"}};
  Result<Args> args = Args::Parse(argv, spec);
  if (!args.ok()) return Fail(args.status());
  std::optional<std::string> path = args->Get("config");
  if (!path) return Fail(InvalidArgumentError("binlake check needs -c CONFIG (a YAML file)"));
  Result<Config> config = LoadConfigFile(*path);
  if (!config.ok()) return Fail(config.status());
  PreflightOptions options;
  if (std::optional<std::string> d = args->Get("max-downtime")) {
    Result<int64_t> ms = ParseDurationMs(*d);
    if (!ms.ok()) return Fail(ms.status().Context("--max-downtime"));
    options.max_downtime_s = *ms / 1000;
  }
  if (std::optional<std::string> d = args->Get("max-clock-skew")) {
    Result<int64_t> ms = ParseDurationMs(*d);
    if (!ms.ok()) return Fail(ms.status().Context("--max-clock-skew"));
    options.max_clock_skew_s = *ms / 1000.0;
  }
  options.target_url = ResolveTargetUrl(config->target.url);
  options.s3 = ToS3Options(config->target.s3);
  CheckReport report = RunPreflight(*config, options);
  std::string out = args->Has("--json") ? report.Json() : report.Text();
  std::fputs(out.c_str(), stdout);
  return report.failed() ? 1 : 0;
}

}  // namespace binlake::cli
