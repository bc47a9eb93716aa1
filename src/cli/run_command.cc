// binlake run -c CONFIG [--stop-at-end]: full load, then CDC into the change log until
// SIGTERM/SIGINT.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

#include "checkpoint/writer_lease.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/restart_budget.h"
#include "cli/target.h"
#include "common/logging.h"
#include "config/config.h"
#include "ops/metrics_server.h"
#include "pipeline/replicator.h"
#include "storage/open_object_store.h"

namespace binlake::cli {
namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

void LogRunStats(const Replicator& replicator) {
  for (const FullLoadStats& l : replicator.load_stats()) {
    LOG_INFO("{}: full load {}, {} rows in {} LOAD files{}", l.table, l.state, l.rows, l.files,
             l.finished_ms > l.started_ms && l.state == "done"
                 ? fmt::format(" ({:.1f} s)", (l.finished_ms - l.started_ms) / 1000.0)
                 : "");
  }
  for (const auto& [table, st] : replicator.sink().stats()) {
    LOG_INFO("{}: {} inserts, {} updates, {} deletes", table, st.inserts, st.updates, st.deletes);
  }
}

}  // namespace

int RunCommand(const std::vector<std::string>& argv) {
  Args::Spec spec{{{"-c", "config"}, {"--config", "config"}}, {"--stop-at-end"}};
  Result<Args> args = Args::Parse(argv, spec);
  if (!args.ok()) return Fail(args.status());
  std::optional<std::string> path = args->Get("config");
  if (!path) return Fail(InvalidArgumentError("binlake run needs -c CONFIG (a YAML file)"));
  Result<Config> config = LoadConfigFile(*path);
  if (!config.ok()) return Fail(config.status());
  Result<LogLevel> level = ParseLogLevel(config->log.level);
  InitLogging({level.ok() ? *level : LogLevel::kInfo, config->log.json});
  // One line for every DMS setting that has no effect here, or not DMS's (dms: section).
  if (!config->notes.empty()) {
    std::string list;
    for (const std::string& n : config->notes) list += (list.empty() ? "" : "; ") + n;
    LOG_INFO("DMS settings not carried out as written: {}", list);
  }

  std::string url = ResolveTargetUrl(config->target.url);
  Result<std::unique_ptr<ObjectStore>> store =
      OpenObjectStore(url, ToS3Options(config->target.s3), Clock::System());
  if (!store.ok()) return Fail(store.status().Context("opening target " + url));
  // One writer per lake, taken before anything is read or written (and before the source sees
  // a replica that would displace the holder's).
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  WriterLease::Options lease_options;
  lease_options.ttl_ms = config->lease_ttl_ms;
  lease_options.owner = fmt::format("binlake on {} (pid {})", host, getpid());
  lease_options.host = host;
  lease_options.pid = getpid();
  Result<std::unique_ptr<WriterLease>> lease =
      WriterLease::Acquire(store->get(), Clock::System(), lease_options);
  if (!lease.ok()) return Fail(lease.status());
  (*lease)->OnLost([] { g_stop.store(true); });
  // /metrics and /healthz, when asked for (docs/metrics.md).
  Metrics metrics;
  metrics.Describe("binlake_run_restarts_total", "counter",
                   "Restarts from the lake's checkpoint after an error worth retrying "
                   "(config recovery).");
  metrics.Add("binlake_run_restarts_total", {}, 0);
  std::unique_ptr<MetricsServer> metrics_server;
  if (!config->metrics_listen.empty()) {
    Clock* clock = Clock::System();
    Result<std::unique_ptr<MetricsServer>> server = MetricsServer::Start(
        config->metrics_listen, &metrics, [clock] { return clock->MonotonicMicros(); });
    if (!server.ok()) return Fail(server.status());
    metrics_server = std::move(server).value();
  }

  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  RunOptions run;
  run.stop_at_end = args->Has("--stop-at-end");
  run.stop_requested = &g_stop;
  run.progress_bars = isatty(STDERR_FILENO) && !config->log.json;
  // A run stopped by an error worth retrying starts again from the lake's checkpoint
  // (config `recovery`); errors at the first start are reported at once.
  const Config::Recovery& recovery = config->recovery;
  RestartBudget budget(recovery.attempts, recovery.interval_ms, recovery.max_interval_ms);
  std::unique_ptr<Replicator> replicator;
  Status s;
  for (bool first = true;; first = false) {
    replicator.reset();  // the previous run's connections, files and state go first
    Result<std::unique_ptr<Replicator>> created =
        Replicator::Create(*config, store->get(), Clock::System());
    if (!created.ok() && first) return Fail(created.status());
    // Run reads the checkpoint, so an empty position is a run that failed before it knew one.
    BinlogPosition at;
    if (created.ok()) {
      replicator = std::move(created).value();
      if (metrics_server) replicator->SetMetrics(&metrics);
      s = replicator->Run(run);
      LogRunStats(*replicator);
      at = replicator->sink().checkpoint().position;
    } else {
      s = created.status();
    }
    if (g_stop.load() || (*lease)->lost()) break;
    std::optional<int64_t> wait_ms = budget.After(s, at);
    if (!wait_ms) break;
    metrics.Add("binlake_run_restarts_total", {}, 1);
    LOG_WARN(
        "the run stopped on an error worth retrying: {}. Starting again from the lake's "
        "checkpoint in {:.1f} s (restart {} of {}, config recovery.attempts)",
        s.ToString(), *wait_ms / 1000.0, budget.failures(),
        recovery.attempts < 0 ? std::string("unlimited") : std::to_string(recovery.attempts));
    for (int64_t waited = 0; waited < *wait_ms && !g_stop.load(); waited += 50) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (g_stop.load()) break;
  }
  if ((*lease)->lost()) return Fail(FailedPreconditionError("{}", (*lease)->reason()));
  if (!s.ok() && s.IsRetryable()) {
    // The store or the source stayed unreachable, or the disk full, past every retry budget.
    s = Status(s.code(),
               s.message() +
                   ". Nothing is lost: the lake is at its last checkpoint and the next run "
                   "resumes there once the cause is gone (retry budgets: target.s3.max_attempts, "
                   "source.reconnect_attempts, recovery.attempts)");
  }
  if (!s.ok()) {
    // The error is the last line an operator sees: the lease's release may log before it.
    replicator.reset();
    lease->reset();
    return Fail(s);
  }
  LOG_INFO("stopped at {}", replicator->sink().checkpoint().position.ToString());
  return 0;
}

}  // namespace binlake::cli
