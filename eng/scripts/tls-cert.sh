#!/usr/bin/env bash
# The self-signed TLS certificate run.sh serves HTTPS with when no certificate is configured
# (docs/operations.md#https).
#   eng/scripts/tls-cert.sh ensure DIR HOST...  -> DIR/cert.pem and DIR/key.pem (mode 0600) for every HOST
#                                                (DNS names or IP addresses); prints "created" or "kept"
#   eng/scripts/tls-cert.sh fingerprint DIR     -> the certificate's SHA-256 fingerprint (AA:BB:...)
# One certificate per data directory, made once: an existing one is kept while it names every HOST and
# is valid for 30 more days, so a client that trusted it keeps trusting it. Otherwise (a new host name in
# GATEHOUSE_URLS, or near expiry) a new one replaces it, and clients must trust the new one.
# EC P-256, 825 days (the longest validity clients accept for a TLS server certificate), an end-entity
# certificate (CA:FALSE, serverAuth): trusting it lets a client reach this server, nothing else.
set -euo pipefail
usage='usage: tls-cert.sh ensure DIR HOST... | fingerprint DIR'
cmd=${1:?$usage}
dir=${2:?$usage}
shift 2

is_ip() { [[ $1 =~ ^[0-9]+(\.[0-9]+){3}$ || $1 == *:* ]]; }

# True when DIR/cert.pem and DIR/key.pem exist, match, name every HOST and stay valid for 30 days.
usable() {
  local host
  [ -s "$dir/cert.pem" ] && [ -s "$dir/key.pem" ] || return 1
  openssl x509 -in "$dir/cert.pem" -noout -checkend $((30 * 86400)) >/dev/null 2>&1 || return 1
  [ "$(openssl x509 -in "$dir/cert.pem" -noout -pubkey 2>/dev/null)" = "$(openssl pkey -in "$dir/key.pem" -pubout 2>/dev/null)" ] || return 1
  for host in "$@"; do
    if is_ip "$host"; then
      openssl x509 -in "$dir/cert.pem" -noout -checkip "$host" 2>/dev/null | grep -q 'does match' || return 1
    else
      openssl x509 -in "$dir/cert.pem" -noout -checkhost "$host" 2>/dev/null | grep -q 'does match' || return 1
    fi
  done
}

ensure() {
  [ $# -gt 0 ] || { echo "$usage" >&2; exit 2; }
  local host san="" conf
  if usable "$@"; then
    chmod 600 "$dir/key.pem"
    echo kept
    return 0
  fi
  for host in "$@"; do
    if is_ip "$host"; then san+="${san:+,}IP:$host"; else san+="${san:+,}DNS:$host"; fi
  done
  mkdir -p "$dir"
  chmod 700 "$dir"
  conf=$(mktemp "$dir/.openssl.XXXXXX.cnf")
  cat >"$conf" <<EOF
[req]
distinguished_name = dn
x509_extensions = ext
prompt = no
[dn]
CN = Gatehouse self-signed ($1)
O = Gatehouse
[ext]
subjectAltName = $san
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
EOF
  # The key is created 0600 (umask) before any byte is written, then both files are moved into place.
  if ! (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
          -config "$conf" -keyout "$dir/.key.pem.new" -out "$dir/.cert.pem.new" 2>"$dir/.openssl.err"); then
    cat "$dir/.openssl.err" >&2
    rm -f "$conf" "$dir/.key.pem.new" "$dir/.cert.pem.new" "$dir/.openssl.err"
    exit 1
  fi
  rm -f "$conf" "$dir/.openssl.err"
  chmod 600 "$dir/.key.pem.new"
  chmod 644 "$dir/.cert.pem.new"
  mv -f "$dir/.key.pem.new" "$dir/key.pem"
  mv -f "$dir/.cert.pem.new" "$dir/cert.pem"
  echo created
}

case "$cmd" in
  ensure) ensure "$@" ;;
  fingerprint) openssl x509 -in "$dir/cert.pem" -noout -fingerprint -sha256 | sed 's/^.*=//' ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
