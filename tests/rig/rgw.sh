#!/usr/bin/env bash
# A throwaway S3 server for binlake's tests and benchmarks: Ceph RADOS Gateway on a one-node
# Ceph cluster (one monitor, one in-memory OSD, one radosgw), all on 127.0.0.1.
#
#   tests/rig/rgw.sh start DIR   create the cluster in DIR (wiped), start it, create an S3 user
#   tests/rig/rgw.sh stop DIR    stop radosgw, then the OSD, then the monitor; logs stay in DIR
#
# When it is ready (a signed ListBuckets succeeded), DIR/env holds KEY=VALUE lines for tests:
# S3_ENDPOINT (http://127.0.0.1:PORT), S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION (us-east-1),
# RGW_PIDS (radosgw, OSD and monitor PIDs). Objects live in RAM (memstore, 4 GiB cap) and are
# gone at stop. Settings and pitfalls: ../shared/S3_TEST_SERVER.md and docs/testing.md.
set -euo pipefail

RIG_NAME=rgw
# shellcheck source=tests/rig/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly ACCESS_KEY=BINLAKERIGACCESSKEY1
readonly SECRET_KEY=binlake-rig-secret-key-0123456789abcdefgh
readonly REGION=us-east-1
# Daemon start order; stop runs it backwards (radosgw first, or it can hang ~120 s).
readonly DAEMONS=(ceph-mon ceph-osd radosgw)

usage() { rig_die "usage: $0 start|stop DIR"; }

abs_dir() {
  mkdir -p "$1"
  (cd "$1" && pwd)
}

write_config() {
  local dir="$1" fsid="$2" mon_port="$3" rgw_port="$4"
  cat >"$dir/ceph.conf" <<EOF
# Written by tests/rig/rgw.sh; see docs/testing.md.
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$mon_port
mon initial members = a
public network = 127.0.0.0/8
auth cluster required = none
auth service required = none
auth client required = none
ms bind msgr1 = false
ms bind ipv6 = false
run dir = $dir/run
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
pid file = $dir/run/\$name.pid
keyring = $dir/keyring
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
mon data avail warn = 1
mon data avail crit = 0

[mon]
mon data = $dir/mon/\$cluster-\$id
# Fast commits: otherwise radosgw takes ~13 s to create its pools.
paxos propose interval = 0.01
paxos min wait = 0.001

[osd]
osd data = $dir/osd/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = 4294967296
osd max object name len = 256
osd max object namespace len = 64

[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw data = $dir/rgw
# Without it radosgw hangs with auth none ("get_initial_auth_request returned -13").
ms mon client mode = crc secure
rgw thread pool size = 64
EOF
}

# DIR/pids: "NAME PID" lines for every daemon this DIR started.
record_pid() { echo "$2 $3" >>"$1/pids"; }

pid_of() { awk -v n="$2" '$1 == n { p = $2 } END { print p }' "$1/pids" 2>/dev/null || true; }

stop_daemons() {
  local dir="$1" i name pid
  for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do
    name="${DAEMONS[i]}"
    pid="$(pid_of "$dir" "$name")"
    [ -n "$pid" ] || continue
    # Every daemon was started with -c DIR/ceph.conf, which identifies it as ours.
    rig_stop_pid "$name" "$pid" 5 "$name" "$dir/ceph.conf"
  done
}

ceph_cli() { timeout 20 ceph --conf "$DIR/ceph.conf" --connect-timeout 10 "$@"; }

# wait_for DESC TIMEOUT_S PID CMD...: polls CMD until it succeeds; fails when PID dies.
wait_for() {
  local desc="$1" timeout="$2" pid="$3" deadline=$((SECONDS + $2))
  shift 3
  while [ "$SECONDS" -lt "$deadline" ]; do
    "$@" >/dev/null 2>&1 && return 0
    if ! rig_pid_alive "$pid"; then
      rig_log "$desc: the daemon (pid $pid) exited; see $DIR/log/ and $DIR/*.out"
      return 1
    fi
    sleep 0.05
  done
  rig_log "$desc: not ready after ${timeout}s; see $DIR/log/"
  return 1
}

osd_up() { ceph_cli osd dump 2>/dev/null | grep -q '^osd\.0 up'; }

http_up() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/"; }

# A signed ListBuckets (SigV4; curl does not add the payload hash header itself).
list_buckets() {
  curl -sf -o /dev/null --max-time 5 --aws-sigv4 "aws:amz:$REGION:s3" \
    --user "$ACCESS_KEY:$SECRET_KEY" \
    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
    "http://127.0.0.1:$1/"
}

# start_cluster DIR: one attempt with fresh ports; returns 2 when a port was taken.
start_cluster() {
  local dir="$1" ports mon_port rgw_port fsid osd_uuid osd_id pid
  rig_wipe_dir "$dir"
  mkdir -p "$dir/run" "$dir/log" "$dir/mon" "$dir/osd/ceph-0" "$dir/rgw"
  mapfile -t ports < <(rig_free_ports 2)
  mon_port="${ports[0]}"
  rgw_port="${ports[1]}"
  fsid="$(uuidgen)"
  osd_uuid="$(uuidgen)"
  write_config "$dir" "$fsid" "$mon_port" "$rgw_port"
  export CEPH_CONF="$dir/ceph.conf"

  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$dir/monmap" \
    >"$dir/mkfs.log" 2>&1 || { rig_log "monmaptool failed; see $dir/mkfs.log"; return 1; }
  ceph-mon -c "$dir/ceph.conf" --mkfs -i a --monmap "$dir/monmap" >>"$dir/mkfs.log" 2>&1 ||
    { rig_log "ceph-mon --mkfs failed; see $dir/mkfs.log"; return 1; }
  pid="$(rig_spawn "$dir/ceph-mon.out" ceph-mon -c "$dir/ceph.conf" -f -i a)"
  record_pid "$dir" ceph-mon "$pid"
  if ! wait_for "monitor" 30 "$pid" ceph_cli mon stat; then
    grep -qs "Address already in use" "$dir/log/mon.a.log" "$dir/ceph-mon.out" && return 2
    return 1
  fi

  osd_id="$(ceph_cli osd new "$osd_uuid" 2>>"$dir/mkfs.log")" ||
    { rig_log "ceph osd new failed; see $dir/mkfs.log"; return 1; }
  ceph-osd -c "$dir/ceph.conf" -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" >>"$dir/mkfs.log" 2>&1 ||
    { rig_log "ceph-osd --mkfs failed; see $dir/mkfs.log"; return 1; }
  pid="$(rig_spawn "$dir/ceph-osd.out" ceph-osd -c "$dir/ceph.conf" -f -i "$osd_id")"
  record_pid "$dir" ceph-osd "$pid"
  wait_for "OSD" 60 "$pid" osd_up || return 1

  pid="$(rig_spawn "$dir/radosgw.out" radosgw -c "$dir/ceph.conf" -f -n client.rgw.a)"
  record_pid "$dir" radosgw "$pid"
  if ! wait_for "radosgw HTTP on port $rgw_port" 60 "$pid" http_up "$rgw_port"; then
    grep -qs "Address already in use" "$dir/log/client.rgw.a.log" "$dir/radosgw.out" && return 2
    return 1
  fi

  radosgw-admin -c "$dir/ceph.conf" user create --uid=binlake --display-name="binlake tests" \
    --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >"$dir/user.json" 2>>"$dir/mkfs.log" ||
    { rig_log "radosgw-admin user create failed; see $dir/mkfs.log"; return 1; }
  wait_for "signed ListBuckets" 30 "$pid" list_buckets "$rgw_port" || return 1

  cat >"$dir/env.tmp" <<EOF
S3_ENDPOINT=http://127.0.0.1:$rgw_port
S3_ACCESS_KEY=$ACCESS_KEY
S3_SECRET_KEY=$SECRET_KEY
S3_REGION=$REGION
RGW_PIDS=$(pid_of "$dir" radosgw),$(pid_of "$dir" ceph-osd),$(pid_of "$dir" ceph-mon)
EOF
  mv "$dir/env.tmp" "$dir/env"
}

cmd_start() {
  local dir="$1" attempt rc=0 t0
  t0=$(date +%s%N)
  # A stale DIR (an earlier run killed before its stop) may still have daemons running.
  rig_stop_watchdog "$dir"
  stop_daemons "$dir"
  START_OK=0
  trap '[ "$START_OK" = 1 ] || { rig_log "start failed; stopping what it started (logs kept in $DIR)"; stop_daemons "$DIR"; rm -f "$DIR/env"; }' EXIT
  for attempt in 1 2 3; do
    rc=0
    start_cluster "$dir" || rc=$?
    [ "$rc" -eq 2 ] || break
    rig_log "attempt $attempt: a port was taken before the daemon bound it; retrying"
    stop_daemons "$dir"
  done
  [ "$rc" -eq 0 ] || exit 1
  START_OK=1
  rig_start_watchdog "$dir" "$RIG_ROOT/rgw.sh" stop "$dir"
  rig_log "RGW ready at $(rig_env_get "$dir/env" S3_ENDPOINT) (pids $(rig_env_get "$dir/env" RGW_PIDS))" \
    "in $((($(date +%s%N) - t0) / 1000000)) ms; env: $dir/env"
}

cmd_stop() {
  local dir="$1"
  rig_stop_watchdog "$dir"
  stop_daemons "$dir"
  rm -f "$dir/env"
}

[ $# -eq 2 ] || usage
rig_require_dir "$2"
if [ "$1" = stop ] && [ ! -d "$2" ]; then exit 0; fi
DIR="$(abs_dir "$2")"
case "$1" in
  start) cmd_start "$DIR" ;;
  stop) cmd_stop "$DIR" ;;
  *) usage ;;
esac
