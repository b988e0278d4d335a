"""The POST endpoints: signing in and out, and the actions (retry a delivery now, mute or
unmute a rule), which exist only with `web.actions: true`. Every form carries its CSRF token,
checked by asgi-csrf before any of these runs."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from newswatch.storage import outbox
from newswatch.web.site import Site

POST_PATHS = ["/login", "/logout", "/actions/retry", "/actions/mute"]
MAX_FIELD = 200


def _login(site: Site):
    if site.login is None:
        raise HTTPException(404, "no user is configured (web.auth: {user, password_hash})")
    return site.login


def _local(target: str | None) -> str:
    """Only a path of this site: a crafted `next` must not send the user elsewhere."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def login_page(request: Request) -> Response:
    site: Site = request.app.state.site
    _login(site)
    target = _local(request.query_params.get("next"))
    return site.page(request, "login.html", target=target, error=None)


async def login(request: Request) -> Response:
    site: Site = request.app.state.site
    account = _login(site)
    if not site.logins.allow(request.client.host if request.client else "?"):
        raise HTTPException(429, "too many sign-in attempts; wait a minute")
    form = await request.form()
    user = str(form.get("user", ""))[:MAX_FIELD]
    password = str(form.get("password", ""))[:MAX_FIELD]
    target = _local(str(form.get("next", "/")))
    if not await run_in_threadpool(account.check, user, password):  # scrypt: off the loop
        return site.page(
            request, "login.html", status=401, target=target, error="Wrong user or password."
        )
    request.session.clear()
    request.session["user"] = account.user
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    request.session.clear()
    site: Site = request.app.state.site
    return RedirectResponse("/login" if site.login else "/", status_code=303)


def _actions_on(site: Site) -> None:
    if not site.actions:
        raise HTTPException(403, "read-only: actions need web.actions: true")


async def retry(request: Request) -> Response:
    site: Site = request.app.state.site
    _actions_on(site)
    form = await request.form()
    delivery = str(form.get("delivery", ""))
    if not delivery.isdigit():
        raise HTTPException(400, "delivery: a number")
    with site.sessions.begin() as session:
        if not outbox.retry_now(session, int(delivery)):
            raise HTTPException(404, "no pending delivery with that number")
    return RedirectResponse("/alerts", status_code=303)


async def mute(request: Request) -> Response:
    site: Site = request.app.state.site
    _actions_on(site)
    form = await request.form()
    rule = str(form.get("rule", ""))
    if rule not in {r.name for r in site.rules}:
        raise HTTPException(404, "no such rule")
    with site.sessions.begin() as session:
        outbox.set_muted(session, rule, form.get("muted") == "1")
    return RedirectResponse("/alerts", status_code=303)
