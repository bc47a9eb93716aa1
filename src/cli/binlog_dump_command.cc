#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "binlog/binlog_file_reader.h"
#include "binlog/event_dumper.h"
#include "cli/args.h"
#include "cli/commands.h"

namespace binlake::cli {
namespace {

constexpr char kUsage[] =
    "usage: binlake binlog dump --file PATH\n"
    "Prints every event of a binlog file, and every row change, as one JSON object per line.\n"
    "Binary values print as lowercase hex; DECIMAL as exact strings; JSON columns embedded.\n";

// Opens the event source the arguments ask for. A replication-connection source plugs in
// here beside the file.
Result<std::unique_ptr<EventSource>> OpenSource(const Args& args) {
  if (auto path = args.Get("--file")) {
    ASSIGN_OR_RETURN(auto reader, BinlogFileReader::Open(*path));
    return std::unique_ptr<EventSource>(std::move(reader));
  }
  return InvalidArgumentError("no input: pass --file PATH");
}

}  // namespace

int BinlogDump(const std::vector<std::string>& argv) {
  Args::Spec spec;
  spec.valued = {{"--file", "--file"}, {"-f", "--file"}};
  spec.flags = {"--help"};
  auto args = Args::Parse(argv, spec);
  if (!args.ok()) {
    std::fprintf(stderr, "binlake binlog dump: %s\n%s", args.status().message().c_str(), kUsage);
    return 2;
  }
  if (args->Has("--help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  auto source = OpenSource(*args);
  if (!source.ok()) {
    std::fprintf(stderr, "binlake binlog dump: %s\n", source.status().message().c_str());
    return source.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  bool guessed_names = false;
  Status s = DumpEvents(source->get(), DumpOptions{}, [&](std::string_view line) {
    if (line.find("\"names\":\"guessed\"") != std::string_view::npos) guessed_names = true;
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
  });
  std::fflush(stdout);
  if (guessed_names) {
    std::fprintf(stderr,
                 "binlake binlog dump: some TABLE_MAP events carry no column names "
                 "(binlog_row_metadata=MINIMAL); their columns are shown as col_1, col_2, ...\n");
  }
  if (!s.ok()) {
    std::fprintf(stderr, "binlake binlog dump: %s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace binlake::cli
