#!/usr/bin/env bash
# Memory and the runtime: the sidecar as a user starts it (through ./gossamer, so with the launcher's class-data
# archive), one JVM/flag variant after another in interleaved rounds, each round a fresh process:
# RSS after the load (anonymous and file-backed) and its peak (VmHWM), threads, CPU per request, p99 at a fixed rate
# and the max of a closed loop.
# See README.md beside this file ("Memory and the runtime: memory.sh").
#
# Usage: bench/load/memory.sh "LABEL|JAVA|JAVA_OPTS[|ENV]" ...  (as root; JAVA_OPTS "-" = the launcher's default;
#        ENV: space-separated NAME=VALUE for the process's environment, e.g. MALLOC_ARENA_MAX=2)
#   bench/load/memory.sh "serial|/usr/lib/jvm/temurin-25-jdk-amd64/bin/java|-" \
#                        "zgc|/usr/lib/jvm/temurin-25-jdk-amd64/bin/java|-Xmx256m -XX:+UseZGC"
# Knobs (environment):
#   ROUNDS=3            interleaved rounds; the variant order rotates each round
#   WARMUP=20           seconds of un-recorded wrk load after start (JIT), then RATE_WARMUP at the fixed rate
#   RATE_WARMUP=5
#   DURATION=10         seconds per measurement (fixed rate, then closed loop)
#   RATE=1000 RATE_CONNS=10   the fixed-rate run (h2load --h1), as in run.sh
#   CONNS=50            wrk connections for the closed loop
#   NMT=0               1: add -XX:NativeMemoryTracking=summary and save `jcmd VM.native_memory summary` after load
#   LOADGEN_CPU=0 SERVER_CPU=1   core layout, as in run.sh
#   GOSSAMER_JAR=<repo>/sidecar/target/gossamer.jar   (built by ./gossamer when missing or stale) copied once per
#                       variant with the launcher, so each variant trains its own archive once and a rebuild of
#                       the tree cannot change the jar mid-run
#   RESULTS_DIR=bench/load/results
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CMDLINE="$0 $*"
ROUNDS="${ROUNDS:-3}"
WARMUP="${WARMUP:-20}"
RATE_WARMUP="${RATE_WARMUP:-5}"
DURATION="${DURATION:-10}"
RATE="${RATE:-1000}"
RATE_CONNS="${RATE_CONNS:-10}"
CONNS="${CONNS:-50}"
NMT="${NMT:-0}"
LOADGEN_CPU="${LOADGEN_CPU:-0}"
SERVER_CPU="${SERVER_CPU:-1}"
GOSSAMER_JAR="${GOSSAMER_JAR:-$ROOT/sidecar/target/gossamer.jar}"
RESULTS_DIR="${RESULTS_DIR:-$HERE/results}"
BACKEND_PORTS=(18081 18082 18083)
PORT=18092
ADMIN_PORT=18093

# shellcheck source=bench/lib.sh
source "$HERE/../lib.sh"
# shellcheck source=bench/load/peers.sh
source "$HERE/peers.sh"

require_integers ROUNDS WARMUP RATE_WARMUP DURATION RATE RATE_CONNS CONNS NMT LOADGEN_CPU SERVER_CPU
(($# > 0)) || die "usage: $0 \"LABEL|JAVA|JAVA_OPTS\" ... (JAVA_OPTS - = the launcher's default)"
((RATE_CONNS > 0 && RATE % RATE_CONNS == 0)) || die "RATE: $RATE (expected: a multiple of RATE_CONNS=$RATE_CONNS)"
if [[ "$GOSSAMER_JAR" == "$ROOT/sidecar/target/gossamer.jar" ]]; then
  # The launcher (re)builds a missing or stale jar before anything is timed.
  timeout 900 "$ROOT/gossamer" version >/dev/null || die "'$ROOT/gossamer version' failed"
fi
[[ -f "$GOSSAMER_JAR" ]] || die "GOSSAMER_JAR: $GOSSAMER_JAR does not exist (build it: ./gossamer version)"
require_root_and_cpus
install_missing nginx:nginx-light wrk:wrk h2load:nghttp2-client curl:curl taskset:util-linux ss:iproute2

LABELS=(); JAVAS=(); OPTS=(); ENVS=()
for v in "$@"; do
  IFS='|' read -r label java opts extra_env <<<"$v"
  [[ -n "$label" && -x "$java" && -n "$opts" ]] || die "variant: $v (expected: LABEL|JAVA|JAVA_OPTS[|ENV] with an executable JAVA)"
  for e in ${extra_env:-}; do [[ "$e" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die "variant $label: ENV $e (expected: NAME=VALUE)"; done
  LABELS+=("$label"); JAVAS+=("$java"); OPTS+=("$opts"); ENVS+=("${extra_env:-}")
done

WORK="$(mktemp -d /tmp/gossamer-membench.XXXXXX)"
OUT="$RESULTS_DIR/memory-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT/raw"
on_exit_cleanup   # ../lib.sh: stops what was started

start() {  # NAME CMD...: own session, pinned to SERVER_CPU; sets LAST_PID
  local name=$1; shift
  setsid taskset -c "$SERVER_CPU" "$@" >"$WORK/$name.log" 2>&1 </dev/null &
  LAST_PID=$!
  STARTED_PIDS+=("$LAST_PID")
}
wait_http() {  # URL SECONDS PID
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$1" 2>/dev/null || true)" == 200 ]] && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}
java_pid() { ss -ltnpH "sport = :$PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }

# The backends, as in run.sh.
mkdir -p "$WORK/backend-tmp"
backend_nginx_conf >"$WORK/backend.conf"
start backend nginx -c "$WORK/backend.conf" -p "$WORK"
BACKEND_PIDS=$LAST_PID
bench_sidecar_yaml bench "$PORT" "$ADMIN_PORT" >"$WORK/sidecar.yaml"
bench_mesh_yaml >"$WORK/mesh.yaml"

# One launcher tree per variant (the launcher keeps one archive per JVM; flags change it), trained up front.
for i in "${!LABELS[@]}"; do
  d="$WORK/v$i"
  mkdir -p "$d/sidecar/target"
  cp "$ROOT/gossamer" "$d/gossamer"
  cp "$GOSSAMER_JAR" "$d/sidecar/target/gossamer.jar"
  env=(GOSSAMER_JAVA="${JAVAS[$i]}")
  [[ "${OPTS[$i]}" != "-" ]] && env+=(JAVA_OPTS="${OPTS[$i]}")
  log "variant ${LABELS[$i]}: training the launcher's archive"
  env "${env[@]}" timeout 300 "$d/gossamer" version >"$OUT/raw/train-${LABELS[$i]}.log" 2>&1 \
    || die "variant ${LABELS[$i]}: ./gossamer version failed: $(tail -5 "$OUT/raw/train-${LABELS[$i]}.log")"
done

echo "label,round,rss_kib,anon_kib,file_kib,threads,rate_n,rate_err,p50_us,p99_us,max_us,cpu_us_req_rate,wrk_rps,wrk_max_us,cpu_us_req_max,loadavg,hwm_kib" \
  >"$OUT/results.csv"
n=${#LABELS[@]}
for ((r = 1; r <= ROUNDS; r++)); do
  for ((k = 0; k < n; k++)); do
    i=$(((k + r - 1) % n)); label="${LABELS[$i]}"; d="$WORK/v$i"
    env=(GOSSAMER_JAVA="${JAVAS[$i]}")
    opts="${OPTS[$i]}"
    [[ "$opts" != "-" ]] && env+=(JAVA_OPTS="$opts")
    # shellcheck disable=SC2206
    env+=(${ENVS[$i]})
    # Through JAVA_TOOL_OPTIONS, so the launcher's flags (and its archive) stay the variant's own.
    ((NMT)) && env+=(JAVA_TOOL_OPTIONS=-XX:NativeMemoryTracking=summary)
    cd "$WORK"
    start "sidecar-$label-r$r" env "${env[@]}" "$d/gossamer" run --config "$WORK/sidecar.yaml" --event-loops 1
    lp=$LAST_PID
    cd "$ROOT"
    wait_http "http://127.0.0.1:$ADMIN_PORT/ready" 120 "$lp" \
      || die "$label not ready: $(tail -20 "$WORK/sidecar-$label-r$r.log")"
    pid="$(java_pid)"
    log "round $r: $label (pid $pid, $(cut -d' ' -f1-3 /proc/loadavg))"
    taskset -c "$LOADGEN_CPU" wrk -t1 -c"$CONNS" -d"${WARMUP}s" "http://127.0.0.1:$PORT/" >/dev/null
    h2load_at_rate "http://127.0.0.1:$PORT/" "$RATE_WARMUP" /dev/null >/dev/null
    # Fixed rate: the tail and CPU per request at 1000 req/s.
    rm -f "$WORK/rate.tsv"  # h2load appends to its log file
    c0=$(cpu_ticks "$pid")
    h2load_at_rate "http://127.0.0.1:$PORT/" "$DURATION" "$WORK/rate.tsv" >"$OUT/raw/h2load-$label-r$r.txt"
    c1=$(cpu_ticks "$pid")
    read -r rn rerr p50 _p90 p99 _p999 rmax <<<"$(h2load_quantiles "$WORK/rate.tsv")"
    cpu_rate=$(awk -v t=$((c1 - c0)) -v n="$rn" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.1f", n ? t * 1e6 / hz / n : 0}')
    # Closed loop: req/s, its max latency and CPU per request at saturation.
    c0=$(cpu_ticks "$pid")
    taskset -c "$LOADGEN_CPU" wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT/" \
      >"$OUT/raw/wrk-$label-r$r.txt"
    c1=$(cpu_ticks "$pid")
    req=$(awk '/requests in/{print $1}' "$OUT/raw/wrk-$label-r$r.txt")
    rps=$(awk '/^Requests\/sec/{printf "%.0f", $2}' "$OUT/raw/wrk-$label-r$r.txt")
    wmax=$(to_us "$(awk '$1 == "Latency" {print $4; exit}' "$OUT/raw/wrk-$label-r$r.txt")")
    cpu_max=$(awk -v t=$((c1 - c0)) -v n="$req" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.1f", n ? t * 1e6 / hz / n : 0}')
    # Memory after load.
    rss=$(awk '/^Rss:/{print $2}' "/proc/$pid/smaps_rollup")
    anon=$(awk '/^Anonymous:/{print $2}' "/proc/$pid/smaps_rollup")
    hwm=$(awk '/^VmHWM:/{print $2}' "/proc/$pid/status")
    threads=$(ls "/proc/$pid/task" | wc -l)
    for t in /proc/"$pid"/task/*; do cat "$t/comm"; done | sed 's/[0-9]*$/N/' | sort | uniq -c | sort -rn \
      >"$OUT/raw/threads-$label-r$r.txt"
    cp "/proc/$pid/smaps_rollup" "$OUT/raw/smaps_rollup-$label-r$r.txt"
    if ((NMT)); then "$(dirname "$(readlink -f "${JAVAS[$i]}")")/jcmd" "$pid" VM.native_memory summary \
      >"$OUT/raw/nmt-$label-r$r.txt" 2>&1 || true; fi
    echo "$label,$r,$rss,$anon,$((rss - anon)),$threads,$rn,$rerr,$p50,$p99,$rmax,$cpu_rate,$rps,$wmax,$cpu_max,$(cut -d' ' -f1 /proc/loadavg),$hwm" \
      >>"$OUT/results.csv"
    stop_group "$lp"
    kept=(); for p in "${STARTED_PIDS[@]}"; do [[ "$p" != "$lp" ]] && kept+=("$p"); done; STARTED_PIDS=("${kept[@]}")
  done
done

{
  echo "# Memory and the runtime: $(date -u +%FT%TZ)"
  echo
  echo "\`$CMDLINE\` — $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), ROUNDS=$ROUNDS"
  echo "WARMUP=$WARMUP DURATION=$DURATION RATE=$RATE/$RATE_CONNS CONNS=$CONNS NMT=$NMT"
  echo
  for i in "${!LABELS[@]}"; do echo "- ${LABELS[$i]}: \`${JAVAS[$i]}\` \`${OPTS[$i]}\`${ENVS[$i]:+ env \`${ENVS[$i]}\`}"; done
  echo
  echo "| variant | RSS MiB (median; rounds) | peak RSS MiB (median) | anon MiB | threads | p99 µs @$RATE/s (rounds) | CPU µs/req @$RATE/s | req/s closed | max ms closed (rounds) | CPU µs/req @max |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for label in "${LABELS[@]}"; do
    awk -F, -v l="$label" '
      function med(s,   a, k, x, y, t) { k = split(s, a, " ")
        for (x = 2; x <= k; x++) for (y = x; y > 1 && a[y - 1] + 0 > a[y] + 0; y--) { t = a[y]; a[y] = a[y - 1]; a[y - 1] = t }
        return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
      $1 == l { rss = rss " " $3 / 1024; hwm = hwm " " $17 / 1024; anon = anon " " $4 / 1024; th = th " " $6; p99 = p99 " " $10
                cr = cr " " $12; rps = rps " " $13; mx = mx " " $14 / 1000; cm = cm " " $15
                rl = rl sprintf("%s%.1f", rl ? ", " : "", $3 / 1024); pl = pl (pl ? ", " : "") $10
                ml = ml sprintf("%s%.1f", ml ? ", " : "", $14 / 1000) }
      END { printf "| %s | %.1f (%s) | %.1f | %.1f | %d | %d (%s) | %.1f | %d | %.1f (%s) | %.1f |\n",
              l, med(rss), rl, med(hwm), med(anon), med(th), med(p99), pl, med(cr), med(rps), med(mx), ml, med(cm) }' \
      "$OUT/results.csv"
  done
} >"$OUT/results.md"
cat "$OUT/results.md"
log "results in $OUT"
