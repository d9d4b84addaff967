#!/usr/bin/env python3
"""Opens N idle HTTP/1.1 keep-alive connections through a proxy and holds them (bench/load/run.sh's
many-connections run).

Usage: idle-conns.py HOST PORT N [--path /] [--in-flight 100] [--timeout 60]

Each connection sends one `GET PATH` and reads a whole response (Content-Length framed), so the proxy has seen a
request on it and keeps it as an idle keep-alive connection; then it stays open, silent. At most --in-flight
connections are being opened or answered at once, so the proxies' upstream pools stay small. Once every
connection was tried it prints one line and flushes:

    opened ok=K refused=R closed=C bad_status=B timeout=T seconds=S

(refused: connect failed; closed: the peer closed or reset before a whole response; bad_status: an answer other
than 200; timeout: nothing whole within --timeout of the start). It then holds the connections until SIGTERM or
SIGINT, looks which of the ok ones the peer closed meanwhile, prints

    held open=M closed=X

and exits 0, resetting its connections (SO_LINGER 0, so no TIME_WAIT is left for the next run).
Needs an open-file limit above N (run.sh raises `ulimit -n`). The tool is one file on purpose: a faster one
(another language, or a main in the bench module) can replace it if it keeps these two lines.
"""
import argparse
import errno
import selectors
import signal
import socket
import struct
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("n", type=int)
    ap.add_argument("--path", default="/")
    ap.add_argument("--in-flight", type=int, default=100)
    ap.add_argument("--timeout", type=float, default=60.0)
    a = ap.parse_args()
    if a.n < 1 or a.in_flight < 1 or not 0 < a.port < 65536:
        ap.error(f"n: {a.n}, in-flight: {a.in_flight}, port: {a.port} (expected: >= 1, >= 1, 1..65535)")

    request = (f"GET {a.path} HTTP/1.1\r\nHost: {a.host}:{a.port}\r\nUser-Agent: idle-conns\r\n\r\n").encode()
    sel = selectors.DefaultSelector()
    counts = dict(ok=0, refused=0, closed=0, bad_status=0, timeout=0)
    idle = []
    buf = {}  # socket -> bytes read so far
    started = time.monotonic()
    deadline = started + a.timeout
    next_i = 0
    in_flight = 0

    def finish(s, outcome):
        nonlocal in_flight
        sel.unregister(s)
        buf.pop(s, None)
        in_flight -= 1
        counts[outcome] += 1
        if outcome == "ok":
            idle.append(s)
        else:
            s.close()

    def response_done(data):
        """None while incomplete, else the status code."""
        head_end = data.find(b"\r\n\r\n")
        if head_end < 0:
            return None
        head = data[:head_end].decode("latin-1").split("\r\n")
        status = int(head[0].split(" ")[1])
        length = 0
        for line in head[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        return status if len(data) >= head_end + 4 + length else None

    while (next_i < a.n or in_flight) and time.monotonic() < deadline:
        while next_i < a.n and in_flight < a.in_flight:
            next_i += 1
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            rc = s.connect_ex((a.host, a.port))
            if rc not in (0, errno.EINPROGRESS):
                counts["refused"] += 1
                s.close()
                continue
            in_flight += 1
            buf[s] = b""
            sel.register(s, selectors.EVENT_WRITE, "connect")
        for key, _ in sel.select(timeout=0.5):
            s = key.fileobj
            if key.data == "connect":
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
                    in_flight -= 1
                    sel.unregister(s)
                    buf.pop(s, None)
                    counts["refused"] += 1
                    s.close()
                    continue
                try:
                    s.send(request)  # a few dozen bytes into an empty socket buffer: sent whole
                except OSError:
                    finish(s, "closed")
                    continue
                sel.modify(s, selectors.EVENT_READ, "read")
                continue
            try:
                chunk = s.recv(65536)
            except OSError:
                chunk = b""
            if not chunk:
                finish(s, "closed")
                continue
            buf[s] += chunk
            try:
                status = response_done(buf[s])
            except (ValueError, IndexError):
                status = -1
            if status is not None:
                finish(s, "ok" if status == 200 else "bad_status")
    for s in list(buf):
        counts["timeout"] += 1
        sel.unregister(s)
        s.close()
    counts["timeout"] += a.n - next_i
    # Blocked before the line that tells run.sh it may signal, then waited for: no window where TERM kills us.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    print("opened " + " ".join(f"{k}={v}" for k, v in counts.items())
          + f" seconds={time.monotonic() - started:.2f}", flush=True)

    signal.sigwait({signal.SIGTERM, signal.SIGINT})

    closed = 0
    check = selectors.DefaultSelector()
    for s in idle:
        check.register(s, selectors.EVENT_READ)
    for key, _ in check.select(timeout=0):
        try:
            if not key.fileobj.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT):
                closed += 1
        except OSError:
            closed += 1
    print(f"held open={len(idle) - closed} closed={closed}", flush=True)
    linger = struct.pack("ii", 1, 0)
    for s in idle:
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        except OSError:
            pass
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
