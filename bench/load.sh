#!/usr/bin/env bash
# shellcheck disable=SC2317 # false positive in shellcheck 0.9: functions called from traps look unreachable
# Load on the real server (issue 21, item 4): uploads, scans, API reads and signed downloads at once, for a given time,
# with wrk, on loopback. A benchmark, not a test: test.sh does not run it.
#
#   1. installs wrk (apt, when root and missing), builds the server and bench/LoadBench (Release);
#   2. starts clamd (eng/scripts/clamd.sh, the bundled signatures) unless --no-clamd, PostgreSQL (eng/scripts/pg.sh)
#      with --postgres, and the real Gatehouse server (web and worker in one process, SQLite by default) on 127.0.0.1 and
#      free ports, everything in a temp folder;
#   3. seeds a vendor organisation of the bootstrap admin with a published version of a downloadable app (bench/LoadBench:
#      the lifecycle through the API would need an independent reviewer with two-factor sign-in, as bench/download.sh
#      explains) and a token; then through the API: drafts to upload to, signed download URLs (one per customer, 32);
#   4. a warm-up of WARMUP seconds (default 10: JIT, pools, caches), then the measured run, four wrk processes at once:
#        uploads    PUT /api/apps/{app}/versions/{v}/artifact, 64 KiB zips that all differ, one draft per connection
#        scans      POST /api/orgs/{org}/scans, small zips, paced (SCAN_GAP_MS per connection): each runs the engine
#        reads      GET /api/me, /api/apps/{app}, /api/apps/{app}/versions, /api/apps/{app}/versions/1.0.0, with a token
#        downloads  GET /dl/... of the signed URLs in turn (a 256 KiB file), every one recorded and audited
#                   (Downloads:CountWindow=0, as if every request came from another customer)
#      and samples VmRSS and VmHWM of the server and clamd every SAMPLE_SECONDS (default 3) from /proc;
#   5. waits for the queued scans to finish (at most 2 minutes), then prints per kind throughput, p50/p99, errors (socket
#      errors, timeouts, every non-2xx answer) and 5xx; per process the memory samples, first- and last-quarter averages,
#      slope and peak (VmHWM); and a last line with the targets: 0 errors, 0 5xx, memory flat (the last quarter's
#      average RSS within 10% of the first's).
# The rate limit of /dl/ (per client address) is raised: every request here comes from 127.0.0.1. wrk, the server and
# clamd share the machine's CPUs. Everything binds 127.0.0.1 only; the processes and the temp folder are removed on exit.
#
# usage: bench/load.sh [SECONDS] [--postgres] [--no-clamd]     SECONDS: the measured run, default 60
#   env: WARMUP (s, default 10), SAMPLE_SECONDS (default 3), UPLOADERS (connections, default 2), READERS (default 4),
#        DOWNLOADERS (default 4), SCANNERS (default 1), SCAN_GAP_MS (default 250)
# Needs: the .NET SDK, curl, python3, wrk (installed when root and missing); clamav-daemon unless --no-clamd;
# the PostgreSQL server binaries with --postgres.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
duration=60
database=sqlite
clamd=1
for arg in "$@"; do
  case "$arg" in
    --postgres) database=postgres ;;
    --no-clamd) clamd=0 ;;
    '' | *[!0-9]*) echo "usage: bench/load.sh [SECONDS] [--postgres] [--no-clamd]" >&2; exit 2 ;;
    *) duration=$arg ;;
  esac
done
warmup=${WARMUP:-10}
sample_seconds=${SAMPLE_SECONDS:-3}
uploaders=${UPLOADERS:-2}
readers=${READERS:-4}
downloaders=${DOWNLOADERS:-4}
scanners=${SCANNERS:-1}
scan_gap_ms=${SCAN_GAP_MS:-250}
for v in "$duration" "$warmup" "$sample_seconds" "$uploaders" "$readers" "$downloaders" "$scanners" "$scan_gap_ms"; do
  case "$v" in '' | *[!0-9]*) echo "bench: durations, counts and gaps must be whole numbers" >&2; exit 2 ;; esac
done
[ "$duration" -ge 10 ] || { echo "bench: the run must last at least 10 s" >&2; exit 2; }

# shellcheck source=eng/scripts/prereqs.sh
. "$repo/eng/scripts/prereqs.sh"
need_package wrk command -v wrk
need_package curl command -v curl
need_package python3 command -v python3
[ "$clamd" = 0 ] || need_package clamav-daemon command -v clamd
[ "$database" = sqlite ] || need_package postgresql have_pg_binaries
install_needed_packages

work=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-load.XXXXXX")
server_pid=""
sampler_pid=""
clamd_dir=""
pg_dir=""
# shellcheck source=../eng/scripts/bgproc.sh
. "$repo/eng/scripts/bgproc.sh"
stop() { bg_stop_pid "$1" 50; } # pid: SIGTERM, 5 s, then SIGKILL
cleanup() {
  stop "$sampler_pid"
  stop "$server_pid"
  [ -z "$clamd_dir" ] || "$repo/eng/scripts/clamd.sh" stop "$clamd_dir" >/dev/null 2>&1 || true
  [ -z "$pg_dir" ] || "$repo/eng/scripts/pg.sh" stop "$pg_dir" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf 'bench: %s\n' "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
say "load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

# ---- 1. build ------------------------------------------------------------------------------------
say "building (Release): the server and bench/LoadBench"
for project in src/Gatehouse.Server bench/LoadBench; do
  if ! dotnet build "$repo/$project" -c Release -nologo -v:quiet -tl:off -clp:ErrorsOnly >"$work/build.log" 2>&1; then
    cat "$work/build.log" >&2
    say "the build of $project failed"
    exit 1
  fi
done
outdir="$repo/src/Gatehouse.Server/bin/Release/net10.0"
seeder=(dotnet "$repo/bench/LoadBench/bin/Release/net10.0/LoadBench.dll")

# ---- 2. engines, database, server ----------------------------------------------------------------
mkdir -p "$work/data" "$work/files"
server_env=(ASPNETCORE_ENVIRONMENT=Development GATEHOUSE_DATA="$work/data" GATEHOUSE_ADMIN_PASSWORD="load-admin-password-$RANDOM$RANDOM"
  Gatehouse__Roles=web,worker Downloads__RateLimitPerMinute=100000000 Downloads__CountWindow=00:00:00
  Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.AspNetCore=Warning)
if [ "$clamd" = 1 ]; then
  clamd_dir="$work/clamd"
  say "starting clamd"
  endpoint=$("$repo/eng/scripts/clamd.sh" start "$clamd_dir" "$(free_port)")
  server_env+=(Scanning__ClamdEndpoint="$endpoint")
fi
connection=""
if [ "$database" = postgres ]; then
  pg_dir="$work/pg"
  # As root, pg.sh runs PostgreSQL as 'postgres', which must be able to enter the folder (mktemp made it 700).
  [ "$(id -u)" = 0 ] && chmod 711 "$work"
  say "starting PostgreSQL"
  connection=$("$repo/eng/scripts/pg.sh" start "$pg_dir" "$(free_port)")
  server_env+=(Database__Provider=Postgres Database__ConnectionString="$connection")
fi
port=$(free_port)
base="http://127.0.0.1:$port"
say "starting Gatehouse on $base ($database)"
env "${server_env[@]}" dotnet "$outdir/Gatehouse.Server.dll" --contentRoot "$outdir" --urls "$base" </dev/null >"$work/server.log" 2>&1 &
server_pid=$!
deadline=$((SECONDS + 300))
until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/healthz" || true)" = 200 ]; do
  if ! kill -0 "$server_pid" 2>/dev/null; then say "the server exited during start-up:"; tail -n 30 "$work/server.log" >&2; exit 1; fi
  if [ "$SECONDS" -ge "$deadline" ]; then say "the server was not up within 300 s:"; tail -n 30 "$work/server.log" >&2; exit 1; fi
  sleep 0.5
done

# ---- 3. seed ---------------------------------------------------------------------------------------
say "making the files: a 256 KiB download, 64 KiB uploads, small scan samples"
python3 - "$work/files" <<'EOF'
import io, os, sys, zipfile
out = sys.argv[1]
def app(path, name, payload):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("README.md", f"# Load app {name}\nSynchronises calendars.\n")
        z.writestr("lib/sync.js", "export function sync(a, b) { return a.concat(b).sort(); }\n")
        z.writestr(zipfile.ZipInfo("assets/data.bin"), payload, compress_type=zipfile.ZIP_STORED)
    with open(path, "wb") as f:
        f.write(buf.getvalue())
app(os.path.join(out, "download.zip"), "download", os.urandom(256 * 1024))
for i in range(1, 33):
    app(os.path.join(out, f"upload-{i}"), f"upload {i}", os.urandom(64 * 1024))
    app(os.path.join(out, f"scan-{i}"), f"scan {i}", os.urandom(2 * 1024))
EOF
say "seeding a published version and a token (bench/LoadBench)"
read -r token org < <("${seeder[@]}" seed "$database" "$work/data" "${connection:-none}" "$work/files/download.zip" load-app)
api() { # method path [json body] -> body; fails unless 2xx
  curl -sS --fail-with-body -X "$1" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' ${3:+-d "$3"} "$base$2"
}
: >"$work/files/drafts"
for i in $(seq "$uploaders"); do
  api POST /api/apps/load-app/versions "{\"version\": \"2.0.$i\"}" >/dev/null
  echo "/api/apps/load-app/versions/2.0.$i" >>"$work/files/drafts"
done
: >"$work/files/urls"
for _ in $(seq 32); do
  api POST /api/apps/load-app/versions/1.0.0/download-url '{"lifetimeMinutes": 240}' >>"$work/files/issued"
  echo >>"$work/files/issued"
done
# One python for all of them (python3 may be a slow shim): the URLs' paths with their queries.
python3 -c 'import json, sys, urllib.parse
for line in open(sys.argv[1]):
    if line.strip():
        u = urllib.parse.urlsplit(json.loads(line)["url"])
        print(u.path + "?" + u.query)' "$work/files/issued" >"$work/files/urls"
printf '%s\n' /api/me /api/apps/load-app /api/apps/load-app/versions /api/apps/load-app/versions/1.0.0 "/api/orgs/$org/apps" >"$work/files/reads"
# One of each through curl first: a wrong seed fails here, not as 60 s of errors.
api GET /api/apps/load-app/versions/1.0.0 >/dev/null
curl -sS --fail-with-body -o /dev/null "$base$(head -n 1 "$work/files/urls")"

# ---- 4. warm-up and the measured run -------------------------------------------------------------
export LOAD_LUA="$repo/bench/load" LOAD_DIR="$work/files" LOAD_TOKEN="$token" LOAD_SCANS="/api/orgs/$org/scans" LOAD_SCAN_GAP_MS="$scan_gap_ms"
KINDS=(uploads scans reads downloads)
run_mix() { # seconds result-dir
  local secs=$1 dir=$2 pids=() kind conns
  mkdir -p "$dir"
  for kind in "${KINDS[@]}"; do
    case "$kind" in
      uploads) conns=$uploaders ;; scans) conns=$scanners ;; reads) conns=$readers ;; downloads) conns=$downloaders ;;
    esac
    # Uploads: a thread per connection (each thread has its own draft); the others: one thread is plenty on loopback.
    local threads=1
    [ "$kind" != uploads ] || threads=$conns
    LOAD_KIND=$kind LOAD_OUT="$dir/$kind.json" wrk -t "$threads" -c "$conns" -d "${secs}s" --timeout 30s \
      -s "$repo/bench/load/$kind.lua" "$base" >"$dir/$kind.txt" 2>&1 &
    pids+=($!)
  done
  local failed=0 pid
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  return $failed
}
mem_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
sample() {
  local start=$SECONDS name pid clamd_pid
  clamd_pid=$(cat "$clamd_dir/clamd.bgpid" 2>/dev/null || true)
  while :; do
    for name in server clamd; do
      pid=$server_pid
      [ "$name" = server ] || pid=$clamd_pid
      [ -n "$pid" ] && [ -r "/proc/$pid/status" ] || continue
      echo "$((SECONDS - start)) $name $(mem_kb "$pid" VmRSS) $(mem_kb "$pid" VmHWM)"
    done
    sleep "$sample_seconds"
  done
}
if [ "$warmup" -gt 0 ]; then
  say "warm-up: the same mix for $warmup s"
  run_mix "$warmup" "$work/warmup" || say "wrk failed in the warm-up (see below)"
fi
say "measured run: $duration s (uploaders $uploaders, scanners $scanners every $scan_gap_ms ms, readers $readers, downloaders $downloaders)"
mkdir -p "$work/run"
sample >"$work/run/memory.tsv" &
sampler_pid=$!
run_start=$SECONDS
run_mix "$duration" "$work/run" || say "a wrk process failed"
stop "$sampler_pid"
sampler_pid=""
for kind in "${KINDS[@]}"; do [ -s "$work/run/$kind.json" ] || { say "wrk $kind:"; cat "$work/run/$kind.txt" >&2; }; done

# ---- 5. the scans' queue, and the report ----------------------------------------------------------
say "waiting for the queued scans to finish (at most 120 s)"
drain_start=$SECONDS
pending=""
while [ $((SECONDS - drain_start)) -lt 120 ]; do
  pending=$(api GET "/api/orgs/$org/scans" | python3 -c 'import json, sys; print(sum(1 for s in json.load(sys.stdin) if s["state"] not in ("done", "failed")))')
  [ "$pending" != 0 ] || break
  sleep 1
done
states=$(api GET "/api/orgs/$org/scans" | python3 -c 'import collections, json, sys
rows = json.load(sys.stdin)
print(", ".join(f"{k} {v}" for k, v in sorted(collections.Counter((s["state"], s.get("verdict")) for s in rows).items(), key=str)))')
scans_line="scans (the newest 500): $states; $pending still queued or running $((SECONDS - drain_start)) s after the run"
server_alive="server still running after the run"
kill -0 "$server_pid" 2>/dev/null || server_alive="server DIED during the run"
disk=$(du -sh "$work/data" | cut -f1)
echo
echo "load: $duration s measured after a $warmup s warm-up, $database, clamd $([ "$clamd" = 1 ] && echo on || echo off), load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
python3 "$repo/bench/load/report.py" "$work/run" "${KINDS[@]}" -- \
  "$scans_line" "$server_alive; data folder $disk; server errors logged: $(grep -c -E '^(fail|crit):' "$work/server.log" || true)" \
  < /dev/null || status=$?
# What the server logged as errors: the category and first line of each, counted (the whole log goes with the temp folder).
if grep -q -E '^(fail|crit):' "$work/server.log"; then
  echo "server errors by kind (category: first line):"
  grep -A1 -E '^(fail|crit):' "$work/server.log" | grep -v '^--$' | paste - - | sed -E 's/[[:space:]]+/ /g' | sort | uniq -c | sort -rn | head -10
fi
exit "${status:-0}"
