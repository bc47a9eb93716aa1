#!/usr/bin/env bash
# Full load: one table of ROWS rows (bench/lib.sh's 11-column table, filled server-side from
# MariaDB's sequence engine) copied out of a private rig MariaDB by
#   - mydumper: THREADS threads, --rows chunks of CHUNK_ROWS, uncompressed SQL files (its
#     default; MYDUMPER_COMPRESS=1 adds -c, gzip) into a local directory, and
#   - `binlake run --stop-at-end` with full_load (THREADS threads, chunk_rows CHUNK_ROWS) into a
#     file:// lake as Parquet with zstd (LOAD*.parquet under bench/t/).
# Both connect over loopback TCP without TLS and are timed as whole processes by /usr/bin/time
# (wall, user + system CPU, peak RSS) after one untimed scan of the table. MB/s is the table's
# information_schema DATA_LENGTH over wall seconds, the same numerator for both. Exactness:
# binlake's rows are counted by DuckDB over its LOAD files, mydumper's as the row lines of its
# dump; a count that differs from ROWS fails the run (exit 1). Not part of ctest.
#
# Usage: bench/full_load.sh [ROWS] [THREADS]   (defaults 3000000 and 4; BUILD_DIR=build,
#        CHUNK_ROWS=50000, MYDUMPER_COMPRESS=0, BENCH_KEEP=1 keeps the dump and the lake)
# Prints a table of the results, then one JSON object as the last line of stdout.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init full_load
ROWS="${1:-3000000}"
THREADS="${2:-4}"
CHUNK_ROWS="${CHUNK_ROWS:-50000}"
MYDUMPER_COMPRESS="${MYDUMPER_COMPRESS:-0}"

command -v mydumper >/dev/null ||
  bench_die "mydumper is not installed; run scripts/install-deps.sh (Debian package mydumper)"
bench_build binlake
bench_start_mariadb
bench_log "filling bench.t with $ROWS rows"
bench_fill_table "$ROWS"
DATA_BYTES="$(bench_table_data_bytes bench t)"
SEEN="$(bench_sql "SELECT COUNT(*) FROM bench.t")"
[ "$SEEN" = "$ROWS" ] || bench_die "bench.t holds $SEEN rows after the fill, expected $ROWS"
bench_log "bench.t: $ROWS rows, DATA_LENGTH $((DATA_BYTES / 1000000)) MB"
# Untimed: the first reader would otherwise pay for pages the second finds cached.
bench_sql "SELECT SUM(LENGTH(body)) + SUM(LENGTH(note)) FROM bench.t" >/dev/null

# --- mydumper ---
DUMP="$BENCH_TMP/dump"
mkdir -p "$DUMP"
compress_flag=()
[ "$MYDUMPER_COMPRESS" = 1 ] && compress_flag=(-c)
bench_log "mydumper: $THREADS threads, --rows $CHUNK_ROWS, compressed: $MYDUMPER_COMPRESS"
bench_timed "$BENCH_TMP/mydumper.time" mydumper -h 127.0.0.1 -P "$MARIADB_PORT" \
  -u "$MARIADB_ADMIN_USER" -p "$MARIADB_ADMIN_PASSWORD" -B bench -T t -t "$THREADS" \
  -r "$CHUNK_ROWS" "${compress_flag[@]}" -o "$DUMP" -v 1 >&2 ||
  bench_die "mydumper failed (exit $?); its output is above"
# Data files only (bench.t.NNNNN.sql[.gz]), not the schema files.
mapfile -t dump_files < <(find "$DUMP" -name 'bench.t.[0-9]*.sql*' | sort)
[ "${#dump_files[@]}" -gt 0 ] || bench_die "mydumper wrote no data file for bench.t into $DUMP"
MYDUMPER_BYTES="$(cat "${dump_files[@]}" | wc -c)"
# One row per line: every value of this workload is free of newlines.
MYDUMPER_ROWS="$(zcat -f "${dump_files[@]}" | grep -c '^(' || true)"
# Half a GB per 3M rows: gone before binlake runs unless kept.
[ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$DUMP"

# --- binlake ---
LAKE="$BENCH_TMP/lake"
mkdir -p "$LAKE" "$BENCH_TMP/spill"
{
  bench_source_yaml
  cat <<EOF
target:
  url: file://$LAKE
output:
  format: parquet
  compression: zstd
tables:
  include: ["bench.t"]
full_load:
  enabled: true
  threads: $THREADS
  chunk_rows: $CHUNK_ROWS
spill: { dir: $BENCH_TMP/spill }
log: { level: warn }
EOF
} >"$BENCH_TMP/binlake.yaml"
bench_log "binlake run: full load, $THREADS threads, chunk_rows $CHUNK_ROWS, parquet zstd"
bench_timed "$BENCH_TMP/binlake.time" "$BUILD/src/cli/binlake" run -c "$BENCH_TMP/binlake.yaml" \
  --stop-at-end >&2 || bench_die "binlake run failed (exit $?); its log is above"
mapfile -t load_files < <(find "$LAKE/bench/t" -name 'LOAD*.parquet' 2>/dev/null | sort)
[ "${#load_files[@]}" -gt 0 ] || bench_die "binlake wrote no LOAD*.parquet under $LAKE/bench/t"
BINLAKE_BYTES="$(cat "${load_files[@]}" | wc -c)"
bench_log "counting binlake's rows with DuckDB over ${#load_files[@]} LOAD files"
BINLAKE_ROWS="$(node --input-type=module -e "
  import { DuckDBInstance } from '@duckdb/node-api';
  const conn = await (await DuckDBInstance.create(':memory:')).connect();
  const reader = await conn.runAndReadAll(
    \"SELECT count(*) FROM read_parquet('$LAKE/bench/t/LOAD*.parquet')\");
  console.log(String(reader.getRows()[0][0]));")" ||
  bench_die "DuckDB could not read binlake's LOAD files under $LAKE/bench/t"

# --- report ---
node --input-type=module - "$BENCH_TMP" "$ROWS" "$THREADS" "$CHUNK_ROWS" "$DATA_BYTES" \
  "$MYDUMPER_COMPRESS" "$MYDUMPER_ROWS" "$MYDUMPER_BYTES" "$BINLAKE_ROWS" "$BINLAKE_BYTES" \
  "$MARIADB_VERSION" "$(mydumper --version 2>&1 | head -n 1)" <<'EOF'
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

const [dir, rowsArg, threads, chunkRows, dataBytes, compress, myRows, myBytes, blRows, blBytes,
  server, mydumperVersion] = process.argv.slice(2);
const rows = Number(rowsArg);
const errors = [];

// DIR/<name>.time: "wall_s user_s sys_s max_rss_kib" from /usr/bin/time.
function result(name, rowsSeen, bytes) {
  const line = readFileSync(`${dir}/${name}.time`, 'utf8').trim().split('\n').pop();
  const [seconds, user, sys, rssKib] = line.split(' ').map(Number);
  if (Number(rowsSeen) !== rows) errors.push(`${name} wrote ${rowsSeen} rows, the table has ${rows}`);
  const cpu = user + sys;
  return {
    seconds,
    rows_per_s: Math.round(rows / seconds),
    mb_per_s: +(Number(dataBytes) / seconds / 1e6).toFixed(1),
    cpu_s: +cpu.toFixed(2),
    rows_per_cpu_s: Math.round(rows / cpu),
    peak_rss_mb: +(rssKib / 1024).toFixed(1),
    bytes: Number(bytes),
    rows_seen: Number(rowsSeen),
  };
}
const binlake = { output: 'parquet zstd', ...result('binlake', blRows, blBytes) };
const mydumper = {
  output: compress === '1' ? 'sql gzip' : 'sql uncompressed',
  ...result('mydumper', myRows, myBytes),
};

const row = (cells) => cells.map((c, i) => String(c)[i ? 'padStart' : 'padEnd'](i ? 14 : 10)).join('');
console.log(`full load of ${rows} rows (${(dataBytes / 1e6).toFixed(0)} MB DATA_LENGTH), ` +
  `${threads} threads, ${chunkRows}-row chunks; ${server}, ${mydumperVersion}`);
console.log(row(['program', 'seconds', 'rows/s', 'MB/s', 'CPU s', 'rows/CPU s', 'peak RSS MB',
  'output MB']));
for (const [name, r] of [['binlake', binlake], ['mydumper', mydumper]]) {
  console.log(row([name, r.seconds, r.rows_per_s, r.mb_per_s, r.cpu_s, r.rows_per_cpu_s,
    r.peak_rss_mb, (r.bytes / 1e6).toFixed(1)]) + `  (${r.output})`);
}
for (const e of errors) console.log(`INVALID: ${e}`);

console.log(JSON.stringify({
  bench: 'full_load',
  rows,
  threads: Number(threads),
  chunk_rows: Number(chunkRows),
  source_data_bytes: Number(dataBytes),
  server,
  machine: { cores: cpus().length, load_avg_1m: +loadavg()[0].toFixed(1) },
  binlake,
  mydumper,
  // Above 1: binlake is faster (wall) or cheaper (client CPU; the server's CPU is nobody's).
  ratio_rows_per_s: +(binlake.rows_per_s / mydumper.rows_per_s).toFixed(2),
  ratio_rows_per_cpu_s: +(binlake.rows_per_cpu_s / mydumper.rows_per_cpu_s).toFixed(2),
  ...(errors.length ? { invalid: errors } : {}),
}));
process.exit(errors.length ? 1 : 0);
EOF
