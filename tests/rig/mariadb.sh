#!/usr/bin/env bash
# A throwaway MariaDB server for binlake's tests, benchmarks and demo.
#
#   tests/rig/mariadb.sh start DIR     initialise a new server in DIR (wiped) and start it
#   tests/rig/mariadb.sh stop DIR      stop it (SIGTERM, SIGKILL after 10 s); logs stay in DIR
#   tests/rig/mariadb.sh restart DIR   stop and start the same datadir on the same port
#
# The server is Debian's mariadbd run as its own process (never the system service), listening
# on 127.0.0.1 on a free port, with a ROW-format binlog, FULL row metadata and TLS from a
# throwaway CA. When it is ready (a real query succeeded), DIR/env holds KEY=VALUE lines for
# tests: MARIADB_HOST, MARIADB_PORT, MARIADB_SOCKET, MARIADB_ADMIN_USER,
# MARIADB_ADMIN_PASSWORD, BINLAKE_USER, BINLAKE_PASSWORD, MARIADB_DATADIR, MARIADB_BINLOG_DIR,
# MARIADB_BINLOG_BASENAME (full path prefix: binlog files are $MARIADB_BINLOG_BASENAME.000001,
# ...), MARIADB_TLS_CA, MARIADB_VERSION, MARIADB_PID. Layout of DIR: see docs/testing.md.
set -euo pipefail

RIG_NAME=mariadb
# shellcheck source=tests/rig/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly ADMIN_USER=root
readonly ADMIN_PASSWORD=binlake-rig-admin
readonly REPL_USER=binlake
readonly REPL_PASSWORD=binlake-rig-repl
# The grants docs/source-setup.md documents as all binlake needs; the smoke test checks that
# nothing more was granted.
readonly REPL_GRANTS="SELECT, REPLICATION SLAVE, BINLOG MONITOR"

usage() { rig_die "usage: $0 start|stop|restart DIR"; }

# Absolute DIR with no trailing slash.
abs_dir() {
  mkdir -p "$1"
  (cd "$1" && pwd)
}

# The socket lives in DIR unless that path is too long for a Unix socket (108 bytes); then in
# a short directory under /tmp recorded in DIR/socket_dir and removed at stop.
choose_socket() {
  local dir="$1" sock="$1/mariadbd.sock" short
  if [ ${#sock} -gt 100 ]; then
    short="$(mktemp -d /tmp/binlake-rig-sock.XXXXXX)"
    echo "$short" >"$dir/socket_dir"
    sock="$short/mariadbd.sock"
  fi
  echo "$sock"
}

write_tls() {
  local tls="$1/tls"
  mkdir -p "$tls"
  # EC keys: generated in milliseconds. The CA signs one server certificate valid for both
  # names a client may use for the rig (127.0.0.1 and localhost).
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -subj "/CN=binlake rig CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>>"$1/openssl.log"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj "/CN=localhost" -keyout "$tls/server.key" -out "$tls/server.csr" 2>>"$1/openssl.log"
  printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=CA:FALSE" \
    "keyUsage=critical,digitalSignature,keyAgreement" "extendedKeyUsage=serverAuth" \
    >"$tls/server.ext"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
    -CAcreateserial -days 3650 -extfile "$tls/server.ext" -out "$tls/server.pem" \
    2>>"$1/openssl.log"
}

write_config() {
  local dir="$1" port="$2" sock="$3"
  cat >"$dir/my.cnf" <<EOF
# Written by tests/rig/mariadb.sh; see docs/testing.md.
[mariadbd]
user = root
datadir = $dir/data
socket = $sock
pid-file = $dir/mariadbd.pid
log-error = $dir/mariadbd.err
tmpdir = $dir/tmp
port = $port
bind-address = 127.0.0.1
skip-name-resolve
performance-schema = OFF

# What binlake requires of a source (docs/source-setup.md).
server-id = 1
log-bin = $dir/binlog/mariadb-bin
log-bin-index = $dir/binlog/mariadb-bin.index
binlog-format = ROW
binlog-row-image = FULL
binlog-row-metadata = FULL
gtid-strict-mode = OFF

character-set-server = utf8mb4
max-allowed-packet = 256M
innodb-buffer-pool-size = 256M
# A throwaway server on a shared disk: group commits to the OS, not to the platter.
innodb-flush-log-at-trx-commit = 2

ssl-ca = $dir/tls/ca.pem
ssl-cert = $dir/tls/server.pem
ssl-key = $dir/tls/server.key
EOF
}

# Prints the PID of the mariadbd this DIR started, if it is still running.
running_pid() {
  local dir="$1" pid
  for pid in "$(rig_env_get "$dir/env" MARIADB_PID)" "$(cat "$dir/mariadbd.pid" 2>/dev/null || true)" \
    "$(cat "$dir/spawn.pid" 2>/dev/null || true)"; do
    if [ -n "$pid" ] && rig_pid_matches "$pid" mariadbd "$dir/my.cnf"; then
      echo "$pid"
      return 0
    fi
  done
}

stop_server() {
  local dir="$1" pid
  pid="$(running_pid "$dir")"
  if [ -n "$pid" ]; then
    rig_stop_pid mariadbd "$pid" 10 mariadbd "$dir/my.cnf"
  fi
  rm -f "$dir/spawn.pid"
}

# admin_query DIR SQL [PASSWORD]: runs SQL as the admin over the socket.
admin_query() {
  local dir="$1" sql="$2" pw="${3-$ADMIN_PASSWORD}" sock
  sock="$(sed -n 's/^socket = //p' "$dir/my.cnf")"
  mariadb --no-defaults --protocol=SOCKET -S "$sock" -u "$ADMIN_USER" ${pw:+-p"$pw"} \
    --batch --skip-column-names -e "$sql"
}

# launch DIR: starts mariadbd and waits until it answers a query (PASSWORD "" right after
# mariadb-install-db, the admin password afterwards). Returns 2 when the port was taken.
launch() {
  local dir="$1" pw="$2" pid deadline=$((SECONDS + 60))
  : >"$dir/mariadbd.err"
  pid="$(rig_spawn "$dir/mariadbd.out" mariadbd --defaults-file="$dir/my.cnf")"
  echo "$pid" >"$dir/spawn.pid"
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ! rig_pid_alive "$pid"; then
      if grep -q "Address already in use" "$dir/mariadbd.err"; then return 2; fi
      rig_log "mariadbd exited during start-up; last lines of $dir/mariadbd.err:"
      tail -n 20 "$dir/mariadbd.err" >&2
      return 1
    fi
    if admin_query "$dir" "SELECT 1" "$pw" >/dev/null 2>&1; then
      echo "$pid" >"$dir/spawn.pid"
      return 0
    fi
    sleep 0.05
  done
  rig_log "mariadbd (pid $pid) did not answer within 60 s; see $dir/mariadbd.err"
  return 1
}

create_users() {
  local dir="$1"
  # Not binlogged: the binlog holds only what tests do.
  admin_query "$dir" "
    SET SESSION sql_log_bin = 0;
    EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@', QUOTE(@@hostname));
    DROP USER IF EXISTS 'root'@'::1';
    ALTER USER '$ADMIN_USER'@'localhost' IDENTIFIED BY '$ADMIN_PASSWORD';
    ALTER USER '$ADMIN_USER'@'127.0.0.1' IDENTIFIED BY '$ADMIN_PASSWORD';
    CREATE USER '$REPL_USER'@'%' IDENTIFIED BY '$REPL_PASSWORD';
    GRANT $REPL_GRANTS ON *.* TO '$REPL_USER'@'%';" ""
}

write_env() {
  local dir="$1" pid="$2" port sock version
  port="$(sed -n 's/^port = //p' "$dir/my.cnf")"
  sock="$(sed -n 's/^socket = //p' "$dir/my.cnf")"
  version="$(admin_query "$dir" "SELECT VERSION()")"
  cat >"$dir/env.tmp" <<EOF
MARIADB_HOST=127.0.0.1
MARIADB_PORT=$port
MARIADB_SOCKET=$sock
MARIADB_ADMIN_USER=$ADMIN_USER
MARIADB_ADMIN_PASSWORD=$ADMIN_PASSWORD
BINLAKE_USER=$REPL_USER
BINLAKE_PASSWORD=$REPL_PASSWORD
MARIADB_DATADIR=$dir/data
MARIADB_BINLOG_DIR=$dir/binlog
MARIADB_BINLOG_BASENAME=$dir/binlog/mariadb-bin
MARIADB_TLS_CA=$dir/tls/ca.pem
MARIADB_VERSION=$version
MARIADB_PID=$pid
EOF
  mv "$dir/env.tmp" "$dir/env"
}

cleanup_failed_start() {
  local dir="$1"
  rig_log "start failed; stopping anything it started (logs kept in $dir)"
  stop_server "$dir"
  rm -f "$dir/env"
}

cmd_start() {
  local dir="$1" port sock rc=0 t0
  t0=$(date +%s%N)
  # A stale DIR (an earlier run killed before its stop) may still have a server running.
  rig_stop_watchdog "$dir"
  stop_server "$dir"
  [ -f "$dir/socket_dir" ] && rm -rf "$(cat "$dir/socket_dir")"
  rig_wipe_dir "$dir"
  mkdir -p "$dir/tmp" "$dir/binlog"
  START_OK=0
  trap '[ "$START_OK" = 1 ] || cleanup_failed_start "$DIR"' EXIT
  write_tls "$dir"
  mariadb-install-db --no-defaults --user=root --datadir="$dir/data" \
    --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve \
    >"$dir/install.log" 2>&1 || rig_die "mariadb-install-db failed; see $dir/install.log"
  sock="$(choose_socket "$dir")"
  for _ in 1 2 3; do
    port="$(rig_free_ports 1)"
    write_config "$dir" "$port" "$sock"
    rc=0
    launch "$dir" "" || rc=$?
    [ "$rc" -eq 2 ] || break
    rig_log "port $port was taken before mariadbd bound it; retrying with another"
  done
  [ "$rc" -eq 0 ] || exit 1
  create_users "$dir"
  write_env "$dir" "$(cat "$dir/spawn.pid")"
  START_OK=1
  rig_start_watchdog "$dir" "$RIG_ROOT/mariadb.sh" stop "$dir"
  rig_log "MariaDB $(rig_env_get "$dir/env" MARIADB_VERSION) ready on 127.0.0.1:$port" \
    "(pid $(cat "$dir/spawn.pid")) in $((($(date +%s%N) - t0) / 1000000)) ms; env: $dir/env"
}

cmd_stop() {
  local dir="$1"
  rig_stop_watchdog "$dir"
  stop_server "$dir"
  rm -f "$dir/env"
  [ -f "$dir/socket_dir" ] && rm -rf "$(cat "$dir/socket_dir")" "$dir/socket_dir"
  return 0
}

cmd_restart() {
  local dir="$1" rc=0
  if [ ! -f "$dir/my.cnf" ] || [ ! -f "$dir/env" ]; then
    rig_die "no rig server in $dir to restart (missing my.cnf or env); run: $0 start $dir"
  fi
  stop_server "$dir"
  launch "$dir" "$ADMIN_PASSWORD" || rc=$?
  [ "$rc" -eq 0 ] || rig_die "restart failed (port $(rig_env_get "$dir/env" MARIADB_PORT)" \
    "busy or server error); see $dir/mariadbd.err"
  write_env "$dir" "$(cat "$dir/spawn.pid")"
  rig_log "MariaDB restarted on 127.0.0.1:$(rig_env_get "$dir/env" MARIADB_PORT)" \
    "(pid $(cat "$dir/spawn.pid"))"
}

[ $# -eq 2 ] || usage
rig_require_dir "$2"
if [ "$1" = stop ] && [ ! -d "$2" ]; then exit 0; fi
DIR="$(abs_dir "$2")"
case "$1" in
  start) cmd_start "$DIR" ;;
  stop) cmd_stop "$DIR" ;;
  restart) cmd_restart "$DIR" ;;
  *) usage ;;
esac
