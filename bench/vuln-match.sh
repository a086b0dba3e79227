#!/usr/bin/env bash
# Advisory store and matching benchmark (issue 16, item 7). A benchmark, not a test: test.sh does not run it.
#
#   1. builds the small driver bench/VulnMatchBench (Release; not part of Gatehouse.slnx) against the engine;
#   2. the driver generates ADVISORIES OSV records (default 200,000) in the shapes the real feeds publish, spread over
#      npm, PyPI, Maven, NuGet, Go, crates.io, RubyGems, Packagist, Debian:12 and Alpine:v3.20 roughly as osv.dev's mix,
#      written as one zip per ecosystem like OSV's per-ecosystem all.zip exports (ECOSYSTEM ranges, versions lists for
#      PyPI and crates.io, CVSS vectors on two thirds, details text and references);
#   3. imports every zip into a fresh AdvisoryStore (the store `gatehouse advisories import` and the server use) and
#      prints the import rate (wall, and per CPU-second: on a loaded machine the wall rate says more about the load);
#   4. re-imports one zip unchanged (the incremental path: every record skipped by `modified`);
#   5. opens the store afresh (load: open + status) and matches PACKAGES packages (default 1,000, an SBOM's worth; half
#      of them names with advisories) once cold and five times warm (the median);
#   6. prints the peak working set and each target side by side: import >= 20,000 advisories/s, match < 100 ms after
#      load, memory < 1 GB.
# The driver is a project rather than `gatehouse advisories import` so that it times import, load and match
# separately in one process and measures peak memory of the store alone; it uses the same AdvisoryStore type.
#
# usage: bench/vuln-match.sh              env: ADVISORIES (default 200000), PACKAGES (default 1000), KEEP=1 keeps the temp folder
# Needs: the .NET SDK.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
advisories=${ADVISORIES:-200000}
packages=${PACKAGES:-1000}
work=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-vuln-match.XXXXXX")
cleanup() { if [ "${KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT

echo "building bench/VulnMatchBench (Release)..."
dotnet build "$repo/bench/VulnMatchBench/VulnMatchBench.csproj" -c Release -nologo -v quiet >/dev/null
dotnet "$repo/bench/VulnMatchBench/bin/Release/net10.0/VulnMatchBench.dll" "$work/data" "$advisories" "$packages"
