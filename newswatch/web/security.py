"""What every response of the web view gets: a token or login check when one is configured,
strict security headers (no script may run at all), and a bound on how fast one client
searches or tries passwords. CSRF tokens for the POST forms: asgi-csrf (see app.py)."""

from __future__ import annotations

import base64
import hmac
import ipaddress
import secrets
import time
from collections import defaultdict, deque
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, quote

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse, RedirectResponse, Response
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
    """ASGI middleware: security headers on every response; who may read, by the one way
    configured: a token (Bearer, cookie, or ?token= once), or a user (the session of the
    login form, or HTTP Basic for feed readers and scripts). Without either: everyone (the
    command line allows that on loopback addresses only)."""

    def __init__(self, app: ASGIApp, token: str | None, user: Login | None = None) -> None:
        self.app, self.token, self.user = app, token, user

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
                await _refuse(scope, receive, send, TOKEN_NEEDED, "Bearer")
                return
        elif self.user is not None and not self.user.admits(scope):
            if _wants_page(scope):
                target = quote(scope["path"], safe="/")
                response: Response = RedirectResponse(f"/login?next={target}", status_code=303)
                await _with_headers(response)(scope, receive, send)
            else:
                await _refuse(scope, receive, send, LOGIN_NEEDED, 'Basic realm="newswatch"')
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


TOKEN_NEEDED = "401: this newswatch needs its token (Authorization: Bearer, or ?token=)"
LOGIN_NEEDED = "401: sign in at /login, or send the user and password (HTTP Basic)"
OPEN_PATHS = ("/login", "/static/")


def _with_headers(response: Response) -> Response:
    response.headers.update(HEADERS)
    return response


async def _refuse(scope: Scope, receive: Receive, send: Send, text: str, scheme: str) -> None:
    response = PlainTextResponse(text, status_code=401, headers={"www-authenticate": scheme})
    await _with_headers(response)(scope, receive, send)


def _wants_page(scope: Scope) -> bool:
    """A browser asking for a page is sent to the login form; the API and feeds get 401."""
    path = scope["path"]
    accept = Headers(scope=scope).get("accept", "")
    return (
        scope["method"] == "GET"
        and not path.startswith("/api/")
        and not path.endswith(".atom")
        and "text/html" in accept
    )


class Login:
    """The configured user: signed in through the session (SessionMiddleware, outside the
    Guard), or by HTTP Basic. A Basic password is checked by scrypt once; then a keyed digest
    of it is remembered, so a feed reader's every request does not cost a hash."""

    def __init__(self, user: str, password_hash: str) -> None:
        self.user, self.password_hash = user, password_hash
        self._key = secrets.token_bytes(32)
        self._admitted: set[bytes] = set()

    def check(self, user: str, password: str) -> bool:
        from newswatch.web.passwords import verify_password

        digest = hmac.new(self._key, f"{user}\0{password}".encode(), "sha256").digest()
        if digest in self._admitted:
            return True
        good = hmac.compare_digest(user.encode(), self.user.encode()) and verify_password(
            password, self.password_hash
        )
        if good and len(self._admitted) < MAX_CLIENTS:
            self._admitted.add(digest)
        return good

    def admits(self, scope: Scope) -> bool:
        if scope["path"].startswith(OPEN_PATHS):
            return True
        if scope.get("session", {}).get("user") == self.user:
            return True
        authorization = Headers(scope=scope).get("authorization", "")
        if not authorization.lower().startswith("basic "):
            return False
        try:
            user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
        except ValueError:
            return False
        return self.check(user, password)


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
