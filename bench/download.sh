#!/usr/bin/env bash
# shellcheck disable=SC2317 # false positive in shellcheck 0.9: functions called from traps look unreachable
# Download throughput of Gatehouse's signed URLs beside a plain static-file server, in one run
# (issue #6, item 8). A benchmark, not a test: test.sh does not run it.
#
#   1. makes a file of random bytes (SIZE_MB, default 1024) in a temp folder;
#   2. starts the real Gatehouse server (Release build of src/Gatehouse.Server, as run.sh does) on
#      127.0.0.1 and a free port, SQLite, Environment Development (plain http), with its data folder in
#      the temp folder and the bootstrap admin's password from GATEHOUSE_ADMIN_PASSWORD;
#   3. seeds it: publishing through the HTTP API would need the whole lifecycle (agreement, evidence,
#      questionnaire, attestation, a clamd scan, an independent reviewer), which is not what is measured
#      here. Instead the small driver bench/DownloadBench (built by this script, not in Gatehouse.slnx)
#      writes the file into the running server's blob store and SQLite database with the server's own
#      types (SqliteGatehouseDb, FileSystemBlobStore, TokenService) as version 1.0.0 of a published
#      downloadable app, and prints a one-hour token of the bootstrap admin (staff may download any app).
#      The signed URL is then issued the real way: POST /api/apps/{app}/versions/1.0.0/download-url;
#   4. starts a minimal Kestrel static-file server (DownloadBench static: UseStaticFiles) on 127.0.0.1
#      over the same file;
#   5. after one warm-up download from each (JIT, page cache), downloads the file RUNS times from each,
#      alternating, with curl (HTTP/1.1, to /dev/null), and prints the median MB/s of each and the ratio
#      Gatehouse/static (target >= 0.90). Gatehouse's number includes what every request costs there:
#      URL check, the version's state, an audit entry and a download record;
#   6. for reference, times `gatehouse download` once (SHA-256 while streaming, written to disk);
#   7. measures DownloadUrls.Sign / Verify (and Parse + Verify) in-process for ~2 s each, in ops/s.
# Everything binds 127.0.0.1 only; the servers and the temp folder are removed on exit.
#
# usage: bench/download.sh            env: SIZE_MB (default 1024), RUNS (default 3), SIGN_SECONDS (default 2)
# Needs: the .NET SDK, curl, python3 (free port, median), /dev/urandom. MB = 2^20 bytes.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
size_mb=${SIZE_MB:-1024}
runs=${RUNS:-3}
sign_seconds=${SIGN_SECONDS:-2}
for tool in curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: needs $tool" >&2; exit 1; }
done
case "$size_mb" in '' | *[!0-9]*) echo "bench: SIZE_MB must be a whole number of MiB" >&2; exit 2 ;; esac
if [ "$size_mb" -lt 1 ] || [ "$size_mb" -ge 2048 ]; then echo "bench: SIZE_MB must be 1-2047 (the blob store's default limit is 2 GiB)" >&2; exit 2; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-dlbench.XXXXXX")
server_pid=""
static_pid=""
# shellcheck source=../eng/scripts/bgproc.sh
. "$repo/eng/scripts/bgproc.sh"
stop() { bg_stop_pid "$1" 50; } # pid: SIGTERM, 5 s, then SIGKILL
cleanup() {
  stop "$server_pid"
  stop "$static_pid"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf 'bench: %s\n' "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
median() { python3 -c 'import sys, statistics; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
mbps() { python3 -c 'import sys; print(f"{float(sys.argv[1]) / 1048576:.1f}")' "$1"; }

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
load_before=$(loadavg)
say "load average $load_before on $(nproc) CPUs"

# ---- 1. the file ---------------------------------------------------------------------------------
mkdir -p "$work/files" "$work/data"
file="$work/files/bench.bin"
say "writing $size_mb MiB of random bytes"
head -c "$((size_mb * 1048576))" /dev/urandom >"$file"
bytes=$(stat -c %s "$file")
digest="sha256:$(sha256sum "$file" | cut -d' ' -f1)"

# ---- build ---------------------------------------------------------------------------------------
say "building (Release): the server, the CLI and bench/DownloadBench"
for project in bench/DownloadBench src/Gatehouse.Cli; do
  if ! dotnet build "$repo/$project" -c Release -nologo -v:quiet -tl:off -clp:ErrorsOnly >"$work/build.log" 2>&1; then
    cat "$work/build.log" >&2
    say "the build of $project failed"
    exit 1
  fi
done
outdir="$repo/src/Gatehouse.Server/bin/Release/net10.0"
bench=("dotnet" "$repo/bench/DownloadBench/bin/Release/net10.0/DownloadBench.dll")
cli="$repo/src/Gatehouse.Cli/bin/Release/net10.0/gatehouse"

# ---- 2. the Gatehouse server ---------------------------------------------------------------------
port=$(free_port)
base="http://127.0.0.1:$port"
say "starting Gatehouse on $base"
env ASPNETCORE_ENVIRONMENT=Development GATEHOUSE_DATA="$work/data" GATEHOUSE_ADMIN_PASSWORD="bench-admin-password-$RANDOM$RANDOM" \
  Gatehouse__Roles=web Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.AspNetCore=Warning \
  dotnet "$outdir/Gatehouse.Server.dll" --contentRoot "$outdir" --urls "$base" </dev/null >"$work/server.log" 2>&1 &
server_pid=$!
deadline=$((SECONDS + 180))
until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/healthz" || true)" = 200 ]; do
  if ! kill -0 "$server_pid" 2>/dev/null; then say "the server exited during start-up:"; tail -n 30 "$work/server.log" >&2; exit 1; fi
  if [ "$SECONDS" -ge "$deadline" ]; then say "the server was not up within 180 s:"; tail -n 30 "$work/server.log" >&2; exit 1; fi
  sleep 0.5
done

# ---- 3. seed, and a signed URL the real way ------------------------------------------------------
say "seeding a published version with the file"
token=$("${bench[@]}" seed "$work/data" "$file" bench-app)
issued=$(curl -sS --fail-with-body -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"lifetimeMinutes": 60}' "$base/api/apps/bench-app/versions/1.0.0/download-url")
gh_url=$(printf '%s' "$issued" | python3 -c 'import json, sys; print(json.load(sys.stdin)["url"])')
announced=$(printf '%s' "$issued" | python3 -c 'import json, sys; print(json.load(sys.stdin)["digest"])')
[ "$announced" = "$digest" ] || { say "the server announces $announced, the file is $digest"; exit 1; }

# ---- 4. the static-file server -------------------------------------------------------------------
"${bench[@]}" static "$work/files" "$work/static.port" </dev/null >"$work/static.log" 2>&1 &
static_pid=$!
deadline=$((SECONDS + 60))
until [ -s "$work/static.port" ]; do
  if ! kill -0 "$static_pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then say "the static server did not start:"; cat "$work/static.log" >&2; exit 1; fi
  sleep 0.2
done
static_url="http://127.0.0.1:$(cat "$work/static.port")/bench.bin"

# ---- 5. downloads --------------------------------------------------------------------------------
fetch() { # url -> "speed_bytes_per_s time_s"; fails unless 200 with every byte
  local out code size speed secs
  out=$(curl -s -o /dev/null --http1.1 -w '%{http_code} %{size_download} %{speed_download} %{time_total}' "$1")
  read -r code size speed secs <<<"$out"
  if [ "$code" != 200 ] || [ "$size" != "$bytes" ]; then say "download failed: HTTP $code, $size of $bytes bytes"; return 1; fi
  echo "$speed $secs"
}
say "warming up (one download from each)"
fetch "$gh_url" >/dev/null
fetch "$static_url" >/dev/null
gh_speeds=()
static_speeds=()
for i in $(seq "$runs"); do
  r=$(fetch "$gh_url")
  read -r s t <<<"$r"
  gh_speeds+=("$s")
  say "run $i gatehouse: $(mbps "$s") MB/s ($t s)"
  r=$(fetch "$static_url")
  read -r s t <<<"$r"
  static_speeds+=("$s")
  say "run $i static:    $(mbps "$s") MB/s ($t s)"
done
gh_median=$(median "${gh_speeds[@]}")
static_median=$(median "${static_speeds[@]}")

# ---- 6. the CLI, once ----------------------------------------------------------------------------
say "gatehouse download (the CLI: new URL, SHA-256 while streaming, written to disk)"
cli_start=$(date +%s.%N)
GATEHOUSE_SERVER="$base" GATEHOUSE_TOKEN="$token" GATEHOUSE_CONFIG_DIR="$work/cli-config" \
  "$cli" download bench-app --version 1.0.0 --output "$work/cli.bin" --format json >"$work/cli.json" 2>"$work/cli.err" \
  || { say "gatehouse download failed:"; cat "$work/cli.err" >&2; exit 1; }
cli_end=$(date +%s.%N)
cli_secs=$(python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.2f}")' "$cli_start" "$cli_end")
cli_speed=$(python3 -c 'import sys; print(int(sys.argv[1]) / float(sys.argv[2]))' "$bytes" "$cli_secs")
rm -f "$work/cli.bin"

# ---- 7. sign / verify ----------------------------------------------------------------------------
say "DownloadUrls.Sign / Verify, ~$sign_seconds s each"
declare -A ops
measured=$("${bench[@]}" signverify "$sign_seconds")
while read -r name value; do ops[$name]=$value; done <<<"$measured"

load_after=$(loadavg)
ratio=$(python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}")' "$gh_median" "$static_median")
cat <<EOF

file: $size_mb MiB random bytes, $digest
load average: $load_before before, $load_after after ($(nproc) CPUs)
downloads (curl, median of $runs, alternating, after one warm-up each):
  gatehouse signed URL   $(mbps "$gh_median") MB/s   runs: $(for s in "${gh_speeds[@]}"; do printf '%s ' "$(mbps "$s")"; done)
  static file (Kestrel)  $(mbps "$static_median") MB/s   runs: $(for s in "${static_speeds[@]}"; do printf '%s ' "$(mbps "$s")"; done)
  gatehouse download CLI $(mbps "$cli_speed") MB/s   ($cli_secs s, verified, to disk; once, for reference)
gatehouse / static (MB/s): $ratio   target >= 0.90
signed URLs (in-process, one thread):
  sign          ${ops[sign]} ops/s
  verify        ${ops[verify]} ops/s
  parse+verify  ${ops[parse+verify]} ops/s
EOF
