"""A real HTTP webhook receiver on loopback (http.server) that records every POST raw, answers
with the status the test sets (500 for an outage), and can hold its answer after the 2xx
status line, the moment a sender has its success and has not yet recorded it."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Post:
    path: str
    headers: dict[str, str]
    body: dict
    status: int  # what the receiver answered

    @property
    def key(self) -> str | None:
        return self.headers.get("Idempotency-Key")


@dataclass
class Receiver:
    status: int = 200
    posts: list[Post] = field(default_factory=list)
    # hold: the next 2xx answer sends its status line and headers, then waits for `release`
    # before the body; `held` tells a sender is waiting there
    hold: bool = False
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                receiver._handle(self)

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    def stop(self) -> None:
        self.release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:  # form://, xml://
            body = {"raw": raw.decode("utf-8", "replace")}
        with self._lock:
            status, hold = self.status, self.hold and 200 <= self.status < 300
            self.hold = self.hold and not hold
            self.posts.append(Post(request.path, dict(request.headers), body, status))
        try:
            request.send_response(status)
            request.send_header("Content-Length", "2")
            request.end_headers()
            request.wfile.flush()
            if hold:
                self.held.set()
                self.release.wait(60)
            request.wfile.write(b"{}")
        except OSError:  # the sender is gone (killed while held)
            pass

    def by_key(self) -> dict[str | None, list[Post]]:
        found: dict[str | None, list[Post]] = {}
        for post in list(self.posts):
            found.setdefault(post.key, []).append(post)
        return found
