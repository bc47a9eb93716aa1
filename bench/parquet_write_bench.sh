#!/usr/bin/env bash
# Parquet write throughput: binlake's ParquetWriter (zstd, snappy) against DuckDB's own
# COPY ... (FORMAT parquet) of the same rows. Not part of ctest (timings are not tests).
# Usage: bench/parquet_write_bench.sh [ROWS]   (default 5000000; DUCKDB_THREADS=1 default)
# Prints one JSON object on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-5000000}"
BUILD="${BUILD_DIR:-build}"
if [ ! -x "$BUILD/src/format/parquet_write_bench" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C "$BUILD" parquet_write_bench >/dev/null
fi
OUT="$(mktemp -d "${TMPDIR:-/tmp}/binlake-parquet-bench.XXXXXX")"
trap 'rm -rf "$OUT"' EXIT
ours="$("$BUILD/src/format/parquet_write_bench" --rows "$ROWS" --out-dir "$OUT" | tail -n 1)"
echo "binlake: $ours" >&2
node bench/parquet_duckdb_peer.mjs "$ours" "$OUT/bench_zstd.parquet" "$OUT"
