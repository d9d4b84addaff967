"""RealFaultIT's backend: answers every GET with its id, the head and the body in one write.

A process killed (SIGKILL) or paused (SIGSTOP) then stops before a response or after a whole one, never between
its head and its body: the proxy has already forwarded a head to the client by the time a body would fail, and no
proxy can retry that, so a backend that writes them apart (as `python3 -m http.server` does) would make a lost
request the test's doing, not the proxy's. Uploads (POST/PUT) are read and answered 200 the same way.

usage: backend.py HOST PORT ID
"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self):
        body = (self.server.backend_id + "\n").encode()
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s"
                         % (len(body), body))

    def do_GET(self):
        self._answer()

    def _read_body(self):
        remaining = int(self.headers.get("Content-Length", "0") or "0")
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 65536))
            if not chunk:
                return
            remaining -= len(chunk)

    def do_POST(self):
        self._read_body()
        self._answer()

    do_PUT = do_POST

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer((sys.argv[1], int(sys.argv[2])), Handler)
server.daemon_threads = True
server.backend_id = sys.argv[3]
server.serve_forever()
