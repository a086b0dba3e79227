#!/usr/bin/env bash
# shellcheck disable=SC2317 # false positive in shellcheck 0.9: functions called from traps look unreachable
# Several Gatehouse instances working together, and what survives a crash (issue 21, item 2). A benchmark, not a test:
# test.sh does not run it (it takes minutes). docs/scale-out.md describes the topology and the last measured result.
#
#   1. installs what it needs (apt as root: postgresql, redis-server, clamav-daemon, the scan engines' libraries,
#      nodejs/npm, python3-yaml, haproxy, openssl; npm ci of s3rver in tests/tools/s3), checks that deploy/compose.yaml
#      parses and that HAProxy accepts deploy/haproxy/haproxy.cfg, and builds the server and bench/ClusterBench (Release);
#   2. starts on 127.0.0.1 and free ports: a throw-away PostgreSQL (eng/scripts/pg.sh, database `gatehouse`), s3rver
#      (eng/scripts/s3.sh, bucket gatehouse-cluster), redis-server (eng/scripts/redis.sh) and clamd (eng/scripts/clamd.sh);
#   3. starts the real server four times (dotnet src/Gatehouse.Server/bin/Release/net10.0/Gatehouse.Server.dll, settings
#      in environment variables): web-1 and web-2 (Gatehouse:Roles=web), worker-1 and worker-2 (Gatehouse:Roles=worker),
#      each with its own data directory, all on the same PostgreSQL (data and Hangfire), bucket, Redis and token key.
#      As root each runs in a UTS namespace of its own with its own host name (unshare --uts), so the four behave as four
#      machines: a worker does not recognise another's dead process and must wait for its lease to lapse;
#   4. runs the driver (bench/ClusterBench): it seeds a vendor, a reviewer and tokens, pushes SUBMISSIONS submissions
#      through both web instances, asks this script (files in a control folder) to SIGKILL the worker that runs a scan
#      and then to restart web-2 (SIGTERM, start again), waits until every version has its final verdict and checks:
#      final verdict exactly once, no blob lost or duplicated, the audit chain, rate limits across instances;
#   5. stops everything it started, also on failure or Ctrl+C, and removes its folder (KEEP=1 keeps it, with the logs).
# Its last lines are the driver's: the take-over and restart times, the rate-limit line, then
#   cluster: N submissions, N final exactly once, L lost, D duplicated, audit chain ok|BROKEN
# Exit status 0 only when everything held.
#
# usage: bench/cluster.sh    env: SUBMISSIONS (200), CONCURRENCY (24 submissions in flight), LEASE (00:00:30),
#                                 HEARTBEAT (00:00:10), RECONCILE (00:00:10), WORKER_COUNT (2 jobs per worker),
#                                 RATE_BURST (40), WAIT_SECONDS (900), KEEP (0)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
submissions=${SUBMISSIONS:-200}
concurrency=${CONCURRENCY:-24}
lease=${LEASE:-00:00:30}
heartbeat=${HEARTBEAT:-00:00:10}
reconcile=${RECONCILE:-00:00:10}
worker_count=${WORKER_COUNT:-2}
rate_burst=${RATE_BURST:-40}
wait_seconds=${WAIT_SECONDS:-900}
for v in "$submissions" "$concurrency" "$worker_count" "$rate_burst" "$wait_seconds"; do
  case "$v" in '' | *[!0-9]*) echo "cluster: SUBMISSIONS, CONCURRENCY, WORKER_COUNT, RATE_BURST and WAIT_SECONDS must be whole numbers" >&2; exit 2 ;; esac
done

say() { printf 'cluster: %s\n' "$*" >&2; }

# ---- 1. prerequisites and build ---------------------------------------------------------------------
# shellcheck source=eng/scripts/prereqs.sh
. "$repo/eng/scripts/prereqs.sh"
require_dotnet
need_package postgresql have_pg_binaries
need_package redis-server command -v redis-server
need_package clamav-daemon command -v clamd
for pkg in yara libyara9 file libmagic1 libmagic-mgc; do need_package "$pkg"; done
need_package nodejs command -v node
need_package npm command -v npm
need_package curl command -v curl
need_package python3-yaml python3 -c 'import yaml'
need_package haproxy command -v haproxy
need_package openssl command -v openssl
install_needed_packages

# The deployment files are not run here (no containers on this machine); at least they must parse.
python3 - "$repo/deploy/compose.yaml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
assert isinstance(doc.get("services"), dict) and doc["services"], "compose.yaml has no services"
PY

work=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-cluster.XXXXXX")
# As root, pg.sh runs PostgreSQL as 'postgres', which must be able to enter the folder.
if is_root; then chmod 711 "$work"; fi
mkdir -p "$work/pids" "$work/ctl" "$work/logs" "$work/haproxy"
# HAProxy's configuration must be valid too, with a throw-away certificate in place of the deployment's (the web
# service's name resolves only inside compose: HAProxy warns about it and starts anyway).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost -days 1 \
  -keyout "$work/haproxy/key.pem" -out "$work/haproxy/cert.pem" 2>/dev/null
cat "$work/haproxy/cert.pem" "$work/haproxy/key.pem" >"$work/haproxy/gatehouse.pem"
sed "s#/usr/local/etc/haproxy/certs/gatehouse.pem#$work/haproxy/gatehouse.pem#" deploy/haproxy/haproxy.cfg >"$work/haproxy/haproxy.cfg"
haproxy -c -q -f "$work/haproxy/haproxy.cfg" || { say "deploy/haproxy/haproxy.cfg is not valid"; exit 1; }
watcher_pid=""
pg_started=0
s3_started=0
redis_started=0
clamd_started=0
status_file="$work/status"

stop_pid() { # pid
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM HUP
  [ -n "$watcher_pid" ] && kill "$watcher_pid" 2>/dev/null || true
  for f in "$work"/pids/*.pid; do [ -f "$f" ] && stop_pid "$(cat "$f")"; done
  # The servers' last lines when the run broke down (1 is the driver's "a check failed": its lines say which).
  if [ "$status" != 0 ] && [ "$status" != 1 ]; then
    for f in "$work"/logs/*.log; do
      [ -f "$f" ] || continue
      say "last lines of $(basename "$f"):"
      tail -n 15 "$f" >&2
    done
  fi
  [ "$clamd_started" = 1 ] && { eng/scripts/clamd.sh stop "$work/clamd" || true; }
  [ "$redis_started" = 1 ] && { eng/scripts/redis.sh stop "$work/redis" || true; }
  [ "$s3_started" = 1 ] && { eng/scripts/s3.sh stop "$work/s3" || true; }
  [ "$pg_started" = 1 ] && { eng/scripts/pg.sh stop "$work/pg" || true; }
  if [ "${KEEP:-0}" = 1 ]; then say "kept $work (servers' output in logs/)"; else rm -rf "$work"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

say "building (Release): the server and bench/ClusterBench"
if ! dotnet build bench/ClusterBench -c Release -nologo -v:quiet -tl:off -clp:ErrorsOnly >"$work/logs/build.log" 2>&1; then
  cat "$work/logs/build.log" >&2
  say "the build failed"
  exit 1
fi
server_dll="$repo/src/Gatehouse.Server/bin/Release/net10.0/Gatehouse.Server.dll"
driver_dll="$repo/bench/ClusterBench/bin/Release/net10.0/ClusterBench.dll"
say "installing s3rver (npm ci)"
npm ci --prefix tests/tools/s3 --no-audit --no-fund --loglevel=error >/dev/null

# ---- 2. PostgreSQL, s3rver, Redis, clamd --------------------------------------------------------------
pg_started=1
pg=$(eng/scripts/pg.sh start "$work/pg" "$(free_port)")
pg_host_port=$(printf '%s' "$pg" | sed -E 's/.*Port=([0-9]+).*/\1/')
psql -h 127.0.0.1 -p "$pg_host_port" -U postgres -d postgres -qc 'CREATE DATABASE gatehouse' >/dev/null
# Four processes, each with an EF Core pool and Hangfire's connections, on a server with max_connections=200.
database="Host=127.0.0.1;Port=$pg_host_port;Username=postgres;Database=gatehouse;Maximum Pool Size=40"
say "PostgreSQL on 127.0.0.1:$pg_host_port"
s3_started=1
bucket=gatehouse-cluster
s3=$(S3_BUCKET=$bucket eng/scripts/s3.sh start "$work/s3" "$(free_port)")
say "s3rver on $s3, bucket $bucket"
redis_started=1
redis=$(eng/scripts/redis.sh start "$work/redis" "$(free_port)")
say "redis-server on $redis"
clamd_started=1
clamd=$(eng/scripts/clamd.sh start "$work/clamd" "$(free_port)")
say "clamd on $clamd"

# ---- 3. two web instances and two workers -------------------------------------------------------------
token_key=$(head -c 32 /dev/urandom | base64)
admin_email=admin@cluster.test
admin_password="cluster-admin-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

# start_instance NAME ROLE PORT: the real server in the background, its pid in pids/NAME.pid, its output in logs/NAME.log.
start_instance() {
  local name=$1 role=$2 port=$3 data="$work/$1"
  mkdir -p "$data/tmp"
  local -a cmd=(dotnet "$server_dll")
  # A host name of its own per instance (as root): the instances then are four machines to each other.
  if is_root && command -v unshare >/dev/null; then
    cmd=(unshare --uts sh -c 'hostname "$0" && exec "$@"' "gh-$name" dotnet "$server_dll")
  fi
  env ASPNETCORE_ENVIRONMENT=Testing ASPNETCORE_URLS="http://127.0.0.1:$port" TMPDIR="$data/tmp" \
    DOTNET_gcServer=0 DOTNET_TieredPGO=0 \
    Gatehouse__Roles="$role" Gatehouse__DataDirectory="$data" \
    Gatehouse__BootstrapAdminEmail="$admin_email" Gatehouse__BootstrapAdminPassword="$admin_password" \
    Gatehouse__Secrets__TokenKey="$token_key" \
    Database__Provider=Postgres Database__ConnectionString="$database" \
    Blobs__Backend=s3 Blobs__S3__ServiceUrl="$s3" Blobs__S3__Bucket="$bucket" Blobs__S3__AccessKey=S3RVER Blobs__S3__SecretKey=S3RVER \
    Redis__Configuration="$redis" \
    Scanning__ClamdEndpoint="$clamd" \
    Jobs__WorkerCount="$worker_count" Jobs__Lease="$lease" Jobs__Heartbeat="$heartbeat" Jobs__ReconcileInterval="$reconcile" \
    Jobs__AuditVerifyInterval=00:00:00 Jobs__EvidenceExpiryInterval=00:00:00 Jobs__BlobRetentionInterval=00:00:00 \
    Gateway__RateLimits__Default__PerApp__Burst="$rate_burst" Gateway__RateLimits__Default__PerApp__PerSecond=1 \
    Gateway__RateLimits__Default__PerInstallation__Burst=1000000 Gateway__RateLimits__Default__PerInstallation__PerSecond=1000000 \
    Logging__LogLevel__Default=Warning \
    "${cmd[@]}" </dev/null >>"$work/logs/$name.log" 2>&1 &
  echo $! >"$work/pids/$name.pid"
  echo "$port" >"$work/$name.port"
}

# wait_ready NAME: until /readyz answers 200 (every dependency works), at most 180 s.
wait_ready() {
  local name=$1 port pid deadline=$((SECONDS + 180))
  port=$(cat "$work/$name.port")
  pid=$(cat "$work/pids/$name.pid")
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/readyz" || true)" = 200 ]; do
    if ! kill -0 "$pid" 2>/dev/null; then say "$name exited during start-up"; return 1; fi
    if [ "$SECONDS" -ge "$deadline" ]; then say "$name was not ready within 180 s"; return 1; fi
    sleep 0.3
  done
}

# web-1 first: it applies the migrations; the others then start on a current schema.
start_instance web-1 web "$(free_port)"
wait_ready web-1
for w in web-2:web worker-1:worker worker-2:worker; do start_instance "${w%%:*}" "${w##*:}" "$(free_port)"; done
for n in web-2 worker-1 worker-2; do wait_ready "$n"; done
say "ready: $(for n in web-1 web-2 worker-1 worker-2; do printf '%s pid %s on :%s  ' "$n" "$(cat "$work/pids/$n.pid")" "$(cat "$work/$n.port")"; done)"

# ---- the process part of the driver's disruptions: ctl/NAME.req -> ctl/NAME.done ------------------------
answer() { # name text
  printf '%s\n' "$2" >"$work/ctl/$1.tmp"
  mv "$work/ctl/$1.tmp" "$work/ctl/$1"
}
watch_requests() {
  while :; do
    if [ -f "$work/ctl/kill-worker.req" ]; then
      local pid victim="" n
      pid=$(tr -d ' \n' <"$work/ctl/kill-worker.req")
      rm -f "$work/ctl/kill-worker.req"
      for n in worker-1 worker-2; do [ "$(cat "$work/pids/$n.pid")" = "$pid" ] && victim=$n; done
      if [ -z "$victim" ]; then
        answer kill-worker.failed "pid $pid is not one of the workers"
      else
        kill -9 "$pid" 2>/dev/null || true # the driver may have killed it already
        say "SIGKILL $victim (pid $pid)"
        answer kill-worker.done "killed $victim (pid $pid)"
      fi
    fi
    if [ -f "$work/ctl/restart-web.req" ]; then
      local name start pid
      name="web-$(tr -d ' \n' <"$work/ctl/restart-web.req")"
      rm -f "$work/ctl/restart-web.req"
      start=$SECONDS
      pid=$(cat "$work/pids/$name.pid")
      say "restarting $name (SIGTERM pid $pid)"
      stop_pid "$pid"
      start_instance "$name" web "$(cat "$work/$name.port")"
      if wait_ready "$name"; then
        answer restart-web.done "$name down for $((SECONDS - start)) s (stop, start, ready), now pid $(cat "$work/pids/$name.pid")"
      else
        answer restart-web.failed "$name did not come back"
      fi
    fi
    sleep 0.1
  done
}
watch_requests &
watcher_pid=$!

# ---- 4. the driver --------------------------------------------------------------------------------------
web_urls="http://127.0.0.1:$(cat "$work/web-1.port")/,http://127.0.0.1:$(cat "$work/web-2.port")/"
set +e
dotnet "$driver_dll" --web "$web_urls" --db "$database" --s3 "$s3" --bucket "$bucket" --s3-key S3RVER --s3-secret S3RVER \
  --token-key "$token_key" --admin-email "$admin_email" --ctl "$work/ctl" --submissions "$submissions" \
  --concurrency "$concurrency" --wait-seconds "$wait_seconds" --rate-burst "$rate_burst" --rate-per-second 1
driver_status=$?
set -e
echo "$driver_status" >"$status_file"
exit "$driver_status"
