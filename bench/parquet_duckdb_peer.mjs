// DuckDB peer for bench/parquet_write_bench.sh: loads the rows binlake wrote (not timed),
// then times DuckDB's own COPY ... (FORMAT parquet) of the same rows with zstd and snappy.
// Usage: node bench/parquet_duckdb_peer.mjs BINLAKE_RESULT_JSON SOURCE.parquet OUT_DIR
// Prints one JSON object (binlake's numbers, DuckDB's, and the ratios) on its last line.
import { DuckDBInstance } from '@duckdb/node-api';
import { statSync } from 'node:fs';
import { cpuUsage } from 'node:process';

const [ours, source, outDir] = [JSON.parse(process.argv[2]), process.argv[3], process.argv[4]];
const threads = process.env.DUCKDB_THREADS ?? '1';
const inst = await DuckDBInstance.create(':memory:', { threads });
const conn = await inst.connect();
await conn.run("SET TimeZone = 'UTC'");
await conn.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${source}')`);

async function copy(codec) {
  const out = `${outDir}/duckdb_${codec}.parquet`;
  const cpu0 = cpuUsage();
  const t0 = process.hrtime.bigint();
  await conn.run(`COPY t TO '${out}' (FORMAT parquet, COMPRESSION ${codec})`);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    seconds: +seconds.toFixed(3),
    cpu_seconds: +cpuSeconds.toFixed(3),
    rows_per_s: Math.round(ours.rows / seconds),
    rows_per_cpu_s: Math.round(ours.rows / cpuSeconds),
    mb_per_s: +(ours.value_bytes / seconds / 1e6).toFixed(1),
    file_bytes: statSync(out).size,
  };
}

const duckdb = { threads: Number(threads), zstd: await copy('zstd'), snappy: await copy('snappy') };
const ratio = (codec, key) => +(duckdb[codec][key] / ours[codec][key]).toFixed(2);
console.log(JSON.stringify({
  benchmark: 'parquet_write',
  rows: ours.rows,
  columns: ours.columns,
  binlake: { zstd: ours.zstd, snappy: ours.snappy },
  duckdb,
  // binlake time / DuckDB time: below 1 means binlake is faster.
  time_ratio_zstd: +(ours.zstd.seconds / duckdb.zstd.seconds).toFixed(2),
  time_ratio_snappy: +(ours.snappy.seconds / duckdb.snappy.seconds).toFixed(2),
  cpu_ratio_zstd: +(ours.zstd.cpu_seconds / duckdb.zstd.cpu_seconds).toFixed(2),
  cpu_ratio_snappy: +(ours.snappy.cpu_seconds / duckdb.snappy.cpu_seconds).toFixed(2),
  // Goal: >= 1M rows/s with zstd and within 1.5x of DuckDB. Wall-clock numbers depend on
  // what else the machine runs; per-CPU-second numbers do much less.
  goal_rows_per_s_zstd: 1000000,
  goal_met_wall: ours.zstd.rows_per_s >= 1000000 && ours.zstd.seconds <= 1.5 * duckdb.zstd.seconds,
  goal_met_cpu: ours.zstd.rows_per_cpu_s >= 1000000 && ours.zstd.cpu_seconds <= 1.5 * duckdb.zstd.cpu_seconds,
  duckdb_rows_ratio_zstd: ratio('zstd', 'rows_per_s'),
}));
