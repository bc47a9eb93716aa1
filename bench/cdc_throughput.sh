#!/usr/bin/env bash
# Change-log throughput: the binlog_decode workload (bench/lib.sh's generator) replicated by
# `binlake run --stop-at-end` into CSV change files in a local directory, against
# `mariadb-binlog -v --base64-output=DECODE-ROWS > /dev/null` decoding the same range to text
# (its cheapest verbose mode). Both read over the replication protocol from a private rig
# MariaDB without TLS; both are timed as whole processes. Not part of ctest.
#
# Usage: bench/cdc_throughput.sh [ROWS]   (default 1000000 row changes; BUILD_DIR=build)
# Prints one JSON object on its last line. Goal: binlake faster than mariadb-binlog (ratio
# >= 1).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init cdc_throughput
ROWS="${1:-1000000}"

bench_build binlake
bench_start_mariadb
bench_log "generating $ROWS row changes"
bench_generate_changes "$ROWS"
bench_log "workload: $GEN_FILE:$GEN_START..$GEN_END ($(((GEN_END - GEN_START) / 1000000)) MB)"

mkdir -p "$BENCH_TMP/lake" "$BENCH_TMP/spill"
{
  bench_source_yaml
  cat <<EOF
target:
  url: file://$BENCH_TMP/lake
output:
  format: csv
full_load: false
start: { file: $GEN_FILE, pos: $GEN_START }
spill: { dir: $BENCH_TMP/spill }
log: { level: warn }
EOF
} >"$BENCH_TMP/binlake.yaml"

bench_log "binlake run"
bench_timed "$BENCH_TMP/binlake.time" "$BUILD/src/cli/binlake" run -c "$BENCH_TMP/binlake.yaml" \
  --stop-at-end
# Not timed: every row change is one CSV line under bench/t/.
find "$BENCH_TMP/lake/bench/t" -type f -name '*.csv' -exec cat {} + | wc -l |
  awk '{print "{\"rows\":" $1 "}"}' >"$BENCH_TMP/binlake.json"

bench_log "mariadb-binlog"
bench_timed "$BENCH_TMP/mariadb_binlog.time" mariadb-binlog --no-defaults --skip-ssl \
  --read-from-remote-server -h 127.0.0.1 -P "$MARIADB_PORT" -u "$BINLAKE_USER" \
  -p"$BINLAKE_PASSWORD" -v --base64-output=DECODE-ROWS --start-position="$GEN_START" \
  --stop-position="$GEN_END" "$GEN_FILE" >/dev/null

node bench/report.mjs cdc_throughput "$BENCH_TMP" "$ROWS" "$((GEN_END - GEN_START))" \
  binlake mariadb_binlog
