#!/usr/bin/env bash
# Commit-to-visible latency of the change log in S3: `binlake run` with
# cdc_max_batch_interval 200ms writes CSV change files to s3://bench-lat/lake on a private
# rig Ceph RGW while bench/cdc_latency_peer.mjs inserts rows into a private rig MariaDB at a
# steady rate, each row carrying its insert time, and lists the bucket every ~20 ms: a row's
# latency is when the first listing showed its object minus its insert time. Not part of
# ctest.
#
# Usage: bench/cdc_latency.sh [RATE] [SECONDS]   (default 2000 rows/s for 30 s; BUILD_DIR=build)
# Prints one JSON object on its last line. Goal: p99 < 1000 ms.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init cdc_latency
RATE="${1:-2000}"
SECONDS_RUN="${2:-30}"

bench_build binlake
bench_start_mariadb
bench_start_rgw
bench_sql "CREATE DATABASE bench;
  CREATE TABLE bench.lat (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    inserted DATETIME(6) NOT NULL DEFAULT NOW(6), pad VARCHAR(64) NOT NULL);"

node bench/cdc_latency_peer.mjs bench-lat lake "$RATE" "$SECONDS_RUN" 30 "$BENCH_TMP/ready" \
  >"$BENCH_TMP/peer.json" &
PEER_PID=$!
bench_track "$PEER_PID"
while [ ! -f "$BENCH_TMP/ready" ]; do
  kill -0 "$PEER_PID" 2>/dev/null || bench_die "the latency peer failed before creating the bucket"
  sleep 0.1
done

mkdir -p "$BENCH_TMP/spill"
{
  bench_source_yaml
  cat <<EOT
target:
  url: s3://bench-lat/lake
  s3:
    endpoint: $S3_ENDPOINT
    region: $S3_REGION
    path_style: true
    access_key_id: $S3_ACCESS_KEY
    secret_access_key: $S3_SECRET_KEY
output:
  format: csv
  cdc_max_batch_interval: 200ms
full_load: false
spill: { dir: $BENCH_TMP/spill }
log: { level: warn }
EOT
} >"$BENCH_TMP/binlake.yaml"
# Without start: CDC begins at the binlog end, before any workload row.
/usr/bin/time -f '%e %U %S %M' -o "$BENCH_TMP/binlake.time" "$BUILD/src/cli/binlake" run \
  -c "$BENCH_TMP/binlake.yaml" 2>"$BENCH_TMP/binlake.log" &
TIME_PID=$!
BINLAKE_PID=""
for _ in $(seq 1 50); do
  BINLAKE_PID="$(pgrep -P "$TIME_PID" || true)"
  [ -n "$BINLAKE_PID" ] && break
  sleep 0.1
done
[ -n "$BINLAKE_PID" ] || bench_die "binlake did not start: $(cat "$BENCH_TMP/binlake.log")"
bench_track "$BINLAKE_PID"
# The peer starts its workload once binlake is streaming (its first checkpoint is written).
wait "$PEER_PID" || bench_die "the latency peer failed"
# SIGTERM: binlake flushes its open batch, checkpoints and exits 0.
kill -TERM "$BINLAKE_PID"
wait "$TIME_PID" || bench_die "binlake run failed: $(tail -n 5 "$BENCH_TMP/binlake.log")"
read -r _ _ _ RSS_KIB <"$BENCH_TMP/binlake.time"
node -e '
  const r = JSON.parse(process.argv[1]);
  r.benchmark = "cdc_latency";
  r.machine = { cores: require("os").cpus().length, load_avg_1m: +require("os").loadavg()[0].toFixed(1) };
  r.binlake_peak_rss_mb = +(Number(process.argv[2]) / 1024).toFixed(1);
  console.log(JSON.stringify(r));' "$(tail -n 1 "$BENCH_TMP/peer.json")" "$RSS_KIB"
