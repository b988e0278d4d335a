"""The ASGI application: HTML pages, the JSON API and Atom feeds (GET); the login form and,
with `web.actions`, a few actions (POST forms with CSRF tokens)."""

from __future__ import annotations

import secrets

from asgi_csrf import asgi_csrf
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from newswatch.alerts.rules import Rule
from newswatch.cli.state import AppState
from newswatch.web import actions, api, pages
from newswatch.web.security import Guard
from newswatch.web.site import HERE, Site


async def error_page(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    detail = getattr(exc, "detail", "error")
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": detail}, status_code=status)
    site: Site = request.app.state.site
    return site.page(request, "error.html", status=status, code=status, detail=detail)


def create_app(app_state: AppState, rules: list[Rule]) -> SessionMiddleware:
    site = Site(app_state, rules)
    routes = [
        Route("/", pages.stream_page),
        Route("/search", pages.search_page),
        Route("/stories/{story_id:int}", pages.story_page),
        Route("/sources", pages.sources_page),
        Route("/alerts", pages.alerts_page),
        Route("/rules", pages.rules_page),
        Route("/rules/{rule}/feed.atom", pages.rule_feed),
        Route("/login", actions.login_page, methods=["GET"]),
        Route("/login", actions.login, methods=["POST"]),
        Route("/logout", actions.logout, methods=["POST"]),
        Route("/actions/retry", actions.retry, methods=["POST"]),
        Route("/actions/mute", actions.mute, methods=["POST"]),
        Route("/api/stories", api.stories),
        Route("/api/stories/{story_id:int}", api.story),
        Route("/api/articles", api.articles),
        Route("/api/articles/{article_id:int}", api.article),
        Route("/api/sources", api.sources),
        Route("/api/alerts", api.alerts),
        Route("/api/search", api.search),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: error_page})
    app.state.site = site
    return protect(app, site)


def protect(app: Starlette, site: Site) -> SessionMiddleware:
    """Outermost first: the session cookie (signed; a login lasts until the server restarts:
    its key lives in memory), the token or login check with the security headers, then CSRF
    tokens: every POST must carry the token of its form (a double-submit cookie), the forms
    always, even from a client that sends no cookie at all."""
    web = site.settings.web
    secure = bool(web.base_url and web.base_url.startswith("https:"))
    protected = asgi_csrf(
        app,
        signing_secret=secrets.token_urlsafe(32),
        always_protect=actions.POST_PATHS,
        cookie_samesite="Strict",
        cookie_secure=secure,
    )
    token = web.auth.get_secret_value() if isinstance(web.auth, SecretStr) else None
    guarded = Guard(protected, token, site.login)
    return SessionMiddleware(
        guarded,
        secret_key=secrets.token_urlsafe(32),
        session_cookie="newswatch_session",
        same_site="strict",
        https_only=secure,
    )
