#!/usr/bin/env bash
# Runs binlake's threaded code under ThreadSanitizer:
#   scripts/tsan.sh [CTEST_REGEX]
# Builds $BUILD_DIR (default build-tsan) with clang and -fsanitize=thread, then runs every
# unit test and the end-to-end tests whose threads matter (default: the parallel full load
# in both watermark modes, the Iceberg tables with their background compaction and orphan
# cleanup, the row state's backups and the kill -9 loop). Every report goes to
# $BUILD_DIR/tsan-reports, also from processes whose exit status a test does not check, and
# any report fails the run. Not part of CI (a third clang build): run it after changing
# anything that runs on more than one thread, and record the result in docs/reliability.md.
# Exits 0 when every test passed with no report, 1 otherwise, 77 without clang.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD_DIR:-$PWD/build-tsan}"
tests="${1:-^(full_load|iceberg_cdc|iceberg_ddl|cascades|run_crash|s3_faults)$}"
. scripts/lib/sanitized-build.sh
if ! command -v clang++ >/dev/null; then
  echo "skipped: clang++ not found (apt-get install clang, as scripts/install-deps.sh does)" >&2
  exit 77
fi
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang \
  -DCMAKE_BUILD_TYPE=None -DBINLAKE_WERROR=ON \
  -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only -fsanitize=thread" >/dev/null
ninja -C "$build" -j"$(nproc)"
reports="$build/tsan-reports"
rm -rf "$reports"
mkdir -p "$reports"
export TSAN_OPTIONS="log_path=$reports/tsan:second_deadlock_stack=1:history_size=4:suppressions=$PWD/scripts/tsan.supp"
status=0
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 1800 -L unit || status=1
ctest --test-dir "$build" --output-on-failure --timeout 1800 -R "$tests" || status=1
sanitizer_verdict tsan "$reports" "$status"
