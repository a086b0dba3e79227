#!/usr/bin/env bash
# Throw-away Redis (Debian's redis-server) for the tests and the cluster benchmark.
#   eng/scripts/redis.sh start DIR PORT   -> prints the StackExchange.Redis configuration (127.0.0.1:PORT) on stdout
#                                           once redis-server answers PING
#   eng/scripts/redis.sh stop DIR         -> stops the redis-server started for DIR (no-op when none runs)
# Binds to 127.0.0.1 only, with no persistence (nothing Gatehouse keeps in Redis must survive it: docs/scale-out.md).
# DIR holds redis.log and redis.bgpid. Environment: REDIS_READY_SECONDS (default 20).
set -euo pipefail
cmd=${1:?usage: redis.sh start DIR PORT | stop DIR}
dir=${2:?usage: redis.sh start DIR PORT | stop DIR}

. "$(dirname "${BASH_SOURCE[0]}")/bgproc.sh"
stop() { bg_stop "$dir/redis.bgpid" redis-server; }

case "$cmd" in
  start)
    port=${3:?usage: redis.sh start DIR PORT}
    command -v redis-server >/dev/null || { echo "redis.sh: redis-server is not installed (apt install redis-server)" >&2; exit 1; }
    stop # a run that was killed outright may have left its redis-server behind
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    : >"$dir/redis.log"
    redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --protected-mode yes \
      --dir "$dir" --logfile "$dir/redis.log" --daemonize no </dev/null >/dev/null 2>&1 &
    pid=$!
    echo "$pid" >"$dir/redis.bgpid"
    deadline=$((SECONDS + ${REDIS_READY_SECONDS:-20}))
    until redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; do
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "redis.sh: redis-server exited during start-up:" >&2
        tail -n 5 "$dir/redis.log" >&2 || true
        rm -f "$dir/redis.bgpid"
        exit 1
      fi
      if [ "$SECONDS" -ge "$deadline" ]; then
        echo "redis.sh: redis-server did not answer on 127.0.0.1:$port within ${REDIS_READY_SECONDS:-20} s" >&2
        stop
        exit 1
      fi
      sleep 0.1
    done
    echo "127.0.0.1:$port"
    ;;
  stop)
    stop
    ;;
  *) echo "usage: redis.sh start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
