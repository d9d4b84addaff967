#!/usr/bin/env python3
"""Helpers for bench/failover/run.sh (standard library only).

  backend ID PORT LOG        HTTP/1.1 keep-alive server answering "ID\n"; logs the receipt time of every request
                             (epoch us) to LOG. SIGUSR1 switches it to "hang": it still accepts connections and reads
                             requests (and logs them), but never answers, also on connections it already has.
  poll KIND TARGET PORT NAME OUT SECONDS INTERVAL_MS
                             samples the proxy's own view of the backend on PORT, named NAME in HAProxy (KIND gossamer: TARGET is the admin
                             URL; haproxy: TARGET is the stats socket) and appends TSV lines to OUT.
  analyze ...                computes one result row (see analyze()).
"""
import json
import os
import signal
import socket
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def now_us():
    return time.time_ns() // 1000


def backend(ident, port, log_path):
    hang = threading.Event()
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    body = f"{ident}\n".encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle on, the body waits for the peer's delayed ACK (40 ms).
        disable_nagle_algorithm = True

        def do_GET(self):
            hung = hang.is_set()
            # One write(2) per request: a SIGKILL loses nothing already received.
            os.write(fd, f"{now_us()}\t{'hang' if hung else 'ok'}\t{self.path}\n".encode())
            if hung:
                threading.Event().wait()  # never answer; the thread dies with the process
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 1024

    signal.signal(signal.SIGUSR1, lambda *_: hang.set())
    Server(("127.0.0.1", port), Handler).serve_forever()


def poll(kind, target, port, name, out, seconds, interval_ms):
    """TSV: ts_us, attempts, failures, out_of_rotation (1 = ejected / DOWN), raw state."""
    addr = f"127.0.0.1:{port}"
    deadline = time.time() + seconds
    with open(out, "a", buffering=1) as f:
        while time.time() < deadline:
            t = now_us()
            try:
                if kind == "gossamer":
                    with urllib.request.urlopen(target, timeout=1) as r:
                        doc = json.load(r)
                    for c in doc["clusters"]:
                        for e in c["endpoints"]:
                            if e["address"] == addr:
                                fails = e["connect_failures"] + e["resets"] + e["timeouts"]
                                gone = 1 if (e.get("ejected") or e.get("down") or not e.get("eligible", True)) else 0
                                f.write(f"{t}\t{e['requests']}\t{fails}\t{gone}\tejected={e.get('ejected')},"
                                        f"down={e.get('down')},eligible={e.get('eligible')}\n")
                else:
                    s = socket.socket(socket.AF_UNIX)
                    s.settimeout(1)
                    s.connect(target)
                    s.sendall(b"show stat\n")
                    data = b""
                    while chunk := s.recv(65536):
                        data += chunk
                    s.close()
                    lines = data.decode().splitlines()
                    cols = lines[0].lstrip("# ").split(",")
                    for line in lines[1:]:
                        v = dict(zip(cols, line.split(",")))
                        if v.get("pxname") == "backends" and v.get("svname") == name:
                            # A failed try that was retried counts in wretr and/or wredis (redispatched), not in
                            # econ/eresp (seen: kill -> wredis only; retried response timeout -> both).
                            fails = (int(v["econ"] or 0) + int(v["eresp"] or 0)
                                     + max(int(v["wretr"] or 0), int(v["wredis"] or 0)))
                            gone = 1 if ("DOWN" in v["status"] or "MAINT" in v["status"]) else 0
                            f.write(f"{t}\t{v['stot']}\t{fails}\t{gone}\tstatus={v['status']},econ={v['econ']},"
                                    f"eresp={v['eresp']},hanafail={v['hanafail']},wretr={v['wretr']},wredis={v['wredis']},"
                                    f"lbtot={v['lbtot']}\n")
            except Exception as ex:  # the proxy may be busy; a missed sample is only a coarser timeline
                f.write(f"{t}\t-\t-\t-\terror={ex!r}\n")
            time.sleep(interval_ms / 1000)


def pct(sorted_vals, p):
    if not sorted_vals:
        return 0
    i = max(0, min(len(sorted_vals) - 1, int(p * len(sorted_vals) + 0.999999) - 1))
    return sorted_vals[i]


def analyze(h2load_log, h2load_out, event_us, backend_log, poll_log, rate):
    """Prints one TSV row; see README.md for the meaning of each column."""
    reqs = []  # (start_us, status, latency_us)
    with open(h2load_log) as f:
        for line in f:
            p = line.split("\t")
            if len(p) >= 3:
                reqs.append((int(p[0]), int(p[1]), int(p[2])))
    reqs.sort()
    t0 = reqs[0][0] if reqs else event_us
    non2xx = sum(1 for r in reqs if not 200 <= r[1] < 300)
    # h2load: requests that never got a response (connection errors, resets) are not in the log.
    summary = open(h2load_out).read()
    errored = timeout = 0
    for line in summary.splitlines():
        if line.startswith("requests:"):
            parts = {w[1]: int(w[0]) for w in (x.split() for x in line[len("requests:"):].split(",")) if len(w) == 2}
            errored, timeout = parts.get("errored", 0), parts.get("timeout", 0)

    def window_p99(lo, hi):
        v = sorted(r[2] for r in reqs if lo <= r[0] < hi)
        return pct(v, 0.99), (v[-1] if v else 0), len(v)

    steady = window_p99(t0 + 1_000_000, event_us)
    during = window_p99(event_us, event_us + 1_000_000)
    after = window_p99(event_us + 2_000_000, reqs[-1][0] if reqs else event_us)
    # Worst 1 s window (aligned to the event) after the event.
    worst = max((window_p99(event_us + k * 1_000_000, event_us + (k + 1) * 1_000_000)[0]
                 for k in range(0, 10)), default=0)

    # HAProxy's active checks (path /__check) are not proxied requests.
    got = [int(l.split("\t")[0]) for l in open(backend_log) if l.strip() and "/__check" not in l]
    after_ev = [t for t in got if t >= event_us]
    last_recv_ms = f"{(max(after_ev) - event_us) / 1000:.1f}" if after_ev else "-"

    samples = []
    for l in open(poll_log):
        p = l.rstrip("\n").split("\t")
        if p[1] != "-":
            samples.append((int(p[0]), int(p[1]), int(p[2]), int(p[3])))
    pre = [s for s in samples if s[0] < event_us]
    post = [s for s in samples if s[0] >= event_us]
    fails_after = attempts_after = "-"
    out_ms = last_fail_ms = "-"
    if pre and post:
        base = pre[-1]
        fails_after = post[-1][2] - base[2]
        attempts_after = post[-1][1] - base[1]
        gone = [s for s in post if s[3] == 1]
        out_ms = f"{(gone[0][0] - event_us) / 1000:.0f}" if gone else "never"
        prev = base[2]
        for s in post:
            if s[2] != prev:
                last_fail_ms = f"{(s[0] - event_us) / 1000:.0f}"
                prev = s[2]
    dur = (reqs[-1][0] - t0) / 1e6 if reqs else 0
    print("\t".join(str(x) for x in [
        len(reqs), f"{len(reqs) / dur:.0f}" if dur else 0, non2xx + errored + timeout, non2xx, errored + timeout,
        len(after_ev), last_recv_ms, attempts_after, fails_after, last_fail_ms, out_ms,
        f"{steady[0] / 1000:.2f}", f"{during[0] / 1000:.2f}", f"{during[1] / 1000:.1f}", f"{worst / 1000:.2f}",
        f"{after[0] / 1000:.2f}"]))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "backend":
        backend(args[0], int(args[1]), args[2])
    elif cmd == "poll":
        poll(args[0], args[1], int(args[2]), args[3], args[4], float(args[5]), float(args[6]))
    elif cmd == "analyze":
        analyze(args[0], args[1], int(args[2]), args[3], args[4], int(args[5]))
    else:
        sys.exit(f"unknown command {cmd}")
