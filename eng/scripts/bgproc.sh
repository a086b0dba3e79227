# Sourced by the scripts that start a throw-away server in the background and keep its PID in DIR/NAME.bgpid
# (s3.sh, registry.sh): finding it again and stopping it.
#   bg_running_pid PIDFILE NAME   prints the PID when that process still runs and its command line names NAME
#                                 (a recycled PID of another program does not count); fails otherwise
#   bg_stop PIDFILE NAME          SIGTERM, up to 10 s to exit, then SIGKILL; removes PIDFILE (no-op when none runs)
#   bg_stop_pid PID [TENTHS]      SIGTERM, up to TENTHS tenths of a second (default 100) to exit, then SIGKILL
#                                 (no-op for an empty PID or one already gone; the bench scripts keep their PIDs themselves)
bg_running_pid() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$2" || return 1
  echo "$pid"
}

bg_stop_pid() {
  local i
  [ -n "$1" ] || return 0
  kill -TERM "$1" 2>/dev/null || true
  for ((i = 0; i < ${2:-100}; i++)); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$1" 2>/dev/null || true
}

bg_stop() {
  local pid
  if pid=$(bg_running_pid "$1" "$2"); then bg_stop_pid "$pid"; fi
  rm -f "$1"
}
