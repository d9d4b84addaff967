#!/usr/bin/env bash
# Side-by-side load benchmark: direct vs HAProxy vs nginx vs Gossamer, on 127.0.0.1 only.
# See README.md beside this file for what is measured, the core layout and the caveats.
#
# Usage: bench/load/run.sh            (as root; installs its peers from Debian's packages when missing)
# Knobs (environment):
#   TARGETS="direct haproxy nginx gossamer"   which targets to run (drop gossamer to skip it)
#   ROUNDS=3            interleaved rounds
#   DURATION=10         seconds per measurement (each of: max throughput, fixed rate)
#   WARMUP=30           seconds of un-recorded wrk load on Gossamer before round 1 (C2 JIT; 10 s was not enough); others get 2 s;
#                       then every target gets RATE_WARMUP un-recorded seconds at the fixed rate
#   RATE_WARMUP=10      (the JIT compiles the low-rate path the first time it sees it: 0.68 s of C2 on the proxy's core)
#   CONNS=50            wrk connections for max throughput (wrk -t1)
#   RATE=1000           fixed request rate (req/s) for the latency run (h2load --h1 --rps)
#   RATE_CONNS=10       h2load clients for the fixed-rate run (each sends RATE/RATE_CONNS req/s)
#   LOADGEN_CPU=0       core for wrk / h2load
#   SERVER_CPU=1        core for the proxy under test and the nginx backends
#   GOSSAMER_JAR=<repo>/sidecar/target/gossamer.jar   shaded sidecar jar
#   GOSSAMER_BUILD=auto  auto: let the ./gossamer launcher (re)build the jar when missing or stale;
#                        never: use GOSSAMER_JAR as it is
#   GOSSAMER_JAVA_OPTS  JVM flags for Gossamer (default in ../lib.sh, reported in the results)
#   GOSSAMER_TRANSPORT=auto   gossamer run --transport: auto (io_uring, else epoll, else nio), io_uring, epoll, nio
#   RESULTS_DIR=bench/load/results
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CMDLINE="$0 $*"

TARGETS="${TARGETS:-direct haproxy nginx gossamer}"
GOSSAMER_TRANSPORT="${GOSSAMER_TRANSPORT:-auto}"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-30}"
RATE_WARMUP="${RATE_WARMUP:-10}"
CONNS="${CONNS:-50}"
RATE="${RATE:-1000}"
RATE_CONNS="${RATE_CONNS:-10}"
LOADGEN_CPU="${LOADGEN_CPU:-0}"
SERVER_CPU="${SERVER_CPU:-1}"
GOSSAMER_JAR="${GOSSAMER_JAR:-$ROOT/sidecar/target/gossamer.jar}"
# Serial GC: the JVM is pinned to one core, where a parallel collector only adds thread switches.
# Small fixed-floor heap as a sidecar would get; no AlwaysPreTouch so RSS shows pages really used.
RESULTS_DIR="${RESULTS_DIR:-$HERE/results}"
GOSSAMER_BUILD="${GOSSAMER_BUILD:-auto}"

BACKEND_PORTS=(18081 18082 18083)
HAPROXY_PORT=18090
NGINX_PORT=18091
GOSSAMER_PORT=18092
GOSSAMER_ADMIN_PORT=18093

# shellcheck source=bench/lib.sh
source "$HERE/../lib.sh"
# shellcheck source=bench/load/peers.sh
source "$HERE/peers.sh"

require_integers ROUNDS DURATION WARMUP RATE_WARMUP CONNS RATE RATE_CONNS LOADGEN_CPU SERVER_CPU
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
  ss:iproute2 java:openjdk-17-jre-headless

# ---------------------------------------------------------------- working dir, process bookkeeping, cleanup
WORK="$(mktemp -d /tmp/gossamer-loadbench.XXXXXX)"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$RESULTS_DIR/$STAMP"
mkdir -p "$OUT/raw"
STARTED_PIDS=()   # each is a process-group leader (setsid), so the whole group is signalled
WATCHDOG_PID=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n "$WATCHDOG_PID" ]] && kill -TERM -- "-$WATCHDOG_PID" 2>/dev/null || true
  ((${#STARTED_PIDS[@]})) && stop_group "${STARTED_PIDS[@]}"
  cp -f "$WORK"/*.conf "$WORK"/*.cfg "$WORK"/*.yaml "$WORK"/*.log "$OUT/raw/" 2>/dev/null || true
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- Gossamer jar (built before any timing starts)
GOSSAMER_VERSION="-"
if [[ " $TARGETS " == *" gossamer "* ]]; then
  case "$GOSSAMER_BUILD" in
    auto)
      if [[ -x "$ROOT/gossamer" ]]; then
        log "checking the Gossamer jar through the launcher (it rebuilds a missing or stale jar)"
        timeout 900 "$ROOT/gossamer" version >"$WORK/gossamer-build.log" 2>&1 \
          || die "'$ROOT/gossamer version' failed: $(tail -30 "$WORK/gossamer-build.log")"
      fi;;
    never) ;;
    *) die "GOSSAMER_BUILD: $GOSSAMER_BUILD (expected: auto or never)";;
  esac
  [[ -f "$GOSSAMER_JAR" ]] || die "GOSSAMER_JAR: $GOSSAMER_JAR does not exist (build it, or drop gossamer from TARGETS)"
  GOSSAMER_VERSION="$(timeout 60 java -jar "$GOSSAMER_JAR" version 2>/dev/null | awk "NR == 1" || true)"
  [[ -n "$GOSSAMER_VERSION" ]] || GOSSAMER_VERSION="?"
fi

n_targets=$(wc -w <<<"$TARGETS")
# Upper bound on the whole run: each round runs two measurements per target, plus start-up and warm-up.
MAX_RUNTIME=$(( ROUNDS * n_targets * (2 * DURATION + 15) + WARMUP + 300 ))
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
for p in "${BACKEND_PORTS[@]}" $HAPROXY_PORT $NGINX_PORT $GOSSAMER_PORT $GOSSAMER_ADMIN_PORT; do
  port_free "$p" || die "port 127.0.0.1:$p is in use (expected: free)"
done



mkdir -p "$WORK/nginxproxy-tmp"
backend_nginx_conf >"$WORK/backend-nginx.conf"

{
  nginx_common nginxproxy
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


endpoints="$(printf '127.0.0.1:%s, ' "${BACKEND_PORTS[@]}")"
haproxy_cfg "$HAPROXY_PORT" >"$WORK/haproxy.cfg"

cat >"$WORK/sidecar.yaml" <<EOF
node: {id: bench, zone: local}
admin: {address: 127.0.0.1:$GOSSAMER_ADMIN_PORT}
listeners:
  - {name: outbound, address: 127.0.0.1:$GOSSAMER_PORT}
mesh_config: ./mesh.yaml
EOF
bench_mesh_yaml >"$WORK/mesh.yaml"

# ---------------------------------------------------------------- versions and machine
HAPROXY_VERSION="$(haproxy -v 2>&1 | awk "NR == 1" | awk '{print $3}')"
NGINX_VERSION="$(nginx -v 2>&1 | sed 's|.*nginx/||')"
WRK_VERSION="$(dpkg-query -W -f '${Version}' wrk 2>/dev/null || echo '?')"
H2LOAD_VERSION="$(dpkg-query -W -f '${Version}' nghttp2-client 2>/dev/null || echo '?')"
JAVA_VERSION="$(java -version 2>&1 | awk "NR == 1" | sed 's/.*version "\(.*\)".*/\1/')"
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

declare -A URL PIDS
URL[direct]="http://127.0.0.1:${BACKEND_PORTS[0]}/"
PIDS[direct]=""

GOSSAMER_CMD=""
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
      # shellcheck disable=SC2206
      jopts=($GOSSAMER_JAVA_OPTS)
      GOSSAMER_CMD="java ${jopts[*]} -jar $GOSSAMER_JAR run --config sidecar.yaml --event-loops 1 --transport $GOSSAMER_TRANSPORT"
      cd "$WORK"
      start gossamer java "${jopts[@]}" -jar "$GOSSAMER_JAR" run --config "$WORK/sidecar.yaml" --event-loops 1 \
        --transport "$GOSSAMER_TRANSPORT"; pid=$LAST_PID
      cd "$ROOT"
      URL[gossamer]="http://127.0.0.1:$GOSSAMER_PORT/"
      wait_http "http://127.0.0.1:$GOSSAMER_ADMIN_PORT/ready" 60 "$pid" \
        || die "gossamer not ready: $(tail -30 "$WORK/gossamer.log")"
      wait_http "${URL[gossamer]}" 10 "$pid" || die "gossamer does not proxy: $(tail -30 "$WORK/gossamer.log")"
      PIDS[gossamer]="$(listen_pids $GOSSAMER_PORT)";;
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
to_us() {  # wrk latency like 1.23ms / 456.00us / 1.2s -> microseconds
  awk -v v="$1" 'BEGIN{ n=v+0; if (v ~ /us$/) m=1; else if (v ~ /ms$/) m=1000; else if (v ~ /m$/) m=60e6; else if (v ~ /s$/) m=1e6; else m=1; printf "%.0f", n*m }'
}

# run_max TARGET ROUND -> CSV fields: rps,requests,errors,wrk_p50_us,wrk_p99_us,cpu_us_per_req_max,
#   backend_cpu_us_per_req_max,loadgen_core_busy_pct,server_core_busy_pct
run_max() {
  local t=$1 r=$2 f="$OUT/raw/wrk-$1-r$2.txt" c0 c1 b0 b1 lg0 lg1 sv0 sv1
  # shellcheck disable=SC2086
  c0=$(cpu_ticks ${PIDS[$t]}); b0=$(cpu_ticks $BACKEND_PIDS)
  lg0=$(core_jiffies "$LOADGEN_CPU"); sv0=$(core_jiffies "$SERVER_CPU")
  timeout $((DURATION + 30)) taskset -c "$LOADGEN_CPU" wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency "${URL[$t]}" >"$f" 2>&1 \
    || die "wrk against $t failed: $(cat "$f")"
  # shellcheck disable=SC2086
  c1=$(cpu_ticks ${PIDS[$t]}); b1=$(cpu_ticks $BACKEND_PIDS)
  lg1=$(core_jiffies "$LOADGEN_CPU"); sv1=$(core_jiffies "$SERVER_CPU")
  local req rps non2xx sockerr p50 p99
  req=$(awk '/requests in/{print $1; exit}' "$f")
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
}

# run_rate TARGET ROUND -> CSV fields: achieved_rps,p50_us,p90_us,p99_us,p999_us,max_us,errors,cpu_us_per_req_rate
run_rate() {
  local t=$1 r=$2 f="$OUT/raw/h2load-$1-r$2.txt" lf="$WORK/h2load-$1-r$2.tsv" c0 c1 n err p50 p90 p99 p999 max
  # shellcheck disable=SC2086
  c0=$(cpu_ticks ${PIDS[$t]})
  h2load_at_rate "${URL[$t]}" "$DURATION" "$lf" >"$f" 2>&1 || die "h2load against $t failed: $(cat "$f")"
  # shellcheck disable=SC2086
  c1=$(cpu_ticks ${PIDS[$t]})
  [[ -s "$lf" ]] || die "h2load against $t logged no request: $(cat "$f")"
  read -r n err p50 p90 p99 p999 max < <(h2load_quantiles "$lf")
  rm -f "$lf"
  awk -v n="$n" -v err="$err" -v dur="$DURATION" -v dc=$((c1 - c0)) -v hz="$CLK_TCK" -v proxy="${PIDS[$t]}" \
    -v q="$p50,$p90,$p99,$p999,$max" 'BEGIN {
      if (n == 0) { print "0,0,0,0,0,0," err ","; exit }
      cpu = (proxy == "") ? "" : sprintf("%.2f", dc * 1e6 / hz / (n + err))
      printf "%.0f,%s,%d,%s", n / dur, q, err, cpu }'
}

CSV="$OUT/results.csv"
echo "target,round,rps,requests,errors,wrk_p50_us,wrk_p99_us,cpu_us_per_req_max,backend_cpu_us_per_req_max,loadgen_core_busy_pct,server_core_busy_pct,rate_rps,rate_p50_us,rate_p90_us,rate_p99_us,rate_p999_us,rate_max_us,rate_errors,cpu_us_per_req_rate,rss_kb" >"$CSV"

log "warm-up (not recorded): Gossamer ${WARMUP}s, others 2s, then each ${RATE_WARMUP}s at $RATE req/s"
for t in $TARGETS; do
  w=2; [[ "$t" == gossamer ]] && w=$WARMUP
  ((w > 0)) || continue
  timeout $((w + 30)) taskset -c "$LOADGEN_CPU" wrk -t1 -c"$CONNS" -d"${w}s" "${URL[$t]}" >"$OUT/raw/warmup-$t.txt" 2>&1 \
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

{
  echo "# Gossamer load benchmark, $STAMP"
  echo
  echo "- command: \`TARGETS=\"$TARGETS\" ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP RATE_WARMUP=$RATE_WARMUP CONNS=$CONNS RATE=$RATE RATE_CONNS=$RATE_CONNS LOADGEN_CPU=$LOADGEN_CPU SERVER_CPU=$SERVER_CPU GOSSAMER_JAR=$GOSSAMER_JAR GOSSAMER_BUILD=$GOSSAMER_BUILD $CMDLINE\`"
  echo "- machine: nproc=$NCPU, CPU \"$CPU_MODEL\", kernel $KERNEL, load average at start $LOAD_AT_START"
  echo "- versions: $GOSSAMER_VERSION, haproxy $HAPROXY_VERSION, nginx $NGINX_VERSION, java $JAVA_VERSION, wrk $WRK_VERSION, h2load (nghttp2-client) $H2LOAD_VERSION"
  echo "- cores: load generator (wrk, h2load) on CPU $LOADGEN_CPU; proxy under test and the nginx backends (one process, worker_processes 1, three server blocks) on CPU $SERVER_CPU"
  echo "- direct = wrk/h2load straight to the nginx backend 127.0.0.1:${BACKEND_PORTS[0]} (the three backends share one nginx worker, so round robin would not change its cost)"
  echo "- max throughput: \`wrk -t1 -c$CONNS -d${DURATION}s --latency\`, HTTP/1.1 keep-alive; fixed rate: \`h2load --h1 -t1 -c$RATE_CONNS --rps=$((RATE / RATE_CONNS)) -D$DURATION\` (= $RATE req/s)"
  [[ -n "$GOSSAMER_CMD" ]] && echo "- gossamer: \`$GOSSAMER_CMD\` (its log: $(grep -o '[a-z_]* transport, [0-9]* event loop(s)' "$WORK/gossamer.log" | head -1))"
  echo "- $ROUNDS interleaved rounds (order rotated each round), medians below; per-round rows in results.csv, raw tool output in raw/"
  echo
  echo "$summary"
  echo
  echo "CPU us/req = (utime+stime of the proxy processes over the run, from /proc/<pid>/stat) / requests; proxy RSS = VmRSS after the round."
  echo "Latency columns are from the fixed-rate run (h2load per-request log)."
} >"$MD"

echo
cat "$MD"
echo
log "wrote $MD and $CSV"
