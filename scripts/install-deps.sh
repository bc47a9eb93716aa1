#!/usr/bin/env bash
# Installs everything binlake needs to build, test and benchmark on Debian 12, and nothing
# else: Debian packages through apt-get, test-only verifiers through `npm ci` from the
# committed lock file. Idempotent: a second run changes nothing and takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # build
  cmake ninja-build g++ pkg-config clang clang-format libclang-rt-14-dev
  libssl-dev libcurl4-openssl-dev zlib1g-dev libzstd-dev libsnappy-dev
  libspdlog-dev libfmt-dev libyaml-cpp-dev nlohmann-json3-dev liblmdb-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # test servers and peers
  mariadb-server mariadb-client
  ceph-mon ceph-osd radosgw ceph-common
  mydumper faketime
  # misc tools the scripts use
  procps psmisc uuid-runtime ca-certificates time curl
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js with npm runs the test verifiers (DuckDB, hyparquet, ...). Some images ship a Node
# that bundles npm; Debian's own packages are used only when there is none.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# The Debian package enables and may start a system MariaDB; binlake's tests and demo run
# their own servers on free ports and never touch it.

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install-deps: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
