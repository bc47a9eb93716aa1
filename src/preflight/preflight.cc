#include "preflight/preflight.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "preflight/checks.h"

namespace binlake {

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "PASS";
    case Verdict::kWarn:
      return "WARN";
    case Verdict::kFail:
      return "FAIL";
    case Verdict::kSkip:
      return "SKIP";
  }
  return "?";
}

void CheckReport::Add(std::string name, Verdict verdict, std::string detail, std::string fix) {
  lines_.push_back({std::move(name), verdict, std::move(detail), std::move(fix)});
}

bool CheckReport::failed() const {
  for (const CheckLine& l : lines_) {
    if (l.verdict == Verdict::kFail) return true;
  }
  return false;
}

std::string CheckReport::Text() const {
  std::string out;
  size_t failed = 0, warned = 0;
  for (const CheckLine& l : lines_) {
    out += fmt::format("{}  {:<26} {}\n", VerdictName(l.verdict), l.name, l.detail);
    if (!l.fix.empty() && l.verdict != Verdict::kPass) out += fmt::format("      fix: {}\n", l.fix);
    failed += l.verdict == Verdict::kFail;
    warned += l.verdict == Verdict::kWarn;
  }
  out += fmt::format("\n{} checks: {} failed, {} warnings\n", lines_.size(), failed, warned);
  return out;
}

std::string CheckReport::Json() const {
  nlohmann::json checks = nlohmann::json::array();
  for (const CheckLine& l : lines_) {
    nlohmann::json j{{"check", l.name}, {"verdict", VerdictName(l.verdict)}, {"detail", l.detail}};
    if (!l.fix.empty() && l.verdict != Verdict::kPass) j["fix"] = l.fix;
    checks.push_back(std::move(j));
  }
  return nlohmann::json{{"ok", !failed()}, {"checks", checks}}.dump(2) + "\n";
}

CheckReport RunPreflight(const Config& config, const PreflightOptions& options) {
  CheckReport report;
  preflight::SourceFacts facts;
  std::unique_ptr<Connection> c = preflight::CheckSource(config, options, &report, &facts);
  if (c) preflight::CheckTables(config, c.get(), &report);
  preflight::CheckTarget(options, facts, &report);
  return report;
}

namespace preflight {

std::string HumanSeconds(int64_t s) {
  if (s % 86400 == 0 && s >= 86400) return fmt::format("{} d", s / 86400);
  if (s >= 86400) return fmt::format("{} d {} h", s / 86400, s % 86400 / 3600);
  if (s % 3600 == 0 && s >= 3600) return fmt::format("{} h", s / 3600);
  if (s >= 3600) return fmt::format("{} h {} min", s / 3600, s % 3600 / 60);
  return fmt::format("{} s", s);
}

std::string ListSome(const std::vector<std::string>& names, size_t limit) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < limit; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > limit) out += fmt::format(" and {} more", names.size() - limit);
  return out;
}

}  // namespace preflight
}  // namespace binlake
