#!/usr/bin/env bash
# Throughput of `gatehouse check` beside its peers, on one corpus, in one run:
#   sha256sum (reading speed), the yara CLI with our bundled rules, clamdscan (ClamAV's own client),
#   and `gatehouse check` without clamd and with clamd.
# Prints MB/s, files/s and peak RSS for each, and the ratios issue 15 targets, as "ratio X target Y ok|MISS":
#   check without clamd: check MB/s / sha256sum MB/s >= 0.50;
#   check with clamd: check MB/s / clamdscan MB/s (= clamdscan time / check time) >= 1.5;
#   check's peak RSS (either run) < 150 MB.
# usage: bench/check-throughput.sh [--scale F] [--repeat N] [--profile] [WORKDIR]
#   --scale F    corpus size factor for bench/gen-corpus.py (default 1.0: ~10,300 files, ~528 MB tar)
#   --repeat N   run every peer N times (default 1); each round runs all peers back to back, and the
#                ratios are printed per round and for the best (shortest) time of each peer
#   --profile    also run `gatehouse check --profile` and print its per-stage CPU/wall breakdown
#   WORKDIR      keep corpus and outputs there (default: a temp folder, removed at the end)
# Needs: python3, GNU time (/usr/bin/time), bc, yara, clamd + clamdscan (the script starts its own clamd).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
scale=1.0 repeat=1 profile= work=
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale=${2:?--scale needs a number}; shift 2 ;;
    --repeat) repeat=${2:?--repeat needs a number}; shift 2 ;;
    --profile) profile=1; shift ;;
    -*) echo "bench: unknown option $1" >&2; exit 2 ;;
    *) work=$1; shift ;;
  esac
done
keep=${work:+1}
work=${work:-$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-bench.XXXXXX")}
mkdir -p "$work"
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
if [ ! -d "$corpus" ]; then python3 "$repo/bench/gen-corpus.py" "$corpus" --seed 1 --scale "$scale"; fi
tarball="$work/corpus.tar"
[ -f "$tarball" ] || tar -C "$work" -cf "$tarball" corpus
mb=$(du -sm "$tarball" | cut -f1)
nfiles=$(find "$corpus" -type f | wc -l)
echo "corpus: $nfiles files, $mb MB (tar), archives included (scale $scale)"

# The CLI as it ships: published for this runtime, ReadyToRun (precompiled; see Gatehouse.Cli.csproj).
rid=$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')
dotnet publish "$repo/src/Gatehouse.Cli" -c Release -r "$rid" --self-contained false -o "$work/cli" -nologo -v q >/dev/null
cli="$work/cli/gatehouse"

port=${GATEHOUSE_BENCH_CLAMD_PORT:-3398}
# clamdscan streams the whole tarball: let clamd take it whole (check sends members, or the artifact when it cannot unpack it).
# clamd caches clean results by content hash: without DisableCache a second scan of the same bytes (the next peer,
# the next round) is a cache lookup, not a scan.
# Both clients use clamd's unix socket, as on a machine with the OS package (clamdscan prefers LocalSocket from the config).
CLAMD_STREAM_MAX=1000M CLAMD_SCAN_MAX=4000M CLAMD_DISABLE_CACHE=1 CLAMD_LOCAL_SOCKET=1 "$repo/eng/scripts/clamd.sh" start "$clamd_dir" "$port" >/dev/null
endpoint="unix:$(cd "$clamd_dir" && pwd)/clamd.sock"

declare -A secs rss best
clamd_pid=$(cat "$clamd_dir/clamd.bgpid")
clk=$(getconf CLK_TCK)
clamd_cpu() { awk '{ print $14 + $15 }' "/proc/$clamd_pid/stat"; } # user + system ticks
run() { # name, command...
  local name=$1; shift
  sync
  local out="$work/$name.time"
  local status=0
  local clamd_before; clamd_before=$(clamd_cpu)
  /usr/bin/time -f "%e %M %U %S" -o "$out" "$@" >"$work/$name.out" 2>"$work/$name.err" || status=$?
  # 0 and 1 are answers (pass / found something); anything else means the run itself failed.
  if [ "$status" -gt 1 ]; then echo "bench: $name exited $status: $(tail -n 3 "$work/$name.err")" >&2; fi
  local user sys clamd_secs
  clamd_secs=$(echo "($(clamd_cpu) - $clamd_before) / $clk" | bc -l)
  read -r secs["$name"] rss["$name"] user sys < <(tail -n 1 "$out")
  if [ -z "${best[$name]:-}" ] || [ "$(echo "${secs[$name]} < ${best[$name]}" | bc -l)" = 1 ]; then best["$name"]=${secs[$name]}; fi
  if [[ $name == check-* ]] && [ "${rss[$name]}" -gt "$peak" ]; then peak=${rss[$name]}; fi
  printf '%-22s %8.2f s %9.1f MB/s %9.0f files/s %7.0f MB peak RSS %7.2f s CPU %7.2f s clamd CPU\n' "$name" "${secs[$name]}" \
    "$(echo "$mb / ${secs[$name]}" | bc -l)" "$(echo "$nfiles / ${secs[$name]}" | bc -l)" "$(echo "${rss[$name]} / 1024" | bc -l)" \
    "$(echo "$user + $sys" | bc -l)" "$clamd_secs"
}
# ratio NUMERATOR-SECONDS DENOMINATOR-SECONDS TARGET: "ratio X target Y ok|MISS" (higher is better).
verdict() {
  local r; r=$(printf '%.2f' "$(echo "$1 / $2" | bc -l)")
  printf 'ratio %s target %s %s' "$r" "$3" "$( [ "$(echo "$r >= $3" | bc -l)" = 1 ] && echo ok || echo MISS)"
}
ratios() { # label, array name
  local -n t=$2
  echo "$1:"
  echo "  check without clamd vs sha256sum (MB/s):  $(verdict "${t[sha256sum]}" "${t[check-no-clamd]}" 0.50)"
  echo "  check with clamd vs clamdscan (MB/s):     $(verdict "${t[clamdscan]}" "${t[check-with-clamd]}" 1.5)"
}
policy_noav="$work/policy-noav.json"
echo '{ "requiredEngines": [] }' >"$policy_noav"
cat "$tarball" >/dev/null # warm the page cache once for everyone
peak=0
for ((round = 1; round <= repeat; round++)); do
  [ "$repeat" -gt 1 ] && echo "round $round of $repeat"
  run sha256sum sha256sum "$tarball"
  run yara yara -r -w "$repo"/rules/yara/*.yar "$corpus"
  run clamdscan clamdscan --no-summary --stream --config-file="$clamd_dir/clamd.conf" "$tarball"
  run check-no-clamd "$cli" check "$tarball" --format json --policy "$policy_noav"
  GATEHOUSE_CLAMD="$endpoint" run check-with-clamd "$cli" check "$tarball" --format json --clamd "$endpoint"
  [ "$repeat" -gt 1 ] && ratios "  round $round" secs
done

echo
ratios "best time of each peer over $repeat round(s)" best
rss_mb=$(( peak / 1024 ))
echo "  check peak RSS (MB):                        ratio $rss_mb target <150 $( [ "$rss_mb" -lt 150 ] && echo ok || echo MISS)"

if [ -n "$profile" ]; then
  echo
  echo "profile of gatehouse check with clamd (CPU and wall time per stage; stderr of --profile):"
  "$cli" check "$tarball" --format json --clamd "$endpoint" --profile 2>&1 >/dev/null | sed 's/^/  /'
  echo "profile of gatehouse check without clamd:"
  "$cli" check "$tarball" --format json --policy "$policy_noav" --profile 2>&1 >/dev/null | sed 's/^/  /'
fi
