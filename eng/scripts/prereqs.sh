# shellcheck shell=bash
# Prerequisites shared by run.sh and test.sh. Sourced, not run:
#   . eng/scripts/prereqs.sh
#   require_dotnet                      the .NET 10 SDK must be on PATH (prints how to install it otherwise)
#   need_package PKG [CHECK...]         PKG must be installed: if CHECK (a command) fails, or without a
#                                       CHECK if dpkg does not list PKG as installed, PKG joins the list
#   install_needed_packages             installs the list with apt-get when root; otherwise prints the
#                                       exact sudo command and exits 1
#   have_pg_binaries / pg_bindir        PostgreSQL server binaries (initdb, pg_ctl) of package 'postgresql'
# Packages come from Debian's apt only (see DESIGN.md "Machines").

MISSING_PACKAGES=()

is_root() { [ "$(id -u)" = 0 ]; }

# Newest /usr/lib/postgresql/<version>/bin that has initdb, or nothing.
pg_bindir() {
  local d found=""
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ]; then found=$d; fi
  done
  if [ -n "$found" ]; then printf '%s\n' "$found"; fi
}

have_pg_binaries() { [ -n "$(pg_bindir)" ]; }

package_installed() {
  # shellcheck disable=SC2016 # ${Status} is dpkg-query's format, not a shell expansion
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

need_package() {
  local pkg=$1
  shift
  if [ $# -gt 0 ]; then
    if "$@" >/dev/null 2>&1; then return 0; fi
  elif package_installed "$pkg"; then
    return 0
  fi
  local p
  for p in "${MISSING_PACKAGES[@]}"; do
    if [ "$p" = "$pkg" ]; then return 0; fi
  done
  MISSING_PACKAGES+=("$pkg")
}

install_needed_packages() {
  if [ ${#MISSING_PACKAGES[@]} -eq 0 ]; then return 0; fi
  local cmd="apt-get install -y --no-install-recommends ${MISSING_PACKAGES[*]}"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "${0##*/}: missing packages: ${MISSING_PACKAGES[*]} (Debian/Ubuntu names); install them with your package manager" >&2
    exit 1
  fi
  if ! is_root; then
    echo "${0##*/}: missing packages: ${MISSING_PACKAGES[*]}. Install them, then run ${0##*/} again:" >&2
    echo "  sudo apt-get update && sudo $cmd" >&2
    exit 1
  fi
  echo "${0##*/}: installing ${MISSING_PACKAGES[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${MISSING_PACKAGES[@]}" </dev/null
  MISSING_PACKAGES=()
}

require_dotnet() {
  # The dotnet-install script puts the SDK in ~/.dotnet without touching PATH.
  if ! command -v dotnet >/dev/null 2>&1 && [ -x "$HOME/.dotnet/dotnet" ]; then
    export DOTNET_ROOT="$HOME/.dotnet"
    export PATH="$HOME/.dotnet:$PATH"
  fi
  if command -v dotnet >/dev/null 2>&1 && dotnet --list-sdks 2>/dev/null | grep -q '^10\.0\.'; then
    return 0
  fi
  if command -v dotnet >/dev/null 2>&1; then
    echo "${0##*/}: the .NET 10 SDK is required; found only: $(dotnet --list-sdks 2>/dev/null | cut -d' ' -f1 | tr '\n' ' ')" >&2
  else
    echo "${0##*/}: the .NET 10 SDK is required, and 'dotnet' is not on PATH." >&2
  fi
  cat >&2 <<'EOF'
Install it, for example on Debian 12:
  wget https://packages.microsoft.com/config/debian/12/packages-microsoft-prod.deb
  sudo dpkg -i packages-microsoft-prod.deb && sudo apt-get update && sudo apt-get install -y dotnet-sdk-10.0
or for the current user only:
  curl -sSL https://dot.net/v1/dotnet-install.sh | bash -s -- --channel 10.0   # installs into ~/.dotnet
See https://learn.microsoft.com/dotnet/core/install/linux for other distributions.
EOF
  exit 1
}

# Defaults for every dotnet call of the scripts, unless the caller set them.
export DOTNET_NOLOGO="${DOTNET_NOLOGO:-1}"
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE="${DOTNET_SKIP_FIRST_TIME_EXPERIENCE:-1}"
