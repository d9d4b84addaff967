#!/usr/bin/env bash
# Start-up and warm-up benchmark: process start -> /ready -> first proxied response, then the p99 of each second of
# the first WINDOW seconds at a fixed RATE, for Gossamer started through its launcher as a user starts it (each JDK,
# with and without the launcher's class-data archive) and for HAProxy beside it. 127.0.0.1 only.
# See README.md beside this file ("Start-up and warm-up: startup.sh").
#
# Usage: bench/load/startup.sh       (as root; installs its peers from Debian's packages when missing)
# Knobs (environment):
#   ROUNDS=5            interleaved rounds; the variant order rotates each round
#   JAVAS="..."         the JVMs to start Gossamer with (java binaries; default: the one the launcher picks)
#   ARCHIVE="on off"    with and without the launcher's class-data archive (GOSSAMER_CDS)
#   FLAGS=""            extra JVM flag sets to compare, separated by ';', each given to the JVM as JDK_JAVA_OPTIONS
#                       beside the launcher's flags (its archive is not retrained for them); "-" is none. Variants
#                       get "-f0", "-f1", ... in the order given: FLAGS="-;-XX:TieredStopAtLevel=1"
#   HAPROXY=1           0 leaves HAProxy out
#   WINDOW=10           seconds at the fixed rate, from the first proxied response
#   RATE=1000           req/s in that window (h2load --h1 --rps), over RATE_CONNS keep-alive clients
#   RATE_CONNS=10
#   LOADGEN_CPU=0 SERVER_CPU=1   cores for h2load and for the server under test with the nginx backends
#   RESULTS_DIR=bench/load/results
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CMDLINE="$0 $*"

ROUNDS="${ROUNDS:-5}"
ARCHIVE="${ARCHIVE:-on off}"
HAPROXY="${HAPROXY:-1}"
WINDOW="${WINDOW:-10}"
RATE="${RATE:-1000}"
RATE_CONNS="${RATE_CONNS:-10}"
LOADGEN_CPU="${LOADGEN_CPU:-0}"
SERVER_CPU="${SERVER_CPU:-1}"
RESULTS_DIR="${RESULTS_DIR:-$HERE/results}"

BACKEND_PORTS=(18181 18182 18183)
HAPROXY_PORT=18190
GOSSAMER_PORT=18192
GOSSAMER_ADMIN_PORT=18193

# shellcheck source=bench/lib.sh
source "$HERE/../lib.sh"
# shellcheck source=bench/load/peers.sh
source "$HERE/peers.sh"

require_integers ROUNDS HAPROXY WINDOW RATE RATE_CONNS LOADGEN_CPU SERVER_CPU
((ROUNDS > 0)) || die "ROUNDS: $ROUNDS (expected: > 0)"
((WINDOW > 0)) || die "WINDOW: $WINDOW (expected: > 0)"
((RATE_CONNS > 0 && RATE % RATE_CONNS == 0)) || die "RATE: $RATE (expected: a multiple of RATE_CONNS=$RATE_CONNS)"
for a in $ARCHIVE; do
  case "$a" in on|off) ;; *) die "ARCHIVE: $a (expected: on, off)";; esac
done
require_root_and_cpus

install_missing haproxy:haproxy nginx:nginx-light h2load:nghttp2-client curl:curl taskset:util-linux \
  ss:iproute2 python3:python3 java:openjdk-17-jre-headless mvn:maven

WORK="$(mktemp -d /tmp/gossamer-startbench.XXXXXX)"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$RESULTS_DIR/startup-$STAMP"
mkdir -p "$OUT/raw"
on_exit_cleanup "$OUT/raw"   # ../lib.sh: stops what was started, keeps configs and logs

port_free() { [[ -z "$(ss -ltnH "sport = :$1" 2>/dev/null)" ]]; }
for p in "${BACKEND_PORTS[@]}" $HAPROXY_PORT $GOSSAMER_PORT $GOSSAMER_ADMIN_PORT; do
  port_free "$p" || die "port 127.0.0.1:$p is in use (expected: free)"
done

# ---------------------------------------------------------------- configs and the backends
backend_nginx_conf >"$WORK/backend-nginx.conf"
haproxy_cfg "$HAPROXY_PORT" >"$WORK/haproxy.cfg"
bench_sidecar_yaml bench "$GOSSAMER_PORT" "$GOSSAMER_ADMIN_PORT" >"$WORK/sidecar.yaml"
bench_mesh_yaml >"$WORK/mesh.yaml"

setsid taskset -c "$SERVER_CPU" nginx -e "$WORK/backend-error.log" -p "$WORK" -c "$WORK/backend-nginx.conf" \
  >"$WORK/backend.log" 2>&1 </dev/null &
STARTED_PIDS+=($!)
for p in "${BACKEND_PORTS[@]}"; do
  for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$p/" && break; sleep 0.1; done
  curl -fs -o /dev/null "http://127.0.0.1:$p/" || die "nginx backend on :$p did not start: $(cat "$WORK/backend.log")"
done

# ---------------------------------------------------------------- variants
# Gossamer through the launcher, which (re)builds a stale jar and trains the archive once per build, JVM and flags:
# both happen here, before any timing.
if [[ -z "${JAVAS:-}" ]]; then  # every JDK 17 or later under /usr/lib/jvm, once each
  JAVAS="$(for rel in /usr/lib/jvm/*/release; do
      m="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel")"
      [[ -n "$m" && "$m" -ge 17 && -x "${rel%/release}/bin/java" ]] && readlink -f "${rel%/release}/bin/java" || true
    done | sort -u | tr '\n' ' ')"
  [[ -n "$JAVAS" ]] || JAVAS="$(readlink -f "$(command -v java)")"
fi
FLAG_SETS=()
if [[ -n "${FLAGS:-}" ]]; then IFS=';' read -ra FLAG_SETS <<<"$FLAGS"; fi
VARIANTS=()
declare -A VJAVA VARCH VFLAGS
for j in $JAVAS; do
  [[ -x "$j" ]] || die "JAVAS: $j (expected: a java binary)"
  major="$("$j" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')"
  for a in $ARCHIVE; do
    v="java$major-archive-$a"
    if ((${#FLAG_SETS[@]} == 0)); then
      VARIANTS+=("$v"); VJAVA[$v]="$j"; VARCH[$v]="$a"; VFLAGS[$v]=""
    else
      for k in "${!FLAG_SETS[@]}"; do
        f="${FLAG_SETS[$k]}"; [[ "$f" == "-" ]] && f=""
        VARIANTS+=("$v-f$k"); VJAVA[$v-f$k]="$j"; VARCH[$v-f$k]="$a"; VFLAGS[$v-f$k]="$f"
      done
    fi
    log "$v: training or checking (launcher)"
    GOSSAMER_JAVA="$j" GOSSAMER_CDS="$a" timeout 900 "$ROOT/gossamer" version >"$WORK/train-$v.log" 2>&1 \
      || die "$v: 'gossamer version' failed: $(tail -30 "$WORK/train-$v.log")"
  done
done
((HAPROXY)) && VARIANTS+=(haproxy)

# thread_ticks PID [PREFIX...]: utime+stime (clock ticks) of the live threads of PID whose name starts with one of
# the prefixes; without one, of the whole process (threads that ended included). Thread names are cut at 15
# characters: "vert.x-eventloo", "C2 CompilerThre". The JVM ends idle compiler threads, whose time is then lost.
thread_ticks() {
  local pid=$1 total=0 f name rest pre match fields
  shift
  if (($# == 0)); then cpu_ticks "$pid"; return; fi
  for f in /proc/"$pid"/task/*/stat; do
    rest="$(cat "$f" 2>/dev/null)" || continue
    name="${rest#*(}"; name="${name%%)*}"
    match=0
    for pre in "$@"; do [[ "$name" == "$pre"* ]] && match=1; done
    ((match)) || continue
    read -ra fields <<<"${rest##*) }"
    total=$((total + fields[11] + fields[12]))
  done
  echo "$total"
}
CLK_TCK="$(getconf CLK_TCK)"

# ---------------------------------------------------------------- one start
# measure VARIANT ROUND -> CSV fields (runs in a command substitution, so it stops what it started itself): ready_ms,proxied_ms,cpu_ms_at_ready,rss_kb_at_ready,load1,window_cpu_ms,
#   window_loop_cpu_ms,window_jit_cpu_ms,window_p99_us,window_max_us,errors, then the p99 of each second (µs).
#   The window's CPU (all threads; the event loop; the C1/C2 compilers) says how warm the code was, and unlike
#   latency it hardly depends on what else the machine runs.
measure() {
  local v=$1 r=$2 line pid lf="$WORK/h2load-$1-r$2.tsv" load1
  load1="$(cut -d' ' -f1 /proc/loadavg)"
  # A start must bind its own ports: another process answering /ready there would be timed instead (a shared
  # machine's other benchmarks have used these ports).
  local port
  for port in $HAPROXY_PORT $GOSSAMER_PORT $GOSSAMER_ADMIN_PORT; do
    for _ in $(seq 100); do port_free "$port" && break; sleep 0.1; done
    port_free "$port" || die "port 127.0.0.1:$port is in use by another process: $(ss -ltnpH "sport = :$port")"
  done
  if [[ "$v" == haproxy ]]; then
    line="$(python3 "$HERE/startup_probe.py" "http://127.0.0.1:$HAPROXY_PORT/" "http://127.0.0.1:$HAPROXY_PORT/" \
      "$WORK/$v-r$r.log" 60 -- taskset -c "$SERVER_CPU" haproxy -db -f "$WORK/haproxy.cfg")" \
      || die "$v did not start: $(tail -30 "$WORK/$v-r$r.log")"
  else
    line="$(cd "$WORK" && GOSSAMER_JAVA="${VJAVA[$v]}" GOSSAMER_CDS="${VARCH[$v]}" JDK_JAVA_OPTIONS="${VFLAGS[$v]}" \
      python3 "$HERE/startup_probe.py" \
      "http://127.0.0.1:$GOSSAMER_ADMIN_PORT/ready" "http://127.0.0.1:$GOSSAMER_PORT/" "$WORK/$v-r$r.log" 120 -- \
      taskset -c "$SERVER_CPU" "$ROOT/gossamer" run --config sidecar.yaml --event-loops 1)" \
      || die "$v did not start: $(tail -30 "$WORK/$v-r$r.log")"
  fi
  read -r pid ready proxied cpu rss <<<"$line"
  local url="http://127.0.0.1:$GOSSAMER_PORT/"
  [[ "$v" == haproxy ]] && url="http://127.0.0.1:$HAPROXY_PORT/"
  local c0 l0 j0 c1 l1 j1
  c0=$(thread_ticks "$pid"); l0=$(thread_ticks "$pid" vert.x-eventlo); j0=$(thread_ticks "$pid" "C1 Comp" "C2 Comp")
  h2load_at_rate "$url" "$WINDOW" "$lf" >"$OUT/raw/h2load-$v-r$r.txt" 2>&1 \
    || { stop_group "$pid"; die "h2load against $v failed: $(cat "$OUT/raw/h2load-$v-r$r.txt")"; }
  c1=$(thread_ticks "$pid"); l1=$(thread_ticks "$pid" vert.x-eventlo); j1=$(thread_ticks "$pid" "C1 Comp" "C2 Comp")
  stop_group "$pid"
  cp -f "$lf" "$OUT/raw/"
  # p99 and max of the whole window, the errors, and the p99 of each second (by the request's start time)
  local window per_second
  window="$(h2load_quantiles "$lf" | awk '{print $5 "," $7 "," $2}')"
  per_second="$(awk -F'\t' -v w="$WINDOW" '
    { start[NR] = $1; ok[NR] = ($2 == 200); us[NR] = $3; if (NR == 1 || $1 < t0) t0 = $1 }
    END {
      for (i = 1; i <= NR; i++) if (ok[i]) { s = int((start[i] - t0) / 1e6); if (s < w) print s, us[i] }
    }' "$lf" | sort -k1,1n -k2,2n | awk -v w="$WINDOW" '
    { v[$1, ++n[$1]] = $2 }
    END {
      out = ""
      for (s = 0; s < w; s++) {
        k = n[s] + 0; i = int(0.99 * k + 0.999999); if (i < 1) i = 1
        out = out (s ? "," : "") (k ? v[s, i] : "")
      }
      print out }')"
  local ms=$((1000 / CLK_TCK))
  echo "$ready,$proxied,$cpu,$rss,$load1,$(((c1 - c0) * ms)),$(((l1 - l0) * ms)),$(((j1 - j0) * ms)),$window,$per_second"
}

# ---------------------------------------------------------------- rounds
HEADER="variant,round,ready_ms,proxied_ms,cpu_ms_at_ready,rss_kb_at_ready,load1,window_cpu_ms,window_loop_cpu_ms"
HEADER+=",window_jit_cpu_ms,window_p99_us,window_max_us,errors"
for ((s = 1; s <= WINDOW; s++)); do HEADER+=",p99_s${s}_us"; done
echo "$HEADER" >"$OUT/results.csv"
LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"
n=${#VARIANTS[@]}
for ((r = 1; r <= ROUNDS; r++)); do
  for ((i = 0; i < n; i++)); do
    v="${VARIANTS[$(((i + r - 1) % n))]}"
    row="$(measure "$v" "$r")"
    echo "$v,$r,$row" >>"$OUT/results.csv"
    log "round $r $v: $row"
  done
done

# ---------------------------------------------------------------- summary
{
  echo "# Start-up and warm-up, $STAMP"
  echo
  echo "- command: \`$CMDLINE\` (ROUNDS=$ROUNDS WINDOW=$WINDOW RATE=$RATE RATE_CONNS=$RATE_CONNS)"
  echo "- machine: $(nproc) cores, $(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo), kernel $(uname -r)"
  echo "- load average at start: $LOAD_AT_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- Gossamer: \`gossamer run --config sidecar.yaml --event-loops 1\` through the launcher (its default JVM flags),"
  echo "  pinned to CPU $SERVER_CPU with the backends; h2load on CPU $LOADGEN_CPU"
  for v in "${VARIANTS[@]}"; do
    [[ "$v" == haproxy ]] && echo "- haproxy: $(haproxy -v 2>&1 | awk 'NR == 1 {print $3}')" && continue
    echo "- $v: $("${VJAVA[$v]}" -version 2>&1 | awk 'NR == 2'), GOSSAMER_CDS=${VARCH[$v]}${VFLAGS[$v]:+, JDK_JAVA_OPTIONS=\`${VFLAGS[$v]}\`}"
  done
  echo
  echo "Medians over rounds (every round in results.csv): ms from spawning the process; p99 in ms."
  echo
  head="| variant | to ready, ms (every round) | to first proxied | CPU ms at ready | RSS MiB at ready |"
  head+=" window CPU ms: all / event loop / JIT | p99 of the window | worst second's p99 |"
  for ((s = 1; s <= WINDOW; s++)); do head+=" s$s |"; done
  echo "$head"
  sep="|---|---|---|---|---|---|---|---|"
  for ((s = 1; s <= WINDOW; s++)); do sep+="---|"; done
  echo "$sep"
  for v in "${VARIANTS[@]}"; do
    awk -F, -v v="$v" -v w="$WINDOW" '
      function median(list,   a, k, i, j, t) {
        k = split(list, a, " ")
        for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
        return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
      }
      $1 == v {
        ready = ready " " $3; every = every (every == "" ? "" : ", ") $3; prox = prox " " $4; cpu = cpu " " $5
        rss = rss " " $6 / 1024; wc = wc " " $8; wl = wl " " $9; wj = wj " " $10; p99 = p99 " " $11 / 1000
        worst = 0; for (s = 0; s < w; s++) if ($(14 + s) + 0 > worst) worst = $(14 + s) + 0
        wst = wst " " worst / 1000
        for (s = 0; s < w; s++) sec[s] = sec[s] " " $(14 + s) / 1000
      }
      END {
        line = sprintf("| %s | **%s** (%s) | %s | %s | %.1f | %s / %s / %s | %.2f | %.2f |", v, median(ready), every,
          median(prox), median(cpu), median(rss), median(wc), median(wl), median(wj), median(p99), median(wst))
        for (s = 0; s < w; s++) line = line sprintf(" %.2f |", median(sec[s]))
        print line
      }' "$OUT/results.csv"
  done
} >"$OUT/results.md"
cat "$OUT/results.md"
log "results in $OUT"
