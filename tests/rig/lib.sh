# shellcheck shell=bash
# Shared helpers for the rig scripts (sourced, not run).
#
# Every server a rig script starts is recorded by PID in its DIR; stopping checks that the PID
# still belongs to the program it started (by /proc/PID/cmdline) so a recycled PID is never
# signalled, and never touches any other process.

# shellcheck disable=SC2034  # used by the scripts that source this file
RIG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

rig_log() { printf '%s rig[%s]: %s\n' "$(date -u +%H:%M:%S.%3N)" "$RIG_NAME" "$*" >&2; }
rig_die() {
  rig_log "ERROR: $*"
  exit 1
}

# rig_free_ports N: prints N distinct free TCP ports on 127.0.0.1, one per line. The kernel
# chooses them (listen on port 0) while all N are held at once, so they differ from each other
# and from every port in use now. Two rigs starting in parallel get different ports unless the
# kernel recycles one in the instant between; the scripts retry a start that fails to bind.
rig_free_ports() {
  local n="$1"
  if command -v node >/dev/null 2>&1; then
    node -e '
      const net = require("net");
      const n = Number(process.argv[1]);
      const servers = [];
      const ports = [];
      const next = () => {
        if (ports.length === n) {
          console.log(ports.join("\n"));
          servers.forEach((s) => s.close());
          return;
        }
        const s = net.createServer();
        s.listen(0, "127.0.0.1", () => { servers.push(s); ports.push(s.address().port); next(); });
      };
      next();' "$n"
  else
    # Fallback without node: random ports above the ephemeral range, checked with ss.
    local out=() p
    while [ ${#out[@]} -lt "$n" ]; do
      p=$((20000 + RANDOM % 12000))
      if ! ss -Htln "sport = :$p" | grep -q . && [[ " ${out[*]} " != *" $p "* ]]; then
        out+=("$p")
      fi
    done
    printf '%s\n' "${out[@]}"
  fi
}

# rig_pid_alive PID: true when PID exists and is not a zombie (exited daemons whose parent is
# gone can linger as zombies when PID 1 does not reap).
rig_pid_alive() {
  local pid="$1" state
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  state="$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$pid/stat" 2>/dev/null)" || return 1
  [ "$state" != "Z" ] && [ "$state" != "X" ]
}

# rig_pid_matches PID WORD...: true when PID is alive and its command line contains every WORD
# (e.g. the program name and the rig DIR), so it is the process this rig started.
rig_pid_matches() {
  local pid="$1" cmd w
  shift
  rig_pid_alive "$pid" || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  for w in "$@"; do
    [[ "$cmd" == *"$w"* ]] || return 1
  done
}

# rig_stop_pid NAME PID TIMEOUT_S WORD...: SIGTERM, wait up to TIMEOUT_S, then SIGKILL; only when
# the PID still matches WORD... (see rig_pid_matches).
rig_stop_pid() {
  local name="$1" pid="$2" timeout="$3" i
  shift 3
  if ! rig_pid_matches "$pid" "$@"; then
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < timeout * 10; i++)); do
    rig_pid_alive "$pid" || {
      rig_log "$name (pid $pid) stopped"
      return 0
    }
    sleep 0.1
  done
  rig_log "$name (pid $pid) still running after ${timeout}s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    rig_pid_alive "$pid" || return 0
    sleep 0.1
  done
  rig_log "WARNING: $name (pid $pid) survived SIGKILL"
}

# rig_spawn LOGFILE CMD...: starts CMD detached (own session, stdio to LOGFILE, so ctest does not
# wait on its output pipes) and prints its PID.
rig_spawn() {
  local logfile="$1"
  shift
  setsid "$@" </dev/null >>"$logfile" 2>&1 &
  echo $!
}

# rig_env_get FILE KEY: the value of KEY in a KEY=VALUE file, empty when absent.
rig_env_get() {
  [ -f "$1" ] || return 0
  sed -n "s/^$2=//p" "$1" | tail -n 1
}

# rig_require_dir DIR: refuses DIRs that would be dangerous to wipe.
rig_require_dir() {
  local dir="$1"
  [ -n "$dir" ] || rig_die "usage: $0 start|stop DIR (DIR missing)"
  case "$dir" in
    / | /tmp | /tmp/ | /root | /root/ | /home | /usr* | /etc* | /var | /var/) \
      rig_die "refusing to use $dir as a rig DIR: it is wiped at start; pass a dedicated directory" ;;
  esac
}

# rig_wipe_dir DIR: empties DIR (creating it), keeping DIR itself.
rig_wipe_dir() {
  mkdir -p "$1"
  find "$1" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
}

# rig_start_watchdog DIR STOP_CMD...: when BINLAKE_RIG_OWNER_PID is set (ctest's start tests set
# it to their parent, ctest), a detached watcher runs STOP_CMD once that PID is gone, so an
# interrupted or killed ctest does not leave servers behind (at once when the owner died while
# the server was starting). Its PID goes to DIR/watchdog.pid; the stop command kills it first.
# BINLAKE_RIG_KEEP=1 turns it off, to keep servers running between ctest runs (ctest -FC).
rig_start_watchdog() {
  local dir="$1"
  shift
  local owner="${BINLAKE_RIG_OWNER_PID:-}"
  [ "$owner" = "parent" ] && owner="$PPID"
  [ -n "$owner" ] && [ "${BINLAKE_RIG_KEEP:-0}" != 1 ] || return 0
  # shellcheck disable=SC2016  # the script is for the inner bash
  setsid bash -c '
    owner="$1"; shift
    while [ -d "/proc/$owner" ] && ! grep -q "^State:.*Z" "/proc/$owner/status" 2>/dev/null; do
      sleep 1
    done
    exec "$@"' rig-watchdog "$owner" "$@" </dev/null >>"$dir/watchdog.log" 2>&1 &
  echo $! >"$dir/watchdog.pid"
}

# rig_stop_watchdog DIR: stops the watcher started by rig_start_watchdog, if any.
rig_stop_watchdog() {
  local dir="$1" pid
  pid="$(cat "$dir/watchdog.pid" 2>/dev/null || true)"
  # The watcher's command line names DIR (through the stop command it would run).
  if [ -n "$pid" ] && [ "$pid" != "$$" ] && rig_pid_matches "$pid" rig-watchdog "$dir"; then
    kill -TERM "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/watchdog.pid"
}
