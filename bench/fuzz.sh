#!/usr/bin/env bash
# A fuzzing campaign (issue #21, item 5): afl-fuzz on the SharpFuzz harnesses of fuzz/Gatehouse.Fuzz, one target after
# another (JOBS at a time), for SECONDS each. A campaign, not a test: test.sh does not run it; the regression tests in
# tests/Gatehouse.Analysis.Tests/Fuzz replay the corpora and findings in-process instead. docs/fuzzing.md explains it.
#
#   1. installs afl++ (apt, when root and missing) and the SharpFuzz instrumenter (dotnet tool restore: sharpfuzz);
#   2. publishes fuzz/Gatehouse.Fuzz (Release) to a work folder and instruments Gatehouse.Analysis.dll (and the YAML and
#      TOML readers it parses with) with `dotnet sharpfuzz`, so afl sees the branches the parsers take;
#   3. per target: the input folder is the target's generated seeds (Gatehouse.Fuzz TARGET --seeds) plus fuzz/corpus/TARGET/
#      plus fuzz/findings/TARGET/ (earlier finds stay in the corpus); afl-fuzz runs `dotnet Gatehouse.Fuzz.dll TARGET` for
#      SECONDS (-V), 5 s per input before it counts as a hang, memory unlimited (-m none: the CLR reserves far more than it uses);
#   4. prints one line per target: execs, execs/s, paths (afl's corpus count), crashes, hangs; copies every crash and hang
#      to fuzz/findings/TARGET/ (crash-*, hang-*), replays them in-process and prints the exception of each.
# Work folder: $FUZZ_WORK or a temp folder (kept: afl's queue and logs are in it). Everything is local; no network.
#
# usage: bench/fuzz.sh TARGET[,TARGET...]|all SECONDS   env: JOBS (targets at a time, default 1), FUZZ_WORK (work folder)
#        bench/fuzz.sh list                    the targets and their entry points
# Needs: the .NET SDK; afl++ (apt package afl++: installed when root and missing).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target=${1:-}
seconds=${2:-}
jobs=${JOBS:-1}

# shellcheck source=eng/scripts/prereqs.sh
. "$repo/eng/scripts/prereqs.sh"
require_dotnet

work=${FUZZ_WORK:-$(mktemp -d /tmp/gatehouse-fuzz.XXXXXX)}
mkdir -p "$work"
publish=$work/bin

build() {
  echo "fuzz: publishing fuzz/Gatehouse.Fuzz to $publish" >&2
  (cd "$repo" && dotnet tool restore >/dev/null)
  dotnet publish "$repo/fuzz/Gatehouse.Fuzz/Gatehouse.Fuzz.csproj" -c Release -nologo -v quiet -o "$publish" >"$work/publish.log" 2>&1 \
    || { cat "$work/publish.log" >&2; exit 1; }
}

if [ "$target" = list ]; then
  build
  dotnet "$publish/Gatehouse.Fuzz.dll" list
  exit 0
fi
if [ -z "$target" ] || [ -z "$seconds" ]; then
  echo "usage: bench/fuzz.sh TARGET[,TARGET...]|all SECONDS   (bench/fuzz.sh list names the targets)" >&2
  exit 2
fi
case "$seconds$jobs" in *[!0-9]*) echo "fuzz: SECONDS and JOBS must be whole numbers" >&2; exit 2 ;; esac

need_package afl++ command -v afl-fuzz
install_needed_packages
build

# Instrument once per publish: sharpfuzz rewrites the assembly in place and refuses one it already instrumented.
for dll in Gatehouse.Analysis.dll YamlDotNet.dll Tomlyn.dll BouncyCastle.Cryptography.dll; do
  if [ -f "$publish/$dll" ] && [ ! -f "$publish/$dll.instrumented" ]; then
    (cd "$repo" && dotnet sharpfuzz "$publish/$dll") >"$work/instrument-$dll.log" 2>&1 \
      || { cat "$work/instrument-$dll.log" >&2; exit 1; }
    touch "$publish/$dll.instrumented"
  fi
done

mapfile -t all_targets < <(dotnet "$publish/Gatehouse.Fuzz.dll" list | cut -f1)
if [ "$target" = all ]; then
  targets=("${all_targets[@]}")
else
  # One target or several, comma-separated (prov,dsse,...).
  IFS=, read -r -a targets <<<"$target"
  for wanted in "${targets[@]}"; do
    found=0
    for t in "${all_targets[@]}"; do [ "$t" = "$wanted" ] && found=1; done
    [ "$found" = 1 ] || { echo "fuzz: unknown target $wanted (bench/fuzz.sh list)" >&2; exit 2; }
  done
fi

# afl++ checks: the CPU governor (a shared machine has none to set), core dumps piped to a handler (afl cannot tell a
# crash from a timeout then; SharpFuzz reports managed crashes itself), and the target is `dotnet`, not an afl binary.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1
export AFL_FORKSRV_INIT_TMOUT=60000 # the CLR's start and JIT before the first input
export DOTNET_TieredPGO=0 DOTNET_TC_QuickJitForLoops=1 DOTNET_gcServer=0

run_one() {
  local t=$1 in=$work/in/$1 out=$work/out/$1
  rm -rf "$in" "$out"
  mkdir -p "$in" "$out"
  dotnet "$publish/Gatehouse.Fuzz.dll" "$t" --seeds "$in" >/dev/null
  for d in "$repo/fuzz/corpus/$t" "$repo/fuzz/findings/$t"; do
    if [ -d "$d" ]; then find "$d" -maxdepth 1 -type f -exec cp {} "$in/" \; ; fi
  done
  # A dictionary of the format's tokens where the grammar lives in an uninstrumented reader (System.Text.Json) or helps.
  local dict=()
  case "$t" in
    oci-* | docker-manifest | npm-lock | nuget-* | pipfile-lock | composer-lock | package-json | osv | cyclonedx | vex | answers | policy)
      dict=(-x "$repo/fuzz/dictionaries/json.dict") ;;
    pnpm-lock | chart-* | questionnaire) dict=(-x "$repo/fuzz/dictionaries/yaml.dict") ;;
    # The signing formats' JSON: the grammar plus their member names (afl++ takes several -x).
    sigstore-bundle | dsse | ticket | cosign | verification-keys | registry-*)
      dict=(-x "$repo/fuzz/dictionaries/json.dict" -x "$repo/fuzz/dictionaries/signing.dict") ;;
    prov-body) dict=(-x "$repo/fuzz/dictionaries/yaml.dict") ;;
    prov) dict=(-x "$repo/fuzz/dictionaries/prov.dict") ;;
  esac
  afl-fuzz -i "$in" -o "$out" "${dict[@]}" -V "$seconds" -t 5000 -m none -- dotnet "$publish/Gatehouse.Fuzz.dll" "$t" >"$work/afl-$t.log" 2>&1 || true
  local stats=$out/default/fuzzer_stats
  if [ ! -f "$stats" ]; then
    printf '%-16s afl did not start: %s\n' "$t" "$(grep -E 'PROGRAM ABORT|ERROR' "$work/afl-$t.log" | head -1 | sed 's/\x1b\[[0-9;]*m//g')"
    return
  fi
  stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
  local crashes hangs
  crashes=$(stat saved_crashes); [ -n "$crashes" ] || crashes=$(stat unique_crashes)
  hangs=$(stat saved_hangs); [ -n "$hangs" ] || hangs=$(stat unique_hangs)
  printf '%-16s execs %9s  execs/s %7s  paths %5s  crashes %3s  hangs %3s\n' \
    "$t" "$(stat execs_done)" "$(stat execs_per_sec)" "$(stat corpus_count)" "${crashes:-0}" "${hangs:-0}"
  local kind prefix f name
  for kind in crashes hangs; do
    prefix=${kind%s}; prefix=${prefix%e}
    for f in "$out"/default/"$kind"/id:*; do
      [ -f "$f" ] || continue
      mkdir -p "$repo/fuzz/findings/$t"
      name=$prefix-$(sha256sum "$f" | cut -c1-16)
      cp "$f" "$repo/fuzz/findings/$t/$name"
      echo "  fuzz/findings/$t/$name"
      timeout 30 dotnet "$publish/Gatehouse.Fuzz.dll" "$t" --replay "$f" 2>&1 | grep -m1 -E ': (crash|hang)' | sed 's/^/    /' || true
    done
  done
}

echo "fuzz: ${#targets[@]} target(s), $seconds s each, $jobs at a time; work folder $work" >&2
running=0
for t in "${targets[@]}"; do
  run_one "$t" >"$work/result-$t.txt" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true
echo "target           result"
for t in "${targets[@]}"; do cat "$work/result-$t.txt"; done
