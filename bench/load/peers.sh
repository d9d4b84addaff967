# shellcheck shell=bash
# The load benchmarks' peers, shared by run.sh (the benchmark of record) and ab.sh (quick A/B): the nginx backends'
# config, HAProxy's config, Gossamer's mesh document, and CPU accounting. Each writer prints to stdout; they read
# the globals WORK (scratch directory) and BACKEND_PORTS (the backends' ports). Source after lib.sh.

# Sum of utime+stime (clock ticks) of the given pids; fields after the ')' of comm.
cpu_ticks() {
  local total=0 p rest
  for p in "$@"; do
    rest="$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null)" || continue
    set -- $rest
    total=$((total + ${12} + ${13}))   # fields 14 and 15 of stat, numbered after pid and comm
  done
  echo "$total"
}

to_us() {  # wrk latency like 1.23ms / 456.00us / 1.2s -> microseconds
  awk -v v="$1" 'BEGIN{ n=v+0; if (v ~ /us$/) m=1; else if (v ~ /ms$/) m=1000; else if (v ~ /m$/) m=60e6; else if (v ~ /s$/) m=1e6; else m=1; printf "%.0f", n*m }'
}

nginx_common() {  # $1 = prefix name for temp paths, $2 = worker_connections (default 4096)
  local conns=${2:-4096}
  cat <<EOF
worker_processes 1;
daemon off;
master_process on;
pid $WORK/$1.pid;
error_log $WORK/$1-error.log warn;
worker_rlimit_nofile $((conns + 1024));
events { worker_connections $conns; multi_accept on; }
EOF
}
nginx_http_common() {
  cat <<EOF
  access_log off;
  default_type text/plain;
  client_body_temp_path $WORK/$1-tmp/body;
  proxy_temp_path $WORK/$1-tmp/proxy;
  fastcgi_temp_path $WORK/$1-tmp/fastcgi;
  uwsgi_temp_path $WORK/$1-tmp/uwsgi;
  scgi_temp_path $WORK/$1-tmp/scgi;
  # The default (1000) would close the client connection every 1000 requests; keep connections for the run.
  keepalive_requests 100000000;
  keepalive_timeout 120s;
EOF
}

# The three backends: one nginx worker, one server block per port, each answering its 1-based index.
backend_nginx_conf() {
  local i=1 p
  mkdir -p "$WORK/backend-tmp"
  nginx_common backend
  echo "http {"
  nginx_http_common backend
  for p in "${BACKEND_PORTS[@]}"; do
    echo "  server { listen 127.0.0.1:$p; location / { return 200 \"$i\n\"; } }"
    i=$((i + 1))
  done
  echo "}"
}

# HAProxy with one thread, round robin over the backends, keep-alive both ways.
haproxy_cfg() {  # $1 = the port HAProxy listens on, $2 = maxconn (default 4096; HAProxy sizes its file limit by it)
  local i=1 p
  cat <<EOF
global
  nbthread 1
  maxconn ${2:-4096}
  # HAProxy wants two sockets per connection and refuses to start when the open-file limit cannot be raised that
  # far (a container's hard limit): run with the limit there is. Idle clients share a few upstream connections.
  no strict-limits
defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  timeout http-keep-alive 120s
frontend outbound
  bind 127.0.0.1:$1
  default_backend backends
backend backends
  balance roundrobin
EOF
  for p in "${BACKEND_PORTS[@]}"; do echo "  server b$i 127.0.0.1:$p"; i=$((i + 1)); done
}

# Gossamer's sidecar.yaml: ID PORT ADMIN_PORT [MAX_CONNECTIONS] (the listener's default limit when not given);
# the mesh is ./mesh.yaml beside it (bench_mesh_yaml).
bench_sidecar_yaml() {
  local limit=""
  [[ -n "${4:-}" ]] && limit=", max_connections: $4"
  cat <<EOF
node: {id: $1, zone: local}
admin: {address: 127.0.0.1:$3}
listeners:
  - {name: outbound, address: 127.0.0.1:$2$limit}
mesh_config: ./mesh.yaml
EOF
}

# Gossamer's mesh document: route / to the backends, round robin.
bench_mesh_yaml() {
  local endpoints
  endpoints="$(printf '127.0.0.1:%s, ' "${BACKEND_PORTS[@]}")"
  cat <<EOF
routes:
  - {name: all, listener: outbound, match: {path_prefix: /}, cluster: backends, timeout: 15s}
clusters:
  - name: backends
    endpoints: [${endpoints%, }]
    balancer: {policy: round_robin}
EOF
}

# The request the load tools send (CLIENT): "bare", their own (wrk's and h2load's: a Host field and little else), or
# "usual", the same with eight fields a service's HTTP client typically sends beside it, so that the cost of reading
# and forwarding a realistic head shows (each proxy forwards every field). Sets CLIENT_ARGS (-H options, accepted by
# both wrk and h2load).
client_args() {
  case "${CLIENT:-bare}" in
    bare) CLIENT_ARGS=() ;;
    usual) CLIENT_ARGS=(-H "User-Agent: okhttp/4.12.0" -H "Accept: application/json" -H "Accept-Encoding: gzip"
      -H "X-Request-Id: 7f0c2a4e-5b1d-4c47-9d7e-2f7c1b9a3e11"
      -H "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
      -H "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x" -H "Accept-Language: en-US" -H "Cache-Control: no-cache") ;;
    *) die "CLIENT: $CLIENT (expected: bare or usual)" ;;
  esac
}

# The fixed-rate latency run: RATE req/s spread over RATE_CONNS keep-alive HTTP/1.1 clients (h2load on
# LOADGEN_CPU), one line per request in LOGFILE. Reads the globals RATE, RATE_CONNS, LOADGEN_CPU and CLIENT_ARGS.
h2load_at_rate() {  # URL SECONDS LOGFILE; h2load's own output goes to stdout
  timeout $(($2 + 30)) taskset -c "$LOADGEN_CPU" h2load --h1 -t1 -c"$RATE_CONNS" --rps=$((RATE / RATE_CONNS)) \
    ${CLIENT_ARGS[@]+"${CLIENT_ARGS[@]}"} -D"$2" --log-file="$3" "$1"
}

# Quantiles of an h2load per-request log, in µs over the 200s: prints "n errors p50 p90 p99 p999 max"
# (errors = answers other than 200; all zero when nothing succeeded).
h2load_quantiles() {  # LOGFILE
  awk -F'\t' '$2 == 200 {print $3} $2 != 200 {print "E"}' "$1" | sort -n | awk '
    $1 == "E" {err++; next}
    {a[++n] = $1}
    function q(p,   i) { i = int(p * n + 0.999999); if (i < 1) i = 1; if (i > n) i = n; return a[i] }
    END {
      if (n == 0) { print 0, err + 0, 0, 0, 0, 0, 0; exit }
      print n, err + 0, q(0.50), q(0.90), q(0.99), q(0.999), a[n] }'
}
