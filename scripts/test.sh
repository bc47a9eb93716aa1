#!/usr/bin/env bash
# README command 2: install dependencies, build, and run every test (unit, integration
# against real MariaDB and Ceph RGW servers started on loopback, lint).
# Extra arguments go to ctest, e.g. `scripts/test.sh -L unit` or `-R binlog`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure --timeout 1200 -j"$(nproc)" "$@"
