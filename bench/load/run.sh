#!/usr/bin/env bash
# Side-by-side load benchmark: direct vs HAProxy vs nginx vs Gossamer, on 127.0.0.1 only.
# See README.md beside this file for what is measured, the core layout and the caveats.
#
# Usage: bench/load/run.sh            (as root; installs its peers from Debian's packages when missing)
#        bench/load/run.sh --help     (this text)
# Knobs (environment):
#   TARGETS="direct haproxy nginx gossamer"   which targets to run (drop gossamer to skip it)
#   RUNS=1              whole runs in a row; with more than one, results/<stamp>/summary.md gives each measure's
#                       median and spread (min-max) over the runs, against issue 13's floors (each run in its own dir)
#   QUICK=0             1: a smoke run (1 round of 3 s, short warm-ups, 1 start-up repetition of 3 s, 1000 idle
#                       connections); any knob set explicitly still wins
#   ROUNDS=3            interleaved rounds
#   DURATION=10         seconds per measurement (each of: max throughput, fixed rate)
#   WARMUP=30           seconds of un-recorded wrk load on Gossamer before round 1 (C2 JIT; 10 s was not enough); others get 2 s;
#                       then every target gets RATE_WARMUP un-recorded seconds at the fixed rate
#   RATE_WARMUP=10      (the JIT compiles the low-rate path the first time it sees it: 0.68 s of C2 on the proxy's core)
#   CONNS=50            wrk connections for max throughput (wrk -t1)
#   RATE=1000           fixed request rate (req/s) for the latency runs (h2load --h1 --rps)
#   RATE_CONNS=10       h2load clients for the fixed-rate runs (each sends RATE/RATE_CONNS req/s)
#   STARTUP_REPS=3      start-up runs per target (haproxy, gossamer), interleaved: a fresh process each time,
#                       start -> /ready -> first proxied response, then STARTUP_SECONDS at RATE with p99 per second
#   STARTUP_SECONDS=10  (0 with STARTUP_REPS=0 skips the start-up run)
#   IDLE_CONNS=10000    idle keep-alive connections held through each proxy in the many-connections run (0 skips it)
#   LOADGEN_CPU=0       core for wrk / h2load / the idle-connection client
#   SERVER_CPU=1        core for the proxy under test and the nginx backends
#   GOSSAMER_JAR=<repo>/sidecar/target/gossamer.jar   shaded sidecar jar
#   GOSSAMER_BUILD=auto  auto: let the ./gossamer launcher (re)build the jar when missing or stale;
#                        never: use GOSSAMER_JAR as it is
#   GOSSAMER_JAVA_OPTS  unset (default): the launcher's own JVM flags, as a user gets them; set: passed to the
#                       launcher as JAVA_OPTS, which replaces them. GOSSAMER_JAVA and GOSSAMER_CDS=off reach the
#                       launcher too. The flags and JVM that really ran are in the results (from /proc/PID/cmdline).
#   GOSSAMER_TRANSPORT=auto   gossamer run --transport: auto (io_uring, else epoll, else nio), io_uring, epoll, nio
#   PORT_BASE=18080     127.0.0.1 ports used: PORT_BASE+1..3 backends, +10 HAProxy, +11 nginx, +12/+13 Gossamer
#                       (listener/admin), +14..16 the start-up run's processes
#   RESULTS_DIR=bench/load/results
#   CLIENT=bare         the request wrk and h2load send: bare (their own, a Host field) or usual (eight more fields a
#                       service's client sends: User-Agent, Accept, Accept-Encoding, X-Request-Id, traceparent,
#                       Authorization, Accept-Language, Cache-Control; bench/load/peers.sh)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CMDLINE="$0 $*"
if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
  sed -n '2,/^set -euo pipefail/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"
  exit 0
fi
(($# == 0)) || { echo "run.sh: unexpected arguments: $* (expected: none; knobs are environment variables, see --help)" >&2; exit 2; }

QUICK="${QUICK:-0}"
if [[ "$QUICK" == 1 ]]; then
  : "${ROUNDS:=1}" "${DURATION:=3}" "${WARMUP:=5}" "${RATE_WARMUP:=2}" "${STARTUP_REPS:=1}" "${STARTUP_SECONDS:=3}" \
    "${IDLE_CONNS:=1000}"
fi
TARGETS="${TARGETS:-direct haproxy nginx gossamer}"
GOSSAMER_TRANSPORT="${GOSSAMER_TRANSPORT:-auto}"
RUNS="${RUNS:-1}"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-30}"
RATE_WARMUP="${RATE_WARMUP:-10}"
STARTUP_REPS="${STARTUP_REPS:-3}"
STARTUP_SECONDS="${STARTUP_SECONDS:-10}"
IDLE_CONNS="${IDLE_CONNS:-10000}"
CONNS="${CONNS:-50}"
RATE="${RATE:-1000}"
RATE_CONNS="${RATE_CONNS:-10}"
LOADGEN_CPU="${LOADGEN_CPU:-0}"
SERVER_CPU="${SERVER_CPU:-1}"
GOSSAMER_JAR="${GOSSAMER_JAR:-$ROOT/sidecar/target/gossamer.jar}"
RESULTS_DIR="${RESULTS_DIR:-$HERE/results}"
GOSSAMER_BUILD="${GOSSAMER_BUILD:-auto}"

PORT_BASE="${PORT_BASE:-18080}"
[[ "$PORT_BASE" =~ ^[0-9]+$ ]] && ((PORT_BASE >= 1024 && PORT_BASE <= 65500)) \
  || { echo "run.sh: PORT_BASE: $PORT_BASE (expected: 1024..65500)" >&2; exit 1; }
# A port in the kernel's ephemeral range can be taken by any client's outgoing connection at any moment.
read -r eph_lo eph_hi </proc/sys/net/ipv4/ip_local_port_range
((PORT_BASE + 16 < eph_lo || PORT_BASE > eph_hi)) \
  || { echo "run.sh: PORT_BASE: $PORT_BASE (expected: PORT_BASE..PORT_BASE+16 outside the ephemeral ports $eph_lo-$eph_hi)" >&2; exit 1; }
BACKEND_PORTS=($((PORT_BASE + 1)) $((PORT_BASE + 2)) $((PORT_BASE + 3)))
HAPROXY_PORT=$((PORT_BASE + 10))
NGINX_PORT=$((PORT_BASE + 11))
GOSSAMER_PORT=$((PORT_BASE + 12))
GOSSAMER_ADMIN_PORT=$((PORT_BASE + 13))
# the start-up run's fresh processes, beside the long-running ones
STARTUP_GOSSAMER_PORT=$((PORT_BASE + 14))
STARTUP_GOSSAMER_ADMIN_PORT=$((PORT_BASE + 15))
STARTUP_HAPROXY_PORT=$((PORT_BASE + 16))

# shellcheck source=bench/lib.sh
source "$HERE/../lib.sh"
# shellcheck source=bench/load/peers.sh
source "$HERE/peers.sh"

require_integers RUNS ROUNDS DURATION WARMUP RATE_WARMUP CONNS RATE RATE_CONNS LOADGEN_CPU SERVER_CPU STARTUP_REPS \
  STARTUP_SECONDS IDLE_CONNS
client_args
[[ "$QUICK" == 0 || "$QUICK" == 1 ]] || die "QUICK: $QUICK (expected: 0 or 1)"
((RUNS > 0)) || die "RUNS: $RUNS (expected: > 0)"
((ROUNDS > 0)) || die "ROUNDS: $ROUNDS (expected: > 0)"
((DURATION > 0)) || die "DURATION: $DURATION (expected: > 0)"
((RATE_CONNS > 0 && RATE % RATE_CONNS == 0)) || die "RATE: $RATE (expected: a multiple of RATE_CONNS=$RATE_CONNS)"
for t in $TARGETS; do
  case "$t" in direct|haproxy|nginx|gossamer) ;; *) die "TARGETS: $t (expected: direct, haproxy, nginx, gossamer)";; esac
done
[[ " $TARGETS " == *" direct "* ]] || die "TARGETS: $TARGETS (expected: to include direct, the baseline)"
require_root_and_cpus

# ---------------------------------------------------------------- install peers (idempotent)
install_missing haproxy:haproxy nginx:nginx-light wrk:wrk h2load:nghttp2-client curl:curl taskset:util-linux \
  ss:iproute2 java:openjdk-17-jre-headless python3:python3

# ---------------------------------------------------------------- RUNS > 1: whole runs in a row, then their spread
if ((RUNS > 1)); then
  STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
  OUT="$RESULTS_DIR/$STAMP"
  mkdir -p "$OUT"
  failed=0
  for ((i = 1; i <= RUNS; i++)); do
    log "run $i/$RUNS (results under $OUT)"
    # The children get every knob already resolved (QUICK's included) and write their own <stamp>/ under OUT.
    if ! RUNS=1 QUICK=0 RESULTS_DIR="$OUT" TARGETS="$TARGETS" ROUNDS="$ROUNDS" DURATION="$DURATION" WARMUP="$WARMUP" \
        RATE_WARMUP="$RATE_WARMUP" STARTUP_REPS="$STARTUP_REPS" STARTUP_SECONDS="$STARTUP_SECONDS" \
        IDLE_CONNS="$IDLE_CONNS" PORT_BASE="$PORT_BASE" GOSSAMER_JAVA_OPTS="${GOSSAMER_JAVA_OPTS:-}" CLIENT="${CLIENT:-bare}" \
        "$HERE/run.sh"; then
      failed=1; log "run $i/$RUNS failed; summarising the runs that finished"; break
    fi
    GOSSAMER_BUILD=never   # built (or checked) once, by the first run
    export GOSSAMER_BUILD
  done
  shopt -s nullglob
  runs=("$OUT"/*/measures.tsv)
  ((${#runs[@]})) || die "no run finished; see the output above"
  {
    echo "# Gossamer load benchmark, $RUNS runs, $STAMP"
    echo
    echo "- command: \`RUNS=$RUNS TARGETS=\"$TARGETS\" ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP RATE_WARMUP=$RATE_WARMUP STARTUP_REPS=$STARTUP_REPS STARTUP_SECONDS=$STARTUP_SECONDS IDLE_CONNS=$IDLE_CONNS CLIENT=${CLIENT:-bare} GOSSAMER_JAVA_OPTS=\"${GOSSAMER_JAVA_OPTS:-}\" $CMDLINE\`"
    echo "- runs: ${#runs[@]} of $RUNS finished: $(for r in "${runs[@]}"; do basename "$(dirname "$r")"; done | tr '\n' ' ')"
    echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); each run's machine, versions, JVM and flags are in its own summary.md"
    echo
    awk -f "$HERE/summary.awk" "${runs[@]}"
  } >"$OUT/summary.md"
  echo; cat "$OUT/summary.md"; echo
  log "wrote $OUT/summary.md"
  exit "$failed"
fi

# ---------------------------------------------------------------- working dir, process bookkeeping, cleanup
WORK="$(mktemp -d /tmp/gossamer-loadbench.XXXXXX)"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$RESULTS_DIR/$STAMP"
mkdir -p "$OUT/raw"
on_exit_cleanup "$OUT/raw"   # ../lib.sh: stops what was started, keeps configs and logs

gossamer_cmd() {  # the argv that starts a long-running sidecar through the launcher: gossamer_cmd CONFIG
  local t=()
  [[ "$GOSSAMER_TRANSPORT" == auto ]] || t=(--transport "$GOSSAMER_TRANSPORT")
  launcher_argv "$LAUNCHER" run --config "$1" --event-loops 1 "${t[@]}"
  GCMD=("${LARGV[@]}")
}

# ---------------------------------------------------------------- Gossamer: jar and launcher (before any timing starts)
GOSSAMER_VERSION="-"
LAUNCHER=""
if [[ " $TARGETS " == *" gossamer "* ]]; then
  case "$GOSSAMER_BUILD" in
    auto)
      if [[ -x "$ROOT/gossamer" ]]; then
        log "checking the Gossamer jar through the launcher (it rebuilds a missing or stale jar)"
        GOSSAMER_CDS=off timeout 900 "$ROOT/gossamer" version >"$WORK/gossamer-build.log" 2>&1 \
          || die "'$ROOT/gossamer version' failed: $(tail -30 "$WORK/gossamer-build.log")"
      fi;;
    never) ;;
    *) die "GOSSAMER_BUILD: $GOSSAMER_BUILD (expected: auto or never)";;
  esac
  [[ -f "$GOSSAMER_JAR" ]] || die "GOSSAMER_JAR: $GOSSAMER_JAR does not exist (build it, or drop gossamer from TARGETS)"
  stage_launcher "$GOSSAMER_JAR"   # Gossamer runs as a user starts it: through the launcher (../lib.sh)
fi

n_targets=$(wc -w <<<"$TARGETS")
# Upper bound on the whole run: each round runs two measurements per target, plus start-up and warm-up; each
# start-up repetition (two targets) and each many-connections run (three proxies) at most a minute beyond its load.
MAX_RUNTIME=$(( ROUNDS * n_targets * (2 * DURATION + 15) + WARMUP + 300 + STARTUP_REPS * 2 * (STARTUP_SECONDS + 60) \
  + (IDLE_CONNS > 0 ? 3 * (DURATION + 120) : 0) ))
# Own process group, so cleanup ends the sleep too and a late kill can never hit a reused pid.
setsid bash -c "sleep $MAX_RUNTIME; echo 'run.sh: watchdog: over ${MAX_RUNTIME}s, stopping' >&2; kill -TERM $$" </dev/null &
WATCHDOG_PID=$!

# start NAME CMD... : starts CMD in its own session pinned to SERVER_CPU, output to $WORK/NAME.log;
# sets LAST_PID (not echoed: a command substitution would lose the STARTED_PIDS update).
LAST_PID=""
start() {
  local name=$1; shift
  setsid taskset -c "$SERVER_CPU" "$@" >"$WORK/$name.log" 2>&1 </dev/null &
  LAST_PID=$!
  STARTED_PIDS+=("$LAST_PID")
}

port_free() { [[ -z "$(ss -ltnH "sport = :$1" 2>/dev/null)" ]]; }
# pids of the processes holding the listening socket on port $1 (nginx: master + worker)
listen_pids() { ss -ltnpH "sport = :$1" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -un | tr '\n' ' '; }

# wait_http URL SECONDS [PID]: poll until URL answers 200, or fail (also fails early if PID died)
wait_http() {
  local url=$1 pid=${3:-} deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" 2>/dev/null || true)" == 200 ]] && return 0
    [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null && return 1
    sleep 0.2
  done
  return 1
}

rss_kb() {
  local total=0 p v
  for p in "$@"; do
    v="$(awk '/^VmRSS:/{print $2}' "/proc/$p/status" 2>/dev/null || true)"
    total=$((total + ${v:-0}))
  done
  echo "$total"
}
CLK_TCK="$(getconf CLK_TCK)"
# "busy total" jiffies of one core from /proc/stat (busy excludes idle and iowait)
core_jiffies() {
  awk -v c="cpu$1" '$1 == c { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat
}

# ---------------------------------------------------------------- configs
for p in "${BACKEND_PORTS[@]}" $HAPROXY_PORT $NGINX_PORT $GOSSAMER_PORT $GOSSAMER_ADMIN_PORT $STARTUP_GOSSAMER_PORT \
    $STARTUP_GOSSAMER_ADMIN_PORT $STARTUP_HAPROXY_PORT; do
  port_free "$p" || die "port 127.0.0.1:$p is in use (expected: free)"
done

# One connection limit for every proxy, room for the idle connections and the load beside them: HAProxy's maxconn,
# nginx's worker_connections, Gossamer's listener max_connections (its default, 10,000, would refuse the last few).
CONN_LIMIT=$((IDLE_CONNS + 1024 > 4096 ? IDLE_CONNS + 1024 : 4096))
# Open files: ideally a client and an upstream socket per connection (HAProxy's own sizing); at least one socket per
# idle connection (they share a few pooled upstream connections) plus room for the load beside them. A container
# without CAP_SYS_RESOURCE cannot raise its hard limit: then the hard limit is used, if it holds the minimum.
want_files=$((2 * CONN_LIMIT + 1024))
need_files=$((IDLE_CONNS + 1024))
hard="$(ulimit -Hn)"
if [[ "$hard" != unlimited ]] && ((hard < want_files)); then
  ulimit -Hn "$want_files" 2>/dev/null || true
  hard="$(ulimit -Hn)"
fi
[[ "$hard" == unlimited ]] || ((hard >= want_files)) || want_files=$hard
((want_files >= need_files)) \
  || die "open files: the hard limit is $hard and cannot be raised here (expected: >= $need_files for IDLE_CONNS=$IDLE_CONNS; lower IDLE_CONNS)"
(($(ulimit -n) >= want_files)) || ulimit -n "$want_files"

mkdir -p "$WORK/nginxproxy-tmp"
backend_nginx_conf >"$WORK/backend-nginx.conf"

{
  nginx_common nginxproxy "$CONN_LIMIT"
  echo "http {"
  nginx_http_common nginxproxy
  echo "  upstream backends {"
  for p in "${BACKEND_PORTS[@]}"; do echo "    server 127.0.0.1:$p;"; done
  cat <<EOF
    keepalive 64;
    keepalive_requests 100000000;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://backends;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
EOF
} >"$WORK/proxy-nginx.conf"


haproxy_cfg "$HAPROXY_PORT" "$CONN_LIMIT" >"$WORK/haproxy.cfg"
haproxy_cfg "$STARTUP_HAPROXY_PORT" >"$WORK/haproxy-startup.cfg"

bench_sidecar_yaml bench $GOSSAMER_PORT $GOSSAMER_ADMIN_PORT "$CONN_LIMIT" >"$WORK/sidecar.yaml"
bench_sidecar_yaml bench-startup $STARTUP_GOSSAMER_PORT $STARTUP_GOSSAMER_ADMIN_PORT "$CONN_LIMIT" \
  >"$WORK/sidecar-startup.yaml"
bench_mesh_yaml >"$WORK/mesh.yaml"

# ---------------------------------------------------------------- versions and machine
HAPROXY_VERSION="$(haproxy -v 2>&1 | awk "NR == 1" | awk '{print $3}')"
NGINX_VERSION="$(nginx -v 2>&1 | sed 's|.*nginx/||')"
WRK_VERSION="$(dpkg-query -W -f '${Version}' wrk 2>/dev/null || echo '?')"
H2LOAD_VERSION="$(dpkg-query -W -f '${Version}' nghttp2-client 2>/dev/null || echo '?')"
CPU_MODEL="$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)"
KERNEL="$(uname -r)"
LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- start servers
log "work dir $WORK, results $OUT"
start backend nginx -e "$WORK/backend-error.log" -p "$WORK" -c "$WORK/backend-nginx.conf"
for p in "${BACKEND_PORTS[@]}"; do
  wait_http "http://127.0.0.1:$p/" 10 "$LAST_PID" || die "nginx backend on :$p did not start: $(cat "$WORK/backend.log")"
done
BACKEND_PIDS="$(listen_pids "${BACKEND_PORTS[0]}")"

# ---------------------------------------------------------------- start-up run (before the long-running targets start)
# A fresh process per repetition, timed from the moment it is spawned: to /ready (Gossamer; HAProxy has none, its
# first answer is its readiness), to the first proxied 200, then STARTUP_SECONDS at RATE req/s at once, with the
# p99 of each second from h2load's per-request log. Polled every 2 ms with bash's own /dev/tcp (no fork per poll).
mkfifo "$WORK/tick" && exec {TICK_FD}<>"$WORK/tick"   # nobody writes: `read -t` on it is a sleep without a fork
# http_200 PORT PATH: whether 127.0.0.1:PORT answers PATH with a 200 (one connection, closed after)
http_200() {
  local line=""
  { printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$2" "$1" >&3
    IFS= read -r -t 2 line <&3; } 2>/dev/null 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  [[ "$line" == "HTTP/1."?" 200"* ]]
}
# until_200 PORT PATH PID DEADLINE_US: polls every 2 ms; prints the microsecond clock of the first 200, or fails
# when PID died or the deadline passed
until_200() {
  local now
  while :; do
    http_200 "$1" "$2" && { echo "${EPOCHREALTIME/./}"; return 0; }
    now=${EPOCHREALTIME/./}
    ((now < $4)) && kill -0 "$3" 2>/dev/null || return 1
    read -r -t 0.002 -u "$TICK_FD" || true
  done
}
# per_second_p99 LOGFILE SECONDS: from an h2load --log-file, "p99_s1 ... p99_sN worst" in microseconds over the 200s,
# each second counted from the first request's start (a second without a 200 shows 0)
per_second_p99() {
  sort -n "$1" | awk -F'\t' -v secs="$2" '
    NR == 1 { t0 = $1 }
    $2 == 200 { b = int(($1 - t0) / 1e6); if (b < secs) print b "\t" $3 }' | sort -t$'\t' -k1,1n -k2,2n | awk -F'\t' -v secs="$2" '
    { n[$1]++; v[$1, n[$1]] = $2 }
    END {
      worst = 0
      for (b = 0; b < secs; b++) {
        if (n[b] == 0) { p = 0 } else { i = int(0.99 * n[b] + 0.999999); if (i > n[b]) i = n[b]; p = v[b, i] }
        if (p > worst) worst = p
        printf "%d ", p
      }
      print worst }'
}
STARTUP_CSV="$OUT/startup.csv"
{ printf 'target,rep,ready_ms,first_ms,'; for ((i = 1; i <= STARTUP_SECONDS; i++)); do printf 'p99_s%d_us,' "$i"; done
  echo "worst_p99_us,errors,requests,rss_kb"; } >"$STARTUP_CSV"
startup_once() {  # TARGET REP: appends a row to startup.csv
  local t=$1 rep=$2 t0 tready="" tfirst pid port lf="$WORK/startup-$1-r$2.tsv" name="startup-$1-r$2" stats="" n=0 err=0
  t0=${EPOCHREALTIME/./}
  case "$t" in
    haproxy) start "$name" haproxy -db -f "$WORK/haproxy-startup.cfg"; port=$STARTUP_HAPROXY_PORT;;
    gossamer) gossamer_cmd "$WORK/sidecar-startup.yaml"; cd "$WORK"; start "$name" "${GCMD[@]}"; cd "$ROOT"
      port=$STARTUP_GOSSAMER_PORT;;
  esac
  pid=$LAST_PID
  if [[ "$t" == gossamer ]]; then
    tready=$(until_200 "$STARTUP_GOSSAMER_ADMIN_PORT" /ready "$pid" $((t0 + 60000000))) \
      || die "start-up run: gossamer not ready in 60 s: $(tail -30 "$WORK/$name.log")"
  fi
  tfirst=$(until_200 "$port" / "$pid" $((t0 + 60000000))) || die "start-up run: $t does not proxy: $(tail -30 "$WORK/$name.log")"
  if ((STARTUP_SECONDS > 0)); then
    h2load_at_rate "http://127.0.0.1:$port/" "$STARTUP_SECONDS" "$lf" >"$OUT/raw/$name-h2load.txt" 2>&1 \
      || die "start-up run: h2load against $t failed: $(cat "$OUT/raw/$name-h2load.txt")"
    stats=$(per_second_p99 "$lf" "$STARTUP_SECONDS")
    n=$(wc -l <"$lf")
    err=$(awk -F'\t' '$2 != 200' "$lf" | wc -l)
    rm -f "$lf"
  fi
  local rss ready_ms=""
  rss=$(rss_kb "$pid")
  [[ "$t" == gossamer ]] && cp "/proc/$pid/cmdline" "$WORK/startup-cmdline" 2>/dev/null
  stop_group "$pid"
  [[ -n "$tready" ]] && ready_ms=$(( (tready - t0) / 1000 ))
  echo "$t,$rep,$ready_ms,$(( (tfirst - t0) / 1000 )),$(tr -s ' ' ',' <<<"${stats:-0}"),$err,$n,$rss" >>"$STARTUP_CSV"
  log "  start-up $t rep $rep: $(tail -1 "$STARTUP_CSV")"
}
STARTUP_TARGETS=""
for t in haproxy gossamer; do [[ " $TARGETS " == *" $t "* ]] && STARTUP_TARGETS+="$t "; done
if ((STARTUP_REPS > 0)) && [[ -n "$STARTUP_TARGETS" ]]; then
  read -r -a st_order <<<"$STARTUP_TARGETS"
  for ((rep = 1; rep <= STARTUP_REPS; rep++)); do
    log "start-up run $rep/$STARTUP_REPS: ${STARTUP_TARGETS}(spawn -> ready -> first proxied, then ${STARTUP_SECONDS}s at $RATE req/s)"
    # alternate which target starts first
    for ((i = 0; i < ${#st_order[@]}; i++)); do startup_once "${st_order[$(((i + rep - 1) % ${#st_order[@]}))]}" "$rep"; done
  done
fi

declare -A URL PIDS
URL[direct]="http://127.0.0.1:${BACKEND_PORTS[0]}/"
PIDS[direct]=""

GOSSAMER_CMD=""
GOSSAMER_JVM_CMD=""
GOSSAMER_JVM_VERSION=""
GOSSAMER_ARCHIVE=""
for t in $TARGETS; do
  case "$t" in
    haproxy)
      start haproxy haproxy -db -f "$WORK/haproxy.cfg"; pid=$LAST_PID
      URL[haproxy]="http://127.0.0.1:$HAPROXY_PORT/"
      wait_http "${URL[haproxy]}" 10 "$pid" || die "haproxy did not start: $(cat "$WORK/haproxy.log")"
      PIDS[haproxy]="$(listen_pids $HAPROXY_PORT)";;
    nginx)
      start nginxproxy nginx -e "$WORK/nginxproxy-error.log" -p "$WORK" -c "$WORK/proxy-nginx.conf"; pid=$LAST_PID
      URL[nginx]="http://127.0.0.1:$NGINX_PORT/"
      wait_http "${URL[nginx]}" 10 "$pid" || die "nginx proxy did not start: $(cat "$WORK/nginxproxy.log")"
      PIDS[nginx]="$(listen_pids $NGINX_PORT)";;
    gossamer)
      gossamer_cmd "$WORK/sidecar.yaml"
      GOSSAMER_CMD="${GCMD[*]}"
      cd "$WORK"
      start gossamer "${GCMD[@]}"; pid=$LAST_PID
      cd "$ROOT"
      URL[gossamer]="http://127.0.0.1:$GOSSAMER_PORT/"
      wait_http "http://127.0.0.1:$GOSSAMER_ADMIN_PORT/ready" 60 "$pid" \
        || die "gossamer not ready: $(tail -30 "$WORK/gossamer.log")"
      wait_http "${URL[gossamer]}" 10 "$pid" || die "gossamer does not proxy: $(tail -30 "$WORK/gossamer.log")"
      PIDS[gossamer]="$(listen_pids $GOSSAMER_PORT)"
      [[ "${PIDS[gossamer]}" == "$pid " && "$(cat "/proc/$pid/comm")" == java ]] \
        || die "gossamer: the listening process (${PIDS[gossamer]}) is not the started JVM ($pid)"
      # What really ran: the launcher's choice of JVM, its flags and archive.
      GOSSAMER_JVM_CMD="$(jvm_cmdline "$pid")"
      jexe="$(readlink -f "/proc/$pid/exe")"
      GOSSAMER_JVM_VERSION="$("$jexe" -version 2>&1 | awk 'NR == 1' | sed 's/.*version "\(.*\)".*/\1/') ($(dirname "$(dirname "$jexe")"))"
      GOSSAMER_ARCHIVE="none"
      case "$GOSSAMER_JVM_CMD" in
        *-XX:AOTCache=*) GOSSAMER_ARCHIVE="AOT cache";;
        *-XX:SharedArchiveFile=*) GOSSAMER_ARCHIVE="dynamic CDS archive";;
      esac;;
  esac
done

# Sanity: each proxy spreads 6 requests over the three backends.
for t in $TARGETS; do
  [[ "$t" == direct ]] && continue
  seen="$(for _ in 1 2 3 4 5 6; do curl -s --max-time 2 "${URL[$t]}"; done | sort -u | tr -d '\n')"
  [[ "$seen" == 123 ]] || die "$t: 6 requests reached backends '$seen' (expected: 123, round robin)"
  log "$t pids: ${PIDS[$t]} ok (round robin over 1,2,3)"
done

# ---------------------------------------------------------------- measurements
# allocated_bytes TARGET: bytes allocated so far by every thread of Gossamer's JVM, from its /metrics
# (gossamer_process_allocated_bytes_total); empty for other targets and for a jar without the counter
allocated_bytes() {
  [[ "$1" == gossamer ]] || return 0
  curl -s --max-time 2 "http://127.0.0.1:$GOSSAMER_ADMIN_PORT/metrics" 2>/dev/null \
    | awk '$1 ~ /^gossamer_process_allocated_bytes_total(\{|$)/ { printf "%.0f", $2; exit }' || true
}
# per_request A0 A1 REQUESTS: (A1 - A0) / REQUESTS, empty when either reading is missing
per_request() {
  [[ -n "$1" && -n "$2" ]] && (($3 > 0)) && awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.0f", (b - a) / n }'
  return 0
}

# run_max TARGET ROUND -> CSV fields: rps,requests,errors,wrk_p50_us,wrk_p99_us,cpu_us_per_req_max,
#   backend_cpu_us_per_req_max,loadgen_core_busy_pct,server_core_busy_pct,wrk_max_us,rss_load_kb,alloc_b_per_req_max
# (rss_load_kb: the largest summed VmRSS of the proxy's processes, sampled every 0.5 s while wrk runs)
run_max() {
  local t=$1 r=$2 f="$OUT/raw/wrk-$1-r$2.txt" c0 c1 b0 b1 lg0 lg1 sv0 sv1 a0 a1 wpid peak=0 now
  a0=$(allocated_bytes "$t")
  # shellcheck disable=SC2086
  c0=$(cpu_ticks ${PIDS[$t]}); b0=$(cpu_ticks $BACKEND_PIDS)
  lg0=$(core_jiffies "$LOADGEN_CPU"); sv0=$(core_jiffies "$SERVER_CPU")
  timeout $((DURATION + 30)) taskset -c "$LOADGEN_CPU" wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency ${CLIENT_ARGS[@]+"${CLIENT_ARGS[@]}"} "${URL[$t]}" >"$f" 2>&1 &
  wpid=$!
  while kill -0 "$wpid" 2>/dev/null; do
    if [[ -n "${PIDS[$t]}" ]]; then
      # shellcheck disable=SC2086
      now=$(rss_kb ${PIDS[$t]}); ((now > peak)) && peak=$now
    fi
    read -r -t 0.5 -u "$TICK_FD" || true
  done
  wait "$wpid" || die "wrk against $t failed: $(cat "$f")"
  # shellcheck disable=SC2086
  c1=$(cpu_ticks ${PIDS[$t]}); b1=$(cpu_ticks $BACKEND_PIDS)
  lg1=$(core_jiffies "$LOADGEN_CPU"); sv1=$(core_jiffies "$SERVER_CPU")
  a1=$(allocated_bytes "$t")
  local req rps non2xx sockerr p50 p99 max
  req=$(awk '/requests in/{print $1; exit}' "$f")
  max=$(to_us "$(awk '$1 == "Latency" {print $4; exit}' "$f")")
  rps=$(awk '/^Requests\/sec:/{print $2}' "$f")
  non2xx=$(awk '/Non-2xx or 3xx responses:/{print $NF}' "$f")
  sockerr=$(awk '/Socket errors:/{gsub(",", ""); print $4+$6+$8+$10}' "$f")
  p50=$(to_us "$(awk '$1=="50%"{print $2}' "$f")")
  p99=$(to_us "$(awk '$1=="99%"{print $2}' "$f")")
  ((req > 0)) || die "wrk against $t made no requests: $(cat "$f")"
  awk -v rps="$rps" -v req="$req" -v e=$(( ${non2xx:-0} + ${sockerr:-0} )) -v p50="$p50" -v p99="$p99" \
      -v dc=$((c1 - c0)) -v db=$((b1 - b0)) -v hz="$CLK_TCK" -v proxy="${PIDS[$t]}" \
      -v lg0="$lg0" -v lg1="$lg1" -v sv0="$sv0" -v sv1="$sv1" 'BEGIN{
    cpu = (proxy == "") ? "" : sprintf("%.2f", dc * 1e6 / hz / req)
    split(lg0, a, " "); split(lg1, b, " "); lg = (b[2] > a[2]) ? 100 * (b[1] - a[1]) / (b[2] - a[2]) : 0
    split(sv0, a, " "); split(sv1, b, " "); sv = (b[2] > a[2]) ? 100 * (b[1] - a[1]) / (b[2] - a[2]) : 0
    printf "%.0f,%d,%d,%d,%d,%s,%.2f,%.0f,%.0f", rps, req, e, p50, p99, cpu, db * 1e6 / hz / req, lg, sv }'
  echo ",$max,$([[ -n "${PIDS[$t]}" ]] && echo "$peak"),$(per_request "$a0" "$a1" "$req")"
}

# run_rate TARGET ROUND -> CSV fields: achieved_rps,p50_us,p90_us,p99_us,p999_us,max_us,errors,cpu_us_per_req_rate,
#   alloc_b_per_req_rate
run_rate() {
  local t=$1 r=$2 f="$OUT/raw/h2load-$1-r$2.txt" lf="$WORK/h2load-$1-r$2.tsv" c0 c1 n err p50 p90 p99 p999 max a0 a1
  a0=$(allocated_bytes "$t")
  # shellcheck disable=SC2086
  c0=$(cpu_ticks ${PIDS[$t]})
  h2load_at_rate "${URL[$t]}" "$DURATION" "$lf" >"$f" 2>&1 || die "h2load against $t failed: $(cat "$f")"
  # shellcheck disable=SC2086
  c1=$(cpu_ticks ${PIDS[$t]})
  a1=$(allocated_bytes "$t")
  [[ -s "$lf" ]] || die "h2load against $t logged no request: $(cat "$f")"
  read -r n err p50 p90 p99 p999 max < <(h2load_quantiles "$lf")
  rm -f "$lf"
  awk -v n="$n" -v err="$err" -v dur="$DURATION" -v dc=$((c1 - c0)) -v hz="$CLK_TCK" -v proxy="${PIDS[$t]}" \
    -v q="$p50,$p90,$p99,$p999,$max" 'BEGIN {
      if (n == 0) { printf "0,0,0,0,0,0," err ","; exit }
      cpu = (proxy == "") ? "" : sprintf("%.2f", dc * 1e6 / hz / (n + err))
      printf "%.0f,%s,%d,%s", n / dur, q, err, cpu }'
  echo ",$(per_request "$a0" "$a1" $((n + err)))"
}

CSV="$OUT/results.csv"
echo "target,round,rps,requests,errors,wrk_p50_us,wrk_p99_us,cpu_us_per_req_max,backend_cpu_us_per_req_max,loadgen_core_busy_pct,server_core_busy_pct,wrk_max_us,rss_load_kb,alloc_b_per_req_max,rate_rps,rate_p50_us,rate_p90_us,rate_p99_us,rate_p999_us,rate_max_us,rate_errors,cpu_us_per_req_rate,alloc_b_per_req_rate,rss_kb" >"$CSV"

log "warm-up (not recorded): Gossamer ${WARMUP}s, others 2s, then each ${RATE_WARMUP}s at $RATE req/s"
for t in $TARGETS; do
  w=2; [[ "$t" == gossamer ]] && w=$WARMUP
  ((w > 0)) || continue
  timeout $((w + 30)) taskset -c "$LOADGEN_CPU" wrk -t1 -c"$CONNS" -d"${w}s" ${CLIENT_ARGS[@]+"${CLIENT_ARGS[@]}"} "${URL[$t]}" >"$OUT/raw/warmup-$t.txt" 2>&1 \
    || die "warm-up of $t failed: $(cat "$OUT/raw/warmup-$t.txt")"
  ((RATE_WARMUP > 0)) || continue
  h2load_at_rate "${URL[$t]}" "$RATE_WARMUP" /dev/null >"$OUT/raw/warmup-rate-$t.txt" 2>&1 \
    || die "fixed-rate warm-up of $t failed: $(cat "$OUT/raw/warmup-rate-$t.txt")"
done

read -r -a order <<<"$TARGETS"
for ((r = 1; r <= ROUNDS; r++)); do
  # Rotate the order each round so no target always runs first or right after the JVM's warm-up.
  rot=()
  for ((i = 0; i < ${#order[@]}; i++)); do rot+=("${order[$(((i + r - 1) % ${#order[@]}))]}"); done
  for t in "${rot[@]}"; do
    log "round $r/$ROUNDS: $t max throughput (wrk -t1 -c$CONNS, ${DURATION}s)"
    m=$(run_max "$t" "$r")
    log "round $r/$ROUNDS: $t fixed rate $RATE req/s (h2load --h1 -c$RATE_CONNS, ${DURATION}s)"
    q=$(run_rate "$t" "$r")
    # shellcheck disable=SC2086
    rss=""; [[ -n "${PIDS[$t]}" ]] && rss=$(rss_kb ${PIDS[$t]})
    echo "$t,$r,$m,$q,$rss" >>"$CSV"
    log "  -> $(tail -1 "$CSV")"
  done
done

# Where each proxy's CPU went, per thread (JVM: event loop vs JIT vs GC), for the whole run.
for t in $TARGETS; do
  [[ -n "${PIDS[$t]}" ]] || continue
  for p in ${PIDS[$t]}; do
    for task in /proc/"$p"/task/*; do
      printf '%s\t%s\t%s\n' "$(sed 's/^.*) //' "$task/stat" | awk '{print $12 + $13}')" "$p" "$(cat "$task/comm")"
    done
  done 2>/dev/null | sort -rn | awk -F'\t' -v hz="$CLK_TCK" 'BEGIN{print "cpu_s\tpid\tthread"} {printf "%.2f\t%s\t%s\n", $1 / hz, $2, $3}' \
    >"$OUT/raw/threads-$t.tsv"
done

# Gossamer's JVM after the rounds: its threads and the peak RSS the kernel saw (VmHWM, a check on the sampled peak).
GOSSAMER_AFTER=""
if [[ -n "${PIDS[gossamer]:-}" ]]; then
  # shellcheck disable=SC2086
  GOSSAMER_AFTER="$(awk '/^Threads:/ { t = $2 } /^VmHWM:/ { h = $2 } END { printf "%d threads, VmHWM %.1f MiB", t, h / 1024 }' \
    /proc/${PIDS[gossamer]% }/status 2>/dev/null || true)"
fi

# ---------------------------------------------------------------- many connections: IDLE_CONNS idle keep-alive clients
# For each proxy: IDLE_CONNS connections opened through it (one request each, then silent, held by idle-conns.py on
# LOADGEN_CPU), the proxy's RSS before and after, then a normal client at the fixed rate beside them.
IDLE_CSV="$OUT/idle.csv"
echo "target,conns,ok,refused,closed,bad_status,timeout,open_seconds,rss_before_kb,rss_after_kb,b_per_conn,rate_rps,rate_p50_us,rate_p99_us,rate_max_us,rate_errors,held_open,held_closed" >"$IDLE_CSV"
idle_run() {  # TARGET
  local t=$1 f="$OUT/raw/idle-$1.txt" lf="$WORK/idle-$1.tsv" ipid rss0 rss1 line ok refused closed bad timeout secs
  # shellcheck disable=SC2086
  rss0=$(rss_kb ${PIDS[$t]})
  local port=${URL[$t]##*:}; port=${port%/}
  setsid taskset -c "$LOADGEN_CPU" python3 "$HERE/idle-conns.py" 127.0.0.1 "$port" "$IDLE_CONNS" >"$f" 2>&1 </dev/null &
  ipid=$!
  STARTED_PIDS+=("$ipid")
  local deadline=$((SECONDS + 90))
  until grep -q '^opened ' "$f"; do
    kill -0 "$ipid" 2>/dev/null && ((SECONDS < deadline)) || die "idle-conns.py against $t: $(tail -5 "$f")"
    read -r -t 0.2 -u "$TICK_FD" || true
  done
  line=$(grep '^opened ' "$f")
  # shellcheck disable=SC2086
  rss1=$(rss_kb ${PIDS[$t]})
  read -r ok refused closed bad timeout secs < <(sed 's/[a-z_]*=//g; s/^opened //' <<<"$line")
  local n err p50 p90 p99 p999 max q
  h2load_at_rate "${URL[$t]}" "$DURATION" "$lf" >"$OUT/raw/idle-$t-h2load.txt" 2>&1 \
    || die "h2load beside the idle connections to $t failed: $(cat "$OUT/raw/idle-$t-h2load.txt")"
  read -r n err p50 p90 p99 p999 max < <(h2load_quantiles "$lf")
  rm -f "$lf"
  kill -TERM "$ipid"
  wait "$ipid" 2>/dev/null || true
  local held
  held=$(awk '/^held / { gsub(/[a-z_]*=/, ""); print $2 "," $3 }' "$f")
  awk -v ok="$ok" -v d=$((rss1 - rss0)) 'BEGIN { printf "%s", (ok > 0) ? sprintf("%.0f", d * 1024 / ok) : "" }' >"$WORK/bpc"
  echo "$t,$IDLE_CONNS,$ok,$refused,$closed,$bad,$timeout,$secs,$rss0,$rss1,$(cat "$WORK/bpc"),$((n / DURATION)),$p50,$p99,$max,$err,${held:-,}" >>"$IDLE_CSV"
  log "  -> $(tail -1 "$IDLE_CSV")"
}
if ((IDLE_CONNS > 0)); then
  for t in $TARGETS; do
    [[ "$t" == direct ]] && continue
    log "many connections: $IDLE_CONNS idle keep-alive connections through $t, then ${DURATION}s at $RATE req/s beside them"
    idle_run "$t"
  done
fi

# ---------------------------------------------------------------- report
MD="$OUT/results.md"
summary="$(awk -F, -v targets="$TARGETS" '
  function median(key,   n, i, j, t, v) {
    n = split(vals[key], v, " "); if (n == 0 || vals[key] == "") return ""
    for (i = 2; i <= n; i++) { t = v[i] + 0; for (j = i - 1; j >= 1 && v[j] + 0 > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
    return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  { for (k in col) if ($col[k] != "") vals[$1 SUBSEP k] = vals[$1 SUBSEP k] (vals[$1 SUBSEP k] == "" ? "" : " ") $col[k]
    lo[$1] = (lo[$1] == "" || $col["rps"] + 0 < lo[$1]) ? $col["rps"] + 0 : lo[$1]
    hi[$1] = ($col["rps"] + 0 > hi[$1]) ? $col["rps"] + 0 : hi[$1]
    errs[$1] += $col["errors"] + $col["rate_errors"] }
  END {
    nt = split(targets, T, " ")
    for (i = 1; i <= nt; i++) { t = T[i]
      split("loadgen_core_busy_pct server_core_busy_pct rps cpu_us_per_req_max cpu_us_per_req_rate rate_p50_us rate_p90_us rate_p99_us rate_p999_us rss_kb wrk_p99_us rate_rps", K, " ")
      for (k in K) M[t, K[k]] = median(t SUBSEP K[k]) }
    d50 = M["direct", "rate_p50_us"]; d99 = M["direct", "rate_p99_us"]; drps = M["direct", "rps"]
    print "| target | req/s max (median, min-max) | vs direct | proxy CPU us/req @max | proxy CPU us/req @" RATE_ "/s | p50 us @" RATE_ "/s | p99 us | p99.9 us | added p50 / p99 us vs direct | proxy RSS MiB | errors | core busy % loadgen / server @max |"
    print "|---|---|---|---|---|---|---|---|---|---|---|---|"
    for (i = 1; i <= nt; i++) { t = T[i]
      add = (t == "direct") ? "-" : sprintf("%+d / %+d", M[t, "rate_p50_us"] - d50, M[t, "rate_p99_us"] - d99)
      rss = (M[t, "rss_kb"] == "") ? "-" : sprintf("%.1f", M[t, "rss_kb"] / 1024)
      c1 = (M[t, "cpu_us_per_req_max"] == "") ? "-" : sprintf("%.1f", M[t, "cpu_us_per_req_max"])
      c2 = (M[t, "cpu_us_per_req_rate"] == "") ? "-" : sprintf("%.1f", M[t, "cpu_us_per_req_rate"])
      printf "| %s | %d (%d-%d) | %.2f | %s | %s | %d | %d | %d | %s | %s | %d | %d / %d |\n", t, M[t, "rps"], lo[t], hi[t],
        M[t, "rps"] / drps, c1, c2, M[t, "rate_p50_us"], M[t, "rate_p99_us"], M[t, "rate_p999_us"], add, rss, errs[t],
        M[t, "loadgen_core_busy_pct"], M[t, "server_core_busy_pct"] }
    for (i = 1; i <= nt; i++) { t = T[i]
      if (M[t, "rate_rps"] < 0.95 * RATE_) printf "\n**Warning**: %s held only %d of %d req/s in the fixed-rate run; its latency there is not comparable.\n", t, M[t, "rate_rps"], RATE_
      if (errs[t] > 0) printf "\n**Warning**: %s had %d failed requests (non-2xx, socket errors or h2load failures); see raw/.\n", t, errs[t] }
    print ""
    print "Ratios (medians):"
    print ""
    print "| ratio | req/s max | CPU us/req @max | CPU us/req @rate | p50 @rate | p99 @rate | RSS |"
    print "|---|---|---|---|---|---|---|"
    np = 0
    for (i = 1; i <= nt; i++) if (T[i] != "direct") { np++; PA[np] = T[i]; PB[np] = "direct" }
    for (i = 1; i <= nt; i++) if (T[i] == "haproxy" || T[i] == "nginx") for (j = 1; j <= nt; j++) if (T[j] == "gossamer") { np++; PA[np] = "gossamer"; PB[np] = T[i] }
    for (p = 1; p <= np; p++) { a = PA[p]; b = PB[p]
      r1 = (M[b, "cpu_us_per_req_max"] > 0) ? sprintf("%.2f", M[a, "cpu_us_per_req_max"] / M[b, "cpu_us_per_req_max"]) : "-"
      r2 = (M[b, "cpu_us_per_req_rate"] > 0) ? sprintf("%.2f", M[a, "cpu_us_per_req_rate"] / M[b, "cpu_us_per_req_rate"]) : "-"
      r3 = (M[b, "rss_kb"] > 0) ? sprintf("%.1f", M[a, "rss_kb"] / M[b, "rss_kb"]) : "-"
      printf "| %s / %s | %.2f | %s | %s | %.2f | %.2f | %s |\n", a, b, M[a, "rps"] / M[b, "rps"], r1, r2,
        M[a, "rate_p50_us"] / M[b, "rate_p50_us"], M[a, "rate_p99_us"] / M[b, "rate_p99_us"], r3 }
  }' RATE_="$RATE" "$CSV")"

# One run's figures for issue 13, a line each (MEASURE, TARGET, VALUE; "n/a" when a target's runs gave no value),
# read by summary.awk here and, with RUNS > 1, across runs. Per target the median over rounds or repetitions.
# medians_of CSV MEASURE=COLUMN...: one line per target and measure
medians_of() {
  local csv=$1; shift
  [[ -f "$csv" ]] || return 0
  awk -F, -v pairs="$*" '
    function median(s,   n, v, i, j, t) {
      n = split(s, v, " ")
      for (i = 2; i <= n; i++) { t = v[i] + 0; for (j = i - 1; j >= 1 && v[j] + 0 > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
      return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; np = split(pairs, P, " "); next }
    $1 == "direct" { next }
    { if (!($1 in seen)) { seen[$1] = 1; order[++nt] = $1 }
      for (k = 1; k <= np; k++) { split(P[k], mc, "="); v = $col[mc[2]]; if (v != "") vals[$1, k] = vals[$1, k] " " v } }
    END { for (i = 1; i <= nt; i++) for (k = 1; k <= np; k++) { split(P[k], mc, "=")
      printf "%s\t%s\t%s\n", mc[1], order[i], (vals[order[i], k] == "") ? "n/a" : median(vals[order[i], k]) } }' "$csv" \
    | awk -F'\t' '!(($1 ~ /^alloc_/ || $1 == "ready_ms") && $2 != "gossamer")'  # a JVM counter and /ready: Gossamer only
}
MEASURES="$OUT/measures.tsv"
{
  printf 'measure\ttarget\tvalue\n'
  medians_of "$CSV" rps=rps p99_rate_us=rate_p99_us max_closed_us=wrk_max_us cpu_rate_us=cpu_us_per_req_rate \
    rss_load_kb=rss_load_kb alloc_max_b=alloc_b_per_req_max alloc_rate_b=alloc_b_per_req_rate
  # direct is the baseline: its latency and throughput, no proxy process
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $1 == "direct" { print $c["rps"], $c["rate_p99_us"], $c["wrk_max_us"] }' "$CSV" \
    | sort -n | awk '{ r[NR] = $1; p[NR] = $2; m[NR] = $3 }
      function med(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
        return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
      END { if (NR) printf "rps\tdirect\t%s\np99_rate_us\tdirect\t%s\nmax_closed_us\tdirect\t%s\n", med(r, NR), med(p, NR), med(m, NR) }'
  medians_of "$STARTUP_CSV" ready_ms=ready_ms first_ms=first_ms warm_p99_us=worst_p99_us
  if [[ -f "$IDLE_CSV" ]]; then
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
      { printf "idle_ok\t%s\t%s\n", $1, $c["ok"]
        printf "idle_failed\t%s\t%d\n", $1, $c["refused"] + $c["closed"] + $c["bad_status"] + $c["timeout"] + $c["held_closed"]
        printf "idle_b_per_conn\t%s\t%s\n", $1, ($c["b_per_conn"] == "") ? "n/a" : $c["b_per_conn"]
        printf "idle_p99_us\t%s\t%s\n", $1, $c["rate_p99_us"]
        printf "idle_rate_errors\t%s\t%s\n", $1, $c["rate_errors"] }' "$IDLE_CSV"
  fi
} >"$MEASURES"

# The header both reports share: what ran, where, and how.
header() {
  echo "- command: \`QUICK=$QUICK TARGETS=\"$TARGETS\" ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP RATE_WARMUP=$RATE_WARMUP CONNS=$CONNS RATE=$RATE RATE_CONNS=$RATE_CONNS STARTUP_REPS=$STARTUP_REPS STARTUP_SECONDS=$STARTUP_SECONDS IDLE_CONNS=$IDLE_CONNS CLIENT=${CLIENT:-bare} LOADGEN_CPU=$LOADGEN_CPU SERVER_CPU=$SERVER_CPU GOSSAMER_JAR=$GOSSAMER_JAR GOSSAMER_BUILD=$GOSSAMER_BUILD GOSSAMER_JAVA_OPTS=\"${GOSSAMER_JAVA_OPTS:-}\" $CMDLINE\`"
  echo "- machine: nproc=$NCPU, CPU \"$CPU_MODEL\", kernel $KERNEL, load average at start $LOAD_AT_START, at the end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- versions: $GOSSAMER_VERSION, haproxy $HAPROXY_VERSION, nginx $NGINX_VERSION, wrk $WRK_VERSION, h2load (nghttp2-client) $H2LOAD_VERSION, python $(python3 -V 2>&1 | cut -d' ' -f2)"
  if [[ -n "$GOSSAMER_CMD" ]]; then
    echo "- gossamer started through the launcher as a user starts it: \`$GOSSAMER_CMD\` ($(grep -o '[a-z_]* transport, [0-9]* event loop(s)' "$WORK/gossamer.log" | head -1)); JVM flags: $([[ -n "${GOSSAMER_JAVA_OPTS:-}" ]] && echo "GOSSAMER_JAVA_OPTS as JAVA_OPTS" || echo "the launcher's defaults")"
    echo "- gossamer's JVM as it ran (/proc/PID/cmdline): \`$GOSSAMER_JVM_CMD\`; java $GOSSAMER_JVM_VERSION; class-data archive: $GOSSAMER_ARCHIVE; after the rounds: $GOSSAMER_AFTER"
  fi
  echo "- cores: load generators (wrk, h2load, idle-conns.py) on CPU $LOADGEN_CPU; the proxy under test and the nginx backends on CPU $SERVER_CPU; connection limit of every proxy $CONN_LIMIT (HAProxy maxconn, nginx worker_connections, Gossamer max_connections), open files $(ulimit -n)"
}

{
  echo "# Gossamer load benchmark, $STAMP: summary"
  echo
  header
  echo
  awk -f "$HERE/summary.awk" "$MEASURES"
  echo
  echo "How each figure is taken (bench/load/README.md has the detail): medians over the $ROUNDS rounds (or the start-up repetitions)."
  echo "p99 at the fixed rate: \`h2load --h1 -t1 -c$RATE_CONNS --rps=$((RATE / RATE_CONNS)) -D$DURATION\` ($RATE req/s), from its per-request log. Max latency: wrk's max in \`wrk -t1 -c$CONNS -d${DURATION}s --latency\`."
  echo "RSS under load: the largest summed VmRSS of the target's processes, sampled every 0.5 s during that wrk run (MB = 10^6 bytes). Allocated per request: Gossamer's gossamer_process_allocated_bytes_total (every JVM thread) before and after the run, over the requests served; n/a when the jar has no such counter."
  echo "Start-up: a fresh process spawned $STARTUP_REPS time(s) per target, interleaved; start -> /ready and -> first proxied 200 polled every 2 ms; then ${STARTUP_SECONDS}s at $RATE req/s at once, and the worst of the per-second p99s. Idle connections: $IDLE_CONNS opened through each proxy, a request each, then held; memory per connection = RSS delta / connections held."
  if [[ -s "$STARTUP_CSV" ]] && (($(wc -l <"$STARTUP_CSV") > 1)); then
    echo
    echo "Start-up, every repetition (ms; p99 of each second after the first response, us):"
    echo
    awk -F, 'NR == 1 { printf "| target | rep | start -> ready ms | start -> first proxied ms | p99 per second us | worst us | errors | RSS MiB |\n|---|---|---|---|---|---|---|---|\n"; n = NF; next }
      { ps = ""; for (i = 5; i <= n - 4; i++) ps = ps (ps == "" ? "" : " ") $i
        printf "| %s | %s | %s | %s | %s | %s | %s | %.1f |\n", $1, $2, ($3 == "") ? "-" : $3, $4, ps, $(n - 3), $(n - 2), $n / 1024 }' "$STARTUP_CSV"
  fi
  if [[ -s "$IDLE_CSV" ]] && (($(wc -l <"$IDLE_CSV") > 1)); then
    echo
    echo "Many connections ($IDLE_CONNS idle keep-alive connections through each proxy, then ${DURATION}s at $RATE req/s beside them):"
    echo
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i
        print "| target | held | refused / closed / bad status / timed out at open | closed while held | open s | RSS before -> after MiB | bytes per connection | p50 / p99 / max us beside them | failed requests |"
        print "|---|---|---|---|---|---|---|---|---|"; next }
      { printf "| %s | %s | %s / %s / %s / %s | %s | %s | %.1f -> %.1f | %s | %s / %s / %s | %s |\n", $1, $c["ok"], $c["refused"], $c["closed"], $c["bad_status"], $c["timeout"],
          $c["held_closed"], $c["open_seconds"], $c["rss_before_kb"] / 1024, $c["rss_after_kb"] / 1024, $c["b_per_conn"],
          $c["rate_p50_us"], $c["rate_p99_us"], $c["rate_max_us"], $c["rate_errors"] }' "$IDLE_CSV"
  fi
  echo
  echo "The throughput, CPU and latency detail of the rounds: results.md; every figure: results.csv, startup.csv, idle.csv, measures.tsv; tool output and configs: raw/."
} >"$OUT/summary.md"

{
  echo "# Gossamer load benchmark, $STAMP"
  echo
  header
  echo "- direct = wrk/h2load straight to the nginx backend 127.0.0.1:${BACKEND_PORTS[0]} (the three backends share one nginx worker, so round robin would not change its cost)"
  echo "- max throughput: \`wrk -t1 -c$CONNS -d${DURATION}s --latency\`, HTTP/1.1 keep-alive; fixed rate: \`h2load --h1 -t1 -c$RATE_CONNS --rps=$((RATE / RATE_CONNS)) -D$DURATION\` (= $RATE req/s); the request: CLIENT=${CLIENT:-bare} (bench/load/peers.sh, client_args)"
  echo "- $ROUNDS interleaved rounds (order rotated each round), medians below; per-round rows in results.csv, raw tool output in raw/; issue 13's measures (max latency, RSS under load, allocation, start-up, idle connections) in summary.md"
  echo
  echo "$summary"
  echo
  echo "CPU us/req = (utime+stime of the proxy processes over the run, from /proc/<pid>/stat) / requests; proxy RSS = VmRSS after the round."
  echo "Latency columns are from the fixed-rate run (h2load per-request log)."
} >"$MD"

echo
cat "$MD"
echo
cat "$OUT/summary.md"
echo
log "wrote $OUT/summary.md, $MD and $CSV"
