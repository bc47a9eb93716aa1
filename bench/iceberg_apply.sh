#!/usr/bin/env bash
# Iceberg apply cost, beside the change log and beside the merge users run today.
#
# A table of ROWS rows (bench.t, default 1M, filled without binlogging) is loaded by binlake
# into a lake with Iceberg tables (the change log's LOAD files and the Iceberg table, with a
# sequence column). The update stream is transactions of 1000 changes: 70% updates of random
# existing keys, 20% inserts of new keys, 10% deletes (bench/iceberg_bench_lib.mjs).
#
# Catch-up: CHANGES changes (default 300k) run on the source, then three things are timed:
#   iceberg    `binlake run --stop-at-end` on that lake: the change log plus the Iceberg
#              commits of the changes (commit_interval 1h: commits come when the changes
#              waiting pass spill.transaction_memory_limit), process start and key-index
#              rebuild included;
#   changelog  the same run into a fresh lake without Iceberg, from the same position: the
#              raw change-log rate;
#   duckdb     the merge users run on a change log today: DuckDB recomputing the latest state
#              from the LOAD and CDC Parquet files with
#              QUALIFY ROW_NUMBER() OVER (PARTITION BY id ORDER BY seq DESC) = 1, dropping
#              rows whose last Op is D, into a Parquet file.
# Batches: then `binlake run` follows the source (commit_interval 1s) while BATCHES batches
# of BATCH_CHANGES changes (default 10 x 20k) run one after another; after each, binlake's CPU
# for the batch is set beside DuckDB's recompute of the latest state from the whole change
# log so far, the ratio the goal is stated in (bench/iceberg_apply_batches.mjs).
# Every latest state is checked against SELECT COUNT(*) on the source (exit 1 on a mismatch).
# Prints one JSON object on its last line: the catch-up rates, the per-batch costs and ratios
# (goal: binlake's incremental commit at least 10x cheaper than the recompute), the Iceberg
# table's files and binlake's peak RSS.
#
# Usage: bench/iceberg_apply.sh [ROWS] [CHANGES] [BATCHES] [BATCH_CHANGES]
#        (BUILD_DIR=build, BENCH_KEEP=1)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init iceberg_apply
ROWS="${1:-1000000}"
CHANGES="${2:-300000}"
BATCHES="${3:-10}"
BATCH_CHANGES="${4:-20000}"

bench_build binlake
bench_start_mariadb
bench_log "filling bench.t with $ROWS rows"
bench_fill_table "$ROWS"

# config LAKE ICEBERG FULL_LOAD INTERVAL [START]: writes LAKE.yaml (change-log batches and
# Iceberg commits every INTERVAL).
config() {
  {
    bench_source_yaml
    cat <<EOF
target:
  url: file://$BENCH_TMP/$1
output:
  format: parquet
  include_op_for_full_load: true
  sequence_column_name: seq
  cdc_max_batch_interval: $4
  cdc_min_file_size: 1GB
tables: { include: ["bench.t"] }
full_load: $3
iceberg: { enabled: $2, commit_interval: $4 }
spill: { dir: $BENCH_TMP/spill }
log: { level: ${LOG_LEVEL:-warn} }
EOF
    [ -z "${5:-}" ] || echo "start: $5"
  } >"$BENCH_TMP/$1.yaml"
}

mkdir -p "$BENCH_TMP/spill"
config ice_lake true true 1h
bench_log "full load into the lake with Iceberg tables"
bench_timed "$BENCH_TMP/load.time" "$BUILD/src/cli/binlake" run -c "$BENCH_TMP/ice_lake.yaml" \
  --stop-at-end
read -r START_FILE START_POS < <(bench_binlog_end)

bench_log "running $CHANGES changes on the source"
node --input-type=module - "$ROWS" "$CHANGES" "$(pwd)" >"$BENCH_TMP/changes.sql" <<'JS'
const [rows, changes, root] = process.argv.slice(2);
const { changeTransactions, keyGenerator } = await import(`${root}/bench/iceberg_bench_lib.mjs`);
console.log(changeTransactions(Number(rows), Number(changes), keyGenerator(42), { next: Number(rows) }));
JS
GEN_FILE="$START_FILE"
bench_run_workload <"$BENCH_TMP/changes.sql"
SOURCE_ROWS="$(bench_sql "SELECT COUNT(*) FROM bench.t")"

bench_log "binlake: change log + Iceberg commit"
bench_timed "$BENCH_TMP/iceberg.time" "$BUILD/src/cli/binlake" run -c "$BENCH_TMP/ice_lake.yaml" \
  --stop-at-end
config log_lake false false 1h "{ file: $START_FILE, pos: $START_POS }"
bench_log "binlake: change log only"
bench_timed "$BENCH_TMP/changelog.time" "$BUILD/src/cli/binlake" run -c "$BENCH_TMP/log_lake.yaml" \
  --stop-at-end

bench_log "DuckDB: the latest state recomputed from the change log (QUALIFY)"
node --input-type=module - "$BENCH_TMP" "$SOURCE_ROWS" "$ROWS" "$CHANGES" "$(pwd)" \
  >"$BENCH_TMP/catch_up.json" <<'JS'
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [dir, sourceRows, rows, changes, root] = process.argv.slice(2);
const { currentSnapshot, recomputeLatestState, snapshotCensus } =
  await import(`${root}/bench/iceberg_bench_lib.mjs`);
const time = (name) => readFileSync(`${dir}/${name}.time`, 'utf8').trim().split(' ').map(Number);
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
// The change rows binlake wrote (one per binlog row change), for the rates.
const cdc = await con.runAndReadAll(
  `SELECT COUNT(*) FROM read_parquet('${dir}/log_lake/bench/t/*.parquet')`);
const changeRows = Number(cdc.getRowsJson()[0][0]);
const duck = await recomputeLatestState(con, `${dir}/ice_lake`, `${dir}/merged.parquet`);
const [duckSeconds, merged] = [duck.wallSeconds, duck.rows];
// The Iceberg table's current snapshot: live rows (records minus position deletes) and files.
const snap = currentSnapshot(`${dir}/ice_lake/iceberg/bench/t`);
const { live, dataFiles, deleteFiles } = await snapshotCensus(snap);
const [iceSeconds, iceUser, iceSys, iceRss] = time('iceberg');
const [logSeconds, logUser, logSys, logRss] = time('changelog');
const [loadSeconds, , , loadRss] = time('load');
const ok = live === Number(sourceRows) && merged === Number(sourceRows);
const result = {
  benchmark: 'iceberg_apply',
  rows: Number(rows),
  changes_requested: Number(changes),
  change_rows: changeRows,
  source_rows: Number(sourceRows),
  iceberg_live_rows: live,
  duckdb_merged_rows: merged,
  valid: ok,
  load_seconds: loadSeconds,
  load_peak_rss_mb: +(loadRss / 1024).toFixed(1),
  iceberg: { seconds: iceSeconds, cpu_seconds: +(iceUser + iceSys).toFixed(2),
    changes_per_s: Math.round(changeRows / iceSeconds), peak_rss_mb: +(iceRss / 1024).toFixed(1) },
  changelog: { seconds: logSeconds, cpu_seconds: +(logUser + logSys).toFixed(2),
    changes_per_s: Math.round(changeRows / logSeconds), peak_rss_mb: +(logRss / 1024).toFixed(1) },
  duckdb_qualify: { seconds: +duckSeconds.toFixed(2) },
  duckdb_over_iceberg_apply: +(duckSeconds / iceSeconds).toFixed(2),
  iceberg_data_files: dataFiles,
  iceberg_delete_files: deleteFiles,
  iceberg_snapshot_summary: snap.summary,
};
console.error(`binlake with Iceberg: ${result.iceberg.changes_per_s} changes/s; change log only: ` +
  `${result.changelog.changes_per_s}; DuckDB QUALIFY recompute ${duckSeconds.toFixed(2)} s vs ` +
  `binlake ${iceSeconds} s (catch-up ratio ${result.duckdb_over_iceberg_apply}); ` +
  `${dataFiles} data + ${deleteFiles} delete files; rows ${live}/${merged}/${sourceRows}`);
console.log(JSON.stringify(result));
process.exit(ok ? 0 : 1);
JS

bench_log "batches: binlake following the source, DuckDB recomputing after each batch"
LOG_LEVEL=debug config ice_lake true true 1s
"$BUILD/src/cli/binlake" run -c "$BENCH_TMP/ice_lake.yaml" 2>"$BENCH_TMP/follow.log" &
FOLLOW_PID=$!
bench_track "$FOLLOW_PID"
# The keys the catch-up inserted end at ROWS + 200 per 1000 changes.
node bench/iceberg_apply_batches.mjs "$BENCH_TMP" "$FOLLOW_PID" "$BENCH_TMP/follow.log" "$ROWS" \
  $((ROWS + (CHANGES + 999) / 1000 * 200)) "$BATCHES" "$BATCH_CHANGES" >"$BENCH_TMP/batches.json" ||
  bench_die "the batch phase failed; binlake's log: $(tail -n 5 "$BENCH_TMP/follow.log")"
kill -TERM "$FOLLOW_PID"
wait "$FOLLOW_PID" || bench_die "binlake run failed: $(tail -n 5 "$BENCH_TMP/follow.log")"

node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const b = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
  r.batch_changes = Number(process.argv[3]);
  r.batches = b.batches;
  for (const k of ["median_cpu_ratio", "total_binlake_cpu_s", "total_duckdb_cpu_s",
                   "total_iceberg_commit_s", "total_duckdb_wall_s", "cpu_ratio", "wall_ratio"]) {
    r[k] = b[k];
  }
  // The goal, on cost: the CPU of the DuckDB recompute over all the CPU of binlake (decoding,
  // change log, Iceberg commits and background compaction), summed over the batches.
  r.goal_10x_met = b.cpu_ratio >= 10;
  r.valid = r.valid && b.valid;
  r.machine = { cores: require("os").cpus().length, load_avg_1m: +require("os").loadavg()[0].toFixed(1) };
  console.error(`batches of ${r.batch_changes} changes: DuckDB recompute / binlake, CPU ` +
    `${r.cpu_ratio} over all batches (median batch ${r.median_cpu_ratio}); DuckDB recompute ` +
    `wall / binlake commit wall ${r.wall_ratio}`);
  console.log(JSON.stringify(r));
  process.exit(r.valid ? 0 : 1);' "$BENCH_TMP/catch_up.json" "$BENCH_TMP/batches.json" "$BATCH_CHANGES"
