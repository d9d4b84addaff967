#!/usr/bin/env bash
# Failover benchmark: kill or hang one of three backends under a fixed load, behind Gossamer and behind HAProxy.
# Measures client-visible errors, how long the failed backend keeps getting requests, and the p99 spike.
# See README.md beside this file. 127.0.0.1 only; bounded by a watchdog; a trap stops everything it started.
#
# Usage: bench/failover/run.sh      (as root: installs haproxy / h2load / curl from Debian when missing)
# Knobs (environment):
#   PROXIES="gossamer haproxy haproxy-noto"   (haproxy-noto: HAProxy without retry-on response-timeout)   FAILURES="kill hang"
#   RATE=500            fixed request rate (req/s), h2load --h1 over CONNS clients
#   CONNS=20            h2load clients (each sends RATE/CONNS req/s; many clients keep one stalled request from
#                       delaying the others' schedule)
#   DURATION=10         seconds of measured load per case;  FAIL_AT=3   seconds into it the failure is injected
#   WARMUP=5            seconds of unrecorded load at RATE before each case (JIT, connection pools)
#   POLL_MS=20          sampling period of the proxy's own view (admin API / HAProxy stats socket)
#   GOSSAMER_RETRY_EXTRA=""  extra keys for the route's retries map, e.g. "budget_percent: 100"
#   HAPROXY_RETRY_ON="conn-failure empty-response response-timeout"   (empty: no retry-on line, HAProxy's default)
#   HAPROXY_NOTO_RETRY_ON="conn-failure empty-response"   retry-on of the haproxy-noto variant
#   HAPROXY_HTTPCHK="GET /__check"   option httpchk (empty: TCP connect checks, which pass against a hung server)
#   HAPROXY_CHECK="check inter 2s fall 3 rise 2"   extra server options (empty: no active checks)
#   LOADGEN_CPU=0 SERVER_CPU=1
#   GOSSAMER_JAR=<repo>/sidecar/target/gossamer.jar   (built through ./gossamer when missing or stale; staged with the
#                       launcher in a private directory, so a rebuild cannot swap it under a run)
#   GOSSAMER_JAVA_OPTS  unset: the launcher's own JVM flags, as a user gets them; set: the launcher's JAVA_OPTS
#   RESULTS_DIR=bench/failover/results
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CMDLINE="$0 $*"

PROXIES="${PROXIES:-gossamer haproxy haproxy-noto}"
FAILURES="${FAILURES:-kill hang}"
RATE="${RATE:-500}"
CONNS="${CONNS:-20}"
DURATION="${DURATION:-10}"
FAIL_AT="${FAIL_AT:-3}"
WARMUP="${WARMUP:-5}"
POLL_MS="${POLL_MS:-20}"
GOSSAMER_RETRY_EXTRA="${GOSSAMER_RETRY_EXTRA:-}"
HAPROXY_RETRY_ON="${HAPROXY_RETRY_ON-conn-failure empty-response response-timeout}"
HAPROXY_NOTO_RETRY_ON="${HAPROXY_NOTO_RETRY_ON-conn-failure empty-response}"
HAPROXY_HTTPCHK="${HAPROXY_HTTPCHK-GET /__check}"
HAPROXY_CHECK="${HAPROXY_CHECK-check inter 2s fall 3 rise 2}"
LOADGEN_CPU="${LOADGEN_CPU:-0}"
SERVER_CPU="${SERVER_CPU:-1}"
GOSSAMER_JAR="${GOSSAMER_JAR:-$ROOT/sidecar/target/gossamer.jar}"
RESULTS_DIR="${RESULTS_DIR:-$HERE/results}"

BACKEND_PORTS=(18181 18182 18183)
FAILED=2                       # the backend that is killed / hung (1-based)
HAPROXY_PORT=18190
GOSSAMER_PORT=18192
GOSSAMER_ADMIN_PORT=18193
PER_TRY_TIMEOUT_MS=500

# shellcheck source=bench/lib.sh
source "$HERE/../lib.sh"

require_integers RATE CONNS DURATION FAIL_AT WARMUP POLL_MS LOADGEN_CPU SERVER_CPU
((CONNS > 0 && RATE % CONNS == 0)) || die "RATE: $RATE (expected: a multiple of CONNS=$CONNS)"
((FAIL_AT >= 2 && FAIL_AT + 3 <= DURATION)) || die "FAIL_AT: $FAIL_AT (expected: 2..DURATION-3 = $((DURATION - 3)))"
((POLL_MS > 0)) || die "POLL_MS: 0 (expected: > 0)"
for p in $PROXIES; do case "$p" in gossamer|haproxy|haproxy-noto) ;; *) die "PROXIES: $p (expected: gossamer, haproxy, haproxy-noto)";; esac; done
for f in $FAILURES; do case "$f" in kill|hang) ;; *) die "FAILURES: $f (expected: kill, hang)";; esac; done
require_root_and_cpus

# ---------------------------------------------------------------- install peers (idempotent; as bench/load)
install_missing haproxy:haproxy h2load:nghttp2-client curl:curl python3:python3 taskset:util-linux ss:iproute2 \
  java:openjdk-17-jre-headless
# The real interpreter, not a version-manager shim: the shim is slow to start and runs extra processes.
PY="$(python3 -c 'import sys; print(sys.executable)')"

if [[ " $PROXIES " == *" gossamer "* && "$GOSSAMER_JAR" == "$ROOT/sidecar/target/gossamer.jar" ]]; then
  log "checking the Gossamer jar through the launcher (it rebuilds a missing or stale jar)"
  GOSSAMER_CDS=off timeout 900 "$ROOT/gossamer" version >/dev/null || die "'$ROOT/gossamer version' failed"
fi
[[ " $PROXIES " != *" gossamer "* || -f "$GOSSAMER_JAR" ]] || die "GOSSAMER_JAR: $GOSSAMER_JAR does not exist"

# ---------------------------------------------------------------- working dir, process bookkeeping, cleanup
WORK="$(mktemp -d /tmp/gossamer-failover.XXXXXX)"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$RESULTS_DIR/$STAMP"
mkdir -p "$OUT/raw"
on_exit_cleanup   # ../lib.sh: stops the watchdog and what was started

n_cases=$(( $(wc -w <<<"$PROXIES") * $(wc -w <<<"$FAILURES") ))
MAX_RUNTIME=$(( n_cases * (DURATION + WARMUP + 60) + 60 ))
setsid bash -c "sleep $MAX_RUNTIME; echo 'run.sh: watchdog: over ${MAX_RUNTIME}s, stopping' >&2; kill -TERM $$" </dev/null &
WATCHDOG_PID=$!

LAST_PID=""
start() {  # start NAME CPU CMD...: own session, pinned, output to raw/NAME.log; sets LAST_PID
  local name=$1 cpu=$2; shift 2
  setsid taskset -c "$cpu" "$@" >"$OUT/raw/$name.log" 2>&1 </dev/null &
  LAST_PID=$!
  STARTED_PIDS+=("$LAST_PID")
}
forget() {  # forget PID...: drop stopped groups from STARTED_PIDS
  local keep=() p q drop
  for p in "${STARTED_PIDS[@]}"; do
    drop=0; for q in "$@"; do [[ "$p" == "$q" ]] && drop=1; done
    ((drop)) || keep+=("$p")
  done
  STARTED_PIDS=("${keep[@]}")
}
port_free() { [[ -z "$(ss -ltnH "sport = :$1" 2>/dev/null)" ]]; }
wait_http() {  # wait_http URL SECONDS [PID]
  local url=$1 pid=${3:-} deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$url" 2>/dev/null || true)" == 200 ]] && return 0
    [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null && return 1
    sleep 0.1
  done
  return 1
}
now_us() { date +%s%6N; }
# "busy total" jiffies of one core from /proc/stat (busy excludes idle and iowait)
core_jiffies() {
  awk -v c="cpu$1" '$1 == c { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat
}
busy_pct() {  # busy_pct "BUSY0 TOTAL0" "BUSY1 TOTAL1"
  awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.0f", (y[2] > x[2]) ? 100 * (y[1] - x[1]) / (y[2] - x[2]) : 0 }'
}

for p in "${BACKEND_PORTS[@]}" $HAPROXY_PORT $GOSSAMER_PORT $GOSSAMER_ADMIN_PORT; do
  port_free "$p" || die "port 127.0.0.1:$p is in use (expected: free)"
done

# ---------------------------------------------------------------- configs
haproxy_cfg() {  # haproxy_cfg RETRY_ON NAME
  cat <<EOF
global
  nbthread 1
  maxconn 4096
  stats socket $WORK/$2.sock mode 600 level user
defaults
  mode http
  option http-keep-alive
  http-reuse always
  # Gossamer's connect_timeout default (5s); a refused connect fails at once anyway.
  timeout connect 5s
  timeout client 30s
  # = per_try_timeout: HAProxy has no whole-request timeout separate from this one.
  timeout server ${PER_TRY_TIMEOUT_MS}ms
  timeout http-keep-alive 120s
  # = retries.attempts 2; redispatch 1 = every retry goes to another server (Gossamer excludes tried endpoints),
  # and skips HAProxy's 1 s turn-around wait before retrying the same server.
  retries 2
  option redispatch 1
EOF
  if [[ -n "$1" ]]; then echo "  retry-on $1"; fi
  cat <<EOF
frontend outbound
  bind 127.0.0.1:$HAPROXY_PORT
  default_backend backends
backend backends
  balance roundrobin
EOF
  if [[ -n "$HAPROXY_HTTPCHK" ]]; then echo "  option httpchk $HAPROXY_HTTPCHK"; fi
  cat <<EOF
  # Passive health: 3 consecutive errors seen on real traffic (connect errors, timeouts, 5xx) mark the server DOWN.
  default-server observe layer7 error-limit 3 on-error mark-down $HAPROXY_CHECK
EOF
  local p i=1
  for p in "${BACKEND_PORTS[@]}"; do echo "  server b$i 127.0.0.1:$p"; i=$((i + 1)); done
}
haproxy_cfg "$HAPROXY_RETRY_ON" haproxy >"$OUT/raw/haproxy.cfg"
# The same without L7 retries of timeouts: HAProxy's passive check then sees them (see README).
haproxy_cfg "$HAPROXY_NOTO_RETRY_ON" haproxy-noto >"$OUT/raw/haproxy-noto.cfg"

endpoints="$(printf '127.0.0.1:%s, ' "${BACKEND_PORTS[@]}")"
cat >"$OUT/raw/sidecar.yaml" <<EOF
node: {id: failover-bench, zone: local}
admin: {address: 127.0.0.1:$GOSSAMER_ADMIN_PORT}
listeners:
  - {name: outbound, address: 127.0.0.1:$GOSSAMER_PORT}
mesh_config: ./mesh.yaml
EOF
cat >"$OUT/raw/mesh.yaml" <<EOF
routes:
  - name: all
    listener: outbound
    match: {path_prefix: /}
    cluster: backends
    timeout: 15s
    retries: {attempts: 2, retry_on: [connect_failure, reset, gateway_error], per_try_timeout: ${PER_TRY_TIMEOUT_MS}ms${GOSSAMER_RETRY_EXTRA:+, $GOSSAMER_RETRY_EXTRA}}
clusters:
  - name: backends
    endpoints: [${endpoints%, }]
    balancer: {policy: round_robin}
    outlier_detection: {consecutive_local_origin_failure: 3, base_ejection_time: 30s}
EOF

HAPROXY_VERSION="$(haproxy -v 2>&1 | awk 'NR == 1 {print $3}')"
H2LOAD_VERSION="$(dpkg-query -W -f '${Version}' nghttp2-client 2>/dev/null || echo '?')"
PYTHON_VERSION="$("$PY" -V 2>&1 | awk '{print $2}')"
GOSSAMER_VERSION="-"
LAUNCHER=""
[[ " $PROXIES " == *" gossamer "* ]] && stage_launcher "$GOSSAMER_JAR"   # as a user starts it (../lib.sh)
CPU_MODEL="$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)"
LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- one case
declare -a BPIDS
start_backends() {  # fresh processes and logs for every case
  local i tag=$1
  BPIDS=()
  for i in 1 2 3; do
    : >"$OUT/raw/$tag-backend$i.tsv"
    start "$tag-backend$i" "$SERVER_CPU" "$PY" "$HERE/failover.py" backend "$i" "${BACKEND_PORTS[$((i - 1))]}" \
      "$OUT/raw/$tag-backend$i.tsv"
    BPIDS+=("$LAST_PID")
  done
  for i in 1 2 3; do
    wait_http "http://127.0.0.1:${BACKEND_PORTS[$((i - 1))]}/" 30 "${BPIDS[$((i - 1))]}" || die "backend $i did not start"
    : >"$OUT/raw/$tag-backend$i.tsv"   # forget the readiness probe
  done
}

start_proxy() {  # start_proxy PROXY TAG: sets PROXY_PID, URL, POLL_TARGET
  local tag=$2
  case "$1" in
    haproxy|haproxy-noto)
      start "$tag" "$SERVER_CPU" haproxy -db -f "$OUT/raw/$1.cfg"; PROXY_PID=$LAST_PID
      URL="http://127.0.0.1:$HAPROXY_PORT/"; POLL_TARGET="$WORK/$1.sock"
      wait_http "$URL" 10 "$PROXY_PID" || die "$1 did not start: $(cat "$OUT/raw/$tag.log")";;
    gossamer)
      launcher_argv "$LAUNCHER" run --config "$OUT/raw/sidecar.yaml" --event-loops 1
      start "$tag-gossamer" "$SERVER_CPU" "${LARGV[@]}"; PROXY_PID=$LAST_PID
      URL="http://127.0.0.1:$GOSSAMER_PORT/"; POLL_TARGET="http://127.0.0.1:$GOSSAMER_ADMIN_PORT/admin/clusters"
      wait_http "http://127.0.0.1:$GOSSAMER_ADMIN_PORT/ready" 60 "$PROXY_PID" \
        || die "gossamer not ready: $(tail -30 "$OUT/raw/$tag-gossamer.log")"
      wait_http "$URL" 10 "$PROXY_PID" || die "gossamer does not proxy: $(tail -30 "$OUT/raw/$tag-gossamer.log")"
      GOSSAMER_CMD="${LARGV[*]}; the JVM as it ran: $(jvm_cmdline "$PROXY_PID")";;
  esac
  local seen
  seen="$(for _ in 1 2 3 4 5 6; do curl -s --max-time 2 "$URL"; done | sort -u | tr -d '\n')"
  [[ "$seen" == 123 ]] || die "$1: 6 requests reached backends '$seen' (expected: 123, round robin)"
}

h2load_run() {  # h2load_run SECONDS LOGFILE: fixed-rate load on LOADGEN_CPU, bounded in time
  timeout $(($1 + 30)) taskset -c "$LOADGEN_CPU" h2load --h1 -t1 -c"$CONNS" --rps=$((RATE / CONNS)) -D"$1" --log-file="$2" "$URL"
}

TSV="$OUT/results.tsv"
printf 'proxy\tfailure\trequests\tachieved_rps\tclient_errors\tnon2xx\tconn_errors\treached_failed_after_event\tlast_reached_ms\tproxy_attempts_after_event\tproxy_failures_after_event\tlast_failure_seen_ms\tout_of_rotation_ms\tp99_steady_ms\tp99_event_window_ms\tmax_event_window_ms\tp99_worst_window_ms\tp99_after_ms\tloadgen_core_busy_pct\tserver_core_busy_pct\n' >"$TSV"

run_case() {  # run_case PROXY FAILURE
  local proxy=$1 kind=$2 tag="$1-$2" h2pid pollpid event fpid
  log "$tag: starting backends and $proxy"
  start_backends "$tag"
  start_proxy "$proxy" "$tag"
  if ((WARMUP > 0)); then
    h2load_run "$WARMUP" /dev/null >"$OUT/raw/$tag-warmup.txt" 2>&1 || die "$tag warm-up failed: $(tail "$OUT/raw/$tag-warmup.txt")"
  fi
  for i in 1 2 3; do : >"$OUT/raw/$tag-backend$i.tsv"; done
  : >"$OUT/raw/$tag-poll.tsv"
  "$PY" "$HERE/failover.py" poll "$proxy" "$POLL_TARGET" "${BACKEND_PORTS[$((FAILED - 1))]}" "b$FAILED" "$OUT/raw/$tag-poll.tsv" \
    $((DURATION + 1)) "$POLL_MS" &
  pollpid=$!
  log "$tag: ${DURATION}s at $RATE req/s, $kind backend $FAILED at t=${FAIL_AT}s"
  local lg0 sv0 lg1 sv1
  lg0=$(core_jiffies "$LOADGEN_CPU"); sv0=$(core_jiffies "$SERVER_CPU")
  h2load_run "$DURATION" "$WORK/$tag-h2load.tsv" >"$OUT/raw/$tag-h2load.txt" 2>&1 &
  h2pid=$!
  sleep "$FAIL_AT"
  fpid=${BPIDS[$((FAILED - 1))]}
  event=$(now_us)
  case "$kind" in
    kill) kill -KILL -- "-$fpid"; wait "$fpid" 2>/dev/null || true; forget "$fpid";;
    hang) kill -USR1 "$fpid";;   # python3 itself: setsid and taskset exec, they do not fork
  esac
  echo "$event" >"$OUT/raw/$tag-event_us.txt"
  wait "$h2pid" || die "$tag: h2load failed: $(tail "$OUT/raw/$tag-h2load.txt")"
  lg1=$(core_jiffies "$LOADGEN_CPU"); sv1=$(core_jiffies "$SERVER_CPU")
  wait "$pollpid" || true
  cp "$WORK/$tag-h2load.tsv" "$OUT/raw/"
  row=$("$PY" "$HERE/failover.py" analyze "$WORK/$tag-h2load.tsv" "$OUT/raw/$tag-h2load.txt" "$event" \
    "$OUT/raw/$tag-backend$FAILED.tsv" "$OUT/raw/$tag-poll.tsv" "$RATE")
  printf '%s\t%s\t%s\t%s\t%s\n' "$proxy" "$kind" "$row" "$(busy_pct "$lg0" "$lg1")" "$(busy_pct "$sv0" "$sv1")" >>"$TSV"
  log "  -> $row"
  if [[ "$proxy" == gossamer ]]; then
    curl -s --max-time 2 "http://127.0.0.1:$GOSSAMER_ADMIN_PORT/admin/clusters" >"$OUT/raw/$tag-clusters.json" || true
  fi
  if [[ "$proxy" == haproxy* ]]; then
    "$PY" -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"show stat\n"); print(s.makefile().read())' \
      "$WORK/$proxy.sock" >"$OUT/raw/$tag-stat.csv" 2>/dev/null || true
  fi
  local all=("$PROXY_PID")
  for p in "${BPIDS[@]}"; do kill -0 "$p" 2>/dev/null && all+=("$p"); done
  stop_group "${all[@]}"
  forget "${all[@]}"
}

GOSSAMER_CMD=""
for proxy in $PROXIES; do
  for kind in $FAILURES; do run_case "$proxy" "$kind"; done
done

# ---------------------------------------------------------------- report
MD="$OUT/results.md"
{
  echo "# Gossamer failover benchmark, $STAMP"
  echo
  echo "- command: \`PROXIES=\"$PROXIES\" FAILURES=\"$FAILURES\" RATE=$RATE CONNS=$CONNS DURATION=$DURATION FAIL_AT=$FAIL_AT WARMUP=$WARMUP POLL_MS=$POLL_MS HAPROXY_CHECK=\"$HAPROXY_CHECK\" HAPROXY_HTTPCHK=\"$HAPROXY_HTTPCHK\" HAPROXY_RETRY_ON=\"$HAPROXY_RETRY_ON\" HAPROXY_NOTO_RETRY_ON=\"$HAPROXY_NOTO_RETRY_ON\" GOSSAMER_RETRY_EXTRA=\"$GOSSAMER_RETRY_EXTRA\" GOSSAMER_JAR=$GOSSAMER_JAR $CMDLINE\`"
  echo "- machine: nproc=$NCPU, CPU \"$CPU_MODEL\", kernel $(uname -r), load average at start $LOAD_AT_START"
  echo "- versions: $GOSSAMER_VERSION, haproxy $HAPROXY_VERSION, h2load (nghttp2-client) $H2LOAD_VERSION, python $PYTHON_VERSION"
  echo "- load: \`h2load --h1 -t1 -c$CONNS --rps=$((RATE / CONNS)) -D$DURATION\` (= $RATE req/s) on CPU $LOADGEN_CPU; proxy and the three python backends on CPU $SERVER_CPU"
  echo "- failure: backend $FAILED of 3 at t=${FAIL_AT}s; kill = SIGKILL (connection refused after), hang = accepts and reads but never answers, also on open connections"
  [[ -n "$GOSSAMER_CMD" ]] && echo "- gossamer: \`$GOSSAMER_CMD\`; configs in raw/"
  echo
  echo "| proxy | failure | requests | client errors | reached failed backend after event (n / last ms) | proxy attempts / failures to it after event | out of rotation ms (±${POLL_MS}) | p99 steady ms | p99 event 1s ms | max event 1s ms | p99 after ms | core busy % loadgen / server |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %s (%s non-2xx, %s conn) | %s / %s | %s / %s | %s | %s | %s | %s | %s | %s / %s |\n",
      $1, $2, $3, $5, $6, $7, $8, $9, $10, $11, $13, $14, $15, $16, $18, $19, $20 }' "$TSV"
  awk -F'\t' 'NR > 1 && $20 > 80 { printf "\n**Warning**: %s/%s: the server core was %s%% busy (proxy + backends need far less at this rate): another process competed for it; its latencies are not comparable.\n", $1, $2, $20 }' "$TSV"
  echo
  echo "Columns: see README.md. 'reached' comes from the backend's own log (only a hung backend can log after the"
  echo "event); 'attempts/failures' and 'out of rotation' come from the proxy's own counters, sampled every ${POLL_MS} ms."
} >"$MD"
echo
cat "$MD"
log "wrote $MD and $TSV"
