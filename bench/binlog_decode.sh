#!/usr/bin/env bash
# Binlog capture throughput: the same binlog range, read over the replication protocol from a
# private rig MariaDB, decoded by
#   (a) binlake: ReplicationSource -> EventStream -> TransactionAssembler -> a counting sink
#       (bench/binlog_decode_bench.cc),
#   (b) mariadb-binlog --read-from-remote-server -v --base64-output=DECODE-ROWS > /dev/null,
#   (c) @vlasky/zongji (bench/zongji_peer.mjs).
# Each is timed as a whole process (/usr/bin/time: wall, CPU, peak RSS). Not part of ctest.
#
# Usage: bench/binlog_decode.sh [ROWS]   (default 1000000 row changes; BUILD_DIR=build)
# Prints one JSON object on its last line. Goals: binlake >= 1.5x mariadb-binlog and >= 5x
# zongji in rows/s, peak RSS <= 64 MB.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init binlog_decode
ROWS="${1:-1000000}"

bench_build binlog_decode_bench
bench_start_mariadb
bench_log "generating $ROWS row changes"
bench_generate_changes "$ROWS"
bench_log "workload: $GEN_FILE:$GEN_START..$GEN_END ($(((GEN_END - GEN_START) / 1000000)) MB)"

bench_log "binlake"
bench_timed "$BENCH_TMP/binlake.time" "$BUILD/bench/binlog_decode_bench" \
  --host 127.0.0.1 --port "$MARIADB_PORT" --user "$BINLAKE_USER" --password "$BINLAKE_PASSWORD" \
  --file "$GEN_FILE" --pos "$GEN_START" --stop-pos "$GEN_END" >"$BENCH_TMP/binlake.json"

bench_log "mariadb-binlog"
bench_timed "$BENCH_TMP/mariadb_binlog.time" mariadb-binlog --no-defaults --skip-ssl \
  --read-from-remote-server -h 127.0.0.1 -P "$MARIADB_PORT" -u "$BINLAKE_USER" \
  -p"$BINLAKE_PASSWORD" -v --base64-output=DECODE-ROWS --start-position="$GEN_START" \
  --stop-position="$GEN_END" "$GEN_FILE" >/dev/null

# Not timed: mariadb-binlog decoded every row of the range (one "### VERB" line per row).
mariadb-binlog --no-defaults --skip-ssl --read-from-remote-server -h 127.0.0.1 \
  -P "$MARIADB_PORT" -u "$BINLAKE_USER" -p"$BINLAKE_PASSWORD" -v --base64-output=DECODE-ROWS \
  --start-position="$GEN_START" --stop-position="$GEN_END" "$GEN_FILE" |
  grep -cE '^### (INSERT INTO|UPDATE|DELETE FROM) ' |
  awk '{print "{\"rows\":" $1 "}"}' >"$BENCH_TMP/mariadb_binlog.json"

bench_log "zongji"
bench_timed "$BENCH_TMP/zongji.time" node bench/zongji_peer.mjs 127.0.0.1 "$MARIADB_PORT" \
  "$BINLAKE_USER" "$BINLAKE_PASSWORD" "$GEN_FILE" "$GEN_START" "$GEN_END" \
  >"$BENCH_TMP/zongji.json"

node bench/report.mjs binlog_decode "$BENCH_TMP" "$ROWS" "$((GEN_END - GEN_START))" \
  binlake mariadb_binlog zongji
