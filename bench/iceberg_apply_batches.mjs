// The per-batch phase of bench/iceberg_apply.sh: with `binlake run` following the source
// (commit_interval 1 s), BATCHES batches of BATCH_CHANGES changes run on the source one after
// another. After each batch, once binlake's Iceberg table and change log have both reached
// the binlog's end, it takes:
//   binlake   the CPU seconds the binlake process spent on the batch (decoding, the change
//             log and the Iceberg commits: everything), and the wall time of its Iceberg
//             commits (from its debug log);
//   duckdb    the merge users run today on the same change log: DuckDB recomputing the latest
//             state from every LOAD and CDC Parquet file so far with the QUALIFY recipe, wall
//             and CPU seconds;
// and checks both latest states hold as many rows as the source. Prints one JSON object.
//
// Usage: node iceberg_apply_batches.mjs DIR BINLAKE_PID BINLAKE_LOG ROWS NEXT_KEY BATCHES
//          BATCH_CHANGES  (env: MARIADB_PORT, MARIADB_ADMIN_USER, MARIADB_ADMIN_PASSWORD)
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import { DuckDBInstance } from '@duckdb/node-api';
import mysql from 'mysql2/promise';

import {
  changeTransactions, currentSnapshot, keyGenerator, recomputeLatestState, snapshotCensus,
} from './iceberg_bench_lib.mjs';

const [dir, pidArg, logFile, rowsArg, nextArg, batchesArg, batchArg] = process.argv.slice(2);
const [pid, rows, batches, batchChanges] = [pidArg, rowsArg, batchesArg, batchArg].map(Number);
const lake = `${dir}/ice_lake`;
const table = `${lake}/iceberg/bench/t`;

const ticksPerSecond = 100;  // USER_HZ on Linux
/** User + system CPU seconds of the binlake process so far. */
function binlakeCpu() {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;  // utime, stime
}

/** "file:offset" → [file, offset], comparable. */
const parsePos = (s) => { const i = s.lastIndexOf(':'); return [s.slice(0, i), Number(s.slice(i + 1))]; };
const atOrPast = ([f, o], [ef, eo]) => f > ef || (f === ef && o >= eo);

/** The change log's newest checkpoint position ([file, offset]), or null. */
function changeLogPosition() {
  const cpDir = `${lake}/_binlake/checkpoints`;
  const names = readdirSync(cpDir).filter((n) => n.endsWith('.json')).sort();
  if (names.length === 0) return null;
  const cp = JSON.parse(readFileSync(`${cpDir}/${names[names.length - 1]}`, 'utf8'));
  return [cp.position.file, cp.position.offset];
}

/** Sum of the Iceberg commit times binlake logged after byte `from` of its log. */
function commitMillis(from) {
  const text = readFileSync(logFile, 'utf8');
  let ms = 0, commits = 0;
  for (const m of text.slice(from).matchAll(/committed \d+ keys .* in ([\d.]+) ms/g)) {
    ms += Number(m[1]);
    ++commits;
  }
  return { ms, commits, end: text.length };
}

const db = await mysql.createConnection({
  host: '127.0.0.1', port: Number(process.env.MARIADB_PORT), user: process.env.MARIADB_ADMIN_USER,
  password: process.env.MARIADB_ADMIN_PASSWORD, database: 'bench', multipleStatements: true,
});
const con = await (await DuckDBInstance.create(':memory:')).connect();
const rand = keyGenerator(4242);
const state = { next: Number(nextArg) };
let logAt = commitMillis(0).end;
const results = [];
let valid = true;
for (let b = 1; b <= batches; ++b) {
  const cpu0 = binlakeCpu();
  await db.query(changeTransactions(rows, batchChanges, rand, state));
  const [[status]] = await db.query('SHOW MASTER STATUS');
  const end = [status.File, Number(status.Position)];
  const deadline = Date.now() + 300_000;
  let snap;
  for (;;) {
    snap = currentSnapshot(table);
    const ice = snap && snap.summary['binlake.position'] && parsePos(snap.summary['binlake.position']);
    const log = changeLogPosition();
    if (ice && log && atOrPast(ice, end) && atOrPast(log, end)) break;
    if (Date.now() > deadline) throw new Error(`batch ${b}: binlake did not reach ${end} in 300 s`);
    await sleep(20);
  }
  const binlakeSeconds = binlakeCpu() - cpu0;
  const commits = commitMillis(logAt);
  logAt = commits.end;

  const [[{ n: sourceRows }]] = await db.query('SELECT COUNT(*) AS n FROM bench.t');
  const duck = await recomputeLatestState(con, lake, `${dir}/merged.parquet`);
  const [duckWall, duckCpu, merged] = [duck.wallSeconds, duck.cpuSeconds, duck.rows];
  const ice = await snapshotCensus(snap);
  const ok = merged === Number(sourceRows) && ice.live === Number(sourceRows);
  valid &&= ok;
  const r = {
    batch: b,
    source_rows: Number(sourceRows),
    binlake_cpu_s: +binlakeSeconds.toFixed(2),
    iceberg_commits: commits.commits,
    iceberg_commit_s: +(commits.ms / 1000).toFixed(3),
    duckdb_wall_s: +duckWall.toFixed(3),
    duckdb_cpu_s: +duckCpu.toFixed(2),
    cpu_ratio: +(duckCpu / Math.max(binlakeSeconds, 0.01)).toFixed(1),
    // null when the batch's commits were logged after it was measured (they count in the next)
    wall_ratio: commits.commits ? +(duckWall / (commits.ms / 1000)).toFixed(1) : null,
    data_files: ice.dataFiles,
    delete_files: ice.deleteFiles,
    valid: ok,
  };
  results.push(r);
  console.error(`batch ${b}: binlake ${r.binlake_cpu_s} s CPU (Iceberg commits ${r.iceberg_commit_s} s ` +
    `wall in ${r.iceberg_commits}); DuckDB recompute ${r.duckdb_wall_s} s wall, ${r.duckdb_cpu_s} s CPU; ` +
    `CPU ratio ${r.cpu_ratio}, wall ratio ${r.wall_ratio}; ${ice.dataFiles} data + ` +
    `${ice.deleteFiles} delete files; rows ${ice.live}/${merged}/${sourceRows}`);
}
await db.end();
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const sum = (key) => results.reduce((acc, r) => acc + (r[key] ?? 0), 0);
console.log(JSON.stringify({
  batches: results,
  median_cpu_ratio: median(results.map((r) => r.cpu_ratio)),
  // Over all batches: compactions and the odd slow batch count where they fall.
  total_binlake_cpu_s: +sum('binlake_cpu_s').toFixed(2),
  total_duckdb_cpu_s: +sum('duckdb_cpu_s').toFixed(2),
  total_iceberg_commit_s: +sum('iceberg_commit_s').toFixed(3),
  total_duckdb_wall_s: +sum('duckdb_wall_s').toFixed(3),
  cpu_ratio: +(sum('duckdb_cpu_s') / sum('binlake_cpu_s')).toFixed(1),
  wall_ratio: +(sum('duckdb_wall_s') / sum('iceberg_commit_s')).toFixed(1),
  valid,
}));
process.exit(valid ? 0 : 1);
