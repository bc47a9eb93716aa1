// The report of binlake validate, for people and for scripts.

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "validate/validator.h"

namespace binlake {

bool ValidateReport::failed() const {
  for (const ValidateResult& r : results) {
    if (r.failed()) return true;
  }
  return false;
}

std::string ValidateReport::Text() const {
  std::string out;
  size_t failed = 0, compared = 0;
  for (const ValidateResult& r : results) {
    std::string what = fmt::format("{:<32} {:<40}", r.table, r.output);
    if (!r.skipped.empty()) {
      out += fmt::format("SKIP  {} {}\n", what, r.skipped);
      continue;
    }
    ++compared;
    failed += r.failed();
    if (!r.error.empty()) {
      out += fmt::format("FAIL  {} {}\n", what, r.error);
      continue;
    }
    out += fmt::format("{}  {} {} source rows, {} lake rows at {}, {} round{}: {} differ{}{}\n",
                       r.failed() ? "FAIL" : "OK  ", what, r.source_rows, r.lake_rows, r.at,
                       r.rounds, r.rounds == 1 ? "" : "s", r.differences,
                       r.unsettled ? fmt::format(", {} unsettled", r.unsettled) : "",
                       r.unchecked ? fmt::format(", {} more not re-checked", r.unchecked) : "");
    for (const std::string& l : r.listed) out += "      " + l + "\n";
  }
  out += fmt::format("\n{} comparisons: {} failed\n", compared, failed);
  return out;
}

std::string ValidateReport::Json() const {
  nlohmann::json tables = nlohmann::json::array();
  for (const ValidateResult& r : results) {
    nlohmann::json j{{"table", r.table}, {"output", r.output}};
    if (!r.skipped.empty()) {
      j["skipped"] = r.skipped;
    } else {
      j["ok"] = !r.failed();
      if (!r.error.empty()) j["error"] = r.error;
      j["source_rows"] = r.source_rows;
      j["lake_rows"] = r.lake_rows;
      j["differences"] = r.differences;
      j["unsettled"] = r.unsettled;
      j["unchecked"] = r.unchecked;
      j["rounds"] = r.rounds;
      j["at"] = r.at;
      j["listed"] = r.listed;
    }
    tables.push_back(std::move(j));
  }
  return nlohmann::json{{"ok", !failed()}, {"tables", tables}}.dump(2) + "\n";
}

}  // namespace binlake
