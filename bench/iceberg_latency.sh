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
bench_start_latency_peer bench/iceberg_latency_peer.mjs bench-ice "$RATE" "$SECONDS_RUN"

mkdir -p "$BENCH_TMP/spill"
{
  bench_source_yaml
  bench_s3_target_yaml bench-ice
  cat <<EOT
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
bench_latency_finish iceberg_latency
