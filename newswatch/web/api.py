"""The JSON API: the same objects as the command line's --json, as JSON arrays."""

from __future__ import annotations

from datetime import UTC, tzinfo
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from newswatch.alerts.textsearch import SearchQueryError
from newswatch.alerts.textsearch import search as run_search
from newswatch.cli.alerts import _delivery_json as delivery_json
from newswatch.cli.articles import article_json
from newswatch.cli.stories import story_json
from newswatch.storage import outbox, repository
from newswatch.storage.models import Article
from newswatch.web import highlight, queries
from newswatch.web.site import Site, source_reports, stream_filter

LIMIT = 500  # objects per request at most


def _limit(request: Request) -> int:
    value = request.query_params.get("limit", "50")
    return max(1, min(int(value), LIMIT)) if value.isdigit() else 50


def stories(request: Request) -> Response:
    site: Site = request.app.state.site
    with site.sessions() as session:
        stories = queries.stream(session, stream_filter(request))
        return JSONResponse([story_json(s, site.zones) for s in stories])


def story(request: Request) -> Response:
    site: Site = request.app.state.site
    with site.sessions() as session:
        story = repository.get_story(session, request.path_params["story_id"])
        if story is None:
            return JSONResponse({"error": "no such story"}, status_code=404)
        return JSONResponse(story_json(story, site.zones))


def articles(request: Request) -> Response:
    site: Site = request.app.state.site
    params = request.query_params
    with site.sessions() as session:
        articles = repository.list_articles(
            session,
            source_ids=params.getlist("source"),
            language=params.get("language") or None,
            limit=_limit(request),
        )
        return JSONResponse([article_json(a, site.zones.get(a.source_id, UTC)) for a in articles])


def article(request: Request) -> Response:
    site: Site = request.app.state.site
    with site.sessions() as session:
        article = session.get(Article, request.path_params["article_id"])
        if article is None:
            return JSONResponse({"error": "no such article"}, status_code=404)
        return JSONResponse(article_json(article, site.zones.get(article.source_id, UTC)))


def sources(request: Request) -> Response:
    return JSONResponse(source_reports(request.app.state.site))


def alerts(request: Request) -> Response:
    site: Site = request.app.state.site
    status = request.query_params.get("status", "pending")
    if status not in ("pending", "sent"):
        return JSONResponse({"error": "status is pending or sent"}, status_code=400)
    with site.sessions() as session:
        rows = outbox.listing(session, status, _limit(request))
        return JSONResponse([delivery_json(d) for d in rows])


def search(request: Request) -> Response:
    site: Site = request.app.state.site
    site.throttle(request)
    with site.sessions() as session:
        try:
            hits = run_search(session, request.query_params.get("q", ""), limit=_limit(request))
        except SearchQueryError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse([search_json(h, site.zones) for h in hits])


def search_json(hit: Any, zones: dict[str, tzinfo]) -> dict[str, Any]:
    """One search result: the article as `articles list --json` gives it, without its text,
    plus the words that matched and a plain snippet."""
    data = article_json(hit.article, zones.get(hit.article.source_id, UTC), with_text=False)
    spans = [(s.start, s.end) for s in hit.text_spans]
    data["matched"] = hit.matched
    data["snippet"] = "".join(text for text, _ in highlight.snippet(hit.article.text, spans))
    return data
