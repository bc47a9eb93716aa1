#include "tests/support/test_env.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace binlake::testing {

namespace fs = std::filesystem;

std::optional<std::string> FixturesDir() {
  const char* src = std::getenv("BINLAKE_SOURCE_DIR");
  fs::path root = src ? fs::path(src) : fs::current_path();
  fs::path dir = root / ".." / "shared" / "fixtures";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return std::nullopt;
  return fs::weakly_canonical(dir, ec).string();
}

std::optional<std::map<std::string, std::string>> LoadRigEnv(std::string_view service) {
  const char* rig = std::getenv("BINLAKE_RIG_DIR");
  if (rig == nullptr) return std::nullopt;
  std::ifstream in(fs::path(rig) / std::string(service) / "env");
  if (!in) return std::nullopt;
  std::map<std::string, std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    size_t eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

std::string RigSkipReason(std::string_view service) {
  return "no " + std::string(service) +
         " rig server: run through ctest (it starts the servers), e.g. "
         "`ctest --test-dir build -R <test>`";
}

std::string MakeTempDir(std::string_view prefix) {
  std::string tmpl = (fs::temp_directory_path() / (std::string(prefix) + "XXXXXX")).string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + tmpl);
  return tmpl;
}

}  // namespace binlake::testing
