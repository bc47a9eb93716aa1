#!/usr/bin/env bash
# Fuzzes the binlog decoder with libFuzzer for N seconds (default 60):
#   scripts/fuzz.sh [SECONDS]
# Builds $BUILD_DIR (default build-fuzz) as the clang ASan/UBSan build of
# scripts/lib/sanitized-build.sh (the one scripts/sanitize.sh uses), seeds a corpus from
# ../shared/fixtures/binlogs, and runs binlog_fuzzer. Crash inputs land in BUILD_DIR/crashes.
# Exits 0 when nothing was found, 1 on a crash, sanitizer report, hang or build failure, and
# 77 (ctest's "skipped" for the `binlog_fuzz` test) when clang++ is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
build="${BUILD_DIR:-$PWD/build-fuzz}"
. scripts/lib/sanitized-build.sh
sanitized_configure || exit $?
ninja -C "$build" -j2 binlog_fuzzer
corpus="$build/corpus"
mkdir -p "$corpus" "$build/crashes"
if [ -d ../shared/fixtures/binlogs ]; then
  find ../shared/fixtures/binlogs -type f -size -64k -exec cp -n {} "$corpus/" \;
fi
# Explicit exit codes: libFuzzer's default for a crash (77) would read as "skipped" to ctest.
# -timeout: one input decoding for 10 s is a hang.
"$build/src/binlog/binlog_fuzzer" "$corpus" -max_total_time="$seconds" -max_len=65536 \
  -timeout=10 -error_exitcode=1 -timeout_exitcode=1 \
  -artifact_prefix="$build/crashes/" -print_final_stats=1
