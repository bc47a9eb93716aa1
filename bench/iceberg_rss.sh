#!/usr/bin/env bash
# Peak memory of binlake keeping a large Iceberg table, and whether compaction keeps the
# table's file count bounded under a steady change stream.
#
# bench.t (11 columns, BIGINT key; lib.sh bench_fill_table, not binlogged) is filled with
# BENCH_ROWS rows and loaded by `binlake run --stop-at-end` with full_load and Iceberg on into a
# local lake (phase "load"). Then, BENCH_ROUNDS times, BENCH_CHANGES changes are generated on
# the source, server-side from seq_1_to_N tables, in transactions of BENCH_TXN_CHANGES changes:
# 70% updates and 10% deletes of pseudo-random existing keys (distinct within a round: key =
# i * P mod ROWS + 1 for a prime P), 20% inserts of new keys; each round is applied by another
# `binlake run --stop-at-end` on the same lake (which adopts the key index kept in the spill
# directory when it describes the table's current snapshot). For every run: wall and CPU
# seconds, peak RSS (/usr/bin/time), the largest sampled RssAnon and RssFile
# (/proc/PID/status every 0.2 s: the key index is an LMDB file mapped with MDB_WRITEMAP,
# whose pages count as RssFile) and the spill directory's peak disk use (where
# the key index lives). After every run: the Iceberg table's live data and delete files
# (count, bytes, from the current snapshot's manifests), the files on disk under the table,
# and the table's live rows checked against the source (COUNT(*), SUM(id), SUM(qty),
# SUM(CHAR_LENGTH(note)), read with DuckDB: data files anti-joined with the position deletes).
# A mismatch marks the result invalid and exits 1. Not part of ctest; never asserts times.
#
# Usage: bench/iceberg_rss.sh
#   BENCH_ROWS (default 10000000), BENCH_CHANGES (per round, default 1000000), BENCH_ROUNDS
#   (default 5), BENCH_TXN_CHANGES (changes per transaction, default 1000),
#   BENCH_COMMIT_INTERVAL (iceberg.commit_interval, default 5s), BUILD_DIR, BENCH_KEEP=1.
# Prints one JSON object on its last line.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init iceberg_rss
ROWS="${BENCH_ROWS:-10000000}"
CHANGES="${BENCH_CHANGES:-1000000}"
ROUNDS="${BENCH_ROUNDS:-5}"
TXN="${BENCH_TXN_CHANGES:-1000}"
COMMIT_INTERVAL="${BENCH_COMMIT_INTERVAL:-5s}"
[ "$TXN" -ge 10 ] || bench_die "BENCH_TXN_CHANGES must be at least 10"
# Primes above any ROWS used here, so i * P mod ROWS is a permutation of 0..ROWS-1.
readonly P_UPDATE=2654435761 P_DELETE=2246822519
[ "$ROWS" -lt "$P_DELETE" ] || bench_die "BENCH_ROWS too large"

bench_build binlake
bench_start_mariadb
bench_log "filling bench.t with $ROWS rows"
bench_fill_table "$ROWS"
TABLE_DIR="$BENCH_TMP/lake/iceberg/bench/t"

mkdir -p "$BENCH_TMP/spill"
{
  bench_source_yaml
  cat <<EOF
target:
  url: file://$BENCH_TMP/lake
output:
  format: parquet
tables: { include: ["bench.t"] }
full_load: true
iceberg: { enabled: true, commit_interval: $COMMIT_INTERVAL }
spill: { dir: $BENCH_TMP/spill }
log: { level: warn }
EOF
} >"$BENCH_TMP/binlake.yaml"

# run_binlake NAME: `binlake run --stop-at-end` on the lake under /usr/bin/time (NAME.time:
# "seconds user sys max_rss_kib"), sampling the process every 0.2 s into NAME.samples
# ("vmrss rssanon rssfile rssshmem [spill_kib]", KiB; the spill directory every 2 s).
run_binlake() {
  local name="$1" tpid pid="" n=0
  /usr/bin/time -f '%e %U %S %M' -o "$BENCH_TMP/$name.time" "$BUILD/src/cli/binlake" run \
    -c "$BENCH_TMP/binlake.yaml" --stop-at-end 2>"$BENCH_TMP/$name.log" &
  tpid=$!
  while [ -z "$pid" ] && kill -0 "$tpid" 2>/dev/null; do
    pid="$(pgrep -P "$tpid" || true)"
    [ -n "$pid" ] || sleep 0.02
  done
  : >"$BENCH_TMP/$name.samples"
  if [ -n "$pid" ]; then
    bench_track "$pid"
    while [ -r "/proc/$pid/status" ]; do
      {
        awk '/^(VmRSS|RssAnon|RssFile|RssShmem):/ { v[$1] = $2 }
          END { printf "%d %d %d %d", v["VmRSS:"], v["RssAnon:"], v["RssFile:"], v["RssShmem:"] }' \
          "/proc/$pid/status"
        if ((n % 10 == 0)); then printf ' %s' "$(du -sk "$BENCH_TMP/spill" | cut -f1)"; fi
        echo
      } >>"$BENCH_TMP/$name.samples" 2>/dev/null || true
      n=$((n + 1))
      sleep 0.2
    done
  fi
  wait "$tpid" || bench_die "binlake run ($name) failed: $(tail -n 5 "$BENCH_TMP/$name.log")"
  if [ -s "$BENCH_TMP/$name.log" ]; then
    bench_log "binlake ($name) logged: $(tail -n 3 "$BENCH_TMP/$name.log")"
  fi
}

# measure NAME: after a run, NAME.json: the run's figures, the Iceberg table's files and its
# contents checked against the source.
measure() {
  local name="$1" source_sums
  source_sums="$(bench_sql "SELECT COUNT(*), SUM(id), SUM(qty),
    SUM(CHAR_LENGTH(IFNULL(note, ''))) FROM bench.t")"
  node --input-type=module - "$BENCH_ROOT" "$BENCH_TMP" "$name" "$TABLE_DIR" "$source_sums" \
    >"$BENCH_TMP/$name.json" <<'JS'
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [root, dir, name, table, sourceSums] = process.argv.slice(2);
const { currentMetadata, readAvro } = await import(`${root}/tests/integration/iceberg_support.mjs`);
const [seconds, user, sys, rssKib] = readFileSync(`${dir}/${name}.time`, 'utf8').trim().split(' ')
  .map(Number);
const mb = (kib) => +(kib / 1024).toFixed(1);
const samples = readFileSync(`${dir}/${name}.samples`, 'utf8').trim().split('\n').filter(Boolean)
  .map((l) => l.split(' ').map(Number));
const maxOf = (i) => samples.reduce((m, s) => (s[i] > m ? s[i] : m), 0);

// The current snapshot's live files, from its manifests.
const { version, metadata } = currentMetadata(table);
const snap = metadata.snapshots.find((s) => s['snapshot-id'] === metadata['current-snapshot-id']);
const path = (uri) => uri.slice('file://'.length);
const data = [], deletes = [];
let records = 0, deletedPositions = 0;
for (const m of (await readAvro(path(snap['manifest-list']))).records) {
  for (const e of (await readAvro(path(m.manifest_path))).records) {
    if (Number(e.status) === 2) continue;
    const f = { path: path(e.data_file.file_path), bytes: Number(e.data_file.file_size_in_bytes),
      records: Number(e.data_file.record_count) };
    if (Number(e.data_file.content) === 0) { data.push(f); records += f.records; }
    else { deletes.push(f); deletedPositions += f.records; }
  }
}
const sum = (fs) => fs.reduce((s, f) => s + f.bytes, 0);
const sizes = data.map((f) => f.bytes).sort((a, b) => a - b);
// Everything under the table folder on disk (live, expired-but-retained and orphan files).
const onDisk = (sub) => {
  let files = 0, bytes = 0;
  for (const f of readdirSync(join(table, sub))) {
    ++files;
    bytes += statSync(join(table, sub, f)).size;
  }
  return { files, bytes };
};

// The table's contents: data files minus their position deletes, against the source.
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const list = (fs) => `[${fs.map((f) => `'${f.path}'`).join(',')}]`;
const live = deletes.length === 0 ?
  `SELECT * FROM read_parquet(${list(data)})` :
  `SELECT d.* FROM read_parquet(${list(data)}, filename = true, file_row_number = true) d
     ANTI JOIN (SELECT file_path, pos FROM read_parquet(${list(deletes)})) x
       ON x.file_path = 'file://' || d.filename AND x.pos = d.file_row_number`;
const got = data.length === 0 ? ['0', null, null, null] :
  (await con.runAndReadAll(`SELECT COUNT(*), SUM(id), SUM(qty),
     SUM(length(coalesce(note, ''))) FROM (${live})`)).getRowsJson()[0]
    .map((v) => (v === null ? null : String(v)));
const want = sourceSums.trim().split('\t').map((v) => (v === 'NULL' ? null : v));
const valid = got.every((v, i) => v === want[i]);

console.log(JSON.stringify({
  phase: name,
  seconds,
  cpu_seconds: +(user + sys).toFixed(2),
  peak_rss_mb: mb(rssKib),
  sampled_peak_rss_anon_mb: mb(maxOf(1)),
  sampled_peak_rss_file_mb: mb(maxOf(2)),
  sampled_peak_rss_shmem_mb: mb(maxOf(3)),
  spill_peak_disk_mb: mb(samples.reduce((m, s) => (s.length > 4 && s[4] > m ? s[4] : m), 0)),
  table: {
    metadata_version: version,
    snapshots_retained: metadata.snapshots.length,
    operation: snap.summary.operation,
    position: snap.summary['binlake.position'],
    data_files: data.length,
    data_bytes: sum(data),
    data_file_mb: sizes.length ? { min: +(sizes[0] / 2 ** 20).toFixed(2),
      median: +(sizes[sizes.length >> 1] / 2 ** 20).toFixed(2),
      max: +(sizes[sizes.length - 1] / 2 ** 20).toFixed(2) } : null,
    delete_files: deletes.length,
    delete_bytes: sum(deletes),
    records,
    deleted_positions: deletedPositions,
    on_disk: { data: onDisk('data'), metadata: onDisk('metadata') },
  },
  // COUNT(*), SUM(id), SUM(qty), SUM(CHAR_LENGTH(note)) of the live rows and of the source.
  check: { iceberg: got, source: want },
  valid,
}));
JS
  # shellcheck disable=SC2016  # JavaScript, not shell
  node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const t = r.table;
    console.error(`${r.phase}: ${r.seconds} s, peak RSS ${r.peak_rss_mb} MB (anon ${r.sampled_peak_rss_anon_mb}, ` +
      `file ${r.sampled_peak_rss_file_mb}), ${t.data_files} data files ${(t.data_bytes / 2 ** 20).toFixed(1)} MB, ` +
      `${t.delete_files} delete files, v${t.metadata_version}, ${r.valid ? "rows match the source" : "MISMATCH " + JSON.stringify(r.check)}`)' \
    "$BENCH_TMP/$name.json" 2>&1 | while IFS= read -r line; do bench_log "$line"; done
}

bench_log "full load with Iceberg on"
run_binlake load
measure load

# The change stream of a round: changes_sql prints its SQL. Update and delete keys are
# i * P mod ROWS + 1 over a running i (distinct within a round and across the first rounds;
# a key deleted earlier matches no row); new keys continue after the largest so far.
NEXT_KEY="$ROWS"
UPD_I=0
DEL_I=0
changes_sql() {
  local upd=$((TXN * 70 / 100)) ins=$((TXN * 20 / 100)) del n
  del=$((TXN - upd - ins))
  for ((n = 0; n < CHANGES; n += TXN)); do
    cat <<EOF
START TRANSACTION;
UPDATE bench.t t JOIN seq_1_to_$upd s ON t.id = (s.seq + $UPD_I) * $P_UPDATE % $ROWS + 1
  SET t.qty = t.qty + 1, t.note = CONCAT(IFNULL(LEFT(t.note, 200), ''), 'u');
DELETE t FROM bench.t t JOIN seq_1_to_$del s ON t.id = (s.seq + $DEL_I) * $P_DELETE % $ROWS + 1;
INSERT INTO bench.t SELECT seq, seq % 1000, seq % 65536, seq * 3, (seq % 100000) / 100, seq / 11,
  CONCAT('new-', seq), CONCAT('n', seq % 97), TIMESTAMP'2026-06-01 00:00:00' + INTERVAL seq SECOND,
  NULL, seq % 2 FROM seq_$((NEXT_KEY + 1))_to_$((NEXT_KEY + ins));
COMMIT;
EOF
    UPD_I=$((UPD_I + upd))
    DEL_I=$((DEL_I + del))
    NEXT_KEY=$((NEXT_KEY + ins))
  done
  # The rows each statement kind changed in this session.
  echo "SHOW SESSION STATUS WHERE Variable_name IN ('Handler_update', 'Handler_delete');"
}

for ((round = 1; round <= ROUNDS; ++round)); do
  bench_log "round $round/$ROUNDS: $CHANGES changes on the source"
  changes_sql >"$BENCH_TMP/changes_$round.sql"
  start_ns=$(date +%s%N)
  MYSQL_PWD="$MARIADB_ADMIN_PASSWORD" mariadb --no-defaults --protocol=SOCKET \
    -S "$MARIADB_SOCKET" -u "$MARIADB_ADMIN_USER" --batch --skip-column-names --database=bench \
    <"$BENCH_TMP/changes_$round.sql" >"$BENCH_TMP/changes_$round.status" ||
    bench_die "the change stream of round $round failed"
  bench_log "round $round: source changes took $((($(date +%s%N) - start_ns) / 1000000)) ms:" \
    "$(tr '\t\n' '= ' <"$BENCH_TMP/changes_$round.status")"
  run_binlake "round$round"
  measure "round$round"
done

node - "$BENCH_TMP" "$ROWS" "$CHANGES" "$ROUNDS" "$TXN" "$COMMIT_INTERVAL" <<'JS'
const fs = require('fs');
const os = require('os');
const [dir, rows, changes, rounds, txn, commitInterval] = process.argv.slice(2);
const phase = (n) => JSON.parse(fs.readFileSync(`${dir}/${n}.json`, 'utf8'));
const load = phase('load');
const roundsOut = [];
for (let r = 1; r <= Number(rounds); ++r) {
  const p = phase(`round${r}`);
  const status = Object.fromEntries(fs.readFileSync(`${dir}/changes_${r}.status`, 'utf8').trim()
    .split('\n').map((l) => l.split('\t')));
  const updated = Number(status.Handler_update), deleted = Number(status.Handler_delete);
  const inserted = Math.ceil(Number(changes) / Number(txn)) * Math.floor(Number(txn) * 20 / 100);
  const rowChanges = updated + deleted + inserted;
  roundsOut.push({ round: r, row_changes: { updated, deleted, inserted, total: rowChanges },
    changes_per_s: Math.round(rowChanges / p.seconds), ...p });
}
const all = [load, ...roundsOut];
const result = {
  benchmark: 'iceberg_rss',
  rows: Number(rows),
  changes_per_round: Number(changes),
  rounds: Number(rounds),
  changes_per_transaction: Number(txn),
  commit_interval: commitInterval,
  machine: { cores: os.cpus().length, mem_gb: Math.round(os.totalmem() / 2 ** 30),
    load_avg_1m: +os.loadavg()[0].toFixed(1) },
  valid: all.every((p) => p.valid),
  peak_rss_mb: { load: load.peak_rss_mb, rounds: roundsOut.map((p) => p.peak_rss_mb) },
  seconds: { load: load.seconds, rounds: roundsOut.map((p) => p.seconds) },
  data_files: { load: load.table.data_files, rounds: roundsOut.map((p) => p.table.data_files) },
  data_mb: { load: +(load.table.data_bytes / 2 ** 20).toFixed(1),
    rounds: roundsOut.map((p) => +(p.table.data_bytes / 2 ** 20).toFixed(1)) },
  delete_files: { load: load.table.delete_files, rounds: roundsOut.map((p) => p.table.delete_files) },
  load,
  round_details: roundsOut,
};
console.error(`peak RSS: load ${load.peak_rss_mb} MB, rounds ${result.peak_rss_mb.rounds.join(', ')} MB; ` +
  `data files: ${load.table.data_files} then ${result.data_files.rounds.join(', ')}; valid: ${result.valid}`);
console.log(JSON.stringify(result));
process.exit(result.valid ? 0 : 1);
JS
