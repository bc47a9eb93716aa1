# Sourced by scripts/sanitize.sh and scripts/fuzz.sh: configures "$build" as the clang build
# with AddressSanitizer and UndefinedBehaviorSanitizer that both use, so one build serves the
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
