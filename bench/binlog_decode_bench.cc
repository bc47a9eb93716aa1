// Binlog capture throughput: streams a range of a server's binlog over the replication
// protocol (ReplicationSource in non-blocking mode, so the server ends the stream at its
// binlog end) through EventStream and TransactionAssembler into a sink that only counts, the
// same chain `binlake run` uses minus the change-log writers. bench/binlog_decode.sh runs it
// beside mariadb-binlog and zongji. Not a test: it asserts nothing about time.
//
// Usage: binlog_decode_bench --host H --port P --user U --password PW --file F --pos N
//                            [--stop-pos N] [--server-id N]
// Prints one JSON object on its last line: row and transaction counts, seconds, CPU seconds,
// rows per second and peak RSS (VmHWM).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "binlog/event_stream.h"
#include "binlog/replication_source.h"
#include "binlog/transaction_assembler.h"
#include "common/logging.h"
#include "model/change.h"

namespace binlake {
namespace {

// Counts what the assembler delivers; touches every value so a lazy decoder could not skip
// work the real sink needs.
class CountingSink : public ChangeSink {
 public:
  Status Begin(const TransactionBegin&) override { return Status::OK(); }
  Status Row(RowChange change) override {
    switch (change.op) {
      case Op::kInsert:
        ++inserts;
        break;
      case Op::kUpdate:
        ++updates;
        break;
      case Op::kDelete:
        ++deletes;
        break;
    }
    values += change.before.size() + change.after.size();
    for (const Value& v : change.after) nulls += v.is_null() ? 1 : 0;
    return Status::OK();
  }
  Status Schema(const SchemaChange&) override {
    ++schema_changes;
    return Status::OK();
  }
  Status Commit(const TransactionEnd&) override {
    ++transactions;
    return Status::OK();
  }
  void Discard() override {}

  uint64_t rows() const { return inserts + updates + deletes; }

  uint64_t inserts = 0;
  uint64_t updates = 0;
  uint64_t deletes = 0;
  uint64_t values = 0;
  uint64_t nulls = 0;
  uint64_t transactions = 0;
  uint64_t schema_changes = 0;
};

// Peak resident set size of this process in KiB (VmHWM), 0 when /proc is unavailable.
uint64_t PeakRssKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

int Usage(const char* message) {
  std::fprintf(stderr,
               "binlog_decode_bench: %s\nusage: binlog_decode_bench --host H --port P --user U "
               "--password PW --file F --pos N [--stop-pos N] [--server-id N]\n",
               message);
  return 2;
}

int Run(int argc, char** argv) {
  ReplicationOptions o;
  o.non_blocking = true;
  o.server_id = 4242;
  o.connect.tls_mode = TlsMode::kDisabled;  // loopback: measure decoding, not TLS
  uint64_t stop_pos = 0;
  for (int i = 1; i < argc; i += 2) {
    std::string_view flag = argv[i];
    if (i + 1 >= argc) return Usage("every flag takes a value");
    const char* v = argv[i + 1];
    if (flag == "--host") {
      o.connect.host = v;
    } else if (flag == "--port") {
      o.connect.port = static_cast<uint16_t>(std::atoi(v));
    } else if (flag == "--user") {
      o.connect.user = v;
    } else if (flag == "--password") {
      o.connect.password = v;
    } else if (flag == "--file") {
      o.start.file = v;
    } else if (flag == "--pos") {
      o.start.offset = std::strtoull(v, nullptr, 10);
    } else if (flag == "--stop-pos") {
      stop_pos = std::strtoull(v, nullptr, 10);
    } else if (flag == "--server-id") {
      o.server_id = static_cast<uint32_t>(std::strtoul(v, nullptr, 10));
    } else {
      return Usage("unknown flag");
    }
  }
  if (o.start.file.empty() || o.start.offset < 4) return Usage("--file and --pos are required");
  InitLogging({LogLevel::kWarn, false});

  const double cpu0 = CpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  Result<std::unique_ptr<ReplicationSource>> source = ReplicationSource::Open(o);
  if (!source.ok()) {
    std::fprintf(stderr, "binlog_decode_bench: %s\n", source.status().ToString().c_str());
    return 1;
  }
  EventStream stream(source->get());
  // As the replicator does: the first events of a dump arrive before FORMAT_DESCRIPTION.
  stream.mutable_decoder()->set_checksum((*source)->info().checksums ? ChecksumAlgorithm::kCrc32
                                                                     : ChecksumAlgorithm::kOff);
  CountingSink sink;
  AssemblerOptions ao;
  ao.binlog_file = o.start.file;
  TransactionAssembler assembler(&sink, ao);
  uint64_t events = 0;
  while (true) {
    Result<const Event*> next = stream.Next();
    if (!next.ok()) {
      std::fprintf(stderr, "binlog_decode_bench: %s\n", next.status().ToString().c_str());
      return 1;
    }
    if (*next == nullptr) break;
    ++events;
    Status s = assembler.Consume(**next);
    if (!s.ok()) {
      std::fprintf(stderr, "binlog_decode_bench: %s\n", s.ToString().c_str());
      return 1;
    }
    // A fixed end makes the range exactly the one the peers read, even if the binlog grew.
    if (stop_pos > 0 && !assembler.in_transaction() && assembler.binlog_file() == o.start.file &&
        (*next)->next_position >= stop_pos) {
      break;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = CpuSeconds() - cpu0;
  std::printf(
      "{\"rows\":%llu,\"inserts\":%llu,\"updates\":%llu,\"deletes\":%llu,\"values\":%llu,"
      "\"transactions\":%llu,\"events\":%llu,\"seconds\":%.3f,\"cpu_seconds\":%.3f,"
      "\"rows_per_s\":%.0f,\"peak_rss_kib\":%llu,\"end\":\"%s\"}\n",
      static_cast<unsigned long long>(sink.rows()), static_cast<unsigned long long>(sink.inserts),
      static_cast<unsigned long long>(sink.updates), static_cast<unsigned long long>(sink.deletes),
      static_cast<unsigned long long>(sink.values),
      static_cast<unsigned long long>(sink.transactions), static_cast<unsigned long long>(events),
      seconds, cpu, sink.rows() / seconds, static_cast<unsigned long long>(PeakRssKib()),
      assembler.resume_position().ToString().c_str());
  return 0;
}

}  // namespace
}  // namespace binlake

int main(int argc, char** argv) { return binlake::Run(argc, argv); }
