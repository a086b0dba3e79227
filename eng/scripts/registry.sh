#!/usr/bin/env bash
# A local docker-registry whose token authentication points at Gatehouse (docs/registry.md), for a single machine or a
# demo. Production registries are configured by hand from the same config.yml (behind TLS).
#   eng/scripts/registry.sh start DIR PORT REALM CERT   -> writes DIR/config.yml, starts `docker-registry serve` on
#                                                         127.0.0.1:PORT, prints http://127.0.0.1:PORT once it answers
#   eng/scripts/registry.sh stop DIR                    -> stops the registry started for DIR (no-op when none runs)
# REALM: Gatehouse's token endpoint, e.g. https://gatehouse.example.com/registry/token. CERT: the certificate Gatehouse
# writes to Registry:CertificatePath (its start-up must have run first). Gatehouse's side: Registry__Url=http://127.0.0.1:PORT.
# Environment: REGISTRY_SERVICE (default gatehouse-registry = Registry:Service), REGISTRY_ISSUER (default gatehouse =
# Registry:Issuer), REGISTRY_READY_SECONDS (default 30). Needs Debian's docker-registry package.
set -euo pipefail
cmd=${1:?usage: registry.sh start DIR PORT REALM CERT | stop DIR}
dir=${2:?usage: registry.sh start DIR PORT REALM CERT | stop DIR}

. "$(dirname "${BASH_SOURCE[0]}")/bgproc.sh"
# Stops the docker-registry we started for DIR, if it still runs.
stop() { bg_stop "$dir/registry.bgpid" docker-registry; }

case "$cmd" in
  start)
    port=${3:?usage: registry.sh start DIR PORT REALM CERT}
    realm=${4:?usage: registry.sh start DIR PORT REALM CERT}
    cert=${5:?usage: registry.sh start DIR PORT REALM CERT}
    command -v docker-registry >/dev/null || { echo "registry.sh: docker-registry is not installed (apt-get install docker-registry)" >&2; exit 1; }
    [ -r "$cert" ] || { echo "registry.sh: no certificate at $cert (start Gatehouse with Registry:CertificatePath first)" >&2; exit 1; }
    stop
    mkdir -p "$dir/data"
    dir=$(cd "$dir" && pwd)
    cert=$(cd "$(dirname "$cert")" && pwd)/$(basename "$cert")
    cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
auth:
  token:
    realm: $realm
    service: ${REGISTRY_SERVICE:-gatehouse-registry}
    issuer: ${REGISTRY_ISSUER:-gatehouse}
    rootcertbundle: $cert
YAML
    docker-registry serve "$dir/config.yml" </dev/null >"$dir/registry.log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/registry.bgpid"
    deadline=$((SECONDS + ${REGISTRY_READY_SECONDS:-30}))
    # /v2/ answers 401 (token required) once the registry listens.
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "registry.sh: docker-registry exited during start-up:" >&2
        tail -n 5 "$dir/registry.log" >&2 || true
        rm -f "$dir/registry.bgpid"
        exit 1
      fi
      if [ "$SECONDS" -ge "$deadline" ]; then
        echo "registry.sh: docker-registry did not listen on 127.0.0.1:$port within ${REGISTRY_READY_SECONDS:-30} s" >&2
        stop
        exit 1
      fi
      sleep 0.1
    done
    echo "http://127.0.0.1:$port"
    ;;
  stop) stop ;;
  *) echo "usage: registry.sh start DIR PORT REALM CERT | stop DIR" >&2; exit 2 ;;
esac
