#!/usr/bin/env python3
"""Starts a server and times it: process start -> READY_URL answers 200 -> PROXIED_URL answers 200.

Usage: startup_probe.py READY_URL PROXIED_URL LOG TIMEOUT_S -- CMD...

CMD starts in its own session (its stdout and stderr go to LOG) and is left running: the caller measures it further
and stops its process group. Prints one line: "pid ready_ms proxied_ms cpu_ms_at_ready rss_kb_at_ready", times from
just before the process is spawned, each URL polled every 2 ms. Exit 1 (and CMD stopped) if CMD exits or TIMEOUT_S
passes first.
"""
import http.client
import os
import signal
import subprocess
import sys
import time
import urllib.parse


def answers_200(url):
    u = urllib.parse.urlsplit(url)
    try:
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=1)
        c.request("GET", u.path or "/")
        r = c.getresponse()
        r.read()
        c.close()
        return r.status == 200
    except OSError:
        return False


def cpu_ms(pid):  # utime + stime of the process (every thread), fields 14 and 15 of /proc/PID/stat
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 // os.sysconf("SC_CLK_TCK")


def rss_kb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main():
    if len(sys.argv) < 6 or sys.argv[5] != "--":
        sys.exit(__doc__)
    ready_url, proxied_url, log, timeout = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    cmd = sys.argv[6:]
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=open(log, "w"), stderr=subprocess.STDOUT,
                         start_new_session=True)

    def wait(url):
        while not answers_200(url):
            if p.poll() is not None or time.monotonic() - t0 > timeout:
                if p.poll() is None:
                    os.killpg(p.pid, signal.SIGKILL)
                sys.exit(f"startup_probe: {url} did not answer 200 (exit status {p.poll()}); see {log}")
            time.sleep(0.002)
        return time.monotonic()

    ready = wait(ready_url)
    cpu, rss = cpu_ms(p.pid), rss_kb(p.pid)
    proxied = wait(proxied_url) if proxied_url != ready_url else ready
    print(p.pid, round((ready - t0) * 1000), round((proxied - t0) * 1000), cpu, rss, flush=True)


if __name__ == "__main__":
    main()
