#!/usr/bin/env bash
# Runs the tests under AddressSanitizer (with LeakSanitizer) and UndefinedBehaviorSanitizer:
#   scripts/sanitize.sh            every unit test and every end-to-end test
#   scripts/sanitize.sh --quick    every unit test and the end-to-end tests in QUICK below (CI)
# Builds $BUILD_DIR (default build-sanitize) with clang (scripts/lib/sanitized-build.sh) and
# runs ctest there; end-to-end tests start their own rig servers in $BUILD_DIR/rig and run the
# sanitized binlake. Every sanitizer report goes to $BUILD_DIR/sanitizer-reports, also from
# processes whose exit status a test does not check, and any report fails the run.
# Exits 0 when every test passed with no report, 1 otherwise, 77 without clang.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD_DIR:-$PWD/build-sanitize}"
# A kill -9 loop, an Iceberg table through full load, CDC, DDL and kill -9, the change log
# path with transactions preserved, and XA transactions parked across a kill -9: most of
# binlake's code, on the rig's MariaDB alone.
QUICK='^(run_crash|iceberg_ddl|cdc_path|cascades|xa)$'
. scripts/lib/sanitized-build.sh
sanitized_configure || exit $?
ninja -C "$build" -j"$(nproc)"
reports="$build/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"
export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:strict_string_checks=1"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1"
status=0
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 1200 -L unit || status=1
if [ "${1:-}" = "--quick" ]; then
  ctest --test-dir "$build" --output-on-failure --timeout 1200 -R "$QUICK" || status=1
else
  ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 1200 -L integration \
    || status=1
fi
sanitizer_verdict sanitize "$reports" "$status"
