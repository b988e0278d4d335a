"""What every response of the web view gets: a token check when one is configured, strict
security headers (no script may run at all), and a bound on how fast one client searches."""

from __future__ import annotations

import hmac
import ipaddress
import time
from collections import defaultdict, deque
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.datastructures import MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "newswatch_token"
MAX_CLIENTS = 1000
HEADERS = {
    # No script at all, styles and images from this server only, forms only to it.
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve anywhere


def _presented_token(scope: Scope) -> tuple[str | None, bool]:
    """The token of a request, and whether it came in the URL (then it goes into a cookie,
    so links inside the pages work without carrying it)."""
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip(), False
    cookie = SimpleCookie(headers.get("cookie", ""))
    if COOKIE in cookie:
        return cookie[COOKIE].value, False
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if "token" in query:
        return query["token"][0], True
    return None, False


class Guard:
    """ASGI middleware: security headers on every response; 401 without the token."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app, self.token = app, token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from_url = False
        if self.token is not None:
            presented, from_url = _presented_token(scope)
            if presented is None or not hmac.compare_digest(
                presented.encode(), self.token.encode()
            ):
                response = PlainTextResponse(
                    "401: this newswatch needs its token (Authorization: Bearer, or ?token=)",
                    status_code=401,
                    headers={"www-authenticate": "Bearer", **HEADERS},
                )
                await response(scope, receive, send)
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
                if from_url:
                    headers.append(
                        "set-cookie",
                        f"{COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/",
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RateLimit:
    """At most ``per_window`` expensive requests (searches, query trials) per client in a
    sliding window: one user typing is never slowed, a loop hammering the database is."""

    def __init__(self, per_window: int = 30, window_seconds: float = 10.0) -> None:
        self.per_window, self.window = per_window, window_seconds
        self.recent: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, client: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        if len(self.recent) > MAX_CLIENTS:  # forget idle clients: memory stays bounded
            for idle in [c for c, t in self.recent.items() if now - t[-1] > self.window]:
                del self.recent[idle]
        times = self.recent[client]
        while times and now - times[0] > self.window:
            times.popleft()
        if len(times) >= self.per_window:
            return False
        times.append(now)
        return True
