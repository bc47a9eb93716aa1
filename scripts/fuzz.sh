#!/usr/bin/env bash
# Fuzzes the binlog decoder with libFuzzer for N seconds (default 60):
#   scripts/fuzz.sh [SECONDS]
# Builds /work/main/build-fuzz (or $BUILD_DIR) with clang++, ASan and UBSan, seeds a corpus from
# ../shared/fixtures/binlogs, and runs binlog_fuzzer. Crash inputs land in build-fuzz/crashes.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
build="${BUILD_DIR:-$PWD/build-fuzz}"
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBINLAKE_FUZZ=ON -DBINLAKE_WERROR=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" \
  >/dev/null
ninja -C "$build" -j2 binlog_fuzzer
corpus="$build/corpus"
mkdir -p "$corpus" "$build/crashes"
if [ -d ../shared/fixtures/binlogs ]; then
  find ../shared/fixtures/binlogs -type f -size -64k -exec cp -n {} "$corpus/" \;
fi
"$build/src/binlog/binlog_fuzzer" "$corpus" -max_total_time="$seconds" -max_len=65536 \
  -artifact_prefix="$build/crashes/" -print_final_stats=1
