#!/usr/bin/env bash
# shellcheck disable=SC2317 # false positive in shellcheck 0.9: functions called from traps look unreachable
# The gateway's overhead (issue #20, item 7): the same upstream endpoint loaded directly and through Gatehouse's gateway
# (API key authentication + metering + platform rate limits + identity headers and their signature + YARP proxying), in
# one run, with wrk. A benchmark, not a test: test.sh does not run it.
#
#   1. builds (Release) the server and bench/GatewayBench (the upstream and the seeding driver; not in Gatehouse.slnx);
#   2. starts the upstream on 127.0.0.1 and a free port: GET /echo answers 12 bytes with no work (the raw proxy cost, a
#      worst case for the ratio) and GET /work waits about 1 ms (as for a database query) and answers a 2 KB JSON list
#      (a realistic platform endpoint);
#   3. starts the real Gatehouse server (dotnet of the built dll, SQLite in a temp folder, 127.0.0.1, Environment
#      Development) with one gateway route /gw/{**rest} -> the upstream (scope projects.read for GET, a signing key),
#      and rate limits far above what wrk can send, so none of the calls is throttled (the limiter still runs on each);
#   4. seeds a live web integration installed in the demo tenant (GatewayBench seed) and creates its API key the real
#      way (POST /api/apps/bench-gw/api-keys); checks one call each way answers 200;
#   5. for each endpoint: a warm-up of each (JIT, connection pools), then wrk on the upstream directly and through the
#      gateway, with the same threads, connections and duration, and prints req/s and p99 of each;
#   6. ends with the ratio gateway / direct (req/s) and the p99 overhead (gateway p99 - direct p99) of ENDPOINT.
# wrk, the gateway and the upstream share the machine's CPUs; on a small machine wrk's own CPU use lowers both sides.
# Everything binds 127.0.0.1 only; the servers and the temp folder are removed on exit.
#
# usage: bench/gateway-overhead.sh    env: DURATION (s, default 15), CONNECTIONS (default 32), THREADS (default 2),
#                                          ENDPOINT (the one of the last two lines: work or echo, default work)
# Needs: the .NET SDK, curl, python3, wrk (apt package wrk: installed when root and missing).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
duration=${DURATION:-15}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}
endpoint=${ENDPOINT:-work}
case "$endpoint" in work | echo) ;; *) echo "bench: ENDPOINT must be work or echo" >&2; exit 2 ;; esac
for v in "$duration" "$connections" "$threads"; do
  case "$v" in '' | *[!0-9]*) echo "bench: DURATION, CONNECTIONS and THREADS must be whole numbers" >&2; exit 2 ;; esac
done

# shellcheck source=eng/scripts/prereqs.sh
. "$repo/eng/scripts/prereqs.sh"
need_package wrk command -v wrk
need_package curl command -v curl
need_package python3 command -v python3
install_needed_packages

work=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-gwbench.XXXXXX")
server_pid=""
upstream_pid=""
# shellcheck source=../eng/scripts/bgproc.sh
. "$repo/eng/scripts/bgproc.sh"
stop() { bg_stop_pid "$1" 50; } # pid: SIGTERM, 5 s, then SIGKILL
cleanup() {
  stop "$server_pid"
  stop "$upstream_pid"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf 'bench: %s\n' "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
say "load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

# ---- 1. build ------------------------------------------------------------------------------------
say "building (Release): the server and bench/GatewayBench"
if ! dotnet build "$repo/bench/GatewayBench" -c Release -nologo -v:quiet -tl:off -clp:ErrorsOnly >"$work/build.log" 2>&1; then
  cat "$work/build.log" >&2
  say "the build failed"
  exit 1
fi
outdir="$repo/src/Gatehouse.Server/bin/Release/net10.0"
bench=("dotnet" "$repo/bench/GatewayBench/bin/Release/net10.0/GatewayBench.dll")

# ---- 2. the upstream -----------------------------------------------------------------------------
"${bench[@]}" upstream "$work/upstream.port" </dev/null >"$work/upstream.log" 2>&1 &
upstream_pid=$!
deadline=$((SECONDS + 60))
until [ -s "$work/upstream.port" ]; do
  if ! kill -0 "$upstream_pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then say "the upstream did not start:"; cat "$work/upstream.log" >&2; exit 1; fi
  sleep 0.2
done
upstream="http://127.0.0.1:$(cat "$work/upstream.port")"

# ---- 3. Gatehouse with the gateway ---------------------------------------------------------------
port=$(free_port)
base="http://127.0.0.1:$port"
say "starting Gatehouse on $base, gateway /gw -> $upstream"
mkdir -p "$work/data"
g=--Gateway:ReverseProxy
env ASPNETCORE_ENVIRONMENT=Development GATEHOUSE_DATA="$work/data" GATEHOUSE_ADMIN_PASSWORD="bench-admin-password-$RANDOM$RANDOM" \
  Gatehouse__Roles=web Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.AspNetCore=Warning \
  dotnet "$outdir/Gatehouse.Server.dll" --contentRoot "$outdir" --urls "$base" \
  "$g:Routes:bench:ClusterId=upstream" "$g:Routes:bench:Match:Path=/gw/{**rest}" \
  "$g:Routes:bench:Metadata:Gatehouse.Scope.GET=projects.read" "$g:Routes:bench:Transforms:0:PathRemovePrefix=/gw" \
  "$g:Clusters:upstream:Destinations:one:Address=$upstream/" \
  "--Gateway:SigningKeys:upstream=$(python3 -c 'import secrets; print(secrets.token_hex(32))')" \
  --Gateway:RateLimits:Default:PerApp:Burst=1000000000 --Gateway:RateLimits:Default:PerApp:PerSecond=1000000000 \
  --Gateway:RateLimits:Default:PerInstallation:Burst=1000000000 --Gateway:RateLimits:Default:PerInstallation:PerSecond=1000000000 \
  </dev/null >"$work/server.log" 2>&1 &
server_pid=$!
deadline=$((SECONDS + 180))
until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/healthz" || true)" = 200 ]; do
  if ! kill -0 "$server_pid" 2>/dev/null; then say "the server exited during start-up:"; tail -n 30 "$work/server.log" >&2; exit 1; fi
  if [ "$SECONDS" -ge "$deadline" ]; then say "the server was not up within 180 s:"; tail -n 30 "$work/server.log" >&2; exit 1; fi
  sleep 0.5
done

# ---- 4. an app, its API key ----------------------------------------------------------------------
token=$("${bench[@]}" seed "$work/data" bench-gw)
created=$(curl -sS --fail-with-body -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"name": "bench", "scopes": ["projects.read"], "tenantId": "7e1a0000-0000-4000-8000-00000000000a"}' "$base/api/apps/bench-gw/api-keys")
key=$(printf '%s' "$created" | python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')
for url in "$upstream/work" "$base/gw/work"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "$url")
  [ "$code" = 200 ] || { say "$url answered $code"; tail -n 30 "$work/server.log" >&2; exit 1; }
done

# ---- 5. load -------------------------------------------------------------------------------------
# wrk prints "Requests/sec: N" and, with --latency, "99%  1.23ms"; both are read in requests/s and ms.
load() { # url seconds -> "req/s p99_ms"
  wrk -t "$threads" -c "$connections" -d "${2}s" --latency -H "Authorization: Bearer $key" "$1" >"$work/wrk.out" 2>&1 || { cat "$work/wrk.out" >&2; exit 1; }
  python3 - "$work/wrk.out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
if errors: sys.exit(f"bench: {errors.group(1)} answers were not 2xx")
print(f"{rps:.0f} {p99:.3f}")
PY
}
say "wrk: $threads threads, $connections connections, ${duration} s per measurement"
declare -A rps p99
for ep in echo work; do
  load "$upstream/$ep" 3 >/dev/null
  load "$base/gw/$ep" 3 >/dev/null
  read -r rps[direct-$ep] p99[direct-$ep] < <(load "$upstream/$ep" "$duration")
  read -r rps[gateway-$ep] p99[gateway-$ep] < <(load "$base/gw/$ep" "$duration")
  printf '%-6s direct : %8s req/s   p99 %7s ms\n' "$ep" "${rps[direct-$ep]}" "${p99[direct-$ep]}"
  printf '%-6s gateway: %8s req/s   p99 %7s ms\n' "$ep" "${rps[gateway-$ep]}" "${p99[gateway-$ep]}"
done
# For the breakdown: the demo platform API on the same server (authentication, metering, rate limits and a database
# query, no proxy): when it is as slow as the gateway, the cost is not the proxying.
load "$base/platform/v1/projects" 3 >/dev/null
read -r platform_rps platform_p99 < <(load "$base/platform/v1/projects" "$duration")
printf '%-6s platform API /platform/v1/projects (no proxy): %8s req/s   p99 %7s ms\n' "" "$platform_rps" "$platform_p99"
say "load average $(cut -d' ' -f1-3 /proc/loadavg) after the run"

# ---- 6. the result -------------------------------------------------------------------------------
ratio=$(python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}")' "${rps[gateway-$endpoint]}" "${rps[direct-$endpoint]}")
overhead=$(python3 -c 'import sys; print(f"{float(sys.argv[1]) - float(sys.argv[2]):.2f}")' "${p99[gateway-$endpoint]}" "${p99[direct-$endpoint]}")
echo "endpoint: /$endpoint"
echo "gateway / direct (req/s): $ratio   target >= 0.85"
echo "p99 overhead: $overhead ms   target < 1 ms"
