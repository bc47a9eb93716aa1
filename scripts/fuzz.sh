#!/usr/bin/env bash
# Fuzzes binlake's decoders with libFuzzer, SECONDS per target (default 60):
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# Targets (default all): binlog_fuzzer (binlog files end to end), json_binary_fuzzer (MySQL
# binary JSON and partial-update diffs), config_fuzzer (config files), records_fuzzer (the
# lake's own checkpoint, intent, load, schema and parked XA records, with a re-encoding check),
# iceberg_fuzzer (Iceberg metadata, Avro manifests and Parquet files other engines may write).
# Builds $BUILD_DIR (default build-fuzz) as the clang ASan/UBSan build of
# scripts/lib/sanitized-build.sh (the one scripts/sanitize.sh uses). Seeds: the fixture
# binlogs and src/binlog/testdata, the Iceberg fixture tables, and the YAML and JSON examples in docs/. Corpora grow in BUILD_DIR/corpus/TARGET;
# crash inputs land in BUILD_DIR/crashes. Prints each target's executions. Exits 0 when nothing
# was found, 1 on a crash, sanitizer report, hang or build failure, and 77 (ctest's "skipped"
# for the `fuzz` test) when clang++ is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] ||
  targets=(binlog_fuzzer json_binary_fuzzer config_fuzzer records_fuzzer iceberg_fuzzer)
build="${BUILD_DIR:-$PWD/build-fuzz}"
. scripts/lib/sanitized-build.sh
sanitized_configure || exit $?
ninja -C "$build" -j"$(nproc)" "${targets[@]}"
mkdir -p "$build/crashes"

# Writes the fenced code blocks of one language (yaml, json) in docs/*.md as seed files.
seed_blocks() {
  local lang="$1" dir="$2"
  awk -v lang="$lang" -v dir="$dir" '
    $0 ~ "^```" lang "$" { n++; file = sprintf("%s/doc-%s-%03d", dir, lang, n); inside = 1; next }
    /^```/ { inside = 0; next }
    inside { print > file }' docs/*.md
}

status=0
for target in "${targets[@]}"; do
  corpus="$build/corpus/$target"
  mkdir -p "$corpus"
  case "$target" in
    binlog_fuzzer)
      bin="$build/src/binlog/binlog_fuzzer"
      if [ -d ../shared/fixtures/binlogs ]; then
        find ../shared/fixtures/binlogs -type f -size -64k -exec cp -n {} "$corpus/" \;
      fi
      cp -n src/binlog/testdata/*.0* "$corpus/" ;;
    json_binary_fuzzer)
      bin="$build/src/binlog/json_binary_fuzzer"
      # null, true, an int16, a small object {"a": 1} and an array [1, "x"].
      printf '\x04\x00' > "$corpus/seed-null"
      printf '\x04\x01' > "$corpus/seed-true"
      printf '\x05\x2a\x00' > "$corpus/seed-int16"
      printf '\x00\x01\x00\x0e\x00\x0b\x00\x01\x00\x05\x01\x00a' > "$corpus/seed-object"
      printf '\x02\x02\x00\x0e\x00\x05\x01\x00\x0c\x0d\x00\x01x' > "$corpus/seed-array" ;;
    config_fuzzer)
      bin="$build/src/config/config_fuzzer"
      seed_blocks yaml "$corpus" ;;
    records_fuzzer)
      bin="$build/src/checkpoint/records_fuzzer"
      seed_blocks json "$corpus" ;;
    iceberg_fuzzer)
      bin="$build/src/iceberg/iceberg_fuzzer"
      # Tables written by the Iceberg Java API, Spark and DuckDB: metadata, manifests, data.
      if [ -d ../shared/fixtures/iceberg ]; then
        find ../shared/fixtures/iceberg -type f -size -64k -exec sh -c \
          'for f; do cp -n "$f" "$0/$(echo "$f" | md5sum | cut -c1-16)-${f##*/}"; done' \
          "$corpus" {} +
      fi ;;
    *) echo "fuzz: unknown target $target" >&2; exit 1 ;;
  esac
  # Explicit exit codes: libFuzzer's default for a crash (77) would read as "skipped" to
  # ctest. -timeout: one input taking 10 s is a hang.
  log="$build/$target.log"
  if "$bin" "$corpus" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
      -error_exitcode=1 -timeout_exitcode=1 -artifact_prefix="$build/crashes/$target-" \
      -print_final_stats=1 >"$log" 2>&1; then
    echo "fuzz: $target: no finding, $(sed -n 's/^stat::number_of_executed_units: *//p' "$log")" \
      "executions in ${seconds} s, corpus $(ls "$corpus" | wc -l) inputs"
  else
    echo "fuzz: $target: FINDING (inputs in $build/crashes):" >&2
    tail -n 60 "$log" >&2
    status=1
  fi
done
exit "$status"
