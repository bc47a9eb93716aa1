#!/usr/bin/env bash
# What the row state for foreign-key cascades and TRUNCATE costs (docs/cascades.md). Two
# workloads on a private rig MariaDB, each replicated by `binlake run --stop-at-end` into CSV
# change files twice over the same binlog range: with the defaults (cascades: auto,
# truncate: delete-rows: the state keeps the tables' rows) and with cascades: off and
# truncate: warn (no state).
#
# 1. cdc: the cdc_throughput workload (bench.t, ROWS row changes, no foreign keys): the state
#    keeps bench.t for TRUNCATE's deletes.
# 2. fk: CHILDREN order lines (bench.lines, 7 columns, ~80 bytes a row) under CHILDREN/10
#    orders (bench.orders, ON DELETE CASCADE), then 10% of the orders deleted, with
#    cascades: auto and truncate: warn (the state keeps the lines only) against no state:
#    with it binlake writes the CHILDREN/10 cascaded deletes the binlog lacks. The state's
#    size on disk after the run is reported per million kept child rows.
#
# Usage: bench/cascade_cost.sh [ROWS] [CHILDREN]   (defaults 1000000 and 1000000)
# Prints one JSON object on its last line. No goal: the figures are the cost.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init cascade_cost
ROWS="${1:-1000000}"
CHILDREN="${2:-1000000}"
ORDERS=$((CHILDREN / 10))

bench_build binlake
bench_start_mariadb

# run_binlake NAME FILE START MODE: one timed run into $BENCH_TMP/NAME/ (lake and spill);
# MODE is "defaults", "cascades" (truncate: warn) or "none" (cascades: off, truncate: warn).
run_binlake() {
  local name="$1" file="$2" start="$3" mode="$4" dir="$BENCH_TMP/$1"
  mkdir -p "$dir/lake" "$dir/spill"
  {
    bench_source_yaml
    cat <<EOF
target:
  url: file://$dir/lake
output:
  format: csv
full_load: false
start: { file: $file, pos: $start }
spill: { dir: $dir/spill }
log: { level: warn }
EOF
    if [ "$mode" = none ]; then echo 'cascades: off'; fi
    if [ "$mode" != defaults ]; then echo 'truncate: warn'; fi
  } >"$dir/binlake.yaml"
  bench_log "binlake run: $name"
  bench_timed "$BENCH_TMP/$name.time" "$BUILD/src/cli/binlake" run -c "$dir/binlake.yaml" \
    --stop-at-end
}

# lines_of NAME TABLE [OP]: CSV lines (row changes) binlake wrote for bench.TABLE, of one Op.
lines_of() {
  local dir="$BENCH_TMP/$1/lake/bench/$2"
  [ -d "$dir" ] || {
    echo 0
    return
  }
  find "$dir" -type f -name '*.csv' -exec cat {} + | grep -c "^${3:-}" || true
}

# ---- 1. the CDC throughput workload
bench_log "generating $ROWS row changes (bench.t)"
bench_generate_changes "$ROWS"
CDC_BYTES=$((GEN_END - GEN_START))
for v in state none; do
  run_binlake "cdc_$v" "$GEN_FILE" "$GEN_START" "$([ $v = state ] && echo defaults || echo none)"
  echo "{\"rows\":$(lines_of "cdc_$v" t)}" >"$BENCH_TMP/cdc_$v.json"
done
node bench/report.mjs cascade_cost_cdc "$BENCH_TMP" "$ROWS" "$CDC_BYTES" cdc_state cdc_none \
  >"$BENCH_TMP/cdc.report"

# ---- 2. orders and their lines, 10% of the orders deleted
bench_log "generating $ORDERS orders with $CHILDREN lines, then deleting every tenth order"
bench_sql "SET SESSION sql_log_bin = 0; DROP DATABASE IF EXISTS bench; CREATE DATABASE bench;
  CREATE TABLE bench.orders (id INT PRIMARY KEY, customer VARCHAR(40));
  CREATE TABLE bench.lines (id BIGINT PRIMARY KEY, order_id INT NOT NULL, qty INT,
    price DECIMAL(12,2), sku VARCHAR(40), note VARCHAR(100), created DATETIME(6),
    FOREIGN KEY (order_id) REFERENCES bench.orders (id) ON DELETE CASCADE);
  FLUSH BINARY LOGS"
read -r GEN_FILE GEN_START < <(bench_binlog_end)
{
  for ((lo = 1; lo <= ORDERS; lo += 10000)); do
    hi=$((lo + 9999 < ORDERS ? lo + 9999 : ORDERS))
    echo "INSERT INTO bench.orders SELECT seq, CONCAT('customer-', seq % 977) FROM seq_${lo}_to_${hi};"
  done
  for ((lo = 1; lo <= CHILDREN; lo += 10000)); do
    hi=$((lo + 9999 < CHILDREN ? lo + 9999 : CHILDREN))
    echo "INSERT INTO bench.lines SELECT seq, (seq - 1) DIV 10 + 1, seq % 7 + 1, (seq % 10000) / 100,
      CONCAT('sku-', seq % 5000), IF(seq % 4 = 0, NULL, REPEAT('n', seq % 30)),
      TIMESTAMP'2026-01-01 00:00:00' + INTERVAL seq SECOND FROM seq_${lo}_to_${hi};"
  done
  for ((lo = 1; lo <= ORDERS; lo += 10000)); do
    hi=$((lo + 9999 < ORDERS ? lo + 9999 : ORDERS))
    echo "DELETE FROM bench.orders WHERE id BETWEEN $lo AND $hi AND id % 10 = 0;"
  done
} >"$BENCH_TMP/fk.sql"
bench_run_workload <"$BENCH_TMP/fk.sql"
FK_FILE=$GEN_FILE FK_START=$GEN_START FK_END=$GEN_END
DELETED_ORDERS=$((ORDERS / 10))
LOGGED=$((ORDERS + CHILDREN + DELETED_ORDERS))
for v in state none; do
  run_binlake "fk_$v" "$FK_FILE" "$FK_START" "$([ $v = state ] && echo cascades || echo none)"
done
# Exactness: both runs wrote every logged change; with the state, also one cascaded D per line
# of a deleted order, and none without it.
CASCADED=$(lines_of fk_state lines D)
[ "$CASCADED" -eq $((DELETED_ORDERS * 10)) ] ||
  bench_die "with the state binlake wrote $CASCADED cascaded line deletes, expected $((DELETED_ORDERS * 10))"
[ "$(lines_of fk_none lines D)" -eq 0 ] || bench_die "without the state a line delete appeared"
for v in state none; do
  got=$(($(lines_of "fk_$v" orders) + $(lines_of "fk_$v" lines I)))
  [ "$got" -eq "$LOGGED" ] || bench_die "fk_$v wrote $got logged changes, expected $LOGGED"
done
node bench/report.mjs cascade_cost_fk "$BENCH_TMP" "$LOGGED" "$((FK_END - FK_START))" fk_state \
  fk_none >"$BENCH_TMP/fk.report"
STATE_DIR=$(find "$BENCH_TMP/fk_state/spill" -maxdepth 1 -name 'binlake-state-*' | head -1)
STATE_BYTES=$(du -sb "$STATE_DIR" | cut -f1)
STATE_ALLOCATED=$(($(du -sk "$STATE_DIR" | cut -f1) * 1024))
KEPT=$((CHILDREN - DELETED_ORDERS * 10))

node -e '
const fs = require("fs");
const [cdc, fk, cascaded, kept, bytes, allocated] = process.argv.slice(1);
const read = (f) => JSON.parse(fs.readFileSync(f, "utf8").trim().split("\n").pop());
const c = read(cdc);
const f = read(fk);
const mb = (b) => +(b / 1048576).toFixed(1);
console.log(JSON.stringify({
  benchmark: "cascade_cost",
  machine: c.machine,
  cdc: {
    rows: c.rows, with_state: c.cdc_state, without_state: c.cdc_none,
    state_speed_ratio_wall: c.ratio_rows_per_s["cdc_state/cdc_none"],
    state_speed_ratio_cpu: c.ratio_rows_per_cpu_s["cdc_state/cdc_none"],
  },
  fk: {
    logged_rows: f.rows, cascaded_deletes_written: Number(cascaded),
    with_state: f.fk_state, without_state: f.fk_none,
    state_speed_ratio_wall: f.ratio_rows_per_s["fk_state/fk_none"],
    state_speed_ratio_cpu: f.ratio_rows_per_cpu_s["fk_state/fk_none"],
    child_rows_kept_at_end: Number(kept),
    state_mb: mb(Number(bytes)), state_allocated_mb: mb(Number(allocated)),
    state_mb_per_million_child_rows: mb(Number(allocated) / Number(kept) * 1e6),
  },
  ...(c.invalid || f.invalid ? { invalid: [...(c.invalid ?? []), ...(f.invalid ?? [])] } : {}),
}));
' "$BENCH_TMP/cdc.report" "$BENCH_TMP/fk.report" "$CASCADED" "$KEPT" "$STATE_BYTES" \
  "$STATE_ALLOCATED"
