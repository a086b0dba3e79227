#!/usr/bin/env bash
# Throw-away clamd for tests, the demo and run.sh, with the bundled signature database (rules/clamav).
#   eng/scripts/clamd.sh start DIR PORT   -> prints the endpoint (tcp://127.0.0.1:PORT) on stdout once
#                                            clamd answers PING with PONG
#   eng/scripts/clamd.sh stop DIR         -> stops the clamd started for DIR (no-op when none runs)
# Binds to 127.0.0.1 only and never runs freshclam (offline; docs/engines/clamav.md says how production
# points clamd at a freshclam-managed database). DIR holds clamd.conf, db/, tmp/, clamd.log, clamd.pid.
# Environment: CLAMD_DB_SRC (default: the repository's rules/clamav), CLAMD_READY_SECONDS (default 60),
# CLAMD_STREAM_MAX (largest stream/file, default 100M), CLAMD_SCAN_MAX (data scanned per stream, default 400M),
# CLAMD_DISABLE_CACHE=1 (no cache of clean results: benchmarks scan the same bytes more than once),
# CLAMD_LOCAL_SOCKET=1 (also listen on the unix socket DIR/clamd.sock, as the OS package's clamd does).
set -euo pipefail
cmd=${1:?usage: clamd.sh start DIR PORT | stop DIR}
dir=${2:?usage: clamd.sh start DIR PORT | stop DIR}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# The clamd we started for DIR, if it still runs (a recycled PID of another program does not count).
running_pid() {
  local pid
  pid=$(cat "$dir/clamd.bgpid" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = clamd ] || return 1
  echo "$pid"
}

stop() {
  local pid i
  if pid=$(running_pid); then
    kill -TERM "$pid" 2>/dev/null || true
    # clamd stops in 1-2 s (docs/engines/clamav.md); SIGKILL after 15 s.
    for ((i = 0; i < 150; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$dir/clamd.bgpid"
}

# ping PORT: true when clamd answers PONG (bash /dev/tcp; the z-prefixed command is NUL-terminated).
ping() {
  local reply
  reply=$(
    exec 2>/dev/null
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'zPING\0' >&3
    timeout 2 head -c 4 <&3
  ) || return 1
  [ "$reply" = PONG ]
}

case "$cmd" in
  start)
    port=${3:?usage: clamd.sh start DIR PORT}
    src=${CLAMD_DB_SRC:-$repo/rules/clamav}
    command -v clamd >/dev/null 2>&1 || [ -x /usr/sbin/clamd ] \
      || { echo "clamd.sh: clamd not found (apt-get install clamav-daemon)" >&2; exit 1; }
    clamd_bin=$(command -v clamd 2>/dev/null || echo /usr/sbin/clamd)
    stop # a run that was killed outright may have left its clamd behind
    mkdir -p "$dir/db" "$dir/tmp"
    dir=$(cd "$dir" && pwd)
    rm -f "$dir"/db/*
    shopt -s nullglob
    sigs=("$src"/*.hdb "$src"/*.hsb "$src"/*.ndb "$src"/*.ldb "$src"/*.cvd "$src"/*.cld)
    shopt -u nullglob
    [ ${#sigs[@]} -gt 0 ] || { echo "clamd.sh: no signature files in $src" >&2; exit 1; }
    cp "${sigs[@]}" "$dir/db/"
    # The tested configuration (docs/engines/clamav.md). Limits: clamd must never silently truncate what
    # the gate's own walker hands it, so MaxFileSize/MaxScanSize sit above the default per-entry cap
    # of the policy we test with, and AlertExceedsMax turns any truncation into a FOUND (fail closed).
    # Runs as the invoking user (root in CI): no 'User' line, so no privilege drop to 'clamav' that
    # would need DIR to be reachable by that user.
    cat >"$dir/clamd.conf" <<CONF
Foreground yes
DatabaseDirectory $dir/db
TCPSocket $port
TCPAddr 127.0.0.1
PidFile $dir/clamd.pid
TemporaryDirectory $dir/tmp
LogFile $dir/clamd.log
LogTime yes
StreamMaxLength ${CLAMD_STREAM_MAX:-100M}
MaxFileSize ${CLAMD_STREAM_MAX:-100M}
MaxScanSize ${CLAMD_SCAN_MAX:-400M}
MaxRecursion 16
MaxFiles 20000
MaxThreads 4
MaxQueue 32
ReadTimeout 60
CommandReadTimeout 10
SelfCheck 0
AlertExceedsMax yes
AlertEncrypted yes
AlertBrokenExecutables yes
HeuristicAlerts yes
Bytecode no
${CLAMD_DISABLE_CACHE:+DisableCache yes}
${CLAMD_LOCAL_SOCKET:+LocalSocket $dir/clamd.sock}
CONF
    : >"$dir/clamd.log"
    # Foreground clamd in the background: its PID is ours to stop. stdin/stdout/stderr are detached so
    # that a caller's $(...) does not wait for clamd to exit.
    "$clamd_bin" -c "$dir/clamd.conf" </dev/null >"$dir/clamd.stdout" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/clamd.bgpid"
    deadline=$((SECONDS + ${CLAMD_READY_SECONDS:-60}))
    until ping "$port"; do
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "clamd.sh: clamd exited during start-up:" >&2
        tail -n 5 "$dir/clamd.stdout" "$dir/clamd.log" >&2 || true
        rm -f "$dir/clamd.bgpid"
        exit 1
      fi
      if [ "$SECONDS" -ge "$deadline" ]; then
        echo "clamd.sh: clamd did not answer PING on 127.0.0.1:$port within ${CLAMD_READY_SECONDS:-60} s" >&2
        stop
        exit 1
      fi
      sleep 0.1
    done
    echo "tcp://127.0.0.1:$port"
    ;;
  stop)
    stop
    ;;
  *) echo "usage: clamd.sh start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
