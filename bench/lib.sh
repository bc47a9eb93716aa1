# shellcheck shell=bash
# shellcheck disable=SC2034  # GEN_* and BENCH_* are read by the scripts that source this file
# Shared helpers for the bench/*.sh benchmarks (sourced, not run): private rig servers in a
# temporary directory, stopped on exit; builds; SQL; binlog positions; the workload generator;
# peak RSS of a child process.
#
# After bench_init: BENCH_ROOT (project root), BUILD (build dir, $BUILD_DIR or build/),
# BENCH_TMP (temporary directory, removed on exit unless BENCH_KEEP=1).

bench_log() { printf '%s %s: %s\n' "$(date -u +%H:%M:%S)" "$BENCH_NAME" "$*" >&2; }
bench_die() {
  bench_log "ERROR: $*"
  exit 1
}

bench_cleanup() {
  local rc=$? pid
  # Background programs the script started (bench_track), by PID, before their servers go.
  for pid in ${BENCH_PIDS:-}; do
    if kill -TERM "$pid" 2>/dev/null; then
      sleep 1
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  [ -n "${BENCH_RGW_DIR:-}" ] && "$BENCH_ROOT/tests/rig/rgw.sh" stop "$BENCH_RGW_DIR" >/dev/null 2>&1
  [ -n "${BENCH_MARIADB_DIR:-}" ] &&
    "$BENCH_ROOT/tests/rig/mariadb.sh" stop "$BENCH_MARIADB_DIR" >/dev/null 2>&1
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    bench_log "kept $BENCH_TMP"
  else
    rm -rf "$BENCH_TMP"
  fi
  return "$rc"
}

# bench_track PID: a background program to stop on exit if it is still running.
bench_track() { BENCH_PIDS="${BENCH_PIDS:-} $1"; }

# bench_init NAME: sets the globals above and the exit trap.
bench_init() {
  BENCH_NAME="$1"
  BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  cd "$BENCH_ROOT" || exit 1
  BUILD="${BUILD_DIR:-build}"
  BENCH_TMP="$(mktemp -d "${TMPDIR:-/tmp}/binlake-bench-$BENCH_NAME.XXXXXX")"
  # The rig's watchdog stops the servers if this script dies without running its trap.
  export BINLAKE_RIG_OWNER_PID=$$
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

# bench_build TARGET...: configures BUILD (RelWithDebInfo) when needed and builds the targets
# (BENCH_BUILD_JOBS parallel jobs, default 2: the machine may be shared).
bench_build() {
  if [ ! -f "$BUILD/build.ninja" ]; then
    cmake -S "$BENCH_ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  ninja -C "$BUILD" -j "${BENCH_BUILD_JOBS:-2}" "$@" >/dev/null || bench_die "building $* in $BUILD failed"
}

# bench_start_mariadb: a private rig MariaDB in BENCH_TMP/mariadb; exports its env.
bench_start_mariadb() {
  BENCH_MARIADB_DIR="$BENCH_TMP/mariadb"
  "$BENCH_ROOT/tests/rig/mariadb.sh" start "$BENCH_MARIADB_DIR" 2>/dev/null ||
    bench_die "the rig MariaDB did not start; logs in $BENCH_MARIADB_DIR (BENCH_KEEP=1 keeps them)"
  set -a
  # shellcheck disable=SC1091
  . "$BENCH_MARIADB_DIR/env"
  set +a
}

# bench_start_rgw: a private rig Ceph RGW in BENCH_TMP/rgw; exports its env.
bench_start_rgw() {
  BENCH_RGW_DIR="$BENCH_TMP/rgw"
  "$BENCH_ROOT/tests/rig/rgw.sh" start "$BENCH_RGW_DIR" 2>/dev/null ||
    bench_die "the rig RGW did not start; logs in $BENCH_RGW_DIR (BENCH_KEEP=1 keeps them)"
  set -a
  # shellcheck disable=SC1091
  . "$BENCH_RGW_DIR/env"
  set +a
}

# bench_sql SQL: runs SQL as the admin over the socket; tab-separated rows, no header.
bench_sql() {
  MYSQL_PWD="$MARIADB_ADMIN_PASSWORD" mariadb --no-defaults --protocol=SOCKET \
    -S "$MARIADB_SOCKET" -u "$MARIADB_ADMIN_USER" --batch --skip-column-names -e "$1"
}

# bench_binlog_end: prints "FILE POS", the server's binlog end now.
bench_binlog_end() { bench_sql "SHOW MASTER STATUS" | awk '{print $1, $2}'; }

# bench_create_table: creates bench.t (11 columns: integers signed and unsigned, two
# DECIMALs, VARCHARs, DATETIME(6), TEXT; not binlogged) and starts a fresh binlog file. Sets
# GEN_FILE and GEN_START, where the workload's events begin.
bench_create_table() {
  bench_sql "SET SESSION sql_log_bin = 0;
    CREATE DATABASE IF NOT EXISTS bench;
    CREATE TABLE bench.t (
      id BIGINT NOT NULL PRIMARY KEY,
      qty INT NOT NULL,
      code SMALLINT UNSIGNED,
      big BIGINT,
      price DECIMAL(12,2) NOT NULL,
      ratio DECIMAL(30,10),
      name VARCHAR(64) NOT NULL,
      note VARCHAR(255),
      created DATETIME(6) NOT NULL,
      body TEXT,
      flag TINYINT NOT NULL) ENGINE=InnoDB;"
  bench_sql "FLUSH BINARY LOGS"
  read -r GEN_FILE GEN_START < <(bench_binlog_end)
}

# bench_insert_sql LO HI: prints one INSERT ... SELECT of rows LO..HI into bench.t.
bench_insert_sql() {
  echo "INSERT INTO bench.t SELECT seq, CAST(seq * 7 % 100000 AS SIGNED) - 50000, seq % 65536,
    seq * 1000003, (seq % 100000) / 100, seq / 7, CONCAT('name-', seq),
    IF(seq % 10 = 0, NULL, REPEAT(CHAR(97 + seq % 26), seq % 40)),
    TIMESTAMP'2026-01-01 00:00:00' + INTERVAL seq SECOND + INTERVAL seq % 1000000 MICROSECOND,
    IF(seq % 17 = 0, NULL, CONCAT('body ', seq, ' ', MD5(seq))), seq % 2
    FROM seq_${1}_to_${2};"
}

# bench_run_workload: runs the SQL on stdin (as the admin, default database bench), then sets
# GEN_END and checks the workload stayed in GEN_FILE.
bench_run_workload() {
  MYSQL_PWD="$MARIADB_ADMIN_PASSWORD" mariadb --no-defaults --protocol=SOCKET \
    -S "$MARIADB_SOCKET" -u "$MARIADB_ADMIN_USER" --batch --database=bench ||
    bench_die "the workload failed"
  local end_file
  read -r end_file GEN_END < <(bench_binlog_end)
  [ "$end_file" = "$GEN_FILE" ] ||
    bench_die "the workload spans $GEN_FILE to $end_file; raise max_binlog_size or lower ROWS"
}

# bench_generate_changes ROWS [CHUNK]: in a fresh binlog file, writes exactly ROWS row changes
# to bench.t: 60% inserts, 25% updates (after-image changes three columns), 15% deletes,
# CHUNK rows per autocommitted statement (default 10000) so each rows event holds many rows.
# Sets GEN_FILE, GEN_START, GEN_END (the binlog range holding exactly the workload) and
# GEN_INSERTS, GEN_UPDATES, GEN_DELETES.
bench_generate_changes() {
  local rows="$1" chunk="${2:-10000}" lo hi
  GEN_INSERTS=$((rows * 60 / 100))
  GEN_UPDATES=$((rows * 25 / 100))
  GEN_DELETES=$((rows - GEN_INSERTS - GEN_UPDATES))
  [ "$GEN_DELETES" -le "$GEN_INSERTS" ] || bench_die "ROWS=$rows too small"
  bench_create_table
  {
    for ((lo = 1; lo <= GEN_INSERTS; lo += chunk)); do
      bench_insert_sql "$lo" $((lo + chunk - 1 < GEN_INSERTS ? lo + chunk - 1 : GEN_INSERTS))
    done
    for ((lo = 1; lo <= GEN_UPDATES; lo += chunk)); do
      hi=$((lo + chunk - 1 < GEN_UPDATES ? lo + chunk - 1 : GEN_UPDATES))
      echo "UPDATE bench.t SET qty = qty + 1, note = CONCAT(IFNULL(note, ''), 'u'),
        created = created + INTERVAL 1 SECOND WHERE id BETWEEN $lo AND $hi;"
    done
    # Deletes take the newest rows (never updated), so every statement changes CHUNK rows.
    for ((lo = GEN_INSERTS - GEN_DELETES + 1; lo <= GEN_INSERTS; lo += chunk)); do
      hi=$((lo + chunk - 1 < GEN_INSERTS ? lo + chunk - 1 : GEN_INSERTS))
      echo "DELETE FROM bench.t WHERE id BETWEEN $lo AND $hi;"
    done
  } >"$BENCH_TMP/workload.sql"
  bench_run_workload <"$BENCH_TMP/workload.sql"
}

# bench_generate_inserts ROWS: in a fresh binlog file, inserts ROWS rows into bench.t in ONE
# transaction. Sets GEN_FILE, GEN_START, GEN_END.
bench_generate_inserts() {
  bench_create_table
  { echo "START TRANSACTION;"; bench_insert_sql 1 "$1"; echo "COMMIT;"; } >"$BENCH_TMP/workload.sql"
  bench_run_workload <"$BENCH_TMP/workload.sql"
}

# bench_source_yaml: the `source:` block of a binlake config for the rig server (plain TCP);
# the scripts write the rest of their config after it.
bench_source_yaml() {
  cat <<EOF
source:
  host: 127.0.0.1
  port: $MARIADB_PORT
  user: $BINLAKE_USER
  password: $BINLAKE_PASSWORD
  tls: { mode: disabled }
EOF
}

# bench_timed OUT CMD...: runs CMD with /usr/bin/time; OUT gets "seconds user sys max_rss_kib".
bench_timed() {
  local out="$1"
  shift
  /usr/bin/time -f '%e %U %S %M' -o "$out" "$@"
}

# bench_fill_table ROWS [CHUNK]: creates bench.t (bench_create_table) and fills it with rows
# 1..ROWS of bench_insert_sql, CHUNK rows per statement (default 500000), not binlogged: a
# full-load workload whose binlog stays small. Then ANALYZE TABLE, so information_schema's
# DATA_LENGTH describes the filled table.
bench_fill_table() {
  local rows="$1" chunk="${2:-500000}" lo
  bench_create_table
  {
    echo "SET SESSION sql_log_bin = 0;"
    for ((lo = 1; lo <= rows; lo += chunk)); do
      bench_insert_sql "$lo" $((lo + chunk - 1 < rows ? lo + chunk - 1 : rows))
    done
    echo "ANALYZE TABLE bench.t;"
  } >"$BENCH_TMP/workload.sql"
  bench_run_workload <"$BENCH_TMP/workload.sql" >/dev/null
}

# bench_table_data_bytes DB TABLE: prints information_schema's DATA_LENGTH of DB.TABLE.
bench_table_data_bytes() {
  bench_sql "SELECT DATA_LENGTH FROM information_schema.TABLES
    WHERE TABLE_SCHEMA = '$1' AND TABLE_NAME = '$2'"
}

# bench_start_latency_peer PEER BUCKET RATE SECONDS: for the latency benchmarks, creates
# bench.lat and starts node PEER (bench/*_latency_peer.mjs) with s3://BUCKET/lake, its JSON
# going to $BENCH_TMP/peer.json; returns once the peer made the bucket. Sets PEER_PID.
bench_start_latency_peer() {
  bench_sql "CREATE DATABASE bench;
    CREATE TABLE bench.lat (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      inserted DATETIME(6) NOT NULL DEFAULT NOW(6), pad VARCHAR(64) NOT NULL);"
  node "$1" "$2" lake "$3" "$4" 30 "$BENCH_TMP/ready" >"$BENCH_TMP/peer.json" &
  PEER_PID=$!
  bench_track "$PEER_PID"
  while [ ! -f "$BENCH_TMP/ready" ]; do
    kill -0 "$PEER_PID" 2>/dev/null || bench_die "the latency peer failed before creating the bucket"
    sleep 0.1
  done
}

# bench_s3_target_yaml BUCKET: the `target:` block for s3://BUCKET/lake on the rig's RGW.
bench_s3_target_yaml() {
  cat <<EOT
target:
  url: s3://$1/lake
  s3:
    endpoint: $S3_ENDPOINT
    region: $S3_REGION
    path_style: true
    access_key_id: $S3_ACCESS_KEY
    secret_access_key: $S3_SECRET_KEY
EOT
}

# bench_latency_finish NAME: runs `binlake run -c $BENCH_TMP/binlake.yaml` (timed, log in
# binlake.log) until the latency peer ends, stops it with SIGTERM (it flushes, checkpoints and
# exits 0), and prints the peer's JSON with the benchmark's NAME, the machine and binlake's
# peak RSS.
bench_latency_finish() {
  /usr/bin/time -f '%e %U %S %M' -o "$BENCH_TMP/binlake.time" "$BUILD/src/cli/binlake" run \
    -c "$BENCH_TMP/binlake.yaml" 2>"$BENCH_TMP/binlake.log" &
  local time_pid=$! binlake_pid="" rss_kib
  for _ in $(seq 1 50); do
    binlake_pid="$(pgrep -P "$time_pid" || true)"
    [ -n "$binlake_pid" ] && break
    sleep 0.1
  done
  [ -n "$binlake_pid" ] || bench_die "binlake did not start: $(cat "$BENCH_TMP/binlake.log")"
  bench_track "$binlake_pid"
  # The peer starts its workload once binlake is streaming (its first checkpoint is written).
  wait "$PEER_PID" || bench_die "the latency peer failed"
  kill -TERM "$binlake_pid"
  wait "$time_pid" || bench_die "binlake run failed: $(tail -n 5 "$BENCH_TMP/binlake.log")"
  read -r _ _ _ rss_kib <"$BENCH_TMP/binlake.time"
  node -e '
    const r = JSON.parse(process.argv[1]);
    r.benchmark = process.argv[3];
    r.machine = { cores: require("os").cpus().length, load_avg_1m: +require("os").loadavg()[0].toFixed(1) };
    r.binlake_peak_rss_mb = +(Number(process.argv[2]) / 1024).toFixed(1);
    console.log(JSON.stringify(r));' "$(tail -n 1 "$BENCH_TMP/peer.json")" "$rss_kib" "$1"
}
