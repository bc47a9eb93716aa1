#!/usr/bin/env bash
# Commit-to-visible latency of the Iceberg tables in S3: `binlake run` with
# iceberg.commit_interval 1s keeps an Iceberg table of bench.lat in s3://bench-ice/lake on a
# private rig Ceph RGW while bench/iceberg_latency_peer.mjs inserts rows into a private rig
# MariaDB at a steady rate and lists the table's metadata/ every ~50 ms: when a new
# v<N>.metadata.json appears, the ids its snapshot added (the id upper bound of the new data
# files, from the Avro manifests) became visible; a row's latency is that moment minus the
# moment its INSERT returned. Not part of ctest.
#
# Usage: bench/iceberg_latency.sh [RATE] [SECONDS]   (default 2000 rows/s for 30 s; or set
#        BENCH_RATE / BENCH_SECONDS)
# Prints one JSON object on its last line. Goal: p99 < 3000 ms.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init iceberg_latency
RATE="${1:-${BENCH_RATE:-2000}}"
SECONDS_RUN="${2:-${BENCH_SECONDS:-30}}"

bench_build binlake
bench_start_mariadb
bench_start_rgw
bench_sql "CREATE DATABASE bench;
  CREATE TABLE bench.lat (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    inserted DATETIME(6) NOT NULL DEFAULT NOW(6), pad VARCHAR(64) NOT NULL);"

node bench/iceberg_latency_peer.mjs bench-ice lake "$RATE" "$SECONDS_RUN" 30 "$BENCH_TMP/ready" \
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
  url: s3://bench-ice/lake
  s3:
    endpoint: $S3_ENDPOINT
    region: $S3_REGION
    path_style: true
    access_key_id: $S3_ACCESS_KEY
    secret_access_key: $S3_SECRET_KEY
output:
  format: csv
  cdc_max_batch_interval: 60s
iceberg: { enabled: true, commit_interval: 1s }
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
  r.benchmark = "iceberg_latency";
  r.machine = { cores: require("os").cpus().length, load_avg_1m: +require("os").loadavg()[0].toFixed(1) };
  r.binlake_peak_rss_mb = +(Number(process.argv[2]) / 1024).toFixed(1);
  console.log(JSON.stringify(r));' "$(tail -n 1 "$BENCH_TMP/peer.json")" "$RSS_KIB"
