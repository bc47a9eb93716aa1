// Summarises one benchmark run of bench/*.sh: for each program, DIR/<name>.time (written by
// /usr/bin/time -f '%e %U %S %M': wall s, user s, sys s, peak RSS KiB) and, when present,
// DIR/<name>.json (the program's own last-line JSON; its `rows` must equal ROWS, else the run
// is reported as invalid and the exit status is 1). The first program is binlake; ratios are
// binlake's rows/s over each peer's (above 1: binlake is faster).
// Usage: node bench/report.mjs BENCHMARK DIR ROWS BINLOG_BYTES NAME...
// Prints one JSON object.
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

const [benchmark, dir, rowsArg, bytesArg, ...names] = process.argv.slice(2);
const rows = Number(rowsArg);

// Goals per benchmark (docs/performance.md): minimum rows/s ratios against peers (wall
// clock) and binlake's peak RSS bound in MB (max_: at most, below_: strictly less).
const GOALS = {
  binlog_decode: { ratios: { mariadb_binlog: 1.5, zongji: 5 }, max_rss_mb: 64 },
  cdc_throughput: { ratios: { mariadb_binlog: 1 } },
  big_transaction: { below_rss_mb: 256 },
};

const lastLine = (file) => readFileSync(file, 'utf8').trim().split('\n').pop();
const errors = [];
const results = {};
for (const name of names) {
  const [seconds, user, sys, rssKib] = lastLine(`${dir}/${name}.time`).split(' ').map(Number);
  const own = existsSync(`${dir}/${name}.json`) ? JSON.parse(lastLine(`${dir}/${name}.json`)) : {};
  if (own.rows !== undefined && own.rows !== rows) {
    errors.push(`${name} saw ${own.rows} rows, the workload wrote ${rows}`);
  }
  const cpu = user + sys;
  results[name] = {
    seconds,
    cpu_seconds: +cpu.toFixed(2),
    rows_per_s: Math.round(rows / seconds),
    rows_per_cpu_s: Math.round(rows / cpu),
    peak_rss_mb: +(rssKib / 1024).toFixed(1),
    ...(own.rows !== undefined ? { rows_seen: own.rows } : {}),
  };
}

const ours = results[names[0]];
const ratios = {};
const cpuRatios = {};
for (const name of names.slice(1)) {
  ratios[`${names[0]}/${name}`] = +(results[name].seconds / ours.seconds).toFixed(2);
  cpuRatios[`${names[0]}/${name}`] = +(results[name].cpu_seconds / ours.cpu_seconds).toFixed(2);
}
const goal = GOALS[benchmark] ?? {};
const met = {};
for (const [peer, min] of Object.entries(goal.ratios ?? {})) {
  met[`${names[0]}/${peer} >= ${min}`] = ratios[`${names[0]}/${peer}`] >= min;
}
if (goal.max_rss_mb) met[`peak_rss_mb <= ${goal.max_rss_mb}`] = ours.peak_rss_mb <= goal.max_rss_mb;
if (goal.below_rss_mb) met[`peak_rss_mb < ${goal.below_rss_mb}`] = ours.peak_rss_mb < goal.below_rss_mb;

console.log(JSON.stringify({
  benchmark,
  rows,
  binlog_bytes: Number(bytesArg),
  machine: { cores: cpus().length, load_avg_1m: +loadavg()[0].toFixed(1) },
  ...results,
  // rows/s ratios on wall time, and on the client processes' CPU time (less sensitive to what
  // else the machine runs; the server's own CPU is not counted for anyone).
  ratio_rows_per_s: ratios,
  ratio_rows_per_cpu_s: cpuRatios,
  goals_met: met,
  ...(errors.length ? { invalid: errors } : {}),
}));
process.exit(errors.length ? 1 : 0);
