// binlake binlog dump: a binlog file, or a live server's binlog, as JSON lines.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "binlog/binlog_file_reader.h"
#include "binlog/event_dumper.h"
#include "binlog/information_schema_resolver.h"
#include "binlog/replication_source.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "common/logging.h"
#include "config/config.h"
#include "mysql/connection.h"
#include "pipeline/replicator.h"

namespace binlake::cli {
namespace {

constexpr char kUsage[] =
    "usage: binlake binlog dump --file PATH\n"
    "       binlake binlog dump -c CONFIG [--from FILE:POS | --gtid SET] [--stop-at-end]\n"
    "                           [--server-id N]\n"
    "Prints every event of a binlog, and every row change, as one JSON object per line.\n"
    "Binary values print as lowercase hex; DECIMAL as exact strings; JSON columns embedded.\n"
    "\n"
    "  --file PATH      a binlog file on disk\n"
    "  -c CONFIG        a live server: the config's source section (binlake run's config)\n"
    "  --from FILE:POS  where the live dump starts (default: the current end of the binlog)\n"
    "  --gtid SET       start after these transactions (MariaDB domain-server-seq list, or a\n"
    "                   MySQL GTID set)\n"
    "  --stop-at-end    end at the server's binlog end instead of waiting for new events\n"
    "  --server-id N    replica id for the dump (default: derived from the host name, other\n"
    "                   than binlake run's, so both can read the same server)\n";

// The live part of a dump: the source, and a resolver for TABLE_MAPs without names.
struct Input {
  std::unique_ptr<EventSource> source;
  std::unique_ptr<InformationSchemaResolver> resolver;
  std::optional<ChecksumAlgorithm> checksum;
};

Result<BinlogPosition> ParseFilePos(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size() ||
      text.find_first_not_of("0123456789", colon + 1) != std::string::npos) {
    return InvalidArgumentError("--from '{}' is not FILE:POS, e.g. mariadb-bin.000003:4", text);
  }
  return BinlogPosition{text.substr(0, colon), std::stoull(text.substr(colon + 1))};
}

Result<Input> OpenLive(const Args& args, const std::string& config_path) {
  ASSIGN_OR_RETURN(Config config, LoadConfigFile(config_path));
  Result<LogLevel> level = ParseLogLevel(config.log.level);
  InitLogging({level.ok() ? *level : LogLevel::kInfo, config.log.json});
  ReplicationOptions o;
  ASSIGN_OR_RETURN(o.connect, SourceConnectOptions(config.source));
  // binlake run uses source.server_id (or DefaultServerId()); a server drops the older of
  // two replicas with one id, so the dump takes another.
  o.server_id = DefaultServerId() ^ 0x00800000u;
  if (auto id = args.Get("--server-id")) {
    char* end = nullptr;
    unsigned long v = std::strtoul(id->c_str(), &end, 10);
    if (id->empty() || *end != '\0' || v == 0 || v > 0xffffffffu) {
      return InvalidArgumentError("--server-id '{}' is not a number from 1 to 4294967295", *id);
    }
    o.server_id = static_cast<uint32_t>(v);
  }
  o.non_blocking = args.Has("--stop-at-end");
  o.heartbeat_period = std::chrono::milliseconds(config.source.heartbeat_interval_ms);
  std::optional<std::string> from = args.Get("--from");
  std::optional<std::string> gtid = args.Get("--gtid");
  if (from && gtid) return InvalidArgumentError("give --from or --gtid, not both");
  if (gtid) {
    ASSIGN_OR_RETURN(GtidSet set, GtidSet::Parse(*gtid));
    o.start_gtid = std::move(set);
  } else if (from) {
    ASSIGN_OR_RETURN(o.start, ParseFilePos(*from));
  } else {
    ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Connection::Connect(o.connect));
    ASSIGN_OR_RETURN(o.start, CurrentBinlogEnd(c.get()));
  }
  Input in;
  ASSIGN_OR_RETURN(std::unique_ptr<ReplicationSource> source, ReplicationSource::Open(o));
  in.checksum = source->info().checksums ? ChecksumAlgorithm::kCrc32 : ChecksumAlgorithm::kOff;
  in.source = std::move(source);
  in.resolver = std::make_unique<InformationSchemaResolver>(o.connect);
  return in;
}

// Opens the event source the arguments ask for.
Result<Input> OpenInput(const Args& args) {
  std::optional<std::string> file = args.Get("--file");
  std::optional<std::string> config = args.Get("--config");
  if (file && config) return InvalidArgumentError("give --file or -c CONFIG, not both");
  if (file) {
    if (args.Get("--from") || args.Get("--gtid") || args.Has("--stop-at-end")) {
      return InvalidArgumentError("--from, --gtid and --stop-at-end apply to -c CONFIG only");
    }
    ASSIGN_OR_RETURN(auto reader, BinlogFileReader::Open(*file));
    Input in;
    in.source = std::move(reader);
    return in;
  }
  if (config) return OpenLive(args, *config);
  return InvalidArgumentError("no input: pass --file PATH or -c CONFIG");
}

}  // namespace

int BinlogDump(const std::vector<std::string>& argv) {
  Args::Spec spec;
  spec.valued = {{"--file", "--file"},          {"-f", "--file"},     {"-c", "--config"},
                 {"--config", "--config"},      {"--from", "--from"}, {"--gtid", "--gtid"},
                 {"--server-id", "--server-id"}};
  spec.flags = {"--help", "--stop-at-end"};
  auto args = Args::Parse(argv, spec);
  if (!args.ok()) {
    std::fprintf(stderr, "binlake binlog dump: %s\n%s", args.status().message().c_str(), kUsage);
    return 2;
  }
  if (args->Has("--help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  auto input = OpenInput(*args);
  if (!input.ok()) {
    std::fprintf(stderr, "binlake binlog dump: %s\n", input.status().message().c_str());
    return input.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  DumpOptions options;
  options.resolver = input->resolver.get();
  options.initial_checksum = input->checksum;
  bool guessed_names = false;
  Status s = DumpEvents(input->source.get(), options, [&](std::string_view line) {
    if (line.find("\"names\":\"guessed\"") != std::string_view::npos) guessed_names = true;
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    // A live dump may wait long for the next event: show each line as it comes.
    if (input->resolver != nullptr) std::fflush(stdout);
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
