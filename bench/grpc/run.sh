#!/usr/bin/env bash
# gRPC through Gossamer beside HAProxy (proto h2 both sides) in one run, on 127.0.0.1 only (issue 15).
#
#   sudo bench/grpc/run.sh                           3 interleaved rounds of 10 s per measurement
#   ROUNDS=5 DURATION=20 bench/grpc/run.sh
#
# Two grpc-java echo servers (SimpleService) are the backends; each proxy balances round robin over them. For each
# target and round: unary calls/s with CONC calls in flight (closed loop), unary latency at a fixed RATE (open loop,
# from each call's due time), and bidirectional-stream messages/s over STREAMS ping-pong streams. CPU per call is the
# proxy process's utime+stime over the window divided by the calls. The load client is grpc-java
# (dev.gossamer.bench.grpc.GrpcLoad) pinned to LOADGEN_CPU; backends and proxies share SERVER_CPU.
#
# Knobs: ROUNDS=3 DURATION=10 WARMUP=20 CONC=32 RATE=1000 STREAMS=16 LOADGEN_CPU=0 SERVER_CPU=1
#        GOSSAMER_BUILD=auto (Maven packages both jars first; never: use them as they are)
#        GOSSAMER_JAVA_OPTS unset: Gossamer runs through the ./gossamer launcher with its own JVM flags, as a user
#        gets them; set: the launcher's JAVA_OPTS
# Output: a CSV and a markdown summary under RESULTS_DIR (default bench/grpc/results, git-ignored), summary on stdout.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../lib.sh
source "$ROOT/bench/lib.sh"
# shellcheck source=../load/peers.sh
source "$ROOT/bench/load/peers.sh"   # cpu_ticks

ROUNDS="${ROUNDS:-3}" DURATION="${DURATION:-10}" WARMUP="${WARMUP:-20}" CONC="${CONC:-32}" RATE="${RATE:-1000}"
STREAMS="${STREAMS:-16}" LOADGEN_CPU="${LOADGEN_CPU:-0}" SERVER_CPU="${SERVER_CPU:-1}"
GOSSAMER_BUILD="${GOSSAMER_BUILD:-auto}"
require_integers ROUNDS DURATION WARMUP CONC RATE STREAMS LOADGEN_CPU SERVER_CPU
require_root_and_cpus
RESULTS_DIR="${RESULTS_DIR:-$ROOT/bench/grpc/results}"
GOSSAMER_JAR="$ROOT/sidecar/target/gossamer.jar"
BENCH_JAR="$ROOT/bench/target/benchmarks.jar"
BACKEND_PORTS=(18190 18191) HAPROXY_PORT=18192 GOSSAMER_PORT=18193 GOSSAMER_ADMIN_PORT=18194

install_missing haproxy:haproxy curl:curl
if [[ "$GOSSAMER_BUILD" == auto ]]; then
  log "building sidecar/target/gossamer.jar and bench/target/benchmarks.jar"
  (cd "$ROOT" && mvn -B -q -pl sidecar,bench -am package -DskipTests)
fi
[[ -f "$GOSSAMER_JAR" && -f "$BENCH_JAR" ]] || die "missing $GOSSAMER_JAR or $BENCH_JAR (GOSSAMER_BUILD=auto builds them)"

WORK="$(mktemp -d /tmp/gossamer-grpc-bench.XXXXXX)"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$RESULTS_DIR/$STAMP"
mkdir -p "$OUT"
on_exit_cleanup   # ../lib.sh: stops what was started

for p in "${BACKEND_PORTS[@]}" $HAPROXY_PORT $GOSSAMER_PORT $GOSSAMER_ADMIN_PORT; do
  [[ -z "$(ss -ltnH "sport = :$p" 2>/dev/null)" ]] || die "port $p is taken"
done
start() {
  local name=$1; shift
  setsid taskset -c "$SERVER_CPU" "$@" >"$WORK/$name.log" 2>&1 </dev/null &
  LAST_PID=$!
  STARTED_PIDS+=("$LAST_PID")
}
listen_pids() { ss -ltnpH "sport = :$1" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -un | tr '\n' ' '; }
wait_listen() {  # PORT SECONDS
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do [[ -n "$(listen_pids "$1")" ]] && return 0; sleep 0.2; done
  return 1
}
load() {  # MODE TARGET_PORT SECONDS N
  timeout $(($3 + 90)) taskset -c "$LOADGEN_CPU" java -Xms64m -Xmx256m -cp "$BENCH_JAR" \
    dev.gossamer.bench.grpc.GrpcLoad "$1" "127.0.0.1:$2" "$3" "$4"
}

# ---------------------------------------------------------------- peers
start backends java -Xms64m -Xmx256m -cp "$BENCH_JAR" dev.gossamer.bench.grpc.GrpcLoad server "${BACKEND_PORTS[@]}"
for p in "${BACKEND_PORTS[@]}"; do wait_listen "$p" 30 || die "backend :$p: $(cat "$WORK/backends.log")"; done

cat >"$WORK/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend grpc
  bind 127.0.0.1:$HAPROXY_PORT proto h2
  default_backend backends
backend backends
  balance roundrobin
  server b1 127.0.0.1:${BACKEND_PORTS[0]} proto h2
  server b2 127.0.0.1:${BACKEND_PORTS[1]} proto h2
EOF
start haproxy haproxy -db -f "$WORK/haproxy.cfg"
wait_listen $HAPROXY_PORT 10 || die "haproxy: $(cat "$WORK/haproxy.log")"

cat >"$WORK/sidecar.yaml" <<EOF
node: {id: bench, zone: local}
admin: {address: 127.0.0.1:$GOSSAMER_ADMIN_PORT}
listeners:
  - {name: outbound, address: 127.0.0.1:$GOSSAMER_PORT}
mesh_config: ./mesh.yaml
EOF
cat >"$WORK/mesh.yaml" <<EOF
routes:
  - {name: grpc, listener: outbound, match: {path_prefix: /}, cluster: echo, timeout: 0s}
clusters:
  - name: echo
    endpoints: [127.0.0.1:${BACKEND_PORTS[0]}, 127.0.0.1:${BACKEND_PORTS[1]}]
    protocol: http2
    balancer: {policy: round_robin}
EOF
stage_launcher "$GOSSAMER_JAR"   # Gossamer as a user starts it (../lib.sh)
launcher_argv "$LAUNCHER" run --config "$WORK/sidecar.yaml" --event-loops 1
(cd "$WORK" && start gossamer "${LARGV[@]}"; echo "$LAST_PID" >"$WORK/gossamer.pid")
STARTED_PIDS+=("$(cat "$WORK/gossamer.pid")")
wait_listen $GOSSAMER_PORT 60 || die "gossamer: $(tail -30 "$WORK/gossamer.log")"
GOSSAMER_JVM="$(jvm_cmdline "$(cat "$WORK/gossamer.pid")")"

declare -A PORT PIDS
PORT[haproxy]=$HAPROXY_PORT PORT[gossamer]=$GOSSAMER_PORT
PIDS[haproxy]="$(listen_pids $HAPROXY_PORT)" PIDS[gossamer]="$(listen_pids $GOSSAMER_PORT)"
TARGETS=(haproxy gossamer)

# Sanity: every target answers unary calls without errors.
for t in "${TARGETS[@]}"; do
  line="$(load unary "${PORT[$t]}" 1 1)"   # (after the client's own 3 s warm-up)
  [[ "$line" == *"errors=0 "* && "$line" != calls=0* ]] || die "$t: a 1 s unary check gave: $line"
  log "$t (pids ${PIDS[$t]}): $line"
done
log "warm-up: ${WARMUP} s of unary load on each (the JIT of the proxy and of the backends)"
for t in "${TARGETS[@]}"; do load unary "${PORT[$t]}" "$WARMUP" "$CONC" >/dev/null; done

# ---------------------------------------------------------------- rounds
CLK_TCK="$(getconf CLK_TCK)"
CSV="$OUT/grpc.csv"
echo "round,target,mode,calls,errors,seconds,per_s,p50_us,p99_us,cpu_us_per_call,load1" >"$CSV"
for ((r = 1; r <= ROUNDS; r++)); do
  order=("${TARGETS[@]}")
  ((r % 2 == 0)) && order=("${TARGETS[1]}" "${TARGETS[0]}")
  for t in "${order[@]}"; do
    for mode in unary rate stream; do
      case $mode in unary) n=$CONC;; rate) n=$RATE;; stream) n=$STREAMS;; esac
      # shellcheck disable=SC2086
      c0="$(cpu_ticks ${PIDS[$t]})"
      line="$(load "$mode" "${PORT[$t]}" "$DURATION" "$n")"
      # shellcheck disable=SC2086
      c1="$(cpu_ticks ${PIDS[$t]})"
      eval "$(echo "$line" | tr ' ' '\n' | sed 's/^/v_/')"
      # shellcheck disable=SC2154
      cpu="$(awk -v d=$((c1 - c0)) -v hz="$CLK_TCK" -v n="$v_calls" 'BEGIN { printf "%.1f", n ? d * 1e6 / hz / n : 0 }')"
      echo "$r,$t,$mode,$v_calls,$v_errors,$v_seconds,$v_per_s,$v_p50_us,$v_p99_us,$cpu,$(cut -d' ' -f1 /proc/loadavg)" \
        >>"$CSV"
      log "round $r $t $mode: $line cpu_us_per_call=$cpu"
    done
  done
done

# ---------------------------------------------------------------- summary: median and [min-max] over the rounds
{
  echo "gRPC through Gossamer and HAProxy, $ROUNDS rounds × $DURATION s (unary: $CONC in flight; rate: $RATE/s; stream: $STREAMS ping-pong streams)"
  echo
  echo "| target | mode | calls/s | p50 µs | p99 µs | proxy CPU µs/call | errors |"
  echo "|---|---|---|---|---|---|---|"
  for t in "${TARGETS[@]}"; do
    for mode in unary rate stream; do
      awk -F, -v t="$t" -v m="$mode" '
        $2 == t && $3 == m { n++; ps[n] = $7; p50[n] = $8; p99[n] = $9; cpu[n] = $10; err += $5 }
        function sortv(a, k,   i, j, x) { for (i = 2; i <= k; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x } }
        function med(a, k) { sortv(a, k); return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
        function cell(a, k,   lo, hi) { sortv(a, k); lo = a[1]; hi = a[k]; return sprintf("%s [%s–%s]", med(a, k), lo, hi) }
        END { if (n) printf "| %s | %s | %s | %s | %s | %s | %d |\n", t, m, cell(ps, n), cell(p50, n), cell(p99, n), cell(cpu, n), err }
      ' "$CSV"
    done
  done
  echo
  echo "- machine: $(nproc) CPUs, $(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo), kernel $(uname -r); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- Gossamer through the launcher: \`${LARGV[*]}\`"
  echo "- HAProxy $(haproxy -v 2>&1 | awk 'NR == 1 {print $3}'), $(java -version 2>&1 | awk 'NR == 1'), Gossamer's JVM as it ran: $GOSSAMER_JVM"
  echo "- command: ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP CONC=$CONC RATE=$RATE STREAMS=$STREAMS LOADGEN_CPU=$LOADGEN_CPU SERVER_CPU=$SERVER_CPU bench/grpc/run.sh"
} | tee "$OUT/summary.md"
log "results in $OUT"
