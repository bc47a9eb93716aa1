# Sourced by scripts/sanitize.sh, scripts/fuzz.sh and scripts/tsan.sh. sanitized_configure
# configures "$build" as the clang build with AddressSanitizer and UndefinedBehaviorSanitizer
# that sanitize.sh and fuzz.sh both use, so one build serves the
# unit tests, the end-to-end tests and the libFuzzer targets. -O1 with line tables: the usual
# sanitizer build; fuzzer-no-link adds libFuzzer's coverage hooks, harmless outside a fuzzer.
# Warnings are errors here as in scripts/build.sh: this is the project's Clang build.
# Requires $build; returns 77 (ctest's "skipped") when clang is not installed.
sanitized_configure() {
  if ! command -v clang++ >/dev/null || ! command -v clang >/dev/null; then
    echo "skipped: clang/clang++ not found; the sanitizer and libFuzzer builds need clang" \
      "(apt-get install clang libclang-rt-14-dev, as scripts/install-deps.sh does)" >&2
    return 77
  fi
  cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang \
    -DCMAKE_BUILD_TYPE=None -DBINLAKE_FUZZ=ON -DBINLAKE_WERROR=ON \
    -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only -fsanitize=fuzzer-no-link,address,undefined \
-fno-sanitize-recover=undefined" \
    >/dev/null
}

# The end of a sanitizer run: prints every report in directory $2 (reports of processes whose
# exit status a test did not look at count too), then one line "$1: no finding" or
# "$1: FAILED", and returns 1 if $3 (the tests' status) is not 0 or any report exists.
sanitizer_verdict() {
  local label="$1" reports="$2" status="$3" f
  if [ -n "$(ls -A "$reports")" ]; then
    for f in "$reports"/*; do
      echo "=== sanitizer report $f" >&2
      head -c 20000 "$f" >&2
    done
    status=1
  fi
  echo "$label: $( [ "$status" = 0 ] && echo "no finding" || echo "FAILED" )" \
    "($(ls "$reports" | wc -l) sanitizer reports)" >&2
  return "$status"
}

