#!/usr/bin/env bash
# Many idle keep-alive connections: CONNS connections opened through each proxy and kept idle by idle-conns.py,
# the proxy's RSS per connection, then a normal client's latency at a fixed rate while they are held, and every
# idle connection asked once more at the end. See README.md beside this file ("Many connections: many-conns.sh").
#
# Usage: bench/load/many-conns.sh            (as root)
# Knobs (environment):
#   TARGETS="haproxy gossamer"   proxies to measure, one after another
#   CONNS=10000          idle connections
#   MAX_CONNECTIONS=11000   the proxies' connection limit (HAProxy maxconn, Gossamer listeners[].max_connections):
#                        above CONNS plus the normal client, since Gossamer's default (10,000) would refuse it
#   WARMUP=20            seconds of wrk load before the idle connections (JIT, heap), as a sidecar would have seen
#   DURATION=10 RATE=1000 RATE_CONNS=10   the normal client while the connections are held (h2load --h1)
#   GOSSAMER_JAVA        the JVM for ./gossamer (default: the launcher's choice); JAVA_OPTS as for the launcher
#   LOADGEN_CPU=0 SERVER_CPU=1   core layout, as in run.sh
#   PORT_BASE=18100      backends on PORT_BASE+1..3, HAProxy +10, Gossamer +20 (admin +21)
#   RESULTS_DIR=bench/load/results
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TARGETS="${TARGETS:-haproxy gossamer}"
CONNS="${CONNS:-10000}"
MAX_CONNECTIONS="${MAX_CONNECTIONS:-11000}"
WARMUP="${WARMUP:-20}"
DURATION="${DURATION:-10}"
RATE="${RATE:-1000}"
RATE_CONNS="${RATE_CONNS:-10}"
LOADGEN_CPU="${LOADGEN_CPU:-0}"
SERVER_CPU="${SERVER_CPU:-1}"
PORT_BASE="${PORT_BASE:-18100}"
RESULTS_DIR="${RESULTS_DIR:-$HERE/results}"
BACKEND_PORTS=($((PORT_BASE + 1)) $((PORT_BASE + 2)) $((PORT_BASE + 3)))
HAPROXY_PORT=$((PORT_BASE + 10))
GOSSAMER_PORT=$((PORT_BASE + 20))
ADMIN_PORT=$((PORT_BASE + 21))

# shellcheck source=bench/lib.sh
source "$HERE/../lib.sh"
# shellcheck source=bench/load/peers.sh
source "$HERE/peers.sh"
require_integers CONNS MAX_CONNECTIONS WARMUP DURATION RATE RATE_CONNS LOADGEN_CPU SERVER_CPU PORT_BASE
for t in $TARGETS; do
  case "$t" in haproxy|gossamer) ;; *) die "TARGETS: $t (expected: haproxy, gossamer)";; esac
done
require_root_and_cpus
install_missing haproxy:haproxy nginx:nginx-light wrk:wrk h2load:nghttp2-client curl:curl python3:python3 \
  taskset:util-linux ss:iproute2
# Every idle connection is a descriptor in the client and one in the proxy (the limit is per process; the proxies'
# upstream connections stay few, since at most 64 requests are in flight). Raise the hard limit where allowed.
ulimit -Hn $((2 * MAX_CONNECTIONS + 4096)) 2>/dev/null || true
ulimit -n "$(ulimit -Hn)"
(($(ulimit -n) >= CONNS + 1024)) || die "ulimit -n: $(ulimit -n) (expected: >= CONNS + 1024 = $((CONNS + 1024)))"

WORK="$(mktemp -d /tmp/gossamer-manyconns.XXXXXX)"
OUT="$RESULTS_DIR/many-conns-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
STARTED_PIDS=()
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  ((${#STARTED_PIDS[@]})) && stop_group "${STARTED_PIDS[@]}"
  cp -f "$WORK"/*.log "$WORK"/*.cfg "$WORK"/*.yaml "$OUT/" 2>/dev/null || true
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
start() {  # NAME CMD...: own session, pinned to SERVER_CPU; sets LAST_PID
  local name=$1; shift
  setsid taskset -c "$SERVER_CPU" "$@" >"$WORK/$name.log" 2>&1 </dev/null &
  LAST_PID=$!
  STARTED_PIDS+=("$LAST_PID")
}
wait_http() {  # URL SECONDS
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$1" 2>/dev/null || true)" == 200 ]] && return 0
    sleep 0.2
  done
  return 1
}
listen_pids() { ss -ltnpH "sport = :$1" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -un | tr '\n' ' '; }

mkdir -p "$WORK/backend-tmp"
backend_nginx_conf | sed 's/worker_connections 4096/worker_connections 16384/' >"$WORK/backend.conf"
start backend nginx -c "$WORK/backend.conf" -p "$WORK"
# HAProxy as run.sh has it, with room for the connections. It asks for two descriptors per connection (client and
# server side) and by default refuses to start when it cannot get them (strict-limits); the idle connections share
# a few server connections, so the hard limit (20,000 on the project's machines) is enough for 10,000 of them.
haproxy_cfg "$HAPROXY_PORT" | sed "s/maxconn 4096/maxconn $MAX_CONNECTIONS\n  no strict-limits/" >"$WORK/haproxy.cfg"
cat >"$WORK/sidecar.yaml" <<EOF
node: {id: bench, zone: local}
admin: {address: 127.0.0.1:$ADMIN_PORT}
listeners:
  - {name: outbound, address: 127.0.0.1:$GOSSAMER_PORT, max_connections: $MAX_CONNECTIONS}
mesh_config: ./mesh.yaml
EOF
bench_mesh_yaml >"$WORK/mesh.yaml"

{
  echo "# Many idle connections: $(date -u +%FT%TZ)"
  echo
  echo "$(nproc) cores, load average at start $(cut -d' ' -f1-3 /proc/loadavg); CONNS=$CONNS MAX_CONNECTIONS=$MAX_CONNECTIONS"
  echo "WARMUP=$WARMUP; normal client: h2load --h1 -c$RATE_CONNS at $RATE req/s for $DURATION s while the connections are held"
  echo
  echo "| proxy | open + answered | RSS before → open, MiB | RSS per connection | anon per connection | normal client p50 / p99 / max, µs (errors) | idle ones still serving | closed by the proxy | load |"
  echo "|---|---|---|---|---|---|---|---|---|"
} >"$OUT/results.md"

for t in $TARGETS; do
  case "$t" in
    haproxy)
      start haproxy haproxy -f "$WORK/haproxy.cfg"; port=$HAPROXY_PORT
      wait_http "http://127.0.0.1:$port/" 20 || die "haproxy does not answer: $(tail "$WORK/haproxy.log")";;
    gossamer)
      cd "$WORK"
      start gossamer "$ROOT/gossamer" run --config "$WORK/sidecar.yaml" --event-loops 1; port=$GOSSAMER_PORT
      cd "$ROOT"
      wait_http "http://127.0.0.1:$ADMIN_PORT/ready" 300 || die "gossamer not ready: $(tail "$WORK/gossamer.log")";;
  esac
  pids="$(listen_pids "$port")"
  log "$t (pids $pids): warm-up ${WARMUP}s"
  taskset -c "$LOADGEN_CPU" wrk -t1 -c50 -d"${WARMUP}s" "http://127.0.0.1:$port/" >/dev/null
  pid_args=(); for p in $pids; do pid_args+=(--pid "$p"); done
  rm -f "$WORK/ready"
  taskset -c "$LOADGEN_CPU" python3 "$HERE/idle-conns.py" "127.0.0.1:$port" --conns "$CONNS" "${pid_args[@]}" \
    --ready-file "$WORK/ready" >"$OUT/idle-$t.txt" 2>&1 &
  idle=$!
  for _ in $(seq 600); do [[ -f "$WORK/ready" ]] && break; kill -0 "$idle" 2>/dev/null || break; sleep 0.5; done
  [[ -f "$WORK/ready" ]] || die "idle-conns.py did not get ready: $(cat "$OUT/idle-$t.txt")"
  log "$t: $(head -1 "$OUT/idle-$t.txt")"
  h2load_at_rate "http://127.0.0.1:$port/" "$DURATION" "$WORK/rate-$t.tsv" >"$OUT/h2load-$t.txt" 2>&1 || true
  read -r n err p50 _p90 p99 _p999 max <<<"$(h2load_quantiles "$WORK/rate-$t.tsv")"
  kill -TERM "$idle"; wait "$idle" || true
  tail -1 "$OUT/idle-$t.txt" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read()); t, n, err, p50, p99, mx, load = sys.argv[1:]
pc = lambda v: "-" if v is None else "%.2f KiB" % (v / 1024)
print("| %s | %d / %d | %.1f → %.1f | %s | %s | %s / %s / %s (%d of %s) | %d | %d | %s |" % (t, r["answered_200"], r["conns"],
      r["rss_before_kib"] / 1024, r["rss_open_kib"] / 1024, pc(r["rss_bytes_per_conn"]), pc(r["anon_bytes_per_conn"]),
      p50, p99, mx, int(err), n, r["still_serving_200"], r["closed_by_proxy"], load))' \
    "$t" "$n" "$err" "$p50" "$p99" "$max" "$(cut -d' ' -f1 /proc/loadavg)" >>"$OUT/results.md"
  stop_group "${STARTED_PIDS[@]:1}"
  STARTED_PIDS=("${STARTED_PIDS[0]}")
done
cat "$OUT/results.md"
log "results in $OUT"
