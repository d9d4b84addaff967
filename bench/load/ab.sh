#!/usr/bin/env bash
# Interleaved A/B of Gossamer variants beside HAProxy, for judging one change at a time on a shared machine.
#
# Every target runs at once, pinned with the nginx backends to SERVER_CPU; each is warmed, then short wrk windows
# are taken in turn (HAProxy first in every round). Each variant's figures are divided by HAProxy's window of the
# same round, so a slow minute of the host hits both sides of a ratio; medians over the rounds are printed, with
# each window's max latency (wrk's).
# run.sh stays the benchmark of record (one target at a time, latency at a fixed rate, RSS); this is the quick
# comparison behind the "tried" lines of docs/performance.md.
#
# Usage (as root): bench/load/ab.sh "LABEL|JAR|JVM_FLAGS|RUN_ARGS[|SIDECAR_YAML]" ...
#   e.g. bench/load/ab.sh "nio|/tmp/g.jar||--transport nio" "uring|/tmp/g.jar||--transport io_uring"
#   SIDECAR_YAML, when given, is appended to the variant's sidecar.yaml, e.g.
#   "json|/tmp/g.jar|||access_log: {format: json, path: /tmp/access.log}"
# Knobs (environment): ROUNDS=6  WINDOW=5 (seconds per wrk window)  WARMUP=20 (seconds per target)  CONNS=50
#   LOADGEN_CPU=0  SERVER_CPU=1
#   CLOSE=0  when 1, every wrk request says "Connection: close": one connection per request, which measures the
#           cost of accepting and setting up a connection rather than of a request
#   CLIENT=bare  the request wrk and h2load send, as in run.sh (peers.sh's client_args): bare (a Host field) or usual
#           (eight more fields a service's client sends), so a head's cost is judged in rounds against HAProxy's
# Each variant runs through the ./gossamer launcher (staged with its JAR, see ../lib.sh): JVM_FLAGS, when given, are
# its JAVA_OPTS (they replace the launcher's flags, as for a user); empty: the launcher's own flags, or
# GOSSAMER_JAVA_OPTS when that is set.
#   RATE=0  when > 0, each round also gives every target a fixed-rate window (h2load --h1, RATE req/s over
#           RATE_CONNS=10 connections, WINDOW seconds) and the table adds p50/p99 and the p99 added over HAProxy's
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ROUNDS="${ROUNDS:-6}"
WINDOW="${WINDOW:-5}"
WARMUP="${WARMUP:-20}"
CONNS="${CONNS:-50}"
RATE="${RATE:-0}"
RATE_CONNS="${RATE_CONNS:-10}"
CLOSE="${CLOSE:-0}"
LOADGEN_CPU="${LOADGEN_CPU:-0}"
SERVER_CPU="${SERVER_CPU:-1}"
BACKEND_PORTS=(18081 18082 18083)
HAPROXY_PORT=18090
FIRST_PORT=18100 # variant i listens on FIRST_PORT+i, its admin API on FIRST_PORT+100+i

# shellcheck source=bench/lib.sh
source "$HERE/../lib.sh"
# shellcheck source=bench/load/peers.sh
source "$HERE/peers.sh"
require_integers ROUNDS WINDOW WARMUP CONNS LOADGEN_CPU SERVER_CPU RATE RATE_CONNS CLOSE
client_args
WRK_ARGS=(${CLIENT_ARGS[@]+"${CLIENT_ARGS[@]}"})
((CLOSE)) && WRK_ARGS+=(-H "Connection: close")
((ROUNDS > 0 && WINDOW > 0)) || die "ROUNDS/WINDOW: $ROUNDS/$WINDOW (expected: > 0)"
(($# > 0)) || die "usage: $0 \"LABEL|JAR|JVM_FLAGS|RUN_ARGS\" ... (expected: at least one variant)"
require_root_and_cpus
install_missing haproxy:haproxy nginx:nginx-light wrk:wrk h2load:nghttp2-client curl:curl taskset:util-linux java:openjdk-17-jre-headless

WORK="$(mktemp -d /tmp/gossamer-ab.XXXXXX)"
on_exit_cleanup   # ../lib.sh: stops what was started

start() { # start NAME CMD...: own session, pinned to SERVER_CPU; sets LAST_PID
  local name=$1; shift
  setsid taskset -c "$SERVER_CPU" "$@" >"$WORK/$name.log" 2>&1 </dev/null &
  LAST_PID=$!
  STARTED_PIDS+=("$LAST_PID")
}

backend_nginx_conf >"$WORK/backend-nginx.conf"
haproxy_cfg "$HAPROXY_PORT" >"$WORK/haproxy.cfg"
bench_mesh_yaml >"$WORK/mesh.yaml"

start backends nginx -e "$WORK/backend-error.log" -p "$WORK" -c "$WORK/backend-nginx.conf"
start haproxy haproxy -db -f "$WORK/haproxy.cfg"
declare -A PID PORT
LABELS=(haproxy)
PID[haproxy]=$LAST_PID
PORT[haproxy]=$HAPROXY_PORT
i=0
for v in "$@"; do
  IFS='|' read -r label jar flags args extra <<<"$v"
  [[ -n "$label" && -f "$jar" ]] || die "variant '$v' (expected: LABEL|JAR|JVM_FLAGS|RUN_ARGS with an existing JAR)"
  [[ -z "${PID[$label]:-}" ]] || die "label $label used twice (expected: unique labels)"
  i=$((i + 1))
  port=$((FIRST_PORT + i))
  printf 'node: {id: ab-%s}\nadmin: {address: 127.0.0.1:%s}\nlisteners:\n  - {name: outbound, address: 127.0.0.1:%s}\nmesh_config: %s\n' \
    "$label" $((port + 100)) "$port" "$WORK/mesh.yaml" >"$WORK/$label.yaml"
  [[ -z "${extra:-}" ]] || printf '%s\n' "$extra" >>"$WORK/$label.yaml"
  stage_launcher "$jar" "$label"
  # shellcheck disable=SC2086
  GOSSAMER_JAVA_OPTS="${flags:-${GOSSAMER_JAVA_OPTS:-}}" launcher_argv "$LAUNCHER" run --config "$WORK/$label.yaml" \
    --event-loops 1 $args
  start "$label" "${LARGV[@]}"
  PID[$label]=$LAST_PID
  PORT[$label]=$port
  LABELS+=("$label")
done

for l in "${LABELS[@]}"; do
  ok=0
  for _ in $(seq 150); do
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:${PORT[$l]}/" && { ok=1; break; }
    sleep 0.2
  done
  ((ok)) || die "$l does not answer on :${PORT[$l]}: $(tail -20 "$WORK/$l.log")"
  log "warming $l for ${WARMUP}s $(grep -o '[a-z_]* transport' "$WORK/$l.log" | head -1)"
  taskset -c "$LOADGEN_CPU" wrk -t1 -c"$CONNS" -d"${WARMUP}s" ${WRK_ARGS[@]+"${WRK_ARGS[@]}"} "http://127.0.0.1:${PORT[$l]}/" >/dev/null
done

for r in $(seq "$ROUNDS"); do
  for l in "${LABELS[@]}"; do
    t0=$(cpu_ticks "${PID[$l]}")
    taskset -c "$LOADGEN_CPU" wrk -t1 -c"$CONNS" -d"${WINDOW}s" ${WRK_ARGS[@]+"${WRK_ARGS[@]}"} "http://127.0.0.1:${PORT[$l]}/" >"$WORK/wrk.out"
    t1=$(cpu_ticks "${PID[$l]}")
    n=$(awk '/requests in/ {print $1}' "$WORK/wrk.out")
    bad=$(grep -cE 'Non-2xx|Socket errors' "$WORK/wrk.out" || true)
    max=$(to_us "$(awk '$1 == "Latency" {print $4; exit}' "$WORK/wrk.out")")
    lat=""
    if ((RATE > 0)); then
      c0=$(cpu_ticks "${PID[$l]}")
      h2load_at_rate "http://127.0.0.1:${PORT[$l]}/" "$WINDOW" "$WORK/h2load.tsv" >"$WORK/h2load.out" 2>&1 \
        || die "h2load against $l failed: $(cat "$WORK/h2load.out")"
      c1=$(cpu_ticks "${PID[$l]}")
      read -r rn rerr p50 _ p99 _ _ < <(h2load_quantiles "$WORK/h2load.tsv")
      rm -f "$WORK/h2load.tsv"
      ((rn > 0)) || die "no request to $l succeeded at the fixed rate ($rerr errors)"
      # p50 and p99 of the 200s in microseconds, then the CPU per request at the fixed rate
      lat=$(awk -v p50="$p50" -v p99="$p99" -v d=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v n="$rn" \
        'BEGIN { printf " p50_us %d p99_us %d rate_cpu_us_per_req %.2f", p50, p99, d * 1e6 / hz / n }')
    fi
    awk -v r="$r" -v l="$l" -v n="$n" -v d=$((t1 - t0)) -v w="$WINDOW" -v hz="$(getconf CLK_TCK)" -v bad="$bad" \
      -v max="$max" -v lat="$lat" \
      'BEGIN { printf "round %d %s rps %.0f cpu_us_per_req %.2f errors_lines %d max_us %d%s\n", r, l, n / w, d * 1e6 / hz / n, bad, max, lat }'
  done
done | tee "$WORK/windows.txt"

awk '
  { for (i = 4; i < NF; i += 2) f[$i] = $(i + 1)   # the window line: round R LABEL, then name value pairs
    rps[$2, $3] = f["rps"]; cpu[$2, $3] = f["cpu_us_per_req"]; mx[$2, $3] = f["max_us"]
    p50[$2, $3] = f["p50_us"]; p99[$2, $3] = f["p99_us"]; rcpu[$2, $3] = f["rate_cpu_us_per_req"]
    if (!($3 in seen)) { seen[$3] = 1; order[++nl] = $3 }; rounds[$2] = 1 }
  function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    lat = (p99[1, "haproxy"] != "")
    printf "\n| target | req/s (median) | CPU us/req (median) | req/s / HAProxy (median, min-max) | CPU / HAProxy (median) | max ms (median, min-max) |%s\n", \
      lat ? " p50 / p99 us @rate (median) | p99 added over HAProxy us (median, min-max) | CPU us/req @rate (median) |" : ""
    printf "|---|---|---|---|---|---|%s\n", lat ? "---|---|---|" : ""
    for (k = 1; k <= nl; k++) {
      l = order[k]; n = 0
      for (r in rounds) { n++; R[n] = rps[r, l]; C[n] = cpu[r, l]; Q[n] = rps[r, l] / rps[r, "haproxy"]; P[n] = cpu[r, l] / cpu[r, "haproxy"] }
      mr = median(R, n); mc = median(C, n); mp = median(P, n); lo = 1e9; hi = 0
      for (i = 1; i <= n; i++) { if (Q[i] < lo) lo = Q[i]; if (Q[i] > hi) hi = Q[i] }
      mq = median(Q, n)
      n = 0; mlo = 1e12; mhi = 0
      for (r in rounds) { n++; M[n] = mx[r, l]; if (M[n] < mlo) mlo = M[n]; if (M[n] > mhi) mhi = M[n] }
      printf "| %s | %.0f | %.2f | %.3f (%.3f-%.3f) | %.3f | %.1f (%.1f-%.1f) |", l, mr, mc, mq, lo, hi, mp, median(M, n) / 1000, mlo / 1000, mhi / 1000
      if (lat) {
        n = 0; dlo = 1e9; dhi = -1e9
        for (r in rounds) { n++; A[n] = p50[r, l]; B[n] = p99[r, l]; D[n] = p99[r, l] - p99[r, "haproxy"]; E[n] = rcpu[r, l]
          if (D[n] < dlo) dlo = D[n]; if (D[n] > dhi) dhi = D[n] }
        printf " %d / %d | %+d (%+d to %+d) | %.2f |", median(A, n), median(B, n), median(D, n), dlo, dhi, median(E, n)
      }
      printf "\n"
    }
  }' "$WORK/windows.txt"
