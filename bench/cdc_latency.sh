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
bench_start_latency_peer bench/cdc_latency_peer.mjs bench-lat "$RATE" "$SECONDS_RUN"

mkdir -p "$BENCH_TMP/spill"
{
  bench_source_yaml
  bench_s3_target_yaml bench-lat
  cat <<EOT
output:
  format: csv
  cdc_max_batch_interval: 200ms
full_load: false
spill: { dir: $BENCH_TMP/spill }
log: { level: warn }
EOT
} >"$BENCH_TMP/binlake.yaml"
# Without start: CDC begins at the binlog end, before any workload row.
bench_latency_finish cdc_latency
