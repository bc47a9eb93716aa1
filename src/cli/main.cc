#include <cstdio>
#include <cstring>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <string>
#include <vector>

#include "cli/commands.h"
#include "common/logging.h"

namespace binlake::cli {

const std::vector<Command>& AllCommands() {
  static const std::vector<Command> kCommands = {
      {"run", "-c CONFIG [--stop-at-end]: replicate into the lake until stopped", RunCommand},
      {"status", "-c CONFIG [--json]: checkpoint, lag behind the source, per-table statistics",
       StatusCommand},
      {"check",
       "-c CONFIG [--json] [--max-downtime 24h] [--max-clock-skew 5s]: preflight of the "
       "source, tables and target; each failure with its fix",
       CheckCommand},
      {"validate",
       "-c CONFIG [--tables P,...] [--rechecks 3] [--wait 10m] [--list 20] [--json]: compare "
       "the source with the lake row by row while CDC runs",
       ValidateCommand},
      {"version", "print the version and the commit it was built from", PrintVersion},
      {"binlog dump", "--file PATH | -c CONFIG: print binlog events and row changes as JSON lines",
       BinlogDump},
  };
  return kCommands;
}

int PrintVersion(const std::vector<std::string>&) {
  std::printf("binlake %s (commit %s)\n", BINLAKE_VERSION, BINLAKE_COMMIT);
  return 0;
}

namespace {

constexpr char kExitCodes[] =
    "\nExit codes: 0 done (or stopped by SIGTERM / SIGINT after a clean flush), 1 failed (the\n"
    "message says why; the lake stays consistent at its checkpoint), 2 wrong usage or an\n"
    "invalid configuration (the message names the key or rule).\n";

void PrintHelp() {
  std::printf("binlake: MySQL/MariaDB to data lake replication\n\nUsage: binlake COMMAND ...\n\n");
  for (const Command& c : AllCommands()) std::printf("  %-22s %s\n", c.words, c.summary);
  std::printf("  %-22s %s\n", "help, --help", "this list; COMMAND --help describes one command");
  std::printf("%s", kExitCodes);
}

bool AsksForHelp(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

// Finds the longest command whose words prefix argv[1..].
const Command* Match(int argc, char** argv, int* consumed) {
  const Command* best = nullptr;
  int best_words = 0;
  for (const Command& c : AllCommands()) {
    std::vector<std::string> words;
    for (const char* p = c.words; *p;) {
      const char* sp = std::strchr(p, ' ');
      size_t n = sp ? static_cast<size_t>(sp - p) : std::strlen(p);
      words.emplace_back(p, n);
      p += n + (sp ? 1 : 0);
    }
    int n = static_cast<int>(words.size());
    if (n > argc - 1 || n <= best_words) continue;
    bool match = true;
    for (int i = 0; i < n; ++i) match = match && words[i] == argv[1 + i];
    if (match) {
      best = &c;
      best_words = n;
    }
  }
  *consumed = best_words;
  return best;
}

}  // namespace
}  // namespace binlake::cli

int main(int argc, char** argv) {
  using namespace binlake::cli;
#if defined(__GLIBC__)
  // binlake allocates and frees multi-megabyte buffers all the time (files being written,
  // column pages, chunks of the full load). By default glibc maps the large ones afresh and
  // returns freed heap to the kernel, so every buffer is faulted in again page by page; keeping
  // them costs no more than the peak and saves about a fifth of the full load's CPU.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
  binlake::InitLogging({});
  if (argc < 2 || std::strcmp(argv[1], "help") == 0 || std::strcmp(argv[1], "--help") == 0 ||
      std::strcmp(argv[1], "-h") == 0) {
    PrintHelp();
    return argc < 2 ? 2 : 0;
  }
  if (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "-V") == 0) {
    return PrintVersion({});
  }
  int consumed = 0;
  const Command* cmd = Match(argc, argv, &consumed);
  if (cmd == nullptr) {
    std::fprintf(stderr, "binlake: unknown command '%s'; run `binlake help` for the list\n",
                 argv[1]);
    return 2;
  }
  std::vector<std::string> rest(argv + 1 + consumed, argv + argc);
  if (AsksForHelp(rest)) {
    std::printf("Usage: binlake %s %s\n", cmd->words, cmd->summary);
    std::printf("%s", kExitCodes);
    return 0;
  }
  return cmd->fn(rest);
}
