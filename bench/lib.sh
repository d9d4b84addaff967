# shellcheck shell=bash
# Shared by the benchmarks (bench/load, bench/failover, bench/grpc): logging, installing peers from Debian's
# packages, stopping process groups, and starting Gossamer through its launcher. Source it after `set -euo pipefail`.

# Gossamer is started as a user starts it, in every benchmark: through the ./gossamer launcher, which owns the JVM
# flags (and picks the JVM and its class-data archive). GOSSAMER_JAVA_OPTS, when set, replaces the launcher's flags
# (handed to it as JAVA_OPTS); GOSSAMER_JAVA and GOSSAMER_CDS=off reach the launcher as they are.

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

# stage_launcher JAR [NAME]: sets LAUNCHER to a copy of ./gossamer staged beside a copy of JAR, in a directory of
# its own under ~/.cache/gossamer/bench-launcher named by their content (and NAME, for variants that must not share
# an archive). The launcher always runs the sidecar/target/gossamer.jar beside it, so a rebuild of the tree cannot
# swap the jar under a run, and the archive it trains there (once per jar, JVM and flags) serves every later run.
# Trains before any timing starts (the first command of a stage, or of new flags or JVM, trains) and sets
# GOSSAMER_VERSION. Needs ROOT and WORK.
stage_launcher() {
  local jar="$1" name="${2:-}" cache key stage
  cache="${GOSSAMER_CACHE:-$HOME/.cache/gossamer}/bench-launcher"
  key="$( { cat "$ROOT/gossamer" "$jar"; echo "$name"; } | sha256sum | cut -c1-16)"
  stage="$cache/$key"
  if [[ ! -f "$stage/sidecar/target/gossamer.jar" ]]; then
    mkdir -p "$stage/sidecar/target"
    cp "$ROOT/gossamer" "$stage/gossamer"
    cp "$jar" "$stage/sidecar/target/gossamer.jar.$$" && mv "$stage/sidecar/target/gossamer.jar.$$" "$stage/sidecar/target/gossamer.jar"
  fi
  touch "$stage"
  # keep the six most recently used stages (a jar and its archive are about 100 MB)
  ls -1dt "$cache"/*/ 2>/dev/null | tail -n +7 | while read -r old; do rm -rf "$old"; done
  LAUNCHER="$stage/gossamer"
  log "Gossamer launcher staged in $stage; a first command trains its class-data archive if needed"
  launcher_argv "$LAUNCHER" version
  timeout 600 "${LARGV[@]}" >"$WORK/gossamer-train${name:+-$name}.log" 2>&1 </dev/null \
    || die "'$LAUNCHER version' failed: $(tail -30 "$WORK/gossamer-train${name:+-$name}.log")"
  GOSSAMER_VERSION="$(grep -v '^gossamer:' "$WORK/gossamer-train${name:+-$name}.log" | awk 'NR == 1' || true)"
  [[ -n "$GOSSAMER_VERSION" ]] || GOSSAMER_VERSION="?"
}

# launcher_argv LAUNCHER ARGS...: sets LARGV to the argv that runs LAUNCHER with ARGS and the launcher's own JVM
# flags, or GOSSAMER_JAVA_OPTS as its JAVA_OPTS when that is set (never an inherited JAVA_OPTS). The launcher execs
# the JVM, so a process started with LARGV is the JVM itself.
launcher_argv() {
  if [[ -n "${GOSSAMER_JAVA_OPTS:-}" ]]; then
    LARGV=(env JAVA_OPTS="$GOSSAMER_JAVA_OPTS" "$@")
  else
    LARGV=(env -u JAVA_OPTS "$@")
  fi
}

# jvm_cmdline PID: the JVM's command line as it ran, from /proc (the flags the launcher chose).
jvm_cmdline() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || echo '?'; }

# on_exit_cleanup [KEEP_DIR]: from here on, however the script ends (success, error, Ctrl-C, TERM), stop the
# watchdog (WATCHDOG_PID, when set) and every process group in STARTED_PIDS, copy WORK's configs and logs to
# KEEP_DIR when given, remove WORK, and exit with the script's status. Call it once WORK exists.
STARTED_PIDS=()   # each a process-group leader (setsid), so the whole group is signalled
WATCHDOG_PID=""
on_exit_cleanup() {
  CLEANUP_KEEP="${1:-}"
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}
bench_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$WATCHDOG_PID" ]]; then kill -TERM -- "-$WATCHDOG_PID" 2>/dev/null || true; fi
  ((${#STARTED_PIDS[@]})) && stop_group "${STARTED_PIDS[@]}"
  if [[ -n "$CLEANUP_KEEP" ]]; then
    cp -f "$WORK"/*.conf "$WORK"/*.cfg "$WORK"/*.yaml "$WORK"/*.log "$CLEANUP_KEEP/" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}
