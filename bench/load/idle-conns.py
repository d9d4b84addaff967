#!/usr/bin/env python3
"""Many idle keep-alive connections through a proxy, and the memory they cost it.

Usage: idle-conns.py HOST:PORT [--conns 10000] [--pid PID ...] [--hold SECONDS] [--ready-file FILE]

Opens --conns HTTP/1.1 connections to HOST:PORT (at most --concurrency connecting or waiting at once, so the
proxy's upstream side stays small), sends one GET on each and reads its answer, then keeps every connection open
and idle. It reads the RSS of the --pid processes (the proxy: summed, from /proc/PID/smaps_rollup) before the
first connection and once every connection is open and answered (after --settle seconds), and prints the delta
per connection. Then it prints "ready" (and touches --ready-file), holds the connections for --hold seconds
(0: until SIGINT/SIGTERM) while another client measures the proxy, counts the connections the proxy closed, and at
the end sends one more GET on every connection still open to show they still serve. The last line is one JSON
object with every count and figure (keys below); the exit status is 1 when a connection failed or was closed.

Raises its own open-file limit to the hard limit; the proxy needs its own (ulimit -n) and its connection limit
(HAProxy maxconn, Gossamer's listeners[].max_connections, 10,000 by default) above --conns.
Standard library only (selectors, epoll on Linux).
"""
import argparse
import errno
import json
import os
import resource
import selectors
import signal
import socket
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("target", help="HOST:PORT of the proxy's listener")
    p.add_argument("--conns", type=int, default=10000, help="connections to open and keep (default 10000)")
    p.add_argument("--path", default="/", help="request path (default /)")
    p.add_argument("--host-header", default=None, help="Host header (default: HOST:PORT)")
    p.add_argument("--concurrency", type=int, default=64,
                   help="connections connecting or waiting for their answer at once (default 64)")
    p.add_argument("--pid", type=int, action="append", default=[],
                   help="a process of the proxy whose RSS to read (repeat for several, e.g. nginx master+worker)")
    p.add_argument("--settle", type=float, default=3.0,
                   help="seconds between the last answer and the RSS reading (default 3)")
    p.add_argument("--hold", type=float, default=0.0,
                   help="seconds to keep the connections idle after 'ready' (default 0: until SIGINT/SIGTERM)")
    p.add_argument("--ready-file", default=None, help="file to create once every connection is open and answered")
    p.add_argument("--timeout", type=float, default=120.0,
                   help="seconds allowed to open and answer every connection (default 120)")
    a = p.parse_args()
    host, _, port = a.target.rpartition(":")
    if not host or not port.isdigit():
        p.error(f"target: {a.target} (expected: HOST:PORT)")
    if a.conns < 1 or a.concurrency < 1:
        p.error("--conns and --concurrency must be >= 1")
    for pid in a.pid:
        if not os.path.exists(f"/proc/{pid}/smaps_rollup"):
            p.error(f"--pid {pid}: no such process (expected: a running proxy process)")
    a.addr = (host, int(port))
    return a


def memory_kib(pids):
    """(rss, anonymous) in KiB, summed over pids, from smaps_rollup."""
    rss = anon = 0
    for pid in pids:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Anonymous:"):
                    anon += int(line.split()[1])
    return rss, anon


def raise_nofile(need):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    if soft < need:
        sys.exit(f"idle-conns: open-file limit {soft} < {need} (expected: raise it, e.g. ulimit -n {need + 1024})")


class Conn:
    __slots__ = ("sock", "state", "buf", "need", "status")

    def __init__(self, sock):
        self.sock, self.state, self.buf, self.need, self.status = sock, "connecting", b"", None, None


def response_complete(c):
    """True when c.buf holds a whole response (head + Content-Length body); sets c.status."""
    end = c.buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    if c.need is None:
        head = c.buf[:end].decode("latin-1").split("\r\n")
        length = 0
        for h in head[1:]:
            k, _, v = h.partition(":")
            if k.strip().lower() == "content-length":
                length = int(v.strip())
        c.need = end + 4 + length
        c.status = int(head[0].split()[1])
    return len(c.buf) >= c.need


def exchange(conns, sel, request, concurrency, deadline, counts, new_socket=None):
    """Runs one request on each connection in conns (or opens it first when new_socket is given) with at most
    `concurrency` in flight; returns the list of connections that answered 200."""
    pending = list(conns) if new_socket is None else None
    to_open = len(conns) if new_socket is not None else 0
    ok, in_flight = [], 0

    def start_next():
        nonlocal to_open, in_flight
        if new_socket is not None and to_open > 0:
            to_open -= 1
            c = new_socket()
            if c is None:
                counts["connect_errors"] += 1
                return True
            sel.register(c.sock, selectors.EVENT_WRITE, c)
        elif pending:
            c = pending.pop()
            c.state, c.buf, c.need, c.status = "sent", b"", None, None
            try:
                c.sock.sendall(request)
            except OSError:
                counts["closed_by_proxy"] += 1
                sel.unregister(c.sock)
                c.sock.close()
                return True
        else:
            return False
        in_flight += 1
        return True

    while in_flight < concurrency and start_next():
        pass
    while in_flight > 0:
        if time.monotonic() > deadline:
            counts["timeouts"] += in_flight
            break
        for key, _ in sel.select(timeout=1.0):
            c = key.data
            if c.state == "idle":  # an idle connection became readable: the proxy closed it (or sent junk)
                counts["closed_by_proxy"] += 1
                sel.unregister(c.sock)
                c.sock.close()
                continue
            if c.state == "connecting":
                err = c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    counts["connect_errors"] += 1
                    sel.unregister(c.sock)
                    c.sock.close()
                    in_flight -= 1
                    start_next()
                    continue
                c.state = "sent"
                c.sock.sendall(request)
                sel.modify(c.sock, selectors.EVENT_READ, c)
                continue
            try:
                data = c.sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                counts["closed_by_proxy"] += 1
                sel.unregister(c.sock)
                c.sock.close()
                in_flight -= 1
                start_next()
                continue
            c.buf += data
            if response_complete(c):
                in_flight -= 1
                c.state = "idle"
                if c.status == 200:
                    ok.append(c)
                else:
                    counts["non_200"] += 1
                start_next()
    return ok


def main():
    a = parse_args()
    raise_nofile(a.conns + 64)
    host_header = a.host_header or f"{a.addr[0]}:{a.addr[1]}"
    request = f"GET {a.path} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: idle-conns\r\n\r\n".encode()
    sel = selectors.DefaultSelector()
    counts = {"connect_errors": 0, "closed_by_proxy": 0, "non_200": 0, "timeouts": 0}
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))

    def new_socket():
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        rc = s.connect_ex(a.addr)
        if rc not in (0, errno.EINPROGRESS):
            s.close()
            return None
        return Conn(s)

    rss0, anon0 = memory_kib(a.pid)
    t0 = time.monotonic()
    ok = exchange([None] * a.conns, sel, request, a.concurrency, t0 + a.timeout, counts, new_socket)
    answered = len(ok)
    open_seconds = time.monotonic() - t0
    time.sleep(a.settle)
    rss1, anon1 = memory_kib(a.pid)
    per_conn = (rss1 - rss0) * 1024 / len(ok) if ok and a.pid else None
    memory = (f"; proxy RSS {rss0 / 1024:.1f} -> {rss1 / 1024:.1f} MiB" if a.pid else "") \
        + (f" ({per_conn / 1024:.2f} KiB per connection)" if per_conn is not None else "")
    print(f"ready: {len(ok)} of {a.conns} connections open and answered 200 in {open_seconds:.1f} s{memory}",
          flush=True)
    if a.ready_file:
        open(a.ready_file, "w").close()

    # Hold: any readable idle connection is one the proxy closed.
    t_hold = time.monotonic()
    while not stop and (a.hold == 0 or time.monotonic() - t_hold < a.hold):
        for key, _ in sel.select(timeout=0.5):
            c = key.data
            counts["closed_by_proxy"] += 1
            sel.unregister(c.sock)
            c.sock.close()
            if c in ok:
                ok.remove(c)
    rss2, anon2 = memory_kib(a.pid)
    held = time.monotonic() - t_hold

    # Still serving: one more request on every connection still open.
    again = exchange(ok, sel, request, a.concurrency, time.monotonic() + a.timeout, counts)
    report = {
        "target": a.target, "conns": a.conns, "answered_200": answered, "open_seconds": round(open_seconds, 2),
        "held_seconds": round(held, 1), "still_serving_200": len(again), **counts,
        "rss_before_kib": rss0, "anon_before_kib": anon0, "rss_open_kib": rss1, "anon_open_kib": anon1,
        "rss_after_hold_kib": rss2, "anon_after_hold_kib": anon2,
        "rss_bytes_per_conn": round(per_conn) if per_conn is not None else None,
        "anon_bytes_per_conn": round((anon1 - anon0) * 1024 / len(ok)) if ok and a.pid else None,
    }
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    print(json.dumps(report), flush=True)
    failed = counts["connect_errors"] + counts["closed_by_proxy"] + counts["non_200"] + counts["timeouts"]
    return 1 if failed or len(again) != a.conns else 0


if __name__ == "__main__":
    sys.exit(main())
