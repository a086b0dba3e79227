#!/usr/bin/env bash
# Throw-away S3-compatible server (s3rver, from tests/tools/s3) for the S3 blob-store tests.
#   eng/scripts/s3.sh start DIR PORT   -> prints the service URL (http://127.0.0.1:PORT) on stdout once
#                                        s3rver listens; bucket gatehouse-test exists, keys S3RVER / S3RVER
#   eng/scripts/s3.sh stop DIR         -> stops the s3rver started for DIR (no-op when none runs)
# Binds to 127.0.0.1 only. DIR holds data/ (the objects), s3rver.log and s3rver.bgpid. s3rver does NOT check
# request signatures (docs/storage.md): it proves storage and URL shape, never that tampering is refused.
# Needs `npm ci --prefix tests/tools/s3` first (test.sh does it).
# Environment: S3_BUCKET (default gatehouse-test), S3_READY_SECONDS (default 30).
set -euo pipefail
cmd=${1:?usage: s3.sh start DIR PORT | stop DIR}
dir=${2:?usage: s3.sh start DIR PORT | stop DIR}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=$repo/tests/tools/s3/node_modules/.bin/s3rver

. "$(dirname "${BASH_SOURCE[0]}")/bgproc.sh"
# Stops the s3rver we started for DIR, if it still runs.
stop() { bg_stop "$dir/s3rver.bgpid" s3rver; }

case "$cmd" in
  start)
    port=${3:?usage: s3.sh start DIR PORT}
    bucket=${S3_BUCKET:-gatehouse-test}
    [ -x "$bin" ] || { echo "s3.sh: s3rver not installed (npm ci --prefix tests/tools/s3)" >&2; exit 1; }
    stop # a run that was killed outright may have left its s3rver behind
    mkdir -p "$dir/data"
    dir=$(cd "$dir" && pwd)
    : >"$dir/s3rver.log"
    # In the background, detached from the caller's stdin/stdout so that $(...) does not wait for it.
    "$bin" -d "$dir/data" -a 127.0.0.1 -p "$port" --configure-bucket "$bucket" </dev/null >"$dir/s3rver.log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/s3rver.bgpid"
    deadline=$((SECONDS + ${S3_READY_SECONDS:-30}))
    # s3rver prints this line once the socket listens and the bucket exists (about 1 s).
    until grep -q "listening on 127.0.0.1:$port" "$dir/s3rver.log" 2>/dev/null; do
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "s3.sh: s3rver exited during start-up:" >&2
        tail -n 5 "$dir/s3rver.log" >&2 || true
        rm -f "$dir/s3rver.bgpid"
        exit 1
      fi
      if [ "$SECONDS" -ge "$deadline" ]; then
        echo "s3.sh: s3rver did not listen on 127.0.0.1:$port within ${S3_READY_SECONDS:-30} s" >&2
        stop
        exit 1
      fi
      sleep 0.1
    done
    echo "http://127.0.0.1:$port"
    ;;
  stop)
    stop
    ;;
  *) echo "usage: s3.sh start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
