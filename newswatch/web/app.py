"""The ASGI application: HTML pages, the JSON API and Atom feeds, all read-only (GET)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from newswatch.alerts.rules import Rule
from newswatch.cli.state import AppState
from newswatch.web import api, pages
from newswatch.web.security import Guard
from newswatch.web.site import HERE, Site


async def error_page(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    detail = getattr(exc, "detail", "error")
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": detail}, status_code=status)
    site: Site = request.app.state.site
    return site.page(request, "error.html", status=status, code=status, detail=detail)


def create_app(app_state: AppState, rules: list[Rule]) -> Guard:
    site = Site(app_state, rules)
    routes = [
        Route("/", pages.stream_page),
        Route("/search", pages.search_page),
        Route("/stories/{story_id:int}", pages.story_page),
        Route("/sources", pages.sources_page),
        Route("/alerts", pages.alerts_page),
        Route("/rules", pages.rules_page),
        Route("/rules/{rule}/feed.atom", pages.rule_feed),
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
    token = app_state.settings.web.auth
    return Guard(app, token.get_secret_value() if token else None)
