#!/usr/bin/env bash
# One large transaction: ROWS rows inserted by one INSERT ... SELECT FROM seq_1_to_ROWS inside
# one explicit transaction (the workload table of bench/lib.sh), then `binlake run
# --stop-at-end` writes it as CSV change files into a local directory. Measures peak RSS
# (the change log spills to disk instead of holding the transaction) and rows/s. Not part of
# ctest.
#
# Usage: bench/big_transaction.sh [ROWS]   (default 5000000; BUILD_DIR=build)
# Prints one JSON object on its last line. Goal: peak RSS < 256 MB.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init big_transaction
ROWS="${1:-5000000}"

bench_build binlake
bench_start_mariadb
bench_log "inserting $ROWS rows in one transaction"
bench_generate_inserts "$ROWS"
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
find "$BENCH_TMP/lake/bench/t" -type f -name '*.csv' -exec cat {} + | wc -l |
  awk '{print "{\"rows\":" $1 "}"}' >"$BENCH_TMP/binlake.json"

node bench/report.mjs big_transaction "$BENCH_TMP" "$ROWS" "$((GEN_END - GEN_START))" binlake
