#!/usr/bin/env bash
# Throughput of `gatehouse check` beside its peers, on one corpus, in one run:
#   sha256sum (reading speed), the yara CLI with our bundled rules, clamdscan (ClamAV's own client),
#   and `gatehouse check` without clamd and with clamd.
# Prints MB/s, files/s and peak RSS for each, and the ratios the engine issue targets:
#   check without clamd >= 50% of sha256sum's MB/s; check with clamd >= 90% of clamdscan's MB/s;
#   check's peak RSS < 300 MB.
# usage: bench/check-throughput.sh [WORKDIR]    (default: a temp folder, removed at the end)
# Needs: python3, GNU time (/usr/bin/time), yara, clamd + clamdscan (the script starts its own clamd).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-bench.XXXXXX")}
keep=${1:+1}
clamd_dir="$work/clamd"
cleanup() {
  "$repo/eng/scripts/clamd.sh" stop "$clamd_dir" 2>/dev/null || true
  [ -n "$keep" ] || rm -rf "$work"
}
trap cleanup EXIT

for tool in /usr/bin/time bc python3 yara clamdscan; do
  command -v "$tool" >/dev/null || { echo "bench: needs $tool (apt-get install time bc python3 yara clamdscan)" >&2; exit 1; }
done
corpus="$work/corpus"
if [ ! -d "$corpus" ]; then python3 "$repo/bench/gen-corpus.py" "$corpus" --seed 1; fi
tarball="$work/corpus.tar"
[ -f "$tarball" ] || tar -C "$work" -cf "$tarball" corpus
mb=$(du -sm "$tarball" | cut -f1)
nfiles=$(find "$corpus" -type f | wc -l)
echo "corpus: $nfiles files, $mb MB (tar), archives included"

dotnet build "$repo/src/Gatehouse.Cli" -c Release -nologo -v q >/dev/null
cli="$repo/src/Gatehouse.Cli/bin/Release/net10.0/gatehouse"

port=${GATEHOUSE_BENCH_CLAMD_PORT:-3398}
# The corpus tarball is > 500 MB: let clamd take it whole (clamdscan and check send the same stream).
endpoint=$(CLAMD_STREAM_MAX=1000M CLAMD_SCAN_MAX=4000M "$repo/eng/scripts/clamd.sh" start "$clamd_dir" "$port")

declare -A secs rss
run() { # name, command...
  local name=$1; shift
  sync
  local out="$work/$name.time"
  local status=0
  /usr/bin/time -f "%e %M" -o "$out" "$@" >"$work/$name.out" 2>"$work/$name.err" || status=$?
  # 0 and 1 are answers (pass / found something); anything else means the run itself failed.
  if [ "$status" -gt 1 ]; then echo "bench: $name exited $status: $(tail -n 3 "$work/$name.err")" >&2; fi
  read -r secs["$name"] rss["$name"] < <(tail -n 1 "$out")
  printf '%-22s %8.2f s %9.1f MB/s %9.0f files/s %7.0f MB peak RSS\n' "$name" "${secs[$name]}" \
    "$(echo "$mb / ${secs[$name]}" | bc -l)" "$(echo "$nfiles / ${secs[$name]}" | bc -l)" "$(echo "${rss[$name]} / 1024" | bc -l)"
}
policy_noav="$work/policy-noav.json"
echo '{ "requiredEngines": [] }' >"$policy_noav"
cat "$tarball" >/dev/null # warm the page cache once for everyone
run sha256sum sha256sum "$tarball"
run yara yara -r -w "$repo"/rules/yara/*.yar "$corpus"
run clamdscan clamdscan --no-summary --stream --config-file="$clamd_dir/clamd.conf" "$tarball"
run check-no-clamd "$cli" check "$tarball" --format json --policy "$policy_noav"
GATEHOUSE_CLAMD="$endpoint" run check-with-clamd "$cli" check "$tarball" --format json --clamd "$endpoint"

ratio() { echo "scale=2; $1 / $2" | bc -l; }
echo
echo "check without clamd vs sha256sum (MB/s): $(ratio "${secs[sha256sum]}" "${secs[check-no-clamd]}")   target >= 0.50"
echo "check with clamd vs clamdscan (MB/s):     $(ratio "${secs[clamdscan]}" "${secs[check-with-clamd]}")   target >= 0.90"
echo "check peak RSS: $(( ${rss[check-with-clamd]} / 1024 )) MB   target < 300 MB"
