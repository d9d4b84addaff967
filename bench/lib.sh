# shellcheck shell=bash
# Shared by bench/load/run.sh and bench/failover/run.sh: logging, installing peers from Debian's packages, and
# stopping process groups. Source it after `set -euo pipefail`.

# The sidecar's JVM where a benchmark starts `java -jar` itself (failover, grpc, load/ab.sh), so their figures
# compare: small heap, SerialGC, one CPU's worth of threads. bench/load/run.sh, the benchmark of record, starts
# Gossamer through the ./gossamer launcher with the launcher's own flags unless GOSSAMER_JAVA_OPTS is set.
: "${GOSSAMER_JAVA_OPTS:=-XX:+UseSerialGC -Xms64m -Xmx256m -XX:ActiveProcessorCount=1 -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=64m -Xss512k -XX:+ExitOnOutOfMemoryError}"

die() { echo "run.sh: $*" >&2; exit 1; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# install_missing CMD:PACKAGE...: installs (apt-get, as root) the package of every command that is not on PATH.
# Keeps the packages' own services (nginx/haproxy on :80) from starting while installing.
install_missing() {
  local pair missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing: ${missing[*]}"
  local own_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
  fi
  local rc=0
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } \
    >&2 || rc=$?
  ((own_policy)) && rm -f /usr/sbin/policy-rc.d
  ((rc == 0)) || die "apt-get install ${missing[*]} failed (rc=$rc)"
}

# stop_group PID...: TERM each process group, wait up to 5 s, then KILL what is left.
stop_group() {
  local p alive
  for p in "$@"; do kill -TERM -- "-$p" 2>/dev/null || true; done
  for _ in $(seq 50); do
    alive=0
    for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for p in "$@"; do kill -KILL -- "-$p" 2>/dev/null || true; done
  for p in "$@"; do wait "$p" 2>/dev/null || true; done
}

# require_integers VAR...: every named variable holds a non-negative integer.
require_integers() {
  local v
  for v in "$@"; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v: ${!v} (expected: a non-negative integer)"
  done
}

# require_root_and_cpus: root (apt-get, taskset) and LOADGEN_CPU/SERVER_CPU on this machine; sets NCPU.
require_root_and_cpus() {
  [[ "$(id -u)" == 0 ]] || die "must run as root (installs packages, pins cores)"
  NCPU="$(nproc)"
  ((LOADGEN_CPU < NCPU && SERVER_CPU < NCPU)) || die "LOADGEN_CPU/SERVER_CPU: $LOADGEN_CPU/$SERVER_CPU (expected: < nproc=$NCPU)"
}
